/**
 * `npm run pr-check` end to end on two pull requests of one base, in a clone of this project: its
 * exit code, the comment's first line and the `--json` verdict the workflow reads agree. A
 * documentation-only change plans nothing of its own (its plans are the base's); a raised bound in
 * the stack's policy config needs a code owner's approval (exit 3), with the bound old → new and
 * what the head's plan judged with the base's config says it now admits.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneProjectWithDevStack, ProjectClone } from "../../support/projectClone";
import { prCheckProcessArgs } from "../../../tools/plan/runtime/command";

let repo: string;
let git: ProjectClone["git"];
let base: string;

function prCheck(name: string, cache = "cache") {
  const out = (file: string) => join(repo, "out", `${name}.${file}`);
  const run = spawnSync(process.execPath, [...prCheckProcessArgs(repo), "--base", base, "--out", out("md"), "--json", out("json"), "--sarif", out("sarif"), "--cache-dir", join(repo, "out", cache)], {
    cwd: repo,
    encoding: "utf8",
    timeout: 300_000,
  });
  const read = (file: string) => {
    try {
      return readFileSync(out(file), "utf8");
    } catch {
      return "";
    }
  };
  const report = read("md");
  return { status: run.status, stderr: run.stderr, report, firstLine: report.split("\n")[2] ?? "", json: JSON.parse(read("json") || "{}"), sarif: JSON.parse(read("sarif") || "{}") };
}

let docsOnly: ReturnType<typeof prCheck>;
let boundRaised: ReturnType<typeof prCheck>;
let boundRaisedCold: ReturnType<typeof prCheck>;
let packChanged: ReturnType<typeof prCheck>;
let packChangedCold: ReturnType<typeof prCheck>;

beforeAll(() => {
  ({ dir: repo, git } = cloneProjectWithDevStack("edge-pr-merge-"));
  writeFileSync(join(repo, ".git", "info", "exclude"), "/out/\n");
  base = git("rev-parse", "HEAD");
  // A documentation-only pull request.
  writeFileSync(join(repo, "docs", "runbook.md"), `${readFileSync(join(repo, "docs", "runbook.md"), "utf8")}\nA line of documentation.\n`);
  git("commit", "--quiet", "-am", "Document something");
  docsOnly = prCheck("docs");
  // A pull request on the same base that raises the dev stack's TTL bound.
  git("checkout", "--quiet", "--detach", base);
  const configPath = join(repo, "policies", "config", "dev.json");
  const config = JSON.parse(readFileSync(configPath, "utf8"));
  writeFileSync(configPath, `${JSON.stringify({ ...config, "enforce-failover-ttl": { maxTtlSeconds: 3600 } }, null, 2)}\n`);
  git("commit", "--quiet", "-am", "Raise the dev TTL bound");
  boundRaised = prCheck("bound");
  boundRaisedCold = prCheck("bound-cold", "empty-cache");
  // A pull request on the same base that edits a policy's code (a comment).
  git("checkout", "--quiet", "--detach", base);
  writeFileSync(join(repo, "policies", "dns", "enforceFailoverTtl.ts"), `${readFileSync(join(repo, "policies", "dns", "enforceFailoverTtl.ts"), "utf8")}// edited\n`);
  git("commit", "--quiet", "-am", "Edit a policy");
  packChanged = prCheck("pack");
  packChangedCold = prCheck("pack-cold", "another-empty-cache");
}, 900_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("pr-check's verdict end to end", () => {
  it("a documentation-only change plans nothing of its own, and is mergeable (exit 0)", () => {
    expect(docsOnly.stderr).toMatch(/planning 1 stack\(s\) at \S+ and in the working tree: 1 plan\(s\), 0 from the cache, 1 the same at both/);
    expect(docsOnly.stderr).toContain("every base plan of");
    expect(docsOnly.status).toBe(0);
    expect(docsOnly.firstLine).toBe("✅ **mergeable**: no risky change, no mandatory violation, no stack broken");
    expect(docsOnly.json.merge).toMatchObject({ verdict: "mergeable", exitCode: 0 });
  });

  it("a raised policy bound needs a code owner's approval (exit 3), naming the bound old → new and what it admits", () => {
    expect(boundRaised.stderr).toContain("pr-check: needs-approval: dev: guard-moved (exit 3)");
    expect(boundRaised.status).toBe(3);
    expect(boundRaised.firstLine).toBe("⚠️ **needs approval by a code owner of `policies/config/dev.json` (@edge-org/edge-maintainers)** (risky: dev: guard-moved)");
    expect(boundRaised.json.merge).toMatchObject({ verdict: "needs-approval", exitCode: 3 });
    expect(boundRaised.report).toContain("the policy config of `dev` (enforce-failover-ttl.maxTtlSeconds 300 → 3,600)");
    expect(boundRaised.report).toContain("- enforce-failover-ttl.maxTtlSeconds 300 → 3,600 (Longest TTL, in seconds, of a record traffic fails over through.)");
    // Judged again with the base's config: the head's own plan has nothing the old bound refused.
    expect(boundRaised.report).toContain("- would now accept: nothing in this stack's plan that the old config refused");
    expect(boundRaised.report).not.toContain("No changes");
    // The base's plan comes from the documentation pull request's run: the same inputs.
    expect(boundRaised.stderr).toMatch(/1 plan\(s\), 1 from the cache/);
    expect(boundRaised.sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain("edge-risk/guard-moved");
  });

  it("with nothing cached, makes the base's plan by judging the head's evaluation with the base's config: one plan, no base worktree, the same comment", () => {
    expect(boundRaisedCold.stderr).toMatch(/planning 1 stack\(s\) at \S+ and in the working tree: 1 plan\(s\), 0 from the cache/);
    expect(boundRaisedCold.stderr).toContain("or the working tree's judged with the base's policy config: no base worktree");
    expect(boundRaisedCold.status).toBe(3);
    expect(boundRaisedCold.report).toBe(boundRaised.report);
  });

  it("a policy's code changed needs approval; with nothing cached, the base's own pack judges the working tree's evaluation as the base's plan, with the same comment", () => {
    expect(packChanged.status).toBe(3);
    expect(packChanged.firstLine).toBe(
      "⚠️ **needs approval by a code owner of `policies/dns/enforceFailoverTtl.ts` (@edge-org/edge-maintainers)** (risky: the policy pack's code (1 file under `policies/`))",
    );
    expect(packChangedCold.stderr).toMatch(/planning 1 stack\(s\) at \S+ and in the working tree: 1 plan\(s\), 0 from the cache/);
    expect(packChangedCold.stderr).toContain("its pack judges the working tree's evaluation of each stack whose program is the same, as the base's plan");
    expect(packChangedCold.stderr).toMatch(/policy pack process started for [0-9a-f]{40}/);
    expect(packChangedCold.status).toBe(3);
    // The base's plan from its cached own run (the documentation pull request's) and the one judged from the head's evaluation agree.
    expect(packChangedCold.report).toBe(packChanged.report);
  });
});
