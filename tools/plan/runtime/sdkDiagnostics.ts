/**
 * The SDK's diagnostics the offline plan turns off while it evaluates the program: nothing the
 * mock monitor or the plan reads, and each was a hot spot of the plan's profiles (see below and
 * `README.md` beside this file for what each still saves).
 */
import * as pulumi from "@pulumi/pulumi";
import { plainPath } from "./mode";

/**
 * Turns off, until the returned function restores them, the diagnostics the SDK gathers for every
 * resource and promise, which the mock monitor and the plan never read. Each was a hot spot of
 * the plan's profiles:
 * - stack traces (`Error.stackTraceLimit`) and source maps: with tsx's maps every internal promise's
 *   `new Error().stack` was mapped back to TypeScript, ~80% of the CPU of evaluating 2,000 records;
 *   the plan reports errors by message;
 * - `debuggablePromise`, which wraps every internal promise in three more, a context string and a
 *   set entry, for a report of promises still pending at exit (a finished evaluation has none): a
 *   third of the evaluation's CPU and 300 MB of the 6,000-resource bench stack's peak;
 * - each resource's source position and stack trace (`Resource.stackTrace`, which lifts the trace
 *   limit to infinity and parses every frame), sent to the engine for its messages: 0.6 s there.
 * The promises settle to the same values and the resources register the same inputs.
 * EDGE_PLAN_STACK_TRACES=1 keeps all of them, for debugging the plan itself; the plain path
 * (EDGE_PLAN_PLAIN=1) keeps them too.
 */
export function withoutSdkDiagnostics(): () => void {
  if (process.env.EDGE_PLAN_STACK_TRACES === "1" || plainPath()) return () => undefined;
  const sourceMaps = process.sourceMapsEnabled;
  const stackTraceLimit = Error.stackTraceLimit;
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: unknown };
  const debuggablePromise = debuggable.debuggablePromise;
  // Private in the typings; a static the Resource constructor calls.
  const resourceClass = pulumi.Resource as unknown as { stackTrace?: unknown };
  const stackTrace = resourceClass.stackTrace;

  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  if (typeof debuggablePromise === "function") debuggable.debuggablePromise = <T>(promise: Promise<T>) => promise;
  if (typeof stackTrace === "function") resourceClass.stackTrace = () => [];
  return () => {
    process.setSourceMapsEnabled(sourceMaps);
    Error.stackTraceLimit = stackTraceLimit;
    debuggable.debuggablePromise = debuggablePromise;
    resourceClass.stackTrace = stackTrace;
  };
}
