/**
 * The PR comment's size budget on synthetic plans: a 200K-character change still gives a complete,
 * valid comment under the budget with every stack's summary, risky stacks first.
 */
import { describe, expect, it } from "vitest";
import { diffPlans } from "../../../tools/diff/planDiff";
import type { PlanJson, PlanJsonResource } from "../../../tools/plan/planJson";
import { defaultCommentBudget, renderReport, StackReport } from "../../../tools/prCheck/report";

const stackUrn = (stack: string) => `urn:pulumi:${stack}::edge::pulumi:pulumi:Stack::edge-${stack}`;

function resource(stack: string, type: string, name: string, inputs: Record<string, unknown>): PlanJsonResource {
  return { urn: `urn:pulumi:${stack}::edge::${type}::${name}`, type, name, parent: stackUrn(stack), custom: true, region: "us-east-1", inputs, dependencies: [] };
}

function plan(stack: string, resources: PlanJsonResource[], violations: PlanJson["violations"] = []): PlanJson {
  return { stack, resources: [{ ...resource(stack, "pulumi:pulumi:Stack", `edge-${stack}`, {}), urn: stackUrn(stack), parent: "", custom: false }, ...resources], violations };
}

/** User data of `lines` lines, base64 as the launch template holds it; `changedEvery` lines differ with `variant`. */
function userData(lines: number, variant: string, changedEvery: number): string {
  const text = Array.from({ length: lines }, (_, i) => (i % changedEvery === 0 ? `line ${i}: worker_connections ${variant};` : `line ${i}: unchanged setting`)).join("\n");
  return Buffer.from(text).toString("base64");
}

/** A stack whose launch template's user data changes in many places and that creates `created` records. */
function bigChange(stack: string, created: number): StackReport {
  const template = (variant: string) => resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "hosts", { userData: userData(6000, variant, 40) });
  const records = Array.from({ length: created }, (_, i) =>
    resource(stack, "aws:route53/record:Record", `record-${i}`, { name: `host-${i}.example.com`, type: "TXT", ttl: 60, records: ["x".repeat(400)] }),
  );
  const base = plan(stack, [template("1024")]);
  const head = plan(stack, [template("8192"), ...records]);
  return { stack, base: { code: 0, json: base, stderr: "" }, head: { code: 0, json: head, stderr: "" }, diff: diffPlans(base, head) };
}

/** A stack with a raised TTL (a risk) and a new violation. */
function riskyChange(stack: string): StackReport {
  const record = (ttl: number) => resource(stack, "aws:route53/record:Record", "api", { name: "api.example.com", type: "A", ttl, records: ["192.0.2.1"] });
  const base = plan(stack, [record(60)]);
  const violation = { policyName: "enforce-failover-ttl", enforcementLevel: "mandatory", urn: record(0).urn, subject: "api.example.com A", message: "TTL 3600 s is above 60 s." };
  const head = plan(stack, [record(3600)], [violation]);
  return { stack, base: { code: 0, json: base, stderr: "" }, head: { code: 1, json: head, stderr: "" }, diff: diffPlans(base, head) };
}

/** Fences closed (a fence closes on its own backtick count) and `<details>` balanced; the lines outside any fold. */
function structure(markdown: string): { balanced: boolean; unfolded: string[] } {
  let fence: string | undefined;
  let depth = 0;
  let balanced = true;
  const unfolded: string[] = [];
  for (const line of markdown.split("\n")) {
    const ticks = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (line === fence) fence = undefined;
      continue;
    }
    if (ticks) {
      fence = ticks;
      continue;
    }
    depth += (line.match(/<details>/g) ?? []).length;
    depth -= (line.match(/<\/details>/g) ?? []).length;
    if (depth < 0) balanced = false;
    if (depth === 0) unfolded.push(line);
  }
  return { balanced: balanced && depth === 0 && fence === undefined, unfolded };
}

const options = { baseRef: "main", baseCommit: "a".repeat(40), headCommit: "b".repeat(40), prHeadCommit: "c".repeat(40), fullReportUrl: "https://github.com/o/r/actions/runs/1" };

describe("the PR comment's size budget", () => {
  const stacks = [bigChange("alpha", 300), bigChange("beta", 300), riskyChange("prod")];
  const { markdown, full, shortened } = renderReport(stacks, options);

  it("starts from a report over 200K characters", () => {
    expect(full.length).toBeGreaterThan(200_000);
    expect(shortened).toBe(true);
  });

  it("stays under the budget, with every fence and <details> closed", () => {
    expect(markdown.length).toBeLessThan(defaultCommentBudget);
    expect(defaultCommentBudget).toBeLessThanOrEqual(64_000);
    expect(structure(markdown).balanced).toBe(true);
    expect(structure(full).balanced).toBe(true);
  });

  it("keeps every stack's row and summary, the risky stack first, and its risk and policy delta", () => {
    for (const s of stacks) {
      expect(markdown).toContain(`| \`${s.stack}\` |`);
      expect(markdown).toContain(`### Stack \`${s.stack}\``);
    }
    expect(markdown.indexOf("### Stack `prod`")).toBeLessThan(markdown.indexOf("### Stack `alpha`"));
    expect(markdown).toContain("- **ttl-raised**: TTL raised on aws:route53/record:Record api: 60 s → 3600 s");
    expect(markdown).toContain("- 🆕 new: mandatory [enforce-failover-ttl]");
  });

  it("says so outside any fold, with the link to the full report and both commits", () => {
    const notice = structure(markdown).unfolded.find((l) => l.includes("This comment is shortened"));
    expect(notice).toContain("[the full report](https://github.com/o/r/actions/runs/1)");
    expect(markdown).toContain(`Base \`${"a".repeat(12)}\` → head \`${"c".repeat(12)}\` (planned merged into the base as \`${"b".repeat(12)}\`)`);
  });

  it("shows a changed user data as hunks with 3 lines of context, not the whole document", () => {
    const { full: one } = renderReport([bigChange("alpha", 0)], { ...options, maxChars: 10_000_000 });
    expect(one).toContain("@@ -38,7 +38,7 @@");
    expect(one).toMatch(/ {11}line 38: unchanged setting\n {11}line 39: unchanged setting\n- {10}line 40: worker_connections 1024;\n\+ {10}line 40: worker_connections 8192;\n {11}line 41/);
    expect(one).not.toContain("line 45: unchanged setting");
  });

  it("spends the budget on changed property bodies first: every launch template's hunks stay, created records' bodies go, and the budget is used", () => {
    const two = renderReport([bigChange("alpha", 300), bigChange("beta", 300)], options);
    expect(two.full.length).toBeGreaterThan(200_000);
    expect(two.markdown.length).toBeLessThanOrEqual(defaultCommentBudget);
    expect(two.markdown.length).toBeGreaterThan(defaultCommentBudget * 0.9);
    expect(two.markdown).toContain("created resources' properties left out; updated and replaced resources' property changes cut to ");
    for (const stack of ["alpha", "beta"]) {
      const section = two.markdown.slice(two.markdown.indexOf(`### Stack \`${stack}\``));
      expect(section).toContain(
        "~  aws:ec2/launchTemplate:LaunchTemplate  hosts\n~      userData:\n         @@ -1,4 +1,4 @@\n-          line 0: worker_connections 1024;\n+          line 0: worker_connections 8192;\n",
      );
      expect(section).toContain("+  aws:route53/record:Record  record-299\n");
    }
    expect(two.markdown).toMatch(/… \d+ more property lines: see the full report/);
    expect(structure(two.markdown).balanced).toBe(true);
  });

  it("leaves a small report whole", () => {
    const small = renderReport([riskyChange("prod")], options);
    expect(small.shortened).toBe(false);
    expect(small.markdown).toBe(small.full);
    expect(small.markdown).not.toContain("This comment is shortened");
  });
});

describe("the policy banner", () => {
  const policyChange = { files: ["policies/config/prod.json", "policies/dns/enforceFailoverTtl.ts"], baseTree: "1".repeat(40), headTree: "2".repeat(40), uncommitted: false };

  it("says the guard moved, outside any fold and before the table, naming the pack of each side and the stacks whose config changed", () => {
    const stacks = [riskyChange("prod"), riskyChange("dev")];
    for (const s of stacks) for (const side of [s.base!, s.head!]) side.json!.policyPack = { name: "edge-policies", version: "0.1.0" };
    const { markdown } = renderReport(stacks, { ...options, policyChange });
    const banner = structure(markdown).unfolded.find((l) => l.includes("The guard moved"))!;
    expect(banner).toContain("changes the policy pack (1 file under `policies/`) and the policy config of `prod`.");
    expect(banner).toContain("The base was judged by edge-policies 0.1.0 (`policies/` tree `111111111111`), this pull request by edge-policies 0.1.0 (tree `222222222222`)");
    expect(markdown.indexOf("The guard moved")).toBeLessThan(markdown.indexOf("| stack |"));
  });

  it("stays away when nothing under policies/ changed", () => {
    expect(renderReport([riskyChange("prod")], { ...options, policyChange: { ...policyChange, files: [] } }).markdown).not.toContain("The guard moved");
  });
});
