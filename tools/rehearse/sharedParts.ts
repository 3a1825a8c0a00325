/**
 * The host rehearsal's parts (test CAs, stand-in agents, bundle) shared by the processes of one test
 * run, built by the first that needs them. Only the name of the variable and the build-once step live
 * here, so the test run's setup can set the variable without loading the rehearsal.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Names a directory where the processes of one test run share their rehearsal parts, so each test
 * file that boots hosts does not build its own bundle (a minute of CPU each): the test run's setup
 * sets it to a directory of its own (test/support/tempRoot.ts). Unset, as for `npm run rehearse` and
 * `npm run gameday`, every run builds its parts from the tree as it is.
 */
export const sharedRehearsalPartsVariable = "EDGE_REHEARSAL_SHARED_PARTS";

/** How long a process waits for another one's build of the shared parts (minutes on a loaded machine) before it gives up. */
const sharedPartsWaitMs = 20 * 60_000;

/** What `build` makes, once in `shared`: the first process to take the build lock builds it, the others wait and read it. */
export function builtOnceInRun<T>(shared: string, build: (dir: string) => T, log: (line: string) => void): T {
  const ready = path.join(shared, "parts.json");
  const lock = path.join(shared, "building");
  mkdirSync(shared, { recursive: true });
  for (const deadline = Date.now() + sharedPartsWaitMs; ; ) {
    if (existsSync(ready)) {
      log(`rehearsal parts of this test run, from ${shared}`);
      return JSON.parse(readFileSync(ready, "utf8")) as T;
    }
    try {
      mkdirSync(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (Date.now() > deadline) throw new Error(`the test run's rehearsal parts in ${shared} were not ready after ${sharedPartsWaitMs / 60_000} minutes (a build holds ${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      continue;
    }
    try {
      const parts = build(mkdtempSync(path.join(shared, "parts-")));
      writeFileSync(`${ready}.tmp`, JSON.stringify(parts));
      renameSync(`${ready}.tmp`, ready);
      return parts;
    } finally {
      // A failed build frees the lock: the next process builds anew.
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
