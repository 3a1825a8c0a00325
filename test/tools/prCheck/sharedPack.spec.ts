/**
 * How many plans and policy pack processes `npm run pr-check` needs, on a clone of this project
 * with the dev stack alone: a pull request that changes only the pack evaluates the program once,
 * judged by both packs; one that changes the pack and the program gets a second pack for the
 * base's plans; one that changes only another stack's file plans once for both sides and starts
 * one pack.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneProjectWithDevStack, ProjectClone } from "../../support/projectClone";
import { prCheckProcessArgs } from "../../../tools/plan/runtime/command";

let repo: string;
let git: ProjectClone["git"];
let out: string;
let base: string;

/** A pull request on the base that appends `line` to each of `files`, checked by pr-check without its cache. */
function prCheckOf(files: string[], line: string, name: string) {
  git("checkout", "--quiet", "--detach", base);
  for (const file of files) appendFileSync(join(repo, file), line);
  git("commit", "--quiet", "-am", `Append to ${files.join(", ")}`);
  const report = join(out, `${name}.md`);
  const run = spawnSync(process.execPath, [...prCheckProcessArgs(repo), "--base", base, "--out", report, "--no-cache"], {
    cwd: repo,
    encoding: "utf8",
    timeout: 300_000,
  });
  return { ...run, report: readFileSync(report, "utf8"), packsStarted: run.stderr.split("\n").filter((l) => l.startsWith("pr-check: policy pack process started for ")) };
}

let policyPr: ReturnType<typeof prCheckOf>;
let policyAndProgramPr: ReturnType<typeof prCheckOf>;
let otherStackPr: ReturnType<typeof prCheckOf>;

beforeAll(() => {
  ({ dir: repo, git } = cloneProjectWithDevStack("edge-pr-pack-"));
  out = mkdtempSync(join(tmpdir(), "edge-pr-pack-out-"));
  base = git("rev-parse", "HEAD");
  policyPr = prCheckOf(["policies/index.ts"], "// A reviewed comment.\n", "policy");
  policyAndProgramPr = prCheckOf(["policies/index.ts", "components/dnsZones.ts"], "// A reviewed comment.\n", "policy-and-program");
  // The prod stack's policy config, which the dev stack's plan never reads.
  otherStackPr = prCheckOf(["policies/config/prod.json"], "\n", "other-stack");
}, 900_000);

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe("pr-check's plans and policy packs", () => {
  it("evaluates the program once when only the pack's files differ, the base's own pack judging that evaluation as the base's plan", () => {
    // The pack's code changed: a code owner's approval.
    expect(policyPr.status, policyPr.stderr).toBe(3);
    expect(policyPr.stderr).toContain(`pr-check: the policy pack differs at ${base}: its pack judges the working tree's evaluation of each stack whose program is the same, as the base's plan`);
    expect(policyPr.packsStarted.sort()).toEqual([`pr-check: policy pack process started for ${base}`, "pr-check: policy pack process started for the working tree"]);
    expect(policyPr.stderr).toContain("planning 1 stack(s)");
    expect(policyPr.stderr).toContain("1 plan(s), 0 from the cache");
    expect(policyPr.report).toContain("**The guard moved:**");
  });

  it("judges the base's plans by a second pack when the pack's files and the program differ, and says which judged which", () => {
    expect(policyAndProgramPr.status, policyAndProgramPr.stderr).toBe(3);
    expect(policyAndProgramPr.stderr).toContain(`pr-check: the policy pack differs at ${base}: a second pack process judges its plans`);
    expect(policyAndProgramPr.packsStarted.sort()).toEqual([`pr-check: policy pack process started for ${base}`, "pr-check: policy pack process started for the working tree"]);
    expect(policyAndProgramPr.stderr).toContain("2 plan(s), 0 from the cache");
  });

  it("plans a stack once for both sides, in the working tree, with one pack, when only another stack's file changed", () => {
    expect(otherStackPr.status, otherStackPr.stderr).toBe(0);
    expect(otherStackPr.stderr).toContain("1 plan(s), 0 from the cache, 1 the same at both");
    expect(otherStackPr.stderr).toContain("no base worktree");
    expect(otherStackPr.packsStarted).toEqual(["pr-check: policy pack process started for the working tree"]);
    expect(otherStackPr.report).toContain("| `dev` | 0 | 0 | 0 | 0 |");
  });
});
