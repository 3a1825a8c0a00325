/**
 * Code, comments, docs and tests say what and why, not which tracker item or work session it came
 * from: nobody who clones the repository can resolve a reference like that.
 */
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { projectRoot } from "../support/runPlan";

it("no tracked file cites a tracker number or a work session", () => {
  const found = spawnSync("git", ["grep", "-nE", "[Ii]ssue [0-9]|stop [0-9]", "--", ".", ":!package-lock.json"], { cwd: projectRoot, encoding: "utf8" });
  expect(found.status, found.stderr).not.toBe(128);
  expect(found.stdout).toBe("");
});
