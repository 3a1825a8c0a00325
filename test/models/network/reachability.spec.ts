import { beforeAll, describe, expect, it } from "vitest";
import { cidrContains, cidrsOverlap, isNetworkAddress, longestPrefixMatch, nthAddress, parseIpv4Cidr, subBlock } from "../../../models/network/cidr";
import { networkNeedTagKeys } from "../../../models/network/needs";
import { reachabilityOfPlan } from "../../../models/network/reachability";
import { networkAclTypes } from "../../../models/network/graph";
import { resourceTypes } from "../../../models/resourceTypes";
import type { PlanJson, PlanJsonResource } from "../../../tools/plan/planJson";
import { mutated, shippedPlan } from "../../support/plannedNetwork";

describe("IPv4 blocks", () => {
  it("parses, contains, overlaps and counts as route tables do", () => {
    expect(parseIpv4Cidr("10.1.2.3/16")).toEqual({ address: 10 * 2 ** 24 + 2 ** 16, bits: 16 });
    expect(parseIpv4Cidr("10.1.2.300/16")).toBeUndefined();
    expect(isNetworkAddress("10.1.0.0/16")).toBe(true);
    expect(isNetworkAddress("10.1.2.0/16")).toBe(false);
    expect(cidrContains("10.0.0.0/8", "10.100.0.0/16")).toBe(true);
    expect(cidrContains("10.100.0.0/16", "10.0.0.0/8")).toBe(false);
    expect(cidrsOverlap("10.0.0.0/8", "10.100.0.0/16")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
    expect(nthAddress("10.100.0.0/16", 10)).toBe("10.100.0.10");
    expect(() => nthAddress("10.0.0.0/30", 4)).toThrow(/has no address number 4/);
    expect(subBlock("10.0.0.0/16", 20, 3)).toBe("10.0.48.0/20");
    const routes = ["0.0.0.0/0", "10.100.0.0/16", "10.0.0.0/8"];
    expect(longestPrefixMatch(routes, (r) => r, "10.100.3.0/24")).toBe("10.100.0.0/16");
    expect(longestPrefixMatch(routes, (r) => r, "10.7.0.0/24")).toBe("10.0.0.0/8");
    expect(longestPrefixMatch(routes.slice(1), (r) => r, "192.0.2.1/32")).toBeUndefined();
  });
});

let prod: PlanJson;
beforeAll(() => {
  prod = shippedPlan("prod");
}, 300_000);

const inEast = (r: PlanJsonResource) => r.region === "us-east-1";
const flow = (plan: PlanJson, name: string) =>
  reachabilityOfPlan(plan.resources)
    .regions.find((r) => r.region === "us-east-1")!
    .flows.find((f) => f.name === name)!;

describe("the reachability model", () => {
  it("reaches a datastore in the VPC itself by the local route (sameVpc)", () => {
    const inside = mutated(
      prod,
      (r) => r.type === resourceTypes.ec2Route && inEast(r) && r.inputs.transitGatewayId !== undefined,
      (r) => {
        if (r.type === resourceTypes.ec2LaunchTemplate && inEast(r)) (r.inputs.tags as Record<string, string>)[networkNeedTagKeys.datastoreNetworks] = "10.0.240.0/24";
        if (r.type === resourceTypes.vpcSecurityGroupEgressRule && r.name === "ingest-us-east-1-hosts-out-datastore-10.100.0.0-16") r.inputs.cidrIpv4 = "10.0.240.0/24";
      },
    );
    const datastore = flow(inside, "host → datastore");
    expect(datastore.open).toBe(true);
    expect(datastore.via).toContain("route table ingest-us-east-1-public: local");
  });

  it("finds the path a host with a public address and an open egress rule has to the internet, and lists it beyond the needs", () => {
    const open = mutated(
      prod,
      () => false,
      (r) => {
        if (r.type === resourceTypes.ec2LaunchTemplate && inEast(r)) (r.inputs.networkInterfaces as Record<string, unknown>[])[0]!.associatePublicIpAddress = "true";
        if (r.name === "ingest-us-east-1-hosts-out-s3") Object.assign(r.inputs, { prefixListId: undefined, cidrIpv4: "0.0.0.0/0" });
      },
    );
    const region = reachabilityOfPlan(open.resources).regions.find((r) => r.region === "us-east-1")!;
    expect(region.probes.filter((p) => p.networkOpen).map((p) => p.name)).toEqual(["host → internet"]);
    expect(region.extras.map((e) => e.kind)).toContain("probe");
    // The S3 rule, rewritten into the wide one, named the prefix list: the bundle's flow closes (a CIDR rule never admits a prefix list).
    expect(region.flows.find((f) => f.name === "host → S3 bundle")!.dropped?.summary).toMatch(/^no egress rule of security group ingest-us-east-1-hosts admits tcp 443 to the S3 prefix list/);
  });

  it("drops the replies of an ACL that admits requests only: the client waits (reply)", () => {
    const vpc = prod.resources.find((r) => r.type === resourceTypes.ec2Vpc && inEast(r))!;
    const subnets = prod.resources.filter((r) => r.type === resourceTypes.ec2Subnet && inEast(r));
    const acl: PlanJsonResource = {
      urn: `urn:pulumi:prod::edge::${networkAclTypes.networkAcl}::lb-acl`,
      type: networkAclTypes.networkAcl,
      name: "lb-acl",
      parent: "",
      custom: true,
      region: "us-east-1",
      inputs: {
        ingress: [{ ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }],
        egress: [{ ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 0, toPort: 1023, cidrBlock: "0.0.0.0/0" }],
      },
      dependencies: [],
      propertyDependencies: { vpcId: [vpc.urn], subnetIds: subnets.map((s) => s.urn) },
    };
    const client = flow({ ...prod, resources: [...prod.resources, acl] }, "client → load balancer");
    expect(client.dropped).toMatchObject({ kind: "network ACL", reply: true, summary: "network ACL lb-acl of subnet ingest-us-east-1-public-1 drops the replies to clients" });
  });

  it("judges nothing of a fleet whose launch template declares no needs, and says so", () => {
    const untagged = mutated(
      prod,
      () => false,
      (r) => {
        if (r.type === resourceTypes.ec2LaunchTemplate) r.inputs.tags = {};
      },
    );
    const result = reachabilityOfPlan(untagged.resources);
    expect(result.regions).toEqual([]);
    expect(result.unjudged).toHaveLength(3);
  });
});
