/**
 * What the project's commands (`plan`, `zonefile`, `diff`, `pr-check`) share: `node:util` parseArgs
 * with the usage line on a bad argument (exit 2) and on `--help` (exit 0), stack-name checks, and
 * the report of a plan that could not be made: exit 2 for bad input, {@link internalErrorExitCode}
 * for anything else.
 */
import { parseArgs, ParseArgsConfig } from "node:util";
import { StackConfigError } from "../stacks/schema";
import { isUnansweredInvoke } from "./plan/mocks";
import { StackFileError } from "./plan/stackFile";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/**
 * The parsed arguments, or the exit code when the command should stop here. Positional arguments
 * are refused unless `allowPositionals`; a `--stack` value must be a stack name.
 */
export function parseCommandLine<O extends Options>(argv: string[], options: O, usage: string, { allowPositionals = false } = {}): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } } as O, allowPositionals, strict: true }) as Parsed<O>;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const stack = (parsed.values as Record<string, unknown>).stack;
  if (typeof stack === "string" && !/^[A-Za-z0-9_.-]+$/.test(stack)) {
    process.stderr.write(`--stack: '${stack}' is not a stack name (letters, digits, '-', '_', '.')\n`);
    return 2;
  }
  return parsed;
}

/** `--fail-on`: only `unsafe` is known. False (after saying why) for any other value. */
export function checkFailOn(value: string | undefined): boolean {
  if (value === undefined || value === "unsafe") return true;
  process.stderr.write(`--fail-on: '${value}' is not 'unsafe'\n`);
  return false;
}

/** A Pulumi RunError (a config error raised inside the program) carries this marker. */
function isRunError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { __pulumiRunError?: boolean }).__pulumiRunError === true;
}

/**
 * Exit code of a failure that is not the input's: a bug in the program, the pack or the plan
 * (sysexits.h `EX_SOFTWARE`). It is neither 0 (accepted), 1 (a policy refused) nor 2 (invalid
 * input), so a crash never reads to CI as a refusal or as the user's mistake.
 */
export const internalErrorExitCode = 70;

function reportInternalError(err: unknown, what: string): number {
  const detail = err instanceof Error ? err.stack || err.message : String(err);
  process.stderr.write(`${what} failed with an internal error, not a problem of the input (exit ${internalErrorExitCode}; EDGE_PLAN_STACK_TRACES=1 gives the full trace): ${detail}\n`);
  return internalErrorExitCode;
}

/**
 * Reports a failure of making the plan and returns the exit code: 2 with the message alone for a
 * bad stack file, policy config or stack config (a config error the program raised included);
 * {@link internalErrorExitCode} with the error for anything else.
 */
export function reportPlanFailure(err: unknown, what: string): number {
  if (err instanceof StackFileError || err instanceof StackConfigError || isRunError(err) || isUnansweredInvoke(err)) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  return reportInternalError(err, what);
}

/**
 * Ends the process with {@link internalErrorExitCode} on an exception or rejection nobody handled
 * (Node's own default is exit 1, which reads as a policy refusal).
 */
export function exitOnCrash(what: string): void {
  // A program's call the plan cannot answer often surfaces here, as a rejection of the property it
  // fed: it is the input's problem (exit 2), as when it surfaces through the plan itself.
  const crash = (err: unknown) => process.exit(isUnansweredInvoke(err) ? reportPlanFailure(err, what) : reportInternalError(err, what));
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
}
