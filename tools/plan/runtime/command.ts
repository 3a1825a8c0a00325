/**
 * How the plan's, the plan worker's and pr-check's processes are started: `npm run plan` and
 * `npm run pr-check` (package.json spells the same commands, and a test holds them equal), pr-check,
 * the bench and the tests run these. Each is `node <flags> tools/plan/runtime/launch.js <entry>`:
 * the entry's compiled bundle with Node's compile cache, or the TypeScript sources through tsx on
 * the plain path (EDGE_PLAN_PLAIN=1).
 *
 * Node's heap flags, from measurements of the 6,000-resource bench stack. The program
 * paces its construction (`components/pacing.ts`), so the plan's live heap stays near 200-300 MB,
 * but it makes garbage fast: a 64 MB young generation lets more of it die young, starting the old
 * space at 300 MB skips the full collections of the heap's first growth steps, and growing by 20%
 * after a full collection keeps the heap near its live size. Runs alternated on that stack: the
 * plan's process peaked at ~575 MiB against ~915 MiB with the old space started at 1000 MB and
 * growing by 30%, 12.7 s against 11.6 s (medians of 3); with a 16 MB
 * young generation it peaked at ~470 MiB but took 16 s. A small stack never reaches these sizes.
 */
import { join } from "node:path";

export const planNodeFlags = ["--max-semi-space-size=64", "--initial-old-space-size=300", "--heap-growing-percent=20"];

/** The launcher of the tree at `root`. */
export function launcher(root: string): string {
  return join(root, "tools", "plan", "runtime", "launch.js");
}

/** `node <flags> <root>/tools/plan/runtime/launch.js plan`, as arguments of `process.execPath`. */
export function planProcessArgs(root: string): string[] {
  return [...planNodeFlags, launcher(root), "plan"];
}

/** The plan worker's process (`planWorker.ts`), started as a plan's is. */
export function planWorkerArgs(root: string): string[] {
  return [...planNodeFlags, launcher(root), "planWorker"];
}

/** `node <root>/tools/plan/runtime/launch.js prCheck`, as arguments of `process.execPath`. */
export function prCheckProcessArgs(root: string): string[] {
  return [launcher(root), "prCheck"];
}
