/**
 * How many plans and policy pack processes `npm run pr-check` needs, on a clone of this project
 * with the dev stack alone: a pull request that changes the pack gets a second pack for the base's
 * plans; one that changes only another stack's file plans once for both sides and starts one pack.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneProjectWithDevStack, ProjectClone } from "../../support/projectClone";
import { prCheckProcessArgs } from "../../../tools/prCheck/command";

let repo: string;
let git: ProjectClone["git"];
let out: string;
let base: string;

/** A pull request on the base that appends `line` to `file`, checked by pr-check without its cache. */
function prCheckOf(file: string, line: string, name: string) {
  git("checkout", "--quiet", "--detach", base);
  appendFileSync(join(repo, file), line);
  git("commit", "--quiet", "-am", `Append to ${file}`);
  const report = join(out, `${name}.md`);
  const run = spawnSync(process.execPath, [...prCheckProcessArgs(repo), "--base", base, "--out", report, "--no-cache"], {
    cwd: repo,
    encoding: "utf8",
    timeout: 300_000,
  });
  return { ...run, report: readFileSync(report, "utf8"), packsStarted: run.stderr.split("\n").filter((l) => l.startsWith("pr-check: policy pack process started for ")) };
}

let policyPr: ReturnType<typeof prCheckOf>;
let otherStackPr: ReturnType<typeof prCheckOf>;

beforeAll(() => {
  ({ dir: repo, git } = cloneProjectWithDevStack("edge-pr-pack-"));
  out = mkdtempSync(join(tmpdir(), "edge-pr-pack-out-"));
  base = git("rev-parse", "HEAD");
  policyPr = prCheckOf("policies/index.ts", "// A reviewed comment.\n", "policy");
  // The prod stack's policy config, which the dev stack's plan never reads.
  otherStackPr = prCheckOf("policies/config/prod.json", "\n", "other-stack");
}, 600_000);

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe("pr-check's plans and policy packs", () => {
  it("judges the base's plans by a second pack when the pack's files differ, and says which judged which", () => {
    expect(policyPr.status, policyPr.stderr).toBe(0);
    expect(policyPr.stderr).toContain(`pr-check: the policy pack differs at ${base}: a second pack process judges its plans`);
    expect(policyPr.packsStarted.sort()).toEqual([
      `pr-check: policy pack process started for ${base}`,
      "pr-check: policy pack process started for the working tree",
    ]);
    expect(policyPr.stderr).toContain("planning 1 stack(s)");
    expect(policyPr.stderr).toContain("2 plan(s), 0 from the cache");
    expect(policyPr.report).toContain("**The guard moved:**");
  });

  it("plans a stack once for both sides, in the working tree, with one pack, when only another stack's file changed", () => {
    expect(otherStackPr.status, otherStackPr.stderr).toBe(0);
    expect(otherStackPr.stderr).toContain("1 plan(s), 0 from the cache, 1 the same at both");
    expect(otherStackPr.stderr).toContain("no base worktree");
    expect(otherStackPr.packsStarted).toEqual(["pr-check: policy pack process started for the working tree"]);
    expect(otherStackPr.report).toContain("| `dev` | 0 | 0 | 0 | 0 |");
  });
});
