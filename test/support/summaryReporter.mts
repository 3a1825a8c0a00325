/**
 * Ends every test run with the plain line CI reads: `N passed, N failed, N skipped`. A run that
 * vitest fails can never print "0 failed": a file that fails to load, a test that a failing
 * `beforeAll`/`beforeEach` left unrun, and a file whose hooks failed after its tests passed each
 * count as failed, and so does anything the tests left in the run's temp root (test/support/tempRoot.ts,
 * which removes it after this line is printed). Only tests skipped on purpose (`.skip`, `.skipIf`, `.todo`) count as skipped.
 */
import type { Reporter, TestCase, TestModule, TestSuite } from "vitest/node";
import { runLeftovers } from "./tempRoot.js";

/** Whether the test's suite, or one around it, or its file failed: a hook's failure. */
function aroundFailed(test: TestCase): boolean {
  for (let parent: TestSuite | TestModule = test.parent; ; parent = parent.parent) {
    if (parent.state() === "failed") return true;
    if (parent.type === "module") return false;
  }
}

export function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): { passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = unhandledErrors.length;
  let skipped = 0;
  for (const module of testModules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") passed++;
      else if (state === "failed") failedHere++;
      else if (test.options.mode !== "skip" && test.options.mode !== "todo" && aroundFailed(test)) failedHere++;
      else skipped++;
    }
    if (failedHere === 0 && module.state() === "failed") failedHere = 1;
    failed += failedHere;
  }
  return { passed, failed, skipped };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const summary = summarize(testModules, unhandledErrors);
    const { passed, skipped } = summary;
    const failed = summary.failed + (runLeftovers().length > 0 ? 1 : 0);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
