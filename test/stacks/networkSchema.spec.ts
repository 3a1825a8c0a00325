import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../stacks/schema";
import { regionVpcCidr } from "../../stacks/networkSchema";
import { configProblems, minimalStackConfig } from "../support/minimalConfig";
import { withRegionPins } from "../support/regionPins";
import { runPlanOnConfig, stackConfig } from "../support/runPlan";

const bundle = { bucket: "edge-bundles-{region}", key: "releases/edge-ingest-1.4.0.tar.gz", sha256: "a".repeat(64) };
const delegated = { ...minimalStackConfig, ingest: { bundle }, dns: { ...minimalStackConfig.dns, delegation: "delegated" } };
const endpoint = (cidrs: string[], route?: unknown) => ({ hosts: ["db.example.internal"], passwordParameter: "/edge/prod/datastore/password", cidrs, ...(route === undefined ? {} : { route }) });
const tgw = { transitGatewayId: "tgw-0123456789abcdef0" };
/** A delegated config of us-east-1 and eu-west-1 with these endpoints and network keys. */
const config = (endpoints: Record<string, unknown>, network?: unknown) => withRegionPins({ ...delegated, datastore: { endpoints }, ...(network === undefined ? {} : { network }) });

describe("the network's config", () => {
  it("requires the datastore's route once delegated: without it, host → datastore: no route", () => {
    expect(configProblems(config({ "us-east-1": endpoint(["10.100.0.0/16"], tgw), "eu-west-1": endpoint(["10.101.0.0/16", "10.102.0.0/24"]) }))).toEqual([
      "edge:datastore.endpoints.eu-west-1.route: required to deploy the edge: host → datastore: no route. The hosts have no public address and their route table's only other route is the internet gateway's, " +
        "so every connection to 10.101.0.0/16, 10.102.0.0/24 would be dropped and no event stored. Name what reaches those networks: transitGatewayId: tgw-…, vpcPeeringConnectionId: pcx-…, or sameVpc when they lie in this region's VPC (10.1.0.0/16)",
    ]);
    // Before the edge is built (zones only) no route is needed yet.
    expect(configProblems(withRegionPins({ ...minimalStackConfig, datastore: { endpoints: { "us-east-1": endpoint(["10.100.0.0/16"]) } } }))).toEqual([]);
  });

  it("takes a transit gateway, a peering connection or sameVpc, and names the shapes otherwise", () => {
    const ok = (route: unknown, cidr = "10.100.0.0/16") => configProblems(config({ "us-east-1": endpoint([cidr], route), "eu-west-1": endpoint(["10.101.0.0/16"], tgw) }));
    expect(ok(tgw)).toEqual([]);
    expect(ok({ vpcPeeringConnectionId: "pcx-0123456789abcdef0" })).toEqual([]);
    expect(ok("sameVpc", "10.0.200.0/24")).toEqual([]);
    expect(ok({ transitGatewayId: "tgw-1" })).toEqual(["edge:datastore.endpoints.us-east-1.route.transitGatewayId: expected a transit gateway id such as tgw-0123456789abcdef0"]);
    expect(ok("internet")).toEqual(["edge:datastore.endpoints.us-east-1.route: expected `transitGatewayId: tgw-…`, `vpcPeeringConnectionId: pcx-…` (under route:) or `route: sameVpc`"]);
  });

  it("refuses sameVpc for a network outside the VPC, and a routed network inside it", () => {
    expect(configProblems(config({ "us-east-1": endpoint(["10.100.0.0/16"], "sameVpc"), "eu-west-1": endpoint(["10.1.0.0/24"], tgw) }))).toEqual([
      "edge:datastore.endpoints.us-east-1.route: sameVpc, but 10.100.0.0/16 is not inside us-east-1's VPC 10.0.0.0/16: name the transit gateway or peering connection that reaches it, or set edge:network.baseCidr.us-east-1 to a block holding it",
      "edge:datastore.endpoints.eu-west-1.route: 10.1.0.0/24 overlaps eu-west-1's own VPC 10.1.0.0/16: the local route keeps its addresses inside the VPC, so transit gateway tgw-0123456789abcdef0 never sees them. Give the VPC another block (edge:network.baseCidr.eu-west-1) or use sameVpc",
    ]);
  });

  it("gives each region the VPC block edge:network.baseCidr names, else 10.<position>.0.0/16, and refuses overlapping or invalid blocks", () => {
    const endpoints = { "us-east-1": endpoint(["10.100.0.0/16"], tgw), "eu-west-1": endpoint(["10.101.0.0/16"], tgw) };
    const parsed = parseStackConfig(config(endpoints, { baseCidr: { "eu-west-1": "10.33.0.0/16" } }));
    expect(parsed.regions.map((r) => regionVpcCidr(parsed, r))).toEqual(["10.0.0.0/16", "10.33.0.0/16"]);
    expect(configProblems(config(endpoints, { baseCidr: { "us-east-1": "10.32.0.0/16", "eu-west-1": "10.32.128.0/20" } }))).toEqual([
      "edge:network.baseCidr.eu-west-1: 10.32.128.0/20 overlaps us-east-1's VPC 10.32.0.0/16: regions need blocks of their own to be routed to each other or share a transit gateway",
    ]);
    expect(configProblems(config(endpoints, { baseCidr: { "us-west-2": "10.40.0.0/16", "us-east-1": "10.0.0.0/12", "eu-west-1": "52.0.0.0/16" } }))).toEqual([
      "edge:network.baseCidr.us-east-1: 10.0.0.0/12 is a /12: a VPC here is a /16 to a /24 (each zone's subnet is 4 bits smaller, at most the /28 AWS allows)",
      "edge:network.baseCidr.eu-west-1: 52.0.0.0/16 is not a private network: a VPC block lies inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10",
    ]);
    expect(configProblems(config(endpoints, { baseCidr: { "us-west-2": "10.40.0.0/16" } }))).toEqual([
      "edge:network.baseCidr.us-west-2: us-west-2 is not in edge:regions: remove it, or add the region",
    ]);
  });

  it("refuses a zone whose AZ number has no slot in the VPC", () => {
    const raw = config({ "us-east-1": endpoint(["10.100.0.0/16"], tgw), "eu-west-1": endpoint(["10.101.0.0/16"], tgw) });
    (raw.ingest as Record<string, any>).availabilityZoneIds = { ...(raw.ingest as Record<string, any>).availabilityZoneIds, "us-east-1": ["use1-az1", "use1-az2", "use1-az17"] };
    expect(configProblems(raw)).toEqual(["edge:ingest.availabilityZoneIds.us-east-1[2]: use1-az17: a subnet's block comes from its AZ number, 1–16; this AZ ID has none in that range"]);
  });

  it("refuses the shipped prod stack without its routes: the plan exits 2 saying host → datastore: no route", () => {
    const prod = stackConfig("prod");
    const endpoints = Object.fromEntries(Object.entries(prod["edge:datastore"].endpoints as Record<string, Record<string, unknown>>).map(([region, { route: _route, ...rest }]) => [region, rest]));
    const run = runPlanOnConfig({ ...prod, "edge:datastore": { ...prod["edge:datastore"], endpoints } });
    expect(run.code).toBe(2);
    expect(run.stderr.match(/host → datastore: no route/g)).toHaveLength(3);
  }, 180_000);
});
