/**
 * The pull-request comment of each class of change a reviewer met, read as the reviewer reads it:
 * from real offline plans of the shipped stacks (a stack file changed as the pull request would),
 * or of the prod plan edited as a program change would edit it. For each: what merging needs and
 * whose approval (the first line), the outage's real scope, every replace (a secret's included),
 * what is a placeholder, and which guard moved by how much.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffPlans, PlanJson } from "../../../tools/diff/planDiff";
import { approversOf, parseCodeOwners } from "../../../tools/prCheck/codeOwners";
import { renderReport, StackPlan, StackReport } from "../../../tools/prCheck/report";
import { toSarif } from "../../../tools/prCheck/sarif";
import { checkNames } from "../../../tools/prCheck/verdict";
import { resourceTypes } from "../../../models/resourceTypes";
import { devPolicyConfigPath, PlanRun, prodPolicyConfigPath, projectRoot, runPlanOnConfig, stackConfig } from "../../support/runPlan";

const rules = parseCodeOwners(readFileSync(join(projectRoot, ".github", "CODEOWNERS"), "utf8"));
const options = { baseRef: "main", baseCommit: "a".repeat(40), headCommit: "b".repeat(40) };
let dir: string;

const plan = (run: PlanRun): StackPlan => {
  expect(run.json, run.stderr).toBeDefined();
  return { code: run.code, json: run.json, stderr: run.stderr };
};
const clone = (p: PlanJson): PlanJson => structuredClone(p);

/** The comment of one stack's change, the files the pull request changed deciding whose approval. */
function comment(stack: string, base: StackPlan, head: StackPlan, changed: string[], policyFiles: string[] = []) {
  const report: StackReport = { stack, base, head, diff: diffPlans(base.json!, head.json!) };
  const policyChange = { files: policyFiles, baseTree: "1".repeat(40), headTree: "2".repeat(40), uncommitted: false };
  const result = renderReport([report], { ...options, approvers: approversOf(rules, changed), policyChange });
  return { ...result, report, lines: result.markdown.split("\n"), diff: report.diff! };
}

/** The line after the title. */
const firstLine = (lines: string[]) => lines[lines.indexOf(lines.find((l) => l.startsWith("## Edge plan"))!) + 1]!;

/** Every value a mock invented that the comment prints as if it were real. */
function leakedPlaceholders(markdown: string, ...plans: StackPlan[]): string[] {
  return plans.flatMap((p) => (p.json!.placeholders ?? []).map((x) => x.value)).filter((value) => markdown.includes(value));
}

let prod: StackPlan;
let prodTwoRegions: StackPlan;
let prodText: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edge-pr-classes-"));
  const prodRun = runPlanOnConfig(stackConfig("prod"));
  prod = plan(prodRun);
  prodText = prodRun.stdout;
  const two = stackConfig("prod");
  two["edge:regions"] = ["us-east-1", "us-west-2"];
  for (const key of ["availabilityZoneIds", "imageIds"]) delete two["edge:ingest"][key]["eu-west-1"];
  delete two["edge:datastore"].endpoints["eu-west-1"];
  delete two["edge:network"].baseCidr["eu-west-1"];
  prodTwoRegions = plan(runPlanOnConfig(two));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("outage scope, from the deploy's real order", () => {
  it("an AZ list changed in two regions is a global outage: cannot merge, with the sequence that works and the diagram marking both", () => {
    const config = stackConfig("prod");
    config["edge:ingest"].availabilityZoneIds["us-east-1"] = ["use1-az1", "use1-az2", "use1-az6"];
    config["edge:ingest"].availabilityZoneIds["us-west-2"] = ["usw2-az1", "usw2-az2", "usw2-az4"];
    const c = comment("prod", prod, plan(runPlanOnConfig(config)), ["stacks/Pulumi.prod.yaml"]);
    expect(c.verdict.kind).toBe("cannot-merge");
    expect(c.verdict.exitCode).toBe(1);
    const verdictLine = firstLine(c.lines);
    expect(verdictLine).toMatch(/^⛔ \*\*cannot merge: prod: /);
    expect(verdictLine).toContain("prod: aws:lb/loadBalancer:LoadBalancer ingest-us-east-1-nlb [us-east-1], delete-replaced: the API refuses it: OperationNotPermitted");
    expect(verdictLine).toContain("prod: global outage: us-east-1 and us-west-2 stop serving in the same deploy");
    const risk = c.diff.risks.find((r) => r.kind === "global-outage")!;
    expect(risk.message).toContain("deploy.yml applies the stack with one `pulumi up`");
    expect(risk.message).toContain("Sequence that works: the same change one region per pull request, us-east-1, then us-west-2");
    expect(c.markdown).not.toContain("regional outage");
    expect(c.markdown).toContain('lb_us_east_1["us-east-1: NLB ingest-us-east-1-nlb — OUTAGE"]');
    expect(c.markdown).toContain("class lb_us_east_1,lb_us_west_2 down");
    expect(c.markdown).toContain(`the \`${checkNames.plan}\` check and the \`${checkNames.gate}\` status fail (pr-check exit 1)`);
    expect(toSarif(projectRoot, [c.report]).runs[0]!.results.find((r) => r.ruleId === "edge-risk/global-outage")!.level).toBe("error");
  }, 120_000);

  it("a load balancer renamed in every region (a program change) is a global outage of all three", () => {
    const head = clone(prod.json!);
    for (const r of head.resources) if (r.type === resourceTypes.lbLoadBalancer) r.inputs.name = `${String(r.inputs.name ?? r.name)}-v2`;
    const c = comment("prod", prod, { ...prod, json: head }, ["components/ingestRegion/loadBalancer.ts"]);
    expect(c.diff.risks.filter((r) => r.kind === "global-outage")).toHaveLength(1);
    expect(c.diff.risks.find((r) => r.kind === "global-outage")!.message).toMatch(/^global outage: us-east-1, us-west-2 and eu-west-1 stop serving in the same deploy/);
    expect(c.verdict.kind).toBe("cannot-merge");
  });

  it("one region's load balancer replaced (protection lifted first) needs approval, naming what the other regions carry", () => {
    const unprotect = (p: PlanJson) => {
      for (const r of p.resources) if (r.type === resourceTypes.lbLoadBalancer) r.inputs.enableDeletionProtection = false;
      return p;
    };
    const base = unprotect(clone(prod.json!));
    const head = unprotect(clone(prod.json!));
    const nlb = head.resources.find((r) => r.type === resourceTypes.lbLoadBalancer && r.region === "eu-west-1")!;
    nlb.inputs.internal = true;
    const c = comment("prod", { ...prod, json: base }, { ...prod, json: head }, ["components/ingestRegion/loadBalancer.ts"]);
    expect(c.verdict.kind).toBe("needs-approval");
    // An internal load balancer also closes the clients' flow to it, which the network diff says.
    expect(firstLine(c.lines)).toMatch(
      /^⚠️ \*\*needs approval by a code owner of `components\/ingestRegion\/loadBalancer\.ts` \(@edge-org\/edge-maintainers\)\*\* \(risky: prod: regional-outage, network-flow-closed/,
    );
    expect(c.diff.risks.find((r) => r.kind === "network-flow-closed")!.message).toMatch(/client → load balancer/);
    expect(c.diff.risks.find((r) => r.kind === "regional-outage")!.message).toContain(
      "Route 53's health checks move its traffic to us-east-1, us-west-2, which carry 192,000 events/s at their maximum 24 hosts (peak × burst 160,000: 20% headroom)",
    );
  });
});

describe("the serving path", () => {
  it("the plan prints the graph the comment draws, as text", () => {
    const section = prodText.slice(prodText.indexOf("== Serving path =="));
    expect(section.split("\n").slice(0, 6)).toEqual([
      "== Serving path ==",
      "clients → Route 53 example.com | Cloudflare example.com",
      "  → us-east-1: NLB ingest-us-east-1-nlb → us-east-1: hosts 3–12 × c6i.xlarge → datastore edge-us-east-1",
      "  → us-west-2: NLB ingest-us-west-2-nlb → us-west-2: hosts 3–12 × c6i.xlarge → datastore edge-us-west-2",
      "  → eu-west-1: NLB ingest-eu-west-1-nlb → eu-west-1: hosts 3–12 × c6i.xlarge → datastore edge-eu-west-1",
      "  → CDN cdn-distribution → origin origin (bucket cdn-origin [us-east-1]) | origin replica (bucket cdn-replica [us-west-2])",
    ]);
  });
});

describe("secrets", () => {
  const ciphertext = (tag: string) => `v1:${Buffer.from(`ciphertext ${tag}`).toString("base64")}`;
  const devWith = (webhook: string, token: string) => {
    const config = stackConfig("dev");
    config["cloudflare:apiToken"] = { secure: ciphertext(token) };
    config["edge:alarms"] = { ...config["edge:alarms"], webhookUrl: { secure: ciphertext(webhook) } };
    return plan(runPlanOnConfig(config, ["--policy-config", devPolicyConfigPath]));
  };
  let base: StackPlan;
  beforeAll(() => {
    base = devWith("webhook-1", "token-1");
  }, 120_000);

  it("a rotated webhook replaces each subscription that takes it, which starts unconfirmed: a risk needing approval", () => {
    const c = comment("test", base, devWith("webhook-2", "token-1"), ["stacks/Pulumi.dev.yaml"]);
    const subscriptions = c.diff.resources.filter((r) => r.type === resourceTypes.snsTopicSubscription);
    expect(subscriptions.length).toBeGreaterThan(0);
    expect(subscriptions.every((r) => r.op === "replace" && r.replaceReasons.includes("endpoint"))).toBe(true);
    expect(c.diff.counts.replace).toBe(subscriptions.length);
    expect(c.markdown).toContain(`**0 to create, 0 to update, ${subscriptions.length} to replace`);
    expect(c.markdown).toContain("endpoint: [secret] => [secret]  (edge:alarms.webhookUrl rotated: its ciphertext changed)");
    expect(c.markdown).toMatch(
      /- \*\*secret-replaces\*\*: edge:alarms\.webhookUrl rotated: its TopicSubscriptions' endpoint takes it, and a changed endpoint replaces them \(terraform-provider-aws internal\/service\/sns\/topic_subscription\.go@04a2e6e5bc62 "endpoint" ForceNew\); a new subscription starts unconfirmed/,
    );
    expect(c.markdown).toMatch(/- `edge:alarms\.webhookUrl`: \[secret\] → \[secret\] \(rotated: the ciphertext changed\); taken by aws:sns\/topicSubscription:TopicSubscription \S+ \(endpoint\)/);
    expect(c.verdict.kind).toBe("needs-approval");
    expect(firstLine(c.lines)).toContain("(risky: test: secret-replaces");
    expect(c.markdown).not.toContain("ciphertext webhook");
  });

  it("a rotated Cloudflare token replaces nothing, and the comment says no resource takes it", () => {
    const c = comment("test", base, devWith("webhook-1", "token-2"), ["stacks/Pulumi.dev.yaml"]);
    expect(c.diff.counts.replace).toBe(0);
    expect(c.markdown).toContain("- `cloudflare:apiToken`: [secret] → [secret] (rotated: the ciphertext changed); no resource takes it as an input (a provider's credentials): nothing is replaced");
    expect(c.verdict.kind).toBe("mergeable");
    expect(firstLine(c.lines)).toBe("✅ **mergeable**: no risky change, no mandatory violation, no stack broken");
  });
});

describe("values only the provider knows", () => {
  it("a region added shows its new addresses, ids and validation names as known after apply, never a mock value", () => {
    const c = comment("prod", prodTwoRegions, prod, ["stacks/Pulumi.prod.yaml"]);
    expect(c.diff.counts.create).toBeGreaterThan(40);
    expect(leakedPlaceholders(c.full, prodTwoRegions, prod)).toEqual([]);
    expect(c.full).toContain("(known after apply: publicIp of Eip ingest-eu-west-1-ip-1)");
    expect(c.full).toMatch(/name: "\(known after apply: domainValidationOptions\[0\]\.resourceRecordName of Certificate ingest-eu-west-1-cert-certificate\)"/);
    expect(c.full).toContain("`(known after apply: …)` marks a value the provider assigns");
    expect(c.verdict.kind).toBe("mergeable");
  });

  it("a region removed shows what its deleted records served as the stack's state, not the mock's addresses", () => {
    const c = comment("prod", prod, prodTwoRegions, ["stacks/Pulumi.prod.yaml"]);
    expect(leakedPlaceholders(c.full, prod, prodTwoRegions)).toEqual([]);
    expect(c.full).toMatch(
      /-  aws:route53\/record:Record  dns-route53-a-api-eu-west-1  \(served api\.example\.com A \(set eu-west-1\) 60 \(in the stack's state: publicIp of Eip ingest-eu-west-1-ip-\d\)/,
    );
    // Its load balancer is deletion-protected: lifting that first is a change of its own.
    expect(c.verdict.kind).toBe("cannot-merge");
  });
});

describe("a moved guard", () => {
  const policyConfig = (name: string, config: Record<string, unknown>) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(config));
    return path;
  };
  const shipped = () => JSON.parse(readFileSync(prodPolicyConfigPath, "utf8")) as Record<string, unknown>;

  it("a raised TTL bound alone is no longer 'No changes': each bound old → new, nothing in the plan it admits yet, and approval by the config's owner", () => {
    const raised = policyConfig("raised.json", { ...shipped(), "enforce-failover-ttl": { maxTtlSeconds: 3600 } });
    const head = plan(runPlanOnConfig(stackConfig("prod"), ["--policy-config", raised, "--compare-policy-config", prodPolicyConfigPath]));
    const c = comment("prod", prod, head, ["policies/config/prod.json"], ["policies/config/prod.json"]);
    expect(c.markdown).not.toContain("No changes");
    expect(c.markdown).toContain("- enforce-failover-ttl.maxTtlSeconds 300 → 3,600 (Longest TTL, in seconds, of a record traffic fails over through.)");
    expect(c.markdown).toContain("- would now accept: nothing in this stack's plan that the old config refused (a later change can use the room)");
    expect(c.markdown).toContain("the policy config of `prod` (enforce-failover-ttl.maxTtlSeconds 300 → 3,600)");
    expect(firstLine(c.lines)).toBe("⚠️ **needs approval by a code owner of `policies/config/prod.json` (@edge-org/edge-maintainers)** (risky: prod: guard-moved)");
    expect(c.verdict.exitCode).toBe(3);
  }, 120_000);

  it("a raised bound with the TTL that needs it says what the new bound now lets through", () => {
    const config = stackConfig("prod");
    config["edge:dns"].ttl = 3600;
    const raised = policyConfig("raised-with-ttl.json", {
      ...shipped(),
      "enforce-failover-ttl": { maxTtlSeconds: 3600 },
      "enforce-recovery-time": { maxRegionLostSeconds: 4000, maxDnsPrimaryLostSeconds: 4000, maxAzLostSeconds: 4000, maxRegionLostSecondarySeconds: 6000 },
    });
    const head = plan(runPlanOnConfig(config, ["--policy-config", raised, "--compare-policy-config", prodPolicyConfigPath]));
    const c = comment("prod", prod, head, ["stacks/Pulumi.prod.yaml", "policies/config/prod.json"], ["policies/config/prod.json"]);
    expect(c.markdown).toContain("- enforce-failover-ttl.maxTtlSeconds 300 → 3,600");
    expect(c.markdown).toContain("- enforce-recovery-time.maxRegionLostSeconds 120 → 4,000");
    // Route 53's health-checked api records are judged by the recovery bound, which the same config raised.
    expect(c.markdown).toMatch(/- would now accept: api\.example\.com A \(cloudflare\) has TTL 3600 s, above the 300 s limit for records traffic fails over through\n/);
    const guard = c.diff.risks.find((r) => r.kind === "guard-moved")!;
    expect(guard.message).toMatch(/^policy config moved: enforce-failover-ttl\.maxTtlSeconds 300 → 3,600, enforce-recovery-time\.maxAzLostSeconds 120 → 4,000, .*; would now accept: /);
    const sarif = toSarif(projectRoot, [c.report]);
    expect(sarif.runs[0]!.results.some((r) => r.ruleId === "edge-risk/guard-moved")).toBe(true);
  }, 120_000);
});

describe("what the deploy does to hosts, and findings by the key that fixes them", () => {
  it("one region's instance type changed: every host there replaced by instance refresh, and the events/s figure flagged as unmeasured", () => {
    const head = clone(prod.json!);
    const template = head.resources.find((r) => r.type === resourceTypes.ec2LaunchTemplate && r.region === "eu-west-1")!;
    template.inputs.instanceType = "c6i.large";
    const group = head.resources.find((r) => r.type === resourceTypes.autoscalingGroup && r.region === "eu-west-1")!;
    for (const tag of group.inputs.tags as { key: string; value: string }[]) if (tag.key === "edge:capacity:instance-type") tag.value = "c6i.large";
    head.violations = [
      ...head.violations,
      {
        policyName: "enforce-proxy-memory",
        enforcementLevel: "mandatory",
        urn: template.urn,
        subject: "",
        message:
          "ingest-eu-west-1-hosts: nginx's worst case 5000 MiB … above 80% of c6i.large's 4096 MiB. Smallest fix: edge:nginx.largeClientHeaderBuffers 4 × 8k → 4 × 4k, or edge:ingest.instanceType c6i.large → c6i.xlarge. (incident 000)",
      },
    ];
    head.stackConfig = { ...head.stackConfig, "edge:ingest.instanceType": "c6i.large" };
    const c = comment("prod", prod, { ...prod, json: head }, ["stacks/Pulumi.prod.yaml"]);
    expect(c.markdown).toContain(
      "- every host in eu-west-1 (3–12 hosts) is replaced by an instance refresh: launch template ingest-eu-west-1-hosts changed (instanceType), at least 90% of them kept in service, each drained first",
    );
    expect(c.markdown).toContain(
      "the instance type moved (eu-west-1 c6i.xlarge → c6i.large) but the per-host throughput did not: 8,000 events/s a host was measured on c6i.xlarge; at the same throughput per vCPU (4 → 2) a host carries 4,000",
    );
    // Filed under the key the pull request changed, not the first the message names.
    expect(c.markdown).toContain("- 🆕 new (via `edge:ingest.instanceType`): mandatory [enforce-proxy-memory]");
    expect(c.verdict.kind).toBe("cannot-merge");
  });

  it("a certificate validation record's TTL finding is not filed under edge:dns.ttl, which its message says is not the fix", () => {
    const head = clone(prod.json!);
    const record = head.resources.find((r) => r.type === resourceTypes.route53Record && String(r.inputs.name).startsWith("_"))!;
    const v = (name: string) => ({
      policyName: "enforce-failover-ttl",
      enforcementLevel: "mandatory",
      urn: record.urn,
      subject: name,
      message: `${name} CNAME (route53) has TTL 3600 s, above the 300 s limit. This is a certificate's DNS validation record: its TTL is a constant of the program (certificateValidationTtlSeconds), not edge:dns.ttl. Change that constant to 300 or less.`,
    });
    head.violations = [...head.violations, v("a"), v("b")];
    const c = comment("prod", prod, { ...prod, json: head }, ["models/ingestRegion/layout.ts"]);
    expect(c.markdown).toContain("- 🆕 new: mandatory [enforce-failover-ttl] (no config key: the fix is in the program or the policy config) (×2)");
    expect(c.markdown).not.toContain("via `edge:dns.ttl`");
  });

  it("the snippet's cache policy changed: an update in place, mergeable", () => {
    const head = clone(prod.json!);
    const policy = head.resources.find((r) => r.type === resourceTypes.cloudfrontCachePolicy)!;
    policy.inputs.defaultTtl = Number(policy.inputs.defaultTtl) * 2;
    const c = comment("prod", prod, { ...prod, json: head }, ["components/snippetCdn.ts"]);
    expect(c.diff.resources.map((r) => [r.op, r.type])).toEqual([["update", resourceTypes.cloudfrontCachePolicy]]);
    expect(c.verdict.kind).toBe("mergeable");
  });

  it("a domain change replaces the delegation set too, so the comment does not promise the same name servers", () => {
    const config = stackConfig("prod");
    config["edge:domain"] = "example.net";
    const c = comment("prod", prod, plan(runPlanOnConfig(config)), ["stacks/Pulumi.prod.yaml"]);
    const zone = c.diff.risks.find((r) => r.kind === "zone-replaced" && r.message.startsWith("DNS zone dns-route53"))!;
    expect(zone.message).toContain("its delegation set dns-delegation-set is replaced too (referenceName changed), so the new zone has NEW name servers (known after apply)");
    expect(zone.message).not.toContain("same name servers");
    expect(c.verdict.kind).toBe("needs-approval");
    expect(leakedPlaceholders(c.full, prod)).toEqual([]);
  }, 120_000);
});
