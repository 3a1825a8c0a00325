/**
 * Plan diffs over fixtures made from one real `npm run plan -- --stack prod --json` plus edits
 * (a region's resources, a TTL, records, an alarm), as a pull request would change them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffPlans, PlanJson, PlanJsonResource, refusedRisks } from "../../../tools/diff/planDiff";
import { renderDiff } from "../../../tools/diff/render";
import { projectRoot, runPlan, runPlanOnConfig, stackConfig } from "../../support/runPlan";
import { resourceTypes } from "../../../models/resourceTypes";

let prod: PlanJson;
let dir: string;

beforeAll(() => {
  const run = runPlan(["--stack", "prod"]);
  expect(run.code).toBe(0);
  prod = run.json as unknown as PlanJson;
  dir = mkdtempSync(join(tmpdir(), "edge-diff-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clone = (plan: PlanJson): PlanJson => structuredClone(plan);

/** The plan without one ingestion region: its component, everything under it, and everything else in that region. */
function withoutRegion(plan: PlanJson, region: string): PlanJson {
  const out = clone(plan);
  const gone = new Set<string>();
  for (const r of out.resources) {
    if (r.region === region || (r.type === "edge:ingest:IngestRegion" && r.name === `ingest-${region}`) || gone.has(r.parent)) gone.add(r.urn);
  }
  out.resources = out.resources.filter((r) => !gone.has(r.urn));
  return out;
}

function record(plan: PlanJson, name: string): PlanJsonResource {
  return plan.resources.find((r) => r.type === resourceTypes.route53Record && r.inputs.name === name)!;
}

/** The prod plan with `n` more A records `host-<i>` in the primary zone. */
function withRecords(plan: PlanJson, n: number): PlanJson {
  const out = clone(plan);
  const zone = out.resources.find((r) => r.type === resourceTypes.route53Zone)!;
  const decide = record(out, "decide.example.com");
  for (let i = 1; i <= n; i++) {
    out.resources.push({
      ...structuredClone(decide),
      urn: decide.urn.replace(/::[^:]+$/, `::dns-route53-a-host-${i}`),
      name: `dns-route53-a-host-${i}`,
      parent: zone.urn,
      inputs: { ...decide.inputs, name: `host-${i}.example.com`, type: "A", records: [`192.0.2.${i}`] },
    });
  }
  return out;
}

describe("diffPlans on the prod plan", () => {
  it("finds nothing between a plan and itself", () => {
    const diff = diffPlans(prod, clone(prod));
    expect(diff.resources).toEqual([]);
    expect(diff.risks).toEqual([]);
    expect(diff.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(renderDiff(diff, "text")).toContain("No changes.");
  });

  it("shows a new region as creations grouped under its component and region, with no risk", () => {
    const base = withoutRegion(prod, "eu-west-1");
    const diff = diffPlans(base, prod);
    expect(diff.resources.length).toBeGreaterThan(20);
    expect(diff.resources.every((r) => r.op === "create")).toBe(true);
    // Global pieces (the component, its certificate's validation) group under the region's component.
    expect(diff.resources.filter((r) => r.region !== "eu-west-1").every((r) => r.component === "edge:ingest:IngestRegion ingest-eu-west-1")).toBe(true);
    expect(diff.resources.filter((r) => r.name === "ingest-eu-west-1-nlb" && r.type === resourceTypes.lbLoadBalancer)).toMatchObject([
      { op: "create", region: "eu-west-1", component: "edge:ingest:IngestRegion ingest-eu-west-1" },
    ]);
    expect(diff.risks).toEqual([]);
    const text = renderDiff(diff, "text");
    expect(text).toContain(`${diff.resources.length} to create, 0 to update, 0 to replace, 0 to delete`);
    expect(text).toContain("edge:ingest:IngestRegion ingest-eu-west-1 [eu-west-1]\n");
    expect(text).toContain("  +  aws:lb/loadBalancer:LoadBalancer  ingest-eu-west-1-nlb\n");
    expect(text).toContain('+      loadBalancerType: "network"');
  });

  it("calls out a removed region, its load balancer and its alarms", () => {
    const head = withoutRegion(prod, "eu-west-1");
    const diff = diffPlans(prod, head);
    expect(diff.counts.delete).toBe(prod.resources.length - head.resources.length);
    // The update rehearsal refuses what the APIs refuse or cannot undo: the deletion-protected load
    // balancer, the log bucket the load balancer and flow logs wrote to, the alarm topics' KMS key.
    expect(new Set(diff.risks.map((r) => r.kind))).toEqual(new Set(["region-removed", "protected-resource-replaced", "refused-by-api", "load-balancer-replaced", "alarm-removed"]));
    expect(refusedRisks(diff.risks).map((r) => r.message)).toEqual([
      expect.stringMatching(/^aws:lb\/loadBalancer:LoadBalancer ingest-eu-west-1-nlb \[eu-west-1\], delete: the API refuses it: OperationNotPermitted/),
      expect.stringMatching(/^aws:kms\/key:Key alarms-eu-west-1-key \[eu-west-1\], delete: it cannot be undone: ScheduleKeyDeletion/),
      expect.stringMatching(
        /^aws:s3\/bucket:Bucket ingest-eu-west-1-logs \[eu-west-1\], delete: the API refuses it: BucketNotEmpty .*its access logs \(aws:lb\/loadBalancer:LoadBalancer ingest-eu-west-1-nlb/,
      ),
    ]);
    // Refusals lead: no approval clears them.
    expect(diff.risks.slice(0, 3).map((r) => refusedRisks([r]).length)).toEqual([1, 1, 1]);
    expect(diff.risks.find((r) => r.kind === "region-removed")!.message).toMatch(
      /^region eu-west-1 removed: \d+ resources deleted there; its traffic moves to the remaining regions \(check their capacity headroom\)$/,
    );
    expect(diff.risks.find((r) => r.kind === "alarm-removed")!.message).toMatch(/alarm alarms-eu-west-1-\S+ \[eu-west-1\] removed/);
    const markdown = renderDiff(diff, "markdown");
    expect(markdown.indexOf("Risky changes")).toBeLessThan(markdown.indexOf("Changes by component"));
    expect(markdown).toContain("-  aws:lb/loadBalancer:LoadBalancer  ingest-eu-west-1-nlb");
  });

  it("shows an alarm removed on its own as a deletion and a risk", () => {
    const head = clone(prod);
    const alarm = head.resources.find((r) => r.type === resourceTypes.cloudwatchMetricAlarm)!;
    head.resources = head.resources.filter((r) => r.urn !== alarm.urn);
    const diff = diffPlans(prod, head);
    expect(diff.resources.map((r) => `${r.op} ${r.name}`)).toEqual([`delete ${alarm.name}`]);
    expect(diff.risks.map((r) => r.kind)).toEqual(["alarm-removed"]);
  });

  it("calls out a replaced security group that running hosts are in: its deletion fails until they are gone", () => {
    const head = clone(prod);
    const group = head.resources.find((r) => r.type === resourceTypes.ec2SecurityGroup && r.name === "ingest-us-east-1-hosts")!;
    group.inputs.description = `${group.inputs.description} (edited)`;
    const diff = diffPlans(prod, head);
    expect(diff.resources.find((r) => r.urn === group.urn)).toMatchObject({ op: "replace", replaceReasons: ["description"] });
    const risk = diff.risks.find((r) => r.kind === "in-use-group-replaced")!;
    expect(risk.urn).toBe(group.urn);
    expect(risk.message).toContain("security group ingest-us-east-1-hosts [us-east-1] replaced (description changed");
    expect(risk.message).toContain("DependencyViolation");
    // Rules update in place: no risk.
    const rulesOnly = clone(prod);
    const rule = rulesOnly.resources.find((r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")!;
    rule.inputs.description = `${rule.inputs.description ?? ""} (edited)`;
    expect(diffPlans(prod, rulesOnly).risks.filter((r) => r.kind === "in-use-group-replaced")).toEqual([]);
  });

  it("shows a raised TTL as an update of the record and a risk", () => {
    const head = clone(prod);
    const decide = record(head, "decide.example.com");
    decide.inputs.ttl = 300;
    const diff = diffPlans(prod, head);
    expect(diff.resources).toHaveLength(1);
    expect(diff.resources[0]).toMatchObject({ op: "update", name: decide.name, component: "edge:dns:DnsRecords dns", region: "global" });
    expect(diff.resources[0].changes).toEqual([{ kind: "update", path: "ttl", before: 60, after: 300 }]);
    expect(diff.risks).toEqual([
      {
        kind: "ttl-raised",
        urn: decide.urn,
        message: `TTL raised on aws:route53/record:Record ${decide.name}: 60 s → 300 s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic)`,
        cause: "TTL raised 60 s → 300 s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic)",
        member: `aws:route53/record:Record ${decide.name}`,
      },
    ]);
    expect(renderDiff(diff, "markdown")).toContain(`~  aws:route53/record:Record  ${decide.name}\n~      ttl: 60 => 300`);
  });

  it("calls out a push that deletes most records of a zone (octoDNS's 30% rule)", () => {
    const base = withRecords(prod, 12);
    const head = clone(base);
    head.resources = head.resources.filter((r) => !/^host-([1-9]|10)\.example\.com$/.test(String(r.inputs.name)));
    const diff = diffPlans(base, head);
    expect(diff.counts.delete).toBe(10);
    expect(diff.resources.every((r) => r.op === "delete" && r.component === "edge:dns:DnsZones dns")).toBe(true);
    const total = base.resources.filter((r) => r.type === resourceTypes.route53Record).length;
    expect(diff.risks).toEqual([
      {
        kind: "zone-records-rewritten",
        message: `route53 zone: 10 of ${total} records deleted and 0 rewritten (${Math.round((10 / total) * 100)}%, above octoDNS's 30% unsafe threshold); check the zone still answers every name before merging (incident 001: the DNS is the edge's front door)`,
      },
    ]);
    expect(renderDiff(diff, "text")).toContain("-  aws:route53/record:Record  dns-route53-a-host-1  (served host-1.example.com A 60 192.0.2.1)\n");
  });

  it("does not call a small share of a zone's records rewritten risky", () => {
    const base = withRecords(prod, 12);
    const head = clone(base);
    record(head, "host-1.example.com").inputs.records = ["198.51.100.1"];
    const diff = diffPlans(base, head);
    expect(diff.resources.map((r) => r.op)).toEqual(["update"]);
    expect(diff.risks).toEqual([]);
  });

  it("does not call a lowered TTL risky", () => {
    const head = clone(prod);
    record(head, "decide.example.com").inputs.ttl = 30;
    expect(diffPlans(prod, head).risks).toEqual([]);
  });

  it("calls out one changed AZ ID as a subnet and load balancer replacement and a regional outage", () => {
    // Both sides planned as the same (temporary) stack, so their URNs pair.
    const base = runPlanOnConfig(stackConfig("prod"));
    const config = stackConfig("prod");
    config["edge:ingest"].availabilityZoneIds["us-east-1"] = ["use1-az1", "use1-az2", "use1-az6"];
    const head = runPlanOnConfig(config);
    expect([base.code, head.code], head.stderr).toEqual([0, 0]);
    const diff = diffPlans(base.json as unknown as PlanJson, head.json as unknown as PlanJson);
    const replaced = diff.resources.filter((r) => r.op === "replace").map((r) => [r.type, r.name, r.replaceReasons]);
    // The new subnet's id is unknown until it exists: what takes it as a forcing property follows it.
    expect(replaced.sort()).toEqual(
      [
        // The subnet's block follows its AZ number: use1-az6 takes slot 6, which no subnet holds.
        [resourceTypes.ec2Subnet, "ingest-us-east-1-public-3", ["availabilityZoneId", "cidrBlock"]],
        [resourceTypes.ec2RouteTableAssociation, "ingest-us-east-1-public-3", ["subnetId"]],
        [resourceTypes.lbLoadBalancer, "ingest-us-east-1-nlb", ["subnetMappings"]],
        [resourceTypes.lbListener, "ingest-us-east-1-tls", ["loadBalancerArn"]],
      ].sort(),
    );
    // Refused: where the subnet's block comes from its list position, the new third subnet takes the
    // block its predecessor still holds (created before the old one is deleted); and the load
    // balancer it replaces is deletion-protected.
    const subnetBlock = (plan: PlanJson) => plan.resources.find((r) => r.type === resourceTypes.ec2Subnet && r.name === "ingest-us-east-1-public-3")!.inputs.cidrBlock;
    const sameBlock = subnetBlock(base.json as unknown as PlanJson) === subnetBlock(head.json as unknown as PlanJson);
    const refused = refusedRisks(diff.risks);
    expect(refused.map((r) => r.kind)).toEqual([...(sameBlock ? ["refused-by-api"] : []), "protected-resource-replaced"]);
    if (sameBlock) {
      expect(refused[0]!.message).toMatch(
        /^aws:ec2\/subnet:Subnet ingest-us-east-1-public-3 \[us-east-1\], create-replacement: the API refuses it: InvalidSubnet\.Conflict .* while its own predecessor, which is deleted only at the end of the update, still holds \S+ in the same VPC \(https:\/\/docs\.aws\.amazon\.com\/AWSEC2\/latest\/APIReference\/API_CreateSubnet\.html/,
      );
    }
    expect(refused.at(-1)!.message).toMatch(
      /^aws:lb\/loadBalancer:LoadBalancer ingest-us-east-1-nlb \[us-east-1\], delete-replaced: the API refuses it: OperationNotPermitted .*What works: Take two reviewed changes/,
    );
    // The outage is said once, with what the other two regions carry meanwhile.
    expect(diff.risks.filter((r) => !refusedRisks([r]).length).map((r) => r.message)).toEqual([
      "regional outage of us-east-1: ingest-us-east-1-nlb replaced (subnetMappings changed, delete-before-replace); the region answers nothing until the new load balancer is active and its targets healthy. " +
        "Route 53's health checks move its traffic to us-west-2, eu-west-1, which carry 192,000 events/s at their maximum 24 hosts (peak × burst 160,000: 20% headroom), 48,000 at their current minimum 6 until autoscaling adds hosts.",
    ]);
    // The protection lifted in a change of its own first leaves only the block conflict, where there is one.
    const unprotected = clone(base.json as unknown as PlanJson);
    for (const r of unprotected.resources) if (r.type === resourceTypes.lbLoadBalancer) r.inputs.enableDeletionProtection = false;
    const secondStep = clone(head.json as unknown as PlanJson);
    for (const r of secondStep.resources) if (r.type === resourceTypes.lbLoadBalancer) r.inputs.enableDeletionProtection = false;
    expect(refusedRisks(diffPlans(unprotected, secondStep).risks).map((r) => r.message.match(/InvalidSubnet\.Conflict/)?.[0])).toEqual(sameBlock ? ["InvalidSubnet.Conflict"] : []);
    expect(renderDiff(diff, "markdown")).toContain("regional outage of us-east-1");
    expect(renderDiff(diff, "markdown").match(/answers nothing/g)).toHaveLength(1);
  }, 240_000);

  it("shows a new pinned image as an update of the region's launch template", () => {
    const head = clone(prod);
    const template = head.resources.find((r) => r.type === resourceTypes.ec2LaunchTemplate && r.inputs.region === "eu-west-1")!;
    const before = template.inputs.imageId;
    template.inputs.imageId = "ami-0fedcba9876543210";
    const diff = diffPlans(prod, head);
    expect(diff.resources.map((r) => [r.op, r.type, r.region, r.changes])).toEqual([
      ["update", resourceTypes.ec2LaunchTemplate, "eu-west-1", [{ kind: "update", path: "imageId", before, after: "ami-0fedcba9876543210" }]],
    ]);
    expect(renderDiff(diff, "markdown")).toContain("ami-0fedcba9876543210");
  });

  it("marks a zone whose name changes as replaced, and calls it out", () => {
    const head = clone(prod);
    head.resources.find((r) => r.type === resourceTypes.route53Zone)!.inputs.name = "example.net";
    const diff = diffPlans(prod, head);
    expect(diff.resources[0]).toMatchObject({ op: "replace", replaceReasons: ["name"] });
    expect(diff.risks.map((r) => r.kind)).toEqual(["zone-replaced"]);
  });

  it("shows one TTL change's risks and violations as one line per cause, the members folded", () => {
    const head = clone(prod);
    const records = head.resources.filter((r) => r.type === "aws:route53/record:Record" && r.inputs.ttl === 60).slice(0, 3);
    for (const r of records) r.inputs.ttl = 3600;
    head.violations = records.map((r) => ({
      policyName: "enforce-failover-ttl",
      enforcementLevel: "mandatory",
      urn: r.urn,
      message: `${String(r.inputs.name)} A (route53) has TTL 3600 s, above the 300 s limit. Set edge:dns.ttl (or this record's ttl) to 300 or less.`,
    }));
    const markdown = renderDiff(diffPlans(prod, head), "markdown");
    expect(markdown).toContain(
      "- **ttl-raised**: TTL raised 60 s → 3600 s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic) (×3)\n\n<details><summary>the 3</summary>",
    );
    expect(markdown).toContain("- 🆕 new: mandatory [enforce-failover-ttl] via `edge:dns.ttl` (×3)");
    for (const r of records) expect(markdown).toContain(`- aws:route53/record:Record ${r.name}\n`);
    expect(markdown.match(/^- \*\*ttl-raised\*\*/gm)).toHaveLength(1);
  });

  it("diffs the policy results: new, fixed, changed, and unchanged folded", () => {
    const zone = prod.resources.find((r) => r.type === resourceTypes.route53Zone)!.urn;
    const v = (policyName: string, message: string) => ({ policyName, enforcementLevel: "mandatory", urn: zone, message });
    const base = { ...clone(prod), violations: [v("kept", "same"), v("gone", "was bad"), v("moved", "ttl 400 s")] };
    const head = { ...clone(prod), violations: [v("kept", "same"), v("moved", "ttl 500 s"), v("fresh", "now bad")] };
    const diff = diffPlans(base, head);
    expect(diff.policy.added.map((x) => x.policyName)).toEqual(["fresh"]);
    expect(diff.policy.fixed.map((x) => x.policyName)).toEqual(["gone"]);
    expect(diff.policy.changed).toMatchObject([{ policyName: "moved", message: "ttl 500 s", before: "ttl 400 s" }]);
    expect(diff.policy.unchanged.map((x) => x.policyName)).toEqual(["kept"]);
    const markdown = renderDiff(diff, "markdown");
    expect(markdown).toContain("- 🆕 new: mandatory [fresh] `aws:route53/zone:Zone dns-route53`: now bad");
    expect(markdown).toContain("<details><summary>1 unchanged violation</summary>");
  });

  it("never prints a secret from the inputs or the outputs", () => {
    const base = clone(prod);
    const head = clone(prod);
    const zone = head.resources.find((r) => r.type === resourceTypes.route53Zone)!;
    zone.inputs.tags = { webhookToken: "tok-123", Owner: "edge" };
    head.stackOutputs = { dbPassword: "hunter2", body: "[secret]" };
    base.stackOutputs = { body: "[secret]" };
    for (const format of ["markdown", "text"] as const) {
      const out = renderDiff(diffPlans(base, head), format);
      expect(out).not.toMatch(/tok-123|hunter2/);
      expect(out).toContain("tags.webhookToken: [secret]");
      expect(out).toContain('tags.Owner: "edge"');
      expect(out).toContain("dbPassword: [secret]");
    }
  });
});

/** The plan with one resource under a new URN (a new parent type chain); `aliases` as the program would declare them. */
function moved(plan: PlanJson, type: string, aliases: (oldUrn: string) => string[]): { head: PlanJson; oldUrn: string; newUrn: string } {
  const head = clone(plan);
  const r = head.resources.find((x) => x.type === type)!;
  const oldUrn = r.urn;
  const newUrn = oldUrn.replace("::edge:ingest:", "::edge:ingest:Moved$edge:ingest:");
  r.urn = newUrn;
  r.aliases = aliases(oldUrn);
  for (const v of head.violations) if (v.urn === oldUrn) v.urn = newUrn;
  // What took the resource's outputs names it by its new URN, as the plan records it.
  const renamed = (urns: string[]) => urns.map((u) => (u === oldUrn ? newUrn : u));
  for (const other of head.resources) {
    other.dependencies = renamed(other.dependencies);
    for (const [key, urns] of Object.entries(other.propertyDependencies ?? {})) other.propertyDependencies![key] = renamed(urns);
  }
  return { head, oldUrn, newUrn };
}

describe("aliases", () => {
  const loadBalancer = resourceTypes.lbLoadBalancer;

  it("pairs a moved resource with the base resource its alias names: no delete, no create, no risk", () => {
    const { head } = moved(prod, loadBalancer, (oldUrn) => [oldUrn]);
    const diff = diffPlans(prod, head);
    expect(diff.resources).toEqual([]);
    expect(diff.risks).toEqual([]);
    expect(diff.policy.added.length + diff.policy.fixed.length + diff.policy.changed.length).toBe(0);
  });

  it("still shows a moved resource's input change, on the resource's new URN", () => {
    const { head, newUrn } = moved(prod, loadBalancer, (oldUrn) => [oldUrn]);
    head.resources.find((r) => r.urn === newUrn)!.inputs.internal = true;
    const diff = diffPlans(prod, head);
    expect(diff.resources.find((r) => r.urn === newUrn)).toMatchObject({ op: "replace", replaceReasons: ["internal"] });
  });

  it("deletes and creates a resource whose URN changed without an alias to the old one", () => {
    for (const aliases of [() => [], () => ["urn:pulumi:prod::edge::aws:lb/loadBalancer:LoadBalancer::elsewhere"]]) {
      const { head, oldUrn, newUrn } = moved(prod, loadBalancer, aliases);
      const diff = diffPlans(prod, head);
      expect(diff.resources.map((r) => [r.op, r.urn])).toEqual([
        ["create", newUrn],
        ["delete", oldUrn],
      ]);
      expect(diff.risks.map((r) => r.kind)).toContain("load-balancer-replaced");
    }
  });

  it("does not pair an alias with a base resource the head still has under that URN", () => {
    const eip = prod.resources.find((r) => r.type === resourceTypes.ec2Eip)!;
    const { head, oldUrn, newUrn } = moved(prod, loadBalancer, () => [eip.urn]);
    expect(diffPlans(prod, head).resources.map((r) => [r.op, r.urn])).toEqual([
      ["create", newUrn],
      ["delete", oldUrn],
    ]);
  });

  it("records on every resource inside a region's parts the URN it had as the region's direct child", () => {
    const parts = /edge:ingest:(IngestNetwork|IngestLoadBalancer|HostFleet)\$/;
    const inside = prod.resources.filter((r) => parts.test(r.urn));
    expect(inside.length).toBeGreaterThan(60);
    for (const r of inside) expect(r.aliases, r.urn).toContain(r.urn.replace(parts, ""));
    const igw = prod.resources.find((r) => r.type === resourceTypes.ec2InternetGateway && r.name === "ingest-us-east-1-igw")!;
    expect(igw.aliases).toContain("urn:pulumi:prod::edge::edge:ingest:IngestRegion$aws:ec2/vpc:Vpc$aws:ec2/internetGateway:InternetGateway::ingest-us-east-1-igw");
  });
});

describe("npm run diff", () => {
  it("exits 3 with --fail-on unsafe on a risky change and 0 without it", () => {
    const head = clone(prod);
    record(head, "decide.example.com").inputs.ttl = 300;
    writeFileSync(join(dir, "base.json"), JSON.stringify(prod));
    writeFileSync(join(dir, "head.json"), JSON.stringify(head));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(projectRoot, "tools/diff/main.ts"), join(dir, "base.json"), join(dir, "head.json"), ...args], {
        cwd: projectRoot,
        encoding: "utf8",
      });
    const unsafe = run("--fail-on", "unsafe", "--format", "markdown");
    expect(unsafe.status).toBe(3);
    expect(unsafe.stdout).toContain("ttl-raised");
    expect(unsafe.stderr).toContain("1 risky change(s)");
    expect(run().status).toBe(0);
    expect(run("--format", "html").status).toBe(2);
  });
});
