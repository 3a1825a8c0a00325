/**
 * Replace detection from the providers' own rules: every rule replaces when its property changes
 * as the provider says, every declared resource type has rules, and a replace reaches the
 * resources that take its id or ARN.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { diffPlans, PlanJson, PlanJsonResource } from "../../../tools/diff/planDiff";
import { regionCite, replaceRules } from "../../../tools/diff/replaceRules";
import { renderDiff } from "../../../tools/diff/render";
import { resourceTypes } from "../../../models/resourceTypes";
import { runPlan } from "../../support/runPlan";

const plans: Record<string, PlanJson> = {};

beforeAll(() => {
  for (const stack of ["prod", "dev"]) {
    const run = runPlan(["--stack", stack]);
    expect(run.code).toBe(0);
    plans[stack] = run.json as unknown as PlanJson;
  }
}, 60_000);

function plan(inputs: Record<string, unknown>, type: string): PlanJson {
  const resource: PlanJsonResource = {
    urn: `urn:pulumi:test::edge::${type}::subject`,
    type,
    name: "subject",
    parent: "",
    custom: true,
    region: null,
    inputs,
    dependencies: [],
  };
  return { stack: "test", resources: [resource], violations: [] };
}

function opOf(type: string, before: Record<string, unknown>, after: Record<string, unknown>) {
  const diff = diffPlans(plan(before, type), plan(after, type));
  expect(diff.resources).toHaveLength(1);
  return diff.resources[0]!;
}

const rules = Object.entries(replaceRules).flatMap(([type, r]) => Object.entries(r.properties).map(([property, rule]) => ({ type, property, rule })));

describe("every rule", () => {
  it.each(rules.filter((r) => r.rule.when === "change"))("$type $property: a change replaces", ({ type, property, rule }) => {
    // The inputs the conditional rules (`onlyIf`) need: a network load balancer, an instance whose user data changes replace it.
    const conditions = { loadBalancerType: "network", userDataReplaceOnChange: true };
    const change = opOf(type, { ...conditions, [property]: "before" }, { ...conditions, [property]: "after" });
    // A name the program sets where @pulumi/aws would auto-name one makes the bridge delete first.
    const mode = replaceRules[type]!.autoName?.property === property ? "delete-before-replace" : "create-before-delete";
    expect(change).toMatchObject({ op: "replace", replaceReasons: [property], replace: { citations: [rule.cite], mode } });
  });

  it.each(rules.filter((r) => r.rule.when === "referenceReplaced"))("$type $property: a new known value updates in place", ({ type, property }) => {
    expect(opOf(type, { [property]: { arn: "arn:aws:s3:::a" } }, { [property]: { arn: "arn:aws:s3:::b" } }).op).toBe("update");
  });

  it.each(rules.filter((r) => r.rule.when === "removal"))("$type $property (network): removing an element replaces, adding one updates", ({ type, property }) => {
    const nlb = (list: string[]) => ({ loadBalancerType: "network", [property]: list });
    expect(opOf(type, nlb(["a", "b"]), nlb(["a"])).op).toBe("replace");
    expect(opOf(type, nlb(["a"]), nlb(["a", "b"])).op).toBe("update");
    expect(opOf(type, { ...nlb(["a", "b"]), loadBalancerType: "application" }, { ...nlb(["a"]), loadBalancerType: "application" }).op).toBe("update");
  });

  it.each(rules.filter((r) => r.rule.when === "emptiness"))("$type $property (network): none ↔ some replaces, some → other updates", ({ type, property }) => {
    const nlb = (list: string[]) => ({ loadBalancerType: "network", [property]: list });
    expect(opOf(type, nlb([]), nlb(["sg-1"])).op).toBe("replace");
    expect(opOf(type, nlb(["sg-1"]), nlb([])).op).toBe("replace");
    expect(opOf(type, nlb(["sg-1"]), nlb(["sg-2"])).op).toBe("update");
  });

  it.each(rules.filter((r) => r.rule.when === "decrease"))("$type $property (network): lowering it replaces, raising it updates", ({ type, property }) => {
    const nlb = (n: number | undefined) => ({ loadBalancerType: "network", [property]: n });
    expect(opOf(type, nlb(2), nlb(1)).op).toBe("replace");
    expect(opOf(type, nlb(2), nlb(undefined)).op).toBe("replace");
    expect(opOf(type, nlb(1), nlb(3)).op).toBe("update");
    expect(opOf(type, { ...nlb(2), loadBalancerType: "application" }, { ...nlb(1), loadBalancerType: "application" }).op).toBe("update");
  });

  it("cites the provider file at a pinned commit", () => {
    for (const { type, property, rule } of rules) {
      expect(rule.cite, `${type} ${property}`).toMatch(/^(terraform-provider-\S+ \S+(:\d+)?@[0-9a-f]{12}|node_modules\/@pulumi\/aws\/\S+:\d+ )/);
    }
    for (const [type, r] of Object.entries(replaceRules)) if (Object.keys(r.properties).length === 0) expect(r.cite, type).toBeTruthy();
  });

  it("updates in place what no rule forces", () => {
    expect(opOf(resourceTypes.cloudwatchMetricAlarm, { name: "a", threshold: 1 }, { name: "a", threshold: 2 }).op).toBe("update");
    expect(opOf(resourceTypes.cloudfrontDistribution, { comment: "a" }, { comment: "b" }).op).toBe("update");
  });

  // Attributes the provider updates in place (no ForceNew in the file each type cites).
  it.each([
    [resourceTypes.autoscalingLifecycleHook, "autoscalingGroupName", "asg-a", "asg-b"],
    [resourceTypes.ec2Eip, "customerOwnedIpv4Pool", "pool-a", "pool-b"],
    [resourceTypes.snsTopicSubscription, "endpointAutoConfirms", false, true],
    [resourceTypes.snsTopicSubscription, "confirmationTimeoutInMinutes", 1, 5],
    [resourceTypes.acmCertificate, "options", { certificateTransparencyLoggingPreference: "ENABLED" }, { certificateTransparencyLoggingPreference: "DISABLED" }],
    [resourceTypes.vpcSecurityGroupIngressRule, "cidrIpv4", "0.0.0.0/0", "10.0.0.0/8"],
    [resourceTypes.route53Record, "setIdentifier", "us-east-1", "us-west-2"],
    [resourceTypes.route53KeySigningKey, "keyManagementServiceArn", "arn:aws:kms:us-east-1:1:key/a", "arn:aws:kms:us-east-1:1:key/b"],
    [resourceTypes.ec2Instance, "userData", "#!/bin/sh\necho a", "#!/bin/sh\necho b"],
    [resourceTypes.ec2Instance, "instanceType", "t3.small", "t3.medium"],
    [resourceTypes.autoscalingGroup, "launchTemplate", { id: "lt-1", version: "1" }, { id: "lt-1", version: "2" }],
    [resourceTypes.cloudfrontCachePolicy, "name", "a", "b"],
    [resourceTypes.cloudfrontOriginAccessControl, "name", "a", "b"],
    [resourceTypes.cloudfrontResponseHeadersPolicy, "name", "a", "b"],
    [resourceTypes.s3BucketReplicationConfig, "role", "arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"],
    [resourceTypes.ec2SecurityGroupRule, "description", "a", "b"],
  ] as const)("%s %s: a change updates in place", (type, property, before, after) => {
    expect(opOf(type, { [property]: before }, { [property]: after }).op).toBe("update");
  });

  it("replaces a resource moved to another region, citing the provider's region interceptors", () => {
    const moved = opOf(resourceTypes.snsTopic, { region: "us-east-1", name: "alerts" }, { region: "us-west-2", name: "alerts" });
    expect(moved).toMatchObject({ op: "replace", replaceReasons: ["region"], replace: { citations: [regionCite] } });
    expect(regionCite).toMatch(/^terraform-provider-aws internal\/provider\/sdkv2\/region\.go@[0-9a-f]{12} forceNewIfRegionChanges/);
  });

  it("replaces a security group rule whose source kind changes (a CIDR becomes a referenced group)", () => {
    const rule = opOf(resourceTypes.vpcSecurityGroupIngressRule, { cidrIpv4: "0.0.0.0/0" }, { referencedSecurityGroupId: "sg-1" });
    expect(rule).toMatchObject({ op: "replace", replaceReasons: ["cidrIpv4", "referencedSecurityGroupId"] });
  });
});

describe("declared types", () => {
  it("has rules (or an explicit in-place entry) for every resource type a stack declares", () => {
    const declared = new Set(Object.values(plans).flatMap((p) => p.resources.filter((r) => r.custom).map((r) => r.type)));
    expect(declared.size).toBeGreaterThan(40);
    expect([...declared].filter((type) => !replaceRules[type]).sort()).toEqual([]);
  });

  it("has rules for every type the policies and the diff name", () => {
    expect(Object.values(resourceTypes).filter((type) => !replaceRules[type])).toEqual([]);
  });
});

describe("replaces in the prod plan", () => {
  const edit = (type: string, name: RegExp, change: (inputs: Record<string, any>) => void): PlanJson => {
    const head = structuredClone(plans.prod!);
    const r = head.resources.find((x) => x.type === type && name.test(x.name))!;
    expect(r, `${type} ${name}`).toBeDefined();
    change(r.inputs);
    return head;
  };
  const nlb = resourceTypes.lbLoadBalancer;

  it("adds an availability zone to a network load balancer in place; removing one replaces it", () => {
    const added = diffPlans(
      plans.prod!,
      edit(nlb, /us-east-1/, (i) => i.subnetMappings.push({ allocationId: "eipalloc-new", subnetId: "subnet-new" })),
    );
    expect(added.resources.find((r) => r.type === nlb)).toMatchObject({ op: "update" });
    expect(added.risks.map((r) => r.kind)).not.toContain("regional-outage");
    const removed = diffPlans(
      plans.prod!,
      edit(nlb, /us-east-1/, (i) => i.subnetMappings.pop()),
    );
    expect(removed.resources.find((r) => r.type === nlb)).toMatchObject({ op: "replace", replaceReasons: ["subnetMappings"] });
    expect(removed.risks.find((r) => r.kind === "regional-outage")!.message).toMatch(
      /^regional outage of us-east-1: ingest-us-east-1-nlb replaced \(subnetMappings changed, delete-before-replace\); the region answers nothing until the new load balancer is active/,
    );
  });

  it("a replaced load balancer replaces its listener and updates what reads its ARN (target health checks, alarms, dashboard)", () => {
    const diff = diffPlans(
      plans.prod!,
      edit(nlb, /us-east-1/, (i) => (i.internal = true)),
    );
    const byType = (type: string) => diff.resources.filter((r) => r.type === type);
    expect(byType(resourceTypes.lbListener).map((r) => [r.op, r.replaceReasons])).toEqual([["replace", ["loadBalancerArn"]]]);
    const followers = diff.resources.filter((r) => r.cascadeFrom?.some((f) => f.includes("ingest-us-east-1-nlb")));
    const followerTypes = new Set(followers.map((r) => r.type));
    expect(followerTypes).toContain(resourceTypes.lbListener);
    for (const r of followers.filter((f) => f.type !== resourceTypes.lbListener)) expect(r.op, `${r.type} ${r.name}`).toBe("update");
    const text = renderDiff(diff, "text");
    expect(text).toMatch(/\+- aws:lb\/loadBalancer:LoadBalancer {2}ingest-us-east-1-nlb {2}\(replace, delete-before-replace: internal\)/);
    expect(text).toContain("# internal: terraform-provider-aws internal/service/elbv2/load_balancer.go:82@af55dfb90500");
  });

  it("raising a network load balancer's secondary IPs updates it in place; lowering them replaces it", () => {
    const raised = edit(nlb, /us-east-1/, (i) => (i.secondaryIpsAutoAssignedPerSubnet = 2));
    expect(diffPlans(plans.prod!, raised).resources.find((r) => r.type === nlb)).toMatchObject({ op: "update" });
    const lowered = structuredClone(raised);
    lowered.resources.find((r) => r.type === nlb && /us-east-1/.test(r.name))!.inputs.secondaryIpsAutoAssignedPerSubnet = 1;
    expect(diffPlans(raised, lowered).resources.find((r) => r.type === nlb)).toMatchObject({ op: "replace", replaceReasons: ["secondaryIpsAutoAssignedPerSubnet"] });
  });

  it("an initial lifecycle hook added to a host group replaces the group; a new launch template version updates it", () => {
    const group = resourceTypes.autoscalingGroup;
    const hooked = diffPlans(
      plans.prod!,
      edit(group, /./, (i) => (i.initialLifecycleHooks = [{ name: "drain", lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING" }])),
    );
    expect(hooked.resources.find((r) => r.type === group)).toMatchObject({ op: "replace", replaceReasons: ["initialLifecycleHooks"] });
    const bumped = diffPlans(
      plans.prod!,
      edit(group, /./, (i) => (i.launchTemplate = { ...i.launchTemplate, version: "$Latest-next" })),
    );
    expect(bumped.resources.find((r) => r.type === group)).toMatchObject({ op: "update" });
  });

  it("a new Cloudflare account replaces the zone and every Cloudflare record", () => {
    const diff = diffPlans(
      plans.prod!,
      edit(resourceTypes.cloudflareZone, /./, (i) => (i.account = { id: "another-account" })),
    );
    const records = plans.prod!.resources.filter((r) => r.type === resourceTypes.cloudflareDnsRecord);
    const replaced = diff.resources.filter((r) => r.type === resourceTypes.cloudflareDnsRecord && r.op === "replace");
    expect(replaced).toHaveLength(records.length);
    for (const r of replaced) expect(r.replaceReasons).toEqual(["zoneId"]);
    expect(diff.resources.find((r) => r.type === resourceTypes.cloudflareZone)!.replace!.outage).toMatch(/every Cloudflare record is replaced/);
    expect(diff.risks.map((r) => r.kind)).toContain("zone-replaced");
  });

  it("a Route 53 record's name, a certificate's validation and a bucket's name replace", () => {
    const record = diffPlans(
      plans.prod!,
      edit(resourceTypes.route53Record, /./, (i) => (i.name = `renamed.${i.name}`)),
    );
    expect(record.resources.find((r) => r.type === resourceTypes.route53Record)).toMatchObject({ op: "replace", replaceReasons: ["name"] });
    const cert = diffPlans(
      plans.prod!,
      edit(resourceTypes.acmCertificate, /./, (i) => (i.domainName = `x.${i.domainName}`)),
    );
    expect(cert.resources.find((r) => r.type === resourceTypes.acmCertificateValidation)).toMatchObject({ op: "replace" });
    expect(cert.resources.find((r) => r.type === resourceTypes.acmCertificateValidation)!.replaceReasons).toContain("certificateArn");
  });

  it("a replaced log bucket replaces the CloudFront log delivery destination that writes to it", () => {
    const bucket = edit(resourceTypes.s3Bucket, /^cdn-access-logs$/, (i) => (i.objectLockEnabled = true));
    const diff = diffPlans(plans.prod!, bucket);
    const destination = diff.resources.find((r) => r.type === "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination")!;
    expect(destination).toMatchObject({ op: "replace", replaceReasons: ["deliveryDestinationConfiguration"] });
    expect(destination.cascadeFrom).toEqual(["aws:s3/bucket:Bucket cdn-access-logs"]);
  });

  it("a renamed alarm is deleted before its replacement: the program names what @pulumi/aws would auto-name", () => {
    const diff = diffPlans(
      plans.prod!,
      edit(resourceTypes.cloudwatchMetricAlarm, /./, (i) => (i.name = `${i.name}-renamed`)),
    );
    const alarm = diff.resources.find((r) => r.type === resourceTypes.cloudwatchMetricAlarm)!;
    expect(alarm.replace).toMatchObject({ mode: "delete-before-replace" });
    expect(renderDiff(diff, "text")).toMatch(/# delete-before-replace: pulumi-aws provider\/resources\.go aws_cloudwatch_metric_alarm .*nameRequiresDeleteBeforeReplace/);
  });

  it("says delete-before-replace where the program asks for it, as the plan records it", () => {
    const optioned = plans.prod!.resources.filter((r) => r.options?.deleteBeforeReplace).map((r) => r.type);
    expect(new Set(optioned)).toEqual(new Set([nlb, resourceTypes.route53Zone]));
    const zone = diffPlans(
      plans.prod!,
      edit(resourceTypes.route53Zone, /./, (i) => (i.name = "example.net")),
    ).resources.find((r) => r.type === resourceTypes.route53Zone)!;
    expect(zone.replace).toMatchObject({ mode: "delete-before-replace" });
    expect(zone.replace!.outage).toMatch(/DNS outage/);
    const healthCheck = diffPlans(
      plans.prod!,
      edit(resourceTypes.route53HealthCheck, /./, (i) => (i.type = "TCP")),
    ).resources.find((r) => r.type === resourceTypes.route53HealthCheck)!;
    expect(healthCheck.replace).toMatchObject({ mode: "create-before-delete" });
  });
});
