/**
 * How pr-check's process is started: `npm run pr-check` (package.json spells the same command, and
 * a test holds the two equal), the bench and the tests run this. CommonJS throughout, as the plan
 * (`tools/plan/command.ts`): tsx's CommonJS hook starts sooner than its CLI, which starts a second
 * Node process with the ES module loader on a worker thread.
 */
import { join } from "node:path";

/** `node --require tsx/cjs <root>/tools/prCheck/main.ts`, as arguments of `process.execPath`. */
export function prCheckProcessArgs(root: string): string[] {
  return ["--require", "tsx/cjs", join(root, "tools", "prCheck", "main.ts")];
}
