/** The CI summary line never says "0 failed" for a run vitest fails: a failed setup hook's tests count as failed. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "..", "..");

/** Runs a fixture config's vitest as CI's run would: its exit status and the summary line it ends with. */
function runFixture(config: string): { status: number | null; summary: string | undefined } {
  const run = spawnSync(process.execPath, [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", root, "--config", path.join(root, "test", "fixtures", config)], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: run.status, summary: run.stdout.trim().split("\n").pop() };
}

describe("summary reporter", () => {
  it("counts a file the tests left in the run's temp root as a failure, though every test passed", () => {
    expect(runFixture("summaryLeftover/vitest.config.mts")).toEqual({ status: 1, summary: "1 passed, 1 failed, 0 skipped" });
  });

  it("counts the tests a failed beforeAll left unrun as failed, and only .skip as skipped", () => {
    expect(runFixture("summary/vitest.config.mts")).toEqual({ status: 1, summary: "1 passed, 2 failed, 1 skipped" });
  });
});
