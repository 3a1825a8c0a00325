/**
 * The review's six network findings, each judged on the shipped stacks' plans (and, for the last
 * two, by the real policy pack on the plan changed the way the finding describes): the hosts had no
 * route to their datastore; the route table's inline routes owned (and deleted) every route; every
 * stack took 10.0.0.0/16 and dev pointed at prod's datastore; the interface endpoints had no
 * policy; an S3 gateway endpoint policy widened to s3:* on * passed every policy; the host role
 * read every SSM parameter through AmazonSSMManagedInstanceCore. Point EDGE_NETWORK_PLAN_PROD and
 * EDGE_NETWORK_PLAN_DEV at plans of an older commit to judge those instead.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { cidrsOverlap } from "../../../models/network/cidr";
import { allows, knownManagedPolicies, readStatements, type Statement } from "../../../models/network/policyDocuments";
import { reachabilityOfPlan } from "../../../models/network/reachability";
import { hostApis } from "../../../models/ingestRegion/egress";
import { resourceTypes } from "../../../models/resourceTypes";
import type { PlanJson, PlanJsonResource } from "../../../tools/plan/planJson";
import { stackConfig } from "../../support/runPlan";
import { mutated, packVerdict, shippedPlan } from "../../support/plannedNetwork";

let prod: PlanJson;
let dev: PlanJson;
beforeAll(() => {
  prod = shippedPlan("prod");
  dev = shippedPlan("dev");
}, 300_000);

const ofType = (plan: PlanJson, type: string) => plan.resources.filter((r) => r.type === type);
const dependsOn = (r: PlanJsonResource, key: string, target: PlanJsonResource) => (r.propertyDependencies?.[key] ?? []).includes(target.urn);
const managedSsmCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

function statements(policy: unknown): Statement[] {
  const read = readStatements(policy);
  if (typeof read === "string") throw new Error(`policy ${read}`);
  return read;
}

describe("the network review's findings, on the shipped plans", () => {
  it("1. the hosts reach each datastore network: their route table sends it to the declared transit gateway", () => {
    const endpoints = stackConfig("prod")["edge:datastore"].endpoints as Record<string, { cidrs: string[]; route: { transitGatewayId: string } }>;
    for (const [region, endpoint] of Object.entries(endpoints)) {
      const subnets = ofType(prod, resourceTypes.ec2Subnet).filter((s) => s.region === region);
      const tables = new Set(
        ofType(prod, resourceTypes.ec2RouteTableAssociation)
          .filter((a) => subnets.some((s) => dependsOn(a, "subnetId", s)))
          .flatMap((a) => a.propertyDependencies?.routeTableId ?? []),
      );
      expect(tables.size, region).toBe(1);
      for (const cidr of endpoint.cidrs) {
        const routes = ofType(prod, resourceTypes.ec2Route).filter((r) => r.inputs.destinationCidrBlock === cidr && tables.has((r.propertyDependencies?.routeTableId ?? [])[0]!));
        expect(
          routes.map((r) => r.inputs.transitGatewayId),
          `${region} ${cidr}`,
        ).toEqual([endpoint.route.transitGatewayId]);
      }
    }
    const datastore = reachabilityOfPlan(prod.resources).regions.flatMap((r) => r.flows.filter((f) => f.name === "host → datastore"));
    expect(datastore.map((f) => [f.region, f.open])).toEqual([
      ["us-east-1", true],
      ["us-west-2", true],
      ["eu-west-1", true],
    ]);
  });

  it("2. no route table declares inline routes: each route is a resource of its own, so one added beside it is never deleted", () => {
    for (const plan of [prod, dev]) {
      const tables = ofType(plan, resourceTypes.ec2RouteTable);
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) expect(table.inputs.routes ?? [], table.name).toEqual([]);
      for (const table of tables) {
        const internet = ofType(plan, resourceTypes.ec2Route).filter((r) => dependsOn(r, "routeTableId", table) && r.inputs.destinationCidrBlock === "0.0.0.0/0");
        expect(internet.map((r) => (r.propertyDependencies?.gatewayId ?? []).map((u) => u.split("::")[2]!.split("$").pop()))).toEqual([[resourceTypes.ec2InternetGateway]]);
      }
    }
  });

  it("3. dev and prod take apart VPC blocks, and dev names none of prod's datastore hosts or networks", () => {
    const blocks = (plan: PlanJson) => ofType(plan, resourceTypes.ec2Vpc).map((v) => String(v.inputs.cidrBlock));
    for (const devBlock of blocks(dev)) for (const prodBlock of blocks(prod)) expect(cidrsOverlap(devBlock, prodBlock), `${devBlock} / ${prodBlock}`).toBe(false);
    const endpoints = (stack: "dev" | "prod") => Object.values(stackConfig(stack)["edge:datastore"].endpoints as Record<string, { hosts: string[]; cidrs: string[] }>);
    const prodHosts = new Set(endpoints("prod").flatMap((e) => e.hosts));
    const prodNetworks = endpoints("prod").flatMap((e) => e.cidrs);
    for (const endpoint of endpoints("dev")) {
      expect(endpoint.hosts.filter((h) => prodHosts.has(h))).toEqual([]);
      for (const cidr of endpoint.cidrs) expect(prodNetworks.filter((p) => cidrsOverlap(p, cidr))).toEqual([]);
    }
  });

  it("4. every interface endpoint of a service that takes a policy admits the account's principals and the hosts' calls only", () => {
    const interfaces = ofType(prod, resourceTypes.ec2VpcEndpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
    expect(interfaces).toHaveLength(18);
    for (const endpoint of interfaces) {
      const api = hostApis.find((a) => String(endpoint.inputs.serviceName).endsWith(`.${a.service}`))!;
      if (!api.endpointPolicy.supported) continue;
      const policy = statements(endpoint.inputs.policy);
      const own = { action: api.calls({ region: endpoint.region!, accountId: "123456789012" })[0]!.action, principalAccount: "123456789012" };
      expect(allows(policy, { ...own, resource: "*", principalAccount: "999999999999" }, true), endpoint.name).toBe(false);
      expect(allows(policy, { action: "s3:PutObject", resource: "*", principalAccount: "123456789012" }, true), endpoint.name).toBe(false);
    }
    const extras = reachabilityOfPlan(prod.resources).regions.flatMap((r) => r.extras);
    expect(extras.filter((e) => e.kind === "endpoint policy")).toEqual([]);
  });

  it("5. an S3 gateway endpoint policy widened to s3:* on * is refused by the pack, naming the statement", async () => {
    const widened = mutated(
      prod,
      () => false,
      (r) => {
        if (r.type === resourceTypes.ec2VpcEndpoint && r.inputs.vpcEndpointType === "Gateway" && r.region === "us-east-1") {
          r.inputs.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] });
        }
      },
    );
    const verdict = await packVerdict(widened);
    const refused = verdict.violations.filter((v) => v.policyName === "disallow-unneeded-paths");
    expect(refused.map((v) => v.message)).toEqual([
      "endpoint ingest-us-east-1-s3's policy allows more than the hosts' s3:GetObject: Action \"s3:*\" where the hosts make s3:GetObject; " +
        'Resource "*" where s3:GetObject names arn:aws:s3:::edge-releases-us-east-1/releases/edge-ingest-2026.12.01.tar.gz; ' +
        'Principal "*" with no aws:PrincipalAccount condition: any account\'s credentials may use it [us-east-1]. Broadest: Allow Principal "*", Action "s3:*", Resource "*". ' +
        "Smallest fix: write the policy from the hosts' calls (interfaceEndpointPolicy, bundleEndpointPolicy in models/ingestRegion/egress.ts). Security baseline: a compromised host may use every path the network leaves open.",
    ]);
    expect(refused[0]!.enforcementLevel).toBe("mandatory");
  }, 120_000);

  it("6. the host role reads its own parameter only: no AmazonSSMManagedInstanceCore, and attaching it again is refused", async () => {
    expect(ofType(prod, resourceTypes.iamRolePolicyAttachment).filter((a) => a.inputs.policyArn === managedSsmCore)).toEqual([]);
    for (const role of ofType(prod, resourceTypes.iamRole).filter((r) => r.name.endsWith("-host"))) {
      const granted = ofType(prod, resourceTypes.iamRolePolicy)
        .filter((p) => dependsOn(p, "role", role))
        .flatMap((p) => statements(p.inputs.policy));
      const parameter = (name: string) => ({ action: "ssm:GetParameter", resource: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`, principalAccount: "123456789012" });
      expect(allows(granted, parameter("/edge/prod/datastore/password"))).toBe(role.name.startsWith("ingest-us-east-1"));
      expect(allows(granted, parameter("/edge/prod/another-service/secret"))).toBe(false);
    }
    // AmazonSSMManagedInstanceCore reads every parameter: attached again, the pack refuses it.
    expect(allows(statements(knownManagedPolicies[managedSsmCore]), { action: "ssm:GetParameter", resource: "arn:aws:ssm:us-east-1:123456789012:parameter/anything", principalAccount: "1" })).toBe(
      true,
    );
    const role = ofType(prod, resourceTypes.iamRole).find((r) => r.name === "ingest-us-east-1-host")!;
    const attachment: PlanJsonResource = {
      urn: `${role.urn.replace(/::[^:]+$/, "")}$${resourceTypes.iamRolePolicyAttachment}::ingest-us-east-1-host-ssm`,
      type: resourceTypes.iamRolePolicyAttachment,
      name: "ingest-us-east-1-host-ssm",
      parent: role.urn,
      custom: true,
      region: null,
      inputs: { role: "ingest-us-east-1-host-0000000", policyArn: managedSsmCore },
      dependencies: [role.urn],
      propertyDependencies: { role: [role.urn] },
    };
    const verdict = await packVerdict({ ...prod, resources: [...prod.resources, attachment] });
    expect(verdict.violations.filter((v) => v.policyName === "disallow-unneeded-paths").map((v) => v.message)).toEqual([
      expect.stringMatching(
        /^managed policy arn:aws:iam::aws:policy\/AmazonSSMManagedInstanceCore of role ingest-us-east-1-host allows more than the hosts' calls need: Action "ssm:DescribeAssociation", .*"ssm:GetParameters".* where the hosts make ssm:UpdateInstanceInformation, ssm:GetParameter; Resource "\*" where ssm:GetParameter names arn:aws:ssm:us-east-1:123456789012:parameter\/edge\/prod\/datastore\/password \[us-east-1\]\. Broadest: Allow Action \[/,
      ),
    ]);
  }, 120_000);
});

describe("today's prod plan and its datastore routes", () => {
  it("plans with every needed flow open and nothing open beyond them", async () => {
    const result = reachabilityOfPlan(prod.resources);
    expect(result.unjudged).toEqual([]);
    expect(result.regions).toHaveLength(3);
    for (const region of result.regions) {
      expect(region.flows.filter((f) => !f.open).map((f) => f.dropped!.summary)).toEqual([]);
      expect(region.flows).toHaveLength(10);
      expect(region.extras).toEqual([]);
      expect(region.probes.filter((p) => p.networkOpen)).toEqual([]);
    }
    const verdict = await packVerdict(prod);
    expect(verdict.violations.filter((v) => v.policyName === "enforce-required-paths" || v.policyName === "disallow-unneeded-paths")).toEqual([]);
  }, 120_000);

  it("is refused with 'host → datastore: no route' without the routes to its datastore networks", async () => {
    const withoutRoutes = mutated(prod, (r) => r.type === resourceTypes.ec2Route && r.inputs.transitGatewayId !== undefined);
    const verdict = await packVerdict(withoutRoutes);
    const refused = verdict.violations.filter((v) => v.policyName === "enforce-required-paths");
    expect(refused.map((v) => v.message.slice(0, v.message.indexOf(" in route table")))).toEqual(
      ["10.100.0.0/16", "10.101.0.0/16", "10.102.0.0/16"].map((cidr) => `host → datastore: no route to ${cidr}`),
    );
    expect(refused[0]!.message).toContain(
      "its match, 0.0.0.0/0 → internet gateway ingest-us-east-1-igw, goes nowhere for it (the internet gateway routes no private network) (10.100.0.0/16 port 5432, us-east-1). Smallest fix: declare edge:datastore.endpoints.us-east-1.route",
    );
    expect(refused[0]!.subject).toBe("host → datastore 10.100.0.0/16 port 5432 [us-east-1]");
  }, 120_000);
});
