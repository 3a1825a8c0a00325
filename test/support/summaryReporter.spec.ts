/** The CI summary line never says "0 failed" for a run vitest fails: a failed setup hook's tests count as failed. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "..", "..");

describe("summary reporter", () => {
  it("counts the tests a failed beforeAll left unrun as failed, and only .skip as skipped", () => {
    const run = spawnSync(
      process.execPath,
      [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", root, "--config", path.join(root, "test", "fixtures", "summary", "vitest.config.mts")],
      { cwd: root, encoding: "utf8", timeout: 120_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stdout.trim().split("\n").pop()).toBe("1 passed, 2 failed, 1 skipped");
  });
});
