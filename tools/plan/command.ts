/**
 * How the plan's process is started: `npm run plan` (package.json spells the same command, and a
 * test holds the two equal), `npm run pr-check` and the bench all run this.
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

/**
 * `node <flags> --require tsx/cjs <root>/tools/plan/main.ts`, as arguments of `process.execPath`.
 * The plan and the pack are CommonJS throughout: tsx's CommonJS hook alone starts ~0.13 s sooner
 * than `--import tsx`, which also starts its ES module loader on a worker thread.
 */
export function planProcessArgs(root: string): string[] {
  return planModuleArgs(root, "main.ts");
}

/** The plan worker's process (`planWorker.ts`), started as a plan's is. */
export function planWorkerArgs(root: string): string[] {
  return planModuleArgs(root, "planWorker.ts");
}

function planModuleArgs(root: string, module: string): string[] {
  return [...planNodeFlags, "--require", "tsx/cjs", join(root, "tools", "plan", module)];
}
