/**
 * How the plan's process is started: `npm run plan` (package.json spells the same command, and a
 * test holds the two equal), `npm run pr-check` and the bench all run this.
 *
 * Node's heap flags, from issue 9's measurements of the 6,000-resource bench stack: while the
 * program evaluates, the SDK holds every resource's pending outputs at once (~600 MB there), and
 * with V8's default heap growth each step of growth ran a full collection over that state. Starting
 * the old space at 1000 MB skips those steps, a 64 MB young generation lets more short-lived
 * objects die young, and growing by 30% after a full collection bounds the heap past that. Runs
 * alternated on that stack: 13.6 s median (1.28 GiB peak for the plan's process) against 16.0 s
 * (0.95 GiB) with the old space at 700 MB growing by 20%, and about 14.5 s (1.55 GiB) with
 * Node's defaults: this trades memory the 1 GiB target asks for, for its 15 s target,
 * which those runs missed. A small stack never reaches these sizes.
 */
import { join } from "node:path";

export const planNodeFlags = ["--max-semi-space-size=64", "--initial-old-space-size=1000", "--heap-growing-percent=30"];

/** `node <flags> --import tsx <root>/tools/plan/main.ts`, as arguments of `process.execPath`. */
export function planProcessArgs(root: string): string[] {
  return [...planNodeFlags, "--import", "tsx", join(root, "tools", "plan", "main.ts")];
}
