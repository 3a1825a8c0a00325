/**
 * The API contracts: every resource type a stack declares has a table covering every property the
 * program sets, each kind of rule refuses what the API refuses and accepts what it accepts, and the
 * values today's program computes (not only its config) are judged: the Cloudflare apex NS TTL, the
 * CDN's account-unique log delivery names, the load balancer names the provider derives in a
 * region with a long code.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { apiContracts, autoNamed, autoNamedResourceNameLimit, importProblems, judgeContract, nameWithinAutoNameLimit, stackOfUrn, type TypeContract } from "../../../models/contracts";
import { awsRegions, shortRegionCode } from "../../../models/aws/regions";
import { resourceTypes as t } from "../../../models/resourceTypes";
import type { PlanJson } from "../../../tools/plan/planJson";
import { devPolicyConfigPath, prodPolicyConfigPath, runPlan, runPlanOnConfig, stackConfig } from "../../support/runPlan";
import { withRegionPins } from "../../support/regionPins";

const plans: Record<string, PlanJson> = {};

/** A stack file's config with the delegation phase set. */
function inPhase(stack: string, phase: "pending" | "delegated"): Record<string, any> {
  const config = stackConfig(stack);
  config["edge:dns"] = { ...config["edge:dns"], delegation: phase };
  return config;
}

/** Each shipped stack is judged by its own policy config (dev accepts its one host per region). */
const policyConfigOf = (stack: string) => (stack === "dev" ? devPolicyConfigPath : prodPolicyConfigPath);

beforeAll(() => {
  for (const stack of ["dev", "prod"]) {
    for (const phase of ["pending", "delegated"] as const) {
      const run = phase === "delegated" ? runPlan(["--stack", stack]) : runPlanOnConfig(inPhase(stack, phase), ["--policy-config", policyConfigOf(stack)]);
      expect(run.code, run.stderr).toBe(0);
      plans[`${stack} ${phase}`] = run.json!;
    }
  }
  // The other shape of the DNS zones: an adopted zone.
  const adopted = inPhase("dev", "delegated");
  adopted["edge:dns"].primary = { existingZoneId: "Z0123456789ABCDEFGHIJ" };
  const run = runPlanOnConfig(adopted, ["--policy-config", devPolicyConfigPath]);
  expect(run.code, run.stderr).toBe(0);
  plans["dev adopted"] = run.json!;
}, 300_000);

const custom = () => Object.values(plans).flatMap((p) => p.resources.filter((r) => r.custom));

describe("the tables", () => {
  it("has a contract for every resource type a stack declares", () => {
    const declared = new Set(custom().map((r) => r.type));
    expect(declared.size).toBeGreaterThan(45);
    expect([...declared].filter((type) => !apiContracts[type]).sort()).toEqual([]);
  });

  it("covers every property the program sets, in every phase and zone shape", () => {
    const uncovered = new Set(
      custom().flatMap((r) =>
        Object.keys(r.inputs)
          .filter((p) => !apiContracts[r.type]!.properties[p])
          .map((p) => `${r.type} ${p}`),
      ),
    );
    expect([...uncovered].sort()).toEqual([]);
  });

  it("judges the shipped stacks clean in both phases, the adopted zone too", () => {
    for (const [name, plan] of Object.entries(plans)) {
      const findings = plan.resources.filter((r) => r.custom).flatMap((r) => judgeContract(apiContracts[r.type]!, r.type, r.name, stackOfUrn(r.urn), r.inputs).map((f) => f.message));
      expect(findings, name).toEqual([]);
      expect(
        plan.violations.filter((v) => v.policyName === "enforce-api-contracts"),
        name,
      ).toEqual([]);
    }
  });
});

/** A contract of one property, judged on one value. */
function judge(contract: TypeContract, inputs: Record<string, unknown>, name = "subject", urn = "urn:pulumi:test::edge::t::subject") {
  return judgeContract(contract, "test:type", name, stackOfUrn(urn), inputs);
}
const one = (accepts: TypeContract["properties"][string]["accepts"], extra: Partial<TypeContract["properties"][string]> = {}): TypeContract => ({
  properties: { p: { accepts, cite: "the cited page", ...extra } },
});

describe("each kind of rule", () => {
  it.each([
    ["range", one([{ kind: "range", min: 7, max: 30, integer: true }]), [7, 30, "12"], [6, 31, 7.5, "x"]],
    ["range with a special value", one([{ kind: "range", min: 60, max: 86400, special: [1] }]), [1, 60, 86400], [0, 30, 86401, 172800]],
    ["length", one([{ kind: "length", min: 1, max: 32 }]), ["a", "x".repeat(32)], ["", "x".repeat(33)]],
    ["length in bytes", one([{ kind: "length", max: 4, unit: "bytes" }]), ["abcd", "éé"], ["ééé", "abcde"]],
    ["pattern", one([{ kind: "pattern", pattern: /^[\w-]*$/, text: "letters, digits, _ and -" }]), ["cdn-access_logs"], ["cdn access", "a/b"]],
    ["one of", one([{ kind: "oneOf", values: ["DNS", "EMAIL"] }]), ["DNS"], ["dns", "HTTP"]],
    ["one of, any case", one([{ kind: "oneOf", values: ["NS"], caseInsensitive: true }]), ["NS", "ns"], ["A"]],
    ["count", one([{ kind: "count", min: 1, max: 2 }]), [["a"], ["a", "b"]], [[], ["a", "b", "c"]]],
    ["cidr", one([{ kind: "cidr", minPrefix: 16, maxPrefix: 28 }]), ["10.0.0.0/16", "10.0.0.16/28"], ["10.0.0.0/8", "10.0.0.0/29", "10.0.0/16", "300.0.0.0/16"]],
    [
      "tags",
      one([{ kind: "tags" }]),
      [{ Name: "x" }, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]))],
      [{ "aws:owner": "x" }, { k: "v".repeat(257) }, Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]))],
    ],
    ["check", one([{ kind: "check", test: (v) => [10, 30].includes(Number(v)), text: "10 or 30" }]), [10, 30], [20]],
  ] as const)("%s: accepts what the API accepts, refuses the rest", (_kind, contract, good, bad) => {
    for (const value of good) expect(judge(contract as TypeContract, { p: value }), JSON.stringify(value)).toEqual([]);
    for (const value of bad)
      expect(
        judge(contract as TypeContract, { p: value }).map((f) => f.path),
        JSON.stringify(value),
      ).toEqual(["p"]);
  });

  it("names the resource, the property, the value, what the API accepts, its answer and the source", () => {
    const [finding] = judgeContract(apiContracts[t.kmsKey]!, t.kmsKey, "alarms-us-east-1-key", "prod", { deletionWindowInDays: 45 });
    expect(finding!.message).toBe(
      "aws:kms/key:Key alarms-us-east-1-key: deletionWindowInDays = 45 is outside what the API accepts: 7 to 30; the API answers ValidationException (" +
        "node_modules/@pulumi/aws/kms/key.d.ts:540 KeyArgs.deletionWindowInDays (installed @pulumi/aws 7.48.0); " +
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html: PendingWindowInDays: 7 to 30)",
    );
  });

  it("refuses a required property left out, two exclusive ones set together, and a failed combination", () => {
    expect(judge(one([], { required: true }), {}).map((f) => f.message)).toEqual(["test:type subject: p is required and not set (the cited page)"]);
    const exclusive: TypeContract = { properties: { a: { accepts: [], cite: "c", exclusiveWith: ["b"] }, b: { accepts: [], cite: "c" } } };
    expect(judge(exclusive, { a: 1, b: 2 }).map((f) => f.accepted)).toEqual(["not together with b"]);
    expect(judge(exclusive, { a: 1 })).toEqual([]);
    const alarm = apiContracts[t.cloudwatchMetricAlarm]!;
    expect(judgeContract(alarm, t.cloudwatchMetricAlarm, "a", "s", { metricName: "m", metricQueries: [{ id: "m1" }] }).map((f) => f.accepted)).toContain(
      "exactly one of metricName (a single metric) and metricQueries (metric math)",
    );
  });

  it("judges nested fields and list elements, and leaves what a plan cannot know", () => {
    const group = apiContracts[t.lbTargetGroup]!;
    expect(judgeContract(group, t.lbTargetGroup, "g", "s", { healthCheck: { interval: 2, timeout: 5 } }).map((f) => f.path)).toEqual(["healthCheck.interval", ""]);
    const cdn = apiContracts[t.cloudfrontDistribution]!;
    const statusCodes = [403, 418];
    const findings = judgeContract(cdn, t.cloudfrontDistribution, "d", "s", { originGroups: [{ members: [{}, {}], failoverCriteria: { statusCodes } }] });
    expect(findings.filter((f) => f.path.startsWith("originGroups")).map((f) => f.path)).toEqual(["originGroups[0].failoverCriteria.statusCodes[1]"]);
    expect(judgeContract(group, t.lbTargetGroup, "g", "s", { deregistrationDelay: "[secret]", port: undefined })).toEqual([]);
  });

  it("refuses an account-unique name without the stack's name, and takes one with it", () => {
    const source = apiContracts[t.cloudwatchLogDeliverySource]!;
    const inputs = { logType: "ACCESS_LOGS", resourceArn: "arn:aws:cloudfront::1:distribution/E1", region: "us-east-1" };
    const [taken] = judgeContract(source, t.cloudwatchLogDeliverySource, "cdn-access-logs", "prod", { ...inputs, name: "cdn-access-logs" });
    expect(taken!.message).toMatch(
      /^aws:cloudwatch\/logDeliverySource:LogDeliverySource cdn-access-logs: name = "cdn-access-logs" must be unique in its account and region, and it does not carry the stack's name \(prod\): a second stack of this program in the same account would put a delivery source of the same name: the call creates or updates, so the second stack takes over the first one's source/,
    );
    expect(taken!.message).toContain("API_PutDeliverySource.html");
    expect(judgeContract(source, t.cloudwatchLogDeliverySource, "cdn-access-logs", "prod", { ...inputs, name: "edge-prod-cdn-access-logs" })).toEqual([]);
  });
});

describe("values the program computes", () => {
  it("refuses the apex NS TTL today's program gives Cloudflare (172,800 s), naming Cloudflare's bound and its source", () => {
    const record = { zoneId: "z", name: "example.com", type: "NS", ttl: 172800, content: "ns-1.awsdns-1.com", proxied: false };
    const [finding] = judgeContract(apiContracts[t.cloudflareDnsRecord]!, t.cloudflareDnsRecord, "dns-cloudflare-apex-ns-1", "dev", record);
    expect(finding!.message).toMatch(/^cloudflare:index\/dnsRecord:DnsRecord dns-cloudflare-apex-ns-1: ttl = 172800 is outside what the API accepts: 1, or 60 to 86400/);
    expect(finding!.message).toContain("terraform-provider-cloudflare internal/services/dns_record/schema.go:346@a2efdc5786ae");
    expect(judgeContract(apiContracts[t.cloudflareDnsRecord]!, t.cloudflareDnsRecord, "n", "dev", { ...record, ttl: 86400 })).toEqual([]);
  });

  it("judges the name the provider derives from the resource's name: an ELB name holds 32 characters", () => {
    const nlb = apiContracts[t.lbLoadBalancer]!;
    expect(autoNamed("ingest-ap-southeast-1-nlb")).toHaveLength(33);
    const [finding] = judgeContract(nlb, t.lbLoadBalancer, "ingest-ap-southeast-1-nlb", "prod", { loadBalancerType: "network" });
    expect(finding!.message).toMatch(
      /^aws:lb\/loadBalancer:LoadBalancer ingest-ap-southeast-1-nlb: name "ingest-ap-southeast-1-nlb-<7 random>" \(auto-named .*is outside what the API accepts: 1 to 32 characters \(this is 33\)/,
    );
    expect(judgeContract(nlb, t.lbLoadBalancer, "ingest-us-east-1-nlb", "prod", { loadBalancerType: "network" })).toEqual([]);
    expect(autoNamedResourceNameLimit(t.lbLoadBalancer)).toBe(24);
    expect(autoNamedResourceNameLimit(t.lbTargetGroup)).toBe(24);
  });

  it.each(awsRegions.map((region) => [region]))("names the load balancer and target group of %s within ELB's 32 characters", (region) => {
    const name = `ingest-${region}`;
    const short = name.replace(region, shortRegionCode(region));
    for (const [type, suffix] of [
      [t.lbLoadBalancer, "nlb"],
      [t.lbTargetGroup, "hosts"],
    ] as const) {
      const chosen = nameWithinAutoNameLimit(type, `${name}-${suffix}`, `${short}-${suffix}`);
      expect(judgeContract(apiContracts[type]!, type, chosen, "prod", {}).map((f) => f.message)).toEqual([]);
    }
  });

  it("plans a stack in long-coded regions (ap-southeast-1, eu-central-1) with names ELB accepts", () => {
    const config = stackConfig("prod");
    const regions = ["ap-southeast-1", "eu-central-1"];
    const pins = withRegionPins<Record<string, any>>({ regions, ingest: { availabilityZones: 3 }, datastore: {} });
    config["edge:regions"] = regions;
    config["edge:ingest"] = { ...config["edge:ingest"], availabilityZoneIds: pins.ingest.availabilityZoneIds, imageIds: pins.ingest.imageIds, maxHostsPerRegion: 30 };
    config["edge:datastore"] = { ...config["edge:datastore"], endpoints: pins.datastore.endpoints };
    // The VPC blocks follow the regions' positions: prod's own blocks name its regions.
    config["edge:network"] = { baseCidr: {} };
    const run = runPlanOnConfig(config);
    expect(run.json, run.stderr).toBeDefined();
    expect(run.json!.violations.filter((v) => v.policyName === "enforce-api-contracts").map((v) => v.message)).toEqual([]);
    const names = run.json!.resources.filter((r) => r.type === t.lbLoadBalancer || r.type === t.lbTargetGroup).map((r) => r.name);
    expect(names.sort()).toEqual(["ingest-apse1-hosts", "ingest-apse1-nlb", "ingest-euc1-hosts", "ingest-eu-central-1-nlb"].sort());
  }, 180_000);
});

describe("adopting an existing zone", () => {
  const zone = apiContracts[t.route53Zone]!;
  it("names each property an existing zone may carry that the program neither sets nor ignores", () => {
    expect(importProblems(zone, t.route53Zone, "dns-route53", { name: "example.com" }, ["comment"]).map((p) => p.property)).toEqual(["tags", "delegationSetId"]);
    expect(importProblems(zone, t.route53Zone, "dns-route53", { name: "example.com" }, ["comment", "tags", "delegationSetId"])).toEqual([]);
  });

  it("the adopted zone's plan has no import finding", () => {
    expect(plans["dev adopted"]!.violations.filter((v) => v.policyName === "rehearse-deploy")).toEqual([]);
  });
});
