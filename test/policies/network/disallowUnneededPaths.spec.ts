import { beforeAll, describe, expect, it } from "vitest";
import { resourceTypes } from "../../../models/resourceTypes";
import { disallowUnneededPaths } from "../../../policies/network/disallowUnneededPaths";
import type { PlanJson, PlanJsonResource } from "../../../tools/plan/planJson";
import { runStackPolicy } from "../harness";
import { mutated, shippedPlan, subjects } from "../../support/plannedNetwork";

let prod: PlanJson;
beforeAll(() => {
  prod = shippedPlan("prod");
}, 300_000);

const judge = async (plan: PlanJson) => (await runStackPolicy(disallowUnneededPaths, subjects(plan))).map((f) => f.message);
const find = (name: string, type: string) => prod.resources.find((r) => r.name === name && r.type === type)!;
/** A copy of `r` as another resource of the same parent, with inputs changed. */
const sibling = (r: PlanJsonResource, name: string, inputs: Record<string, unknown>): PlanJsonResource => ({
  ...r,
  urn: r.urn.replace(/::[^:]+$/, `::${name}`),
  name,
  inputs: { ...r.inputs, ...inputs },
});
const baseline = "Security baseline: a compromised host may use every path the network leaves open.";
const withResource = (r: PlanJsonResource) => ({ ...prod, resources: [...prod.resources, r] });
const edit = (name: string, type: string, change: (inputs: Record<string, any>) => void) =>
  mutated(
    prod,
    () => false,
    (r) => r.name === name && r.type === type && change(r.inputs),
  );

describe("disallow-unneeded-paths", () => {
  it("accepts the shipped prod plan: nothing is open beyond the flows the edge needs", async () => {
    expect(await judge(prod)).toEqual([]);
  });

  it("refuses a host egress rule to the internet, wider than the endpoint flows that pass it", async () => {
    const rule = sibling(find("ingest-us-east-1-hosts-out-s3", resourceTypes.vpcSecurityGroupEgressRule), "ingest-us-east-1-hosts-out-world", { prefixListId: undefined, cidrIpv4: "0.0.0.0/0" });
    expect(await judge(withResource({ ...rule, propertyDependencies: { securityGroupId: rule.propertyDependencies!.securityGroupId! } }))).toEqual([
      "ingest-us-east-1-hosts-out-world: egress tcp 443 to 0.0.0.0/0 is wider than the flows using it need (10.0.0.0/20, 10.0.16.0/20, 10.0.48.0/20) [us-east-1]. " +
        `Broadest: ingest-us-east-1-hosts-out-world: egress tcp 443 to 0.0.0.0/0. Smallest fix: remove the rule, or narrow it to the ports and networks of the flows using it. ${baseline}`,
    ]);
  });

  it("refuses a datastore rule widened to every port of 10.0.0.0/8, and the SSH path it opens", async () => {
    const messages = await judge(
      edit("ingest-us-east-1-hosts-out-datastore-10.100.0.0-16", resourceTypes.vpcSecurityGroupEgressRule, (i) => Object.assign(i, { cidrIpv4: "10.0.0.0/8", fromPort: 0, toPort: 65535 })),
    );
    expect(messages).toEqual([
      expect.stringMatching(/^host → datastore 10\.100\.0\.0\/16 port 22 \(SSH\) is open: security group ingest-us-east-1-hosts egress \(ingest-us-east-1-hosts-out-datastore-10\.100\.0\.0-16\); /),
      "ingest-us-east-1-hosts-out-datastore-10.100.0.0-16: egress tcp 0-65535 to 10.0.0.0/8 is wider than the flows using it need (tcp 443, 5432 to 10.0.0.0/20, 10.0.16.0/20, 10.0.48.0/20, 10.100.0.0/16) [us-east-1]. " +
        `Broadest: ingest-us-east-1-hosts-out-datastore-10.100.0.0-16: egress tcp 0-65535 to 10.0.0.0/8. Smallest fix: remove the rule, or narrow it to the ports and networks of the flows using it. ${baseline}`,
    ]);
  });

  it("refuses a route no flow takes", async () => {
    const route = sibling(find("ingest-us-east-1-public-datastore-10.100.0.0-16", resourceTypes.ec2Route), "ingest-us-east-1-public-spare", { destinationCidrBlock: "10.200.0.0/16" });
    expect(await judge(withResource(route))).toEqual([
      "route table ingest-us-east-1-public: 10.200.0.0/16 → transit gateway tgw-0a1b2c3d4e5f60718 (ingest-us-east-1-public-spare): no flow the edge needs takes it [us-east-1]. " +
        "Broadest: route table ingest-us-east-1-public: 10.200.0.0/16 → transit gateway tgw-0a1b2c3d4e5f60718 (ingest-us-east-1-public-spare). " +
        `Smallest fix: remove the route, or list its network where the hosts need it (edge:datastore.endpoints.<region>.cidrs). ${baseline}`,
    ]);
  });

  it("refuses an interface endpoint nothing calls", async () => {
    const sts = sibling(find("ingest-us-east-1-logs", resourceTypes.ec2VpcEndpoint), "ingest-us-east-1-sts", { serviceName: "com.amazonaws.us-east-1.sts" });
    expect(await judge(withResource(sts))).toEqual([
      "endpoint ingest-us-east-1-sts (sts): no flow the edge needs calls it [us-east-1]. Broadest: Interface endpoint sts. " +
        `Smallest fix: remove the endpoint, or list the calls the hosts make through it (hostApis in models/ingestRegion/egress.ts). ${baseline}`,
    ]);
  });

  it("refuses an interface endpoint without a policy where the service takes one: AWS's default admits any account", async () => {
    expect(await judge(edit("ingest-us-west-2-logs", resourceTypes.ec2VpcEndpoint, (i) => delete i.policy))).toEqual([
      "endpoint ingest-us-west-2-logs has no policy: AWS's default admits every action on every resource, by principals of any account [us-west-2]. " +
        `Broadest: Allow Principal "*", Action "*", Resource "*" (the default endpoint policy). Smallest fix: write the policy from the hosts' calls (interfaceEndpointPolicy, bundleEndpointPolicy in models/ingestRegion/egress.ts). ${baseline}`,
    ]);
  });

  it("refuses a host role statement broader than the hosts' calls, naming it", async () => {
    const messages = await judge(
      edit("ingest-us-east-1-host-calls", resourceTypes.iamRolePolicy, (i) => {
        i.policy = JSON.stringify({ Statement: [...JSON.parse(i.policy).Statement, { Sid: "Everything", Effect: "Allow", Action: "s3:*", Resource: "*" }] });
      }),
    );
    expect(messages).toEqual([
      'role policy ingest-us-east-1-host-calls of role ingest-us-east-1-host allows more than the hosts\' calls need: Action "s3:*" where the hosts make s3:GetObject; ' +
        'Resource "*" where s3:GetObject names arn:aws:s3:::edge-releases-us-east-1/releases/edge-ingest-2026.12.01.tar.gz [us-east-1]. Broadest: Allow Sid Everything, Action "s3:*", Resource "*". ' +
        `Smallest fix: grant the hosts' calls only, on the resources they name (hostRolePolicy in models/ingestRegion/egress.ts), and attach no managed policy. ${baseline}`,
    ]);
  });
});
