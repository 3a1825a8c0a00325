/**
 * The update rehearsal on small hand-made updates, one rule at a time: the engine's order
 * (create-before-delete, delete-before-replace, dependents first at the end) and each refusal with
 * the API's error; and the same update passing once the sequence that works is followed.
 */
import { describe, expect, it } from "vitest";
import { rehearseUpdate, refusalMessage, type PlannedChange, type RehearsalResource } from "../../../models/rehearsal/updateRehearsal";
import { resourceTypes as t } from "../../../models/resourceTypes";

const urn = (type: string, name: string) => `urn:pulumi:s::edge::${type}::${name}`;

/** A resource; `refs` maps each input property to the resources (by name) it takes its value from. */
function res(type: string, name: string, inputs: Record<string, unknown> = {}, refs: Record<string, string[]> = {}, options?: RehearsalResource["options"]): RehearsalResource {
  const byName = (n: string) => urn(all.get(n) ?? type, n);
  const propertyDependencies = Object.fromEntries(Object.entries(refs).map(([p, names]) => [p, names.map(byName)]));
  all.set(name, type);
  return { urn: urn(type, name), type, name, region: "us-east-1", inputs, dependencies: Object.values(propertyDependencies).flat(), propertyDependencies, options };
}
const all = new Map<string, string>();

const same = (r: RehearsalResource): PlannedChange => ({ op: "same", before: r, after: r });
const kinds = (changes: PlannedChange[]) => rehearseUpdate(changes).refusals.map((r) => r.kind);

describe("a replacement created with a value its predecessor still holds", () => {
  const vpc = res(t.ec2Vpc, "vpc", { cidrBlock: "10.0.0.0/16" });
  const subnet = (name: string, cidrBlock: string, az: string) => res(t.ec2Subnet, name, { cidrBlock, availabilityZoneId: az }, { vpcId: ["vpc"] });

  it("refuses a subnet replaced with its own block, created before the old one goes (InvalidSubnet.Conflict)", () => {
    const before = subnet("public-2", "10.0.16.0/20", "use1-az2");
    const after = subnet("public-2", "10.0.16.0/20", "use1-az6");
    const rehearsal = rehearseUpdate([same(vpc), { op: "replace", before, after, mode: "create-before-delete" }]);
    expect(rehearsal.steps.map((s) => `${s.op} ${s.resource}`)).toEqual([`create-replacement ${t.ec2Subnet} public-2 [us-east-1]`, `delete-replaced ${t.ec2Subnet} public-2 [us-east-1]`]);
    expect(rehearsal.refusals).toHaveLength(1);
    expect(refusalMessage(rehearsal.refusals[0]!)).toMatch(
      /^aws:ec2\/subnet:Subnet public-2 \[us-east-1\], create-replacement: the API refuses it: InvalidSubnet\.Conflict .*, because the new aws:ec2\/subnet:Subnet public-2 is created with cidrBlock 10\.0\.16\.0\/20 while its own predecessor, which is deleted only at the end of the update, still holds 10\.0\.16\.0\/20 in the same VPC \(https:\/\/docs\.aws\.amazon\.com\/AWSEC2\/latest\/APIReference\/API_CreateSubnet\.html.*\)\. What works: Give the subnet a CIDR block no live subnet of the VPC holds/,
    );
  });

  it("refuses a block that overlaps another live subnet's, and takes one of its own or a new VPC's", () => {
    const other = subnet("public-1", "10.0.0.0/20", "use1-az1");
    const grown = subnet("public-2", "10.0.0.0/19", "use1-az2");
    expect(kinds([same(vpc), same(other), { op: "create", after: grown }])).toEqual(["unique-value-held"]);
    const own = subnet("public-2", "10.0.48.0/20", "use1-az6");
    expect(kinds([same(vpc), same(other), { op: "replace", before: subnet("public-2", "10.0.16.0/20", "use1-az2"), after: own, mode: "create-before-delete" }])).toEqual([]);
    // The VPC replaced as well: the new subnet lives in the new VPC.
    const newVpc = res(t.ec2Vpc, "vpc", { cidrBlock: "10.1.0.0/16" });
    const before = subnet("public-2", "10.0.16.0/20", "use1-az2");
    const after = { ...subnet("public-2", "10.0.16.0/20", "use1-az6") };
    expect(
      kinds([
        { op: "replace", before: vpc, after: newVpc, mode: "create-before-delete" },
        { op: "replace", before, after, mode: "create-before-delete" },
      ]),
    ).toEqual([]);
  });

  it("refuses a zone replaced on the same delegation set while the old zone exists (ConflictingDomainExists), not once it is deleted first", () => {
    const set = res(t.route53DelegationSet, "set", { referenceName: "example.com" });
    const zone = res(t.route53Zone, "zone", { name: "example.com", comment: "a" }, { delegationSetId: ["set"] });
    const renamed = res(t.route53Zone, "zone", { name: "example.com", comment: "b" }, { delegationSetId: ["set"] });
    const cbd = rehearseUpdate([same(set), { op: "replace", before: zone, after: renamed, mode: "create-before-delete" }]);
    expect(cbd.refusals.map((r) => r.error)).toEqual([expect.stringMatching(/^ConflictingDomainExists/)]);
    expect(kinds([same(set), { op: "replace", before: zone, after: renamed, mode: "delete-before-replace" }])).toEqual([]);
  });

  it("refuses a create with a name unique in the account that a resource deleted later still holds", () => {
    const old = res(t.cloudwatchLogDeliverySource, "cdn-access-logs", { name: "edge-prod-cdn-access-logs", logType: "ACCESS_LOGS" });
    const renamed = res(t.cloudwatchLogDeliverySource, "cdn-logs", { name: "edge-prod-cdn-access-logs", logType: "ACCESS_LOGS" });
    const rehearsal = rehearseUpdate([
      { op: "create", after: renamed },
      { op: "delete", before: old },
    ]);
    expect(rehearsal.refusals.map((r) => [r.kind, r.step.op])).toEqual([["unique-value-held", "create"]]);
    expect(rehearsal.refusals[0]!.error).toContain("the second stack takes over");
  });
});

describe("a delete of what something still holds", () => {
  const subnet = res(t.ec2Subnet, "public-1", { cidrBlock: "10.0.0.0/20" });
  const nlb = res(t.lbLoadBalancer, "nlb", { loadBalancerType: "network", enableDeletionProtection: false }, { subnetMappings: ["public-1"] });

  it("refuses a subnet deleted before its replacement exists while the load balancer is in it (DependencyViolation)", () => {
    const moved = res(t.ec2Subnet, "public-1", { cidrBlock: "10.0.0.0/20", availabilityZoneId: "use1-az6" });
    const nlbAfter = res(t.lbLoadBalancer, "nlb", { loadBalancerType: "network", enableDeletionProtection: false, tags: { x: "y" } }, { subnetMappings: ["public-1"] });
    const rehearsal = rehearseUpdate([
      { op: "replace", before: subnet, after: moved, mode: "delete-before-replace" },
      { op: "update", before: nlb, after: nlbAfter },
    ]);
    expect(rehearsal.refusals.map((r) => [r.kind, r.step.op, r.error])).toEqual([["held-by-dependents", "delete-replaced", expect.stringMatching(/^DependencyViolation/)]]);
    expect(rehearsal.refusals[0]!.why).toContain(`${t.lbLoadBalancer} nlb [us-east-1] still references it`);
    // Created first, the load balancer moves to the new subnet before the old one is deleted.
    expect(
      kinds([
        { op: "replace", before: subnet, after: moved, mode: "create-before-delete" },
        { op: "update", before: nlb, after: nlbAfter },
      ]),
    ).toEqual([]);
  });

  it("refuses a target group deleted first while the listener forwards to it (ResourceInUse)", () => {
    const group = res(t.lbTargetGroup, "hosts", { port: 80, name: "edge-prod-hosts" });
    const listener = res(t.lbListener, "tls", { port: 443 }, { defaultActions: ["hosts"] });
    const moved = res(t.lbTargetGroup, "hosts", { port: 8080, name: "edge-prod-hosts" });
    expect(
      kinds([
        { op: "replace", before: group, after: moved, mode: "delete-before-replace" },
        { op: "update", before: listener, after: listener },
      ]),
    ).toEqual(["held-by-dependents"]);
  });

  it("deletes the dependents a delete-before-replace replaces first, dependents before what they depend on", () => {
    const zone = res(t.route53Zone, "zone", { name: "example.com", forceDestroy: true });
    const record = res(t.route53Record, "api", { name: "api.example.com", type: "A" }, { zoneId: ["zone"] });
    const newZone = res(t.route53Zone, "zone", { name: "example.org", forceDestroy: true });
    const newRecord = res(t.route53Record, "api", { name: "api.example.org", type: "A" }, { zoneId: ["zone"] });
    const rehearsal = rehearseUpdate([
      { op: "replace", before: zone, after: newZone, mode: "delete-before-replace" },
      { op: "replace", before: record, after: newRecord, mode: "create-before-delete" },
    ]);
    expect(rehearsal.steps.map((s) => `${s.op} ${s.resource.split(" ")[1]}`)).toEqual(["delete-replaced api", "delete-replaced zone", "create-replacement zone", "create-replacement api"]);
    expect(rehearsal.refusals).toEqual([]);
  });
});

describe("a delete of what holds contents or cannot be deleted", () => {
  it("refuses a zone deleted with the records the stack leaves in it (HostedZoneNotEmpty), unless forceDestroy", () => {
    const zone = (forceDestroy: boolean) => res(t.route53Zone, "zone", { name: "example.com", forceDestroy });
    const validation = res(t.route53Record, "cert-validation-1", { name: "_x.example.com", type: "CNAME" }, { zoneId: ["zone"] }, { retainOnDelete: true });
    const removed = (z: RehearsalResource): PlannedChange[] => [
      { op: "delete", before: z },
      { op: "delete", before: validation },
    ];
    const rehearsal = rehearseUpdate(removed(zone(false)));
    expect(rehearsal.steps.map((s) => s.op)).toEqual(["retain", "delete"]);
    expect(rehearsal.leftInCloud.map((l) => l.note)).toEqual([`${t.route53Record} cert-validation-1 [us-east-1] leaves the stack but stays in the cloud (retainOnDelete)`]);
    expect(rehearsal.refusals.map((r) => [r.kind, r.error])).toEqual([["zone-not-empty", expect.stringMatching(/^HostedZoneNotEmpty/)]]);
    expect(rehearsal.refusals[0]!.sequence).toContain("forceDestroy: true first");
    expect(kinds(removed(zone(true)))).toEqual([]);
  });

  it("refuses a bucket deleted with what its writers wrote (BucketNotEmpty), unless forceDestroy or kept", () => {
    const bucket = (inputs: Record<string, unknown>, options?: RehearsalResource["options"]) => res(t.s3Bucket, "logs", inputs, {}, options);
    bucket({}); // known by name before the load balancer refers to it
    const nlb = res(t.lbLoadBalancer, "nlb", { enableDeletionProtection: false }, { accessLogs: ["logs"] });
    const removed = (b: RehearsalResource): PlannedChange[] => [
      { op: "delete", before: b },
      { op: "delete", before: nlb },
    ];
    const rehearsal = rehearseUpdate(removed(bucket({ forceDestroy: false })));
    // The load balancer goes first (it depends on the bucket); its logs stay in the bucket.
    expect(rehearsal.steps.map((s) => s.resource.split(" ")[1])).toEqual(["nlb", "logs"]);
    expect(rehearsal.refusals.map((r) => [r.kind, r.error])).toEqual([["bucket-not-empty", expect.stringMatching(/^BucketNotEmpty/)]]);
    expect(rehearsal.refusals[0]!.why).toContain(`its access logs (${t.lbLoadBalancer} nlb [us-east-1])`);
    expect(kinds(removed(bucket({ forceDestroy: true })))).toEqual([]);
    expect(kinds(removed(bucket({ forceDestroy: false }, { retainOnDelete: true })))).toEqual([]);
    // An empty bucket nothing writes to deletes.
    expect(kinds([{ op: "delete", before: bucket({}) }])).toEqual([]);
  });

  it("refuses a protected load balancer's delete (OperationNotPermitted)", () => {
    const protectedLb = res(t.lbLoadBalancer, "nlb", { enableDeletionProtection: true });
    expect(rehearseUpdate([{ op: "delete", before: protectedLb }]).refusals.map((r) => r.error)).toEqual([expect.stringMatching(/^OperationNotPermitted/)]);
    expect(kinds([{ op: "delete", before: res(t.lbLoadBalancer, "nlb", { enableDeletionProtection: false }) }])).toEqual([]);
  });

  it("calls a KMS key's deletion what it is: a 7-30 day window that cannot be undone after, unless the key is kept", () => {
    const key = (options?: RehearsalResource["options"]) => res(t.kmsKey, "key", { deletionWindowInDays: 30 }, {}, options);
    const [refusal] = rehearseUpdate([{ op: "delete", before: key() }]).refusals;
    expect(refusal).toMatchObject({ kind: "key-deletion-window", severity: "irreversible" });
    expect(refusalMessage(refusal!)).toMatch(/^aws:kms\/key:Key key \[us-east-1\], delete: it cannot be undone: ScheduleKeyDeletion.*scheduled for deletion in 30 days.*API_ScheduleKeyDeletion\.html/);
    expect(kinds([{ op: "delete", before: key({ retainOnDelete: true }) }])).toEqual([]);
  });
});
