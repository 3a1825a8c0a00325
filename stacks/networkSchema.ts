/**
 * The schema's network parts: each region's VPC block (`edge:network.baseCidr`), how its hosts
 * reach the datastore (`edge:datastore.endpoints.<region>.route`), and the rules across them. Kept
 * beside `schema.ts`, which composes them, so the network's rules read in one place.
 *
 * Pure module: no Pulumi imports.
 */
import { z } from "zod";
import { isPrivateIpv4Cidr, privateIpv4Ranges } from "../models/ingestRegion/egress";
import { regionCidrBlock, subnetCidrBlock, vpcCidrProblem, type DatastoreRoute } from "../models/ingestRegion/layout";
import { cidrContains, cidrsOverlap } from "../models/network/cidr";

/** A VPC block: private, a network address, /16 to /24. */
export const vpcCidrSchema = z.string().superRefine((cidr, ctx) => {
  const problem = vpcCidrProblem(cidr) ?? (isPrivateIpv4Cidr(cidr) ? undefined : `${cidr} is not a private network: a VPC block lies inside ${privateIpv4Ranges.join(", ")}`);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const routeShapes = "expected `transitGatewayId: tgw-…`, `vpcPeeringConnectionId: pcx-…` (under route:) or `route: sameVpc`";

export const datastoreRouteSchema = z
  .union(
    [
      z.strictObject({
        transitGatewayId: z
          .string()
          .regex(/^tgw-([0-9a-f]{8}|[0-9a-f]{17})$/, "expected a transit gateway id such as tgw-0123456789abcdef0")
          .describe("Transit gateway the hosts reach the datastore through (declared outside this program, with the route back)."),
      }),
      z.strictObject({
        vpcPeeringConnectionId: z
          .string()
          .regex(/^pcx-([0-9a-f]{8}|[0-9a-f]{17})$/, "expected a VPC peering connection id such as pcx-0123456789abcdef0")
          .describe("VPC peering connection the hosts reach the datastore through (declared outside this program, with the route back)."),
      }),
      z.literal("sameVpc"),
    ],
    { error: routeShapes },
  )
  .optional()
  .meta({ defaultText: "none: required once `edge:dns.delegation` is `delegated`" })
  .describe(
    "How the hosts reach `cidrs`: `transitGatewayId` or `vpcPeeringConnectionId` (the route table gets one route per network to it; the gateway or peering is declared outside this program, with the route back), or `sameVpc` when the networks lie in the region's own VPC. Hosts have no public address: without a route every connection to the datastore is dropped.",
  );

/** What the network rules read of a config. */
interface NetworkConfig {
  regions: string[];
  ingest: { availabilityZoneIds: Record<string, string[]> };
  datastore: { endpoints: Record<string, { cidrs: string[]; route?: DatastoreRoute }> };
  dns: { delegation: string };
  network: { baseCidr: Record<string, string> };
}

/** A region's VPC block: `edge:network.baseCidr.<region>`, else `10.<position in edge:regions>.0.0/16`. */
export function regionVpcCidr(config: Pick<NetworkConfig, "regions" | "network">, region: string, regionIndex = config.regions.indexOf(region)): string {
  return config.network.baseCidr[region] ?? regionCidrBlock(regionIndex);
}

const routeText = (route: DatastoreRoute) =>
  route === "sameVpc" ? "sameVpc" : "transitGatewayId" in route ? `transit gateway ${route.transitGatewayId}` : `VPC peering connection ${route.vpcPeeringConnectionId}`;

/** Every problem of the regions' VPC blocks and datastore routes, each with its config path. */
export function datastoreRouteProblems(config: NetworkConfig): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const region of Object.keys(config.network.baseCidr)) {
    if (!config.regions.includes(region)) problems.push({ path: ["network", "baseCidr", region], message: `${region} is not in edge:regions: remove it, or add the region` });
  }
  const blocks = config.regions.map((region) => ({ region, cidr: regionVpcCidr(config, region) }));
  blocks.forEach((a, i) =>
    blocks.slice(i + 1).forEach((b) => {
      if (cidrsOverlap(a.cidr, b.cidr))
        problems.push({
          path: ["network", "baseCidr", b.region],
          message: `${b.cidr} overlaps ${a.region}'s VPC ${a.cidr}: regions need blocks of their own to be routed to each other or share a transit gateway`,
        });
    }),
  );
  for (const { region, cidr: vpc } of blocks) {
    (config.ingest.availabilityZoneIds[region] ?? []).forEach((zoneId, i) => {
      try {
        subnetCidrBlock(vpc, zoneId);
      } catch (err) {
        problems.push({ path: ["ingest", "availabilityZoneIds", region, i], message: (err as Error).message });
      }
    });
    const endpoint = config.datastore.endpoints[region];
    if (!endpoint) continue;
    const path = ["datastore", "endpoints", region, "route"];
    if (!endpoint.route) {
      if (config.dns.delegation === "delegated") {
        problems.push({
          path,
          message:
            `required to deploy the edge: host → datastore: no route. The hosts have no public address and their route table's only other route is the internet gateway's, so every connection to ${endpoint.cidrs.join(", ")} would be dropped and no event stored. ` +
            `Name what reaches those networks: transitGatewayId: tgw-…, vpcPeeringConnectionId: pcx-…, or sameVpc when they lie in this region's VPC (${vpc})`,
        });
      }
      continue;
    }
    for (const cidr of endpoint.cidrs) {
      if (endpoint.route === "sameVpc" && !cidrContains(vpc, cidr)) {
        problems.push({
          path,
          message: `sameVpc, but ${cidr} is not inside ${region}'s VPC ${vpc}: name the transit gateway or peering connection that reaches it, or set edge:network.baseCidr.${region} to a block holding it`,
        });
      } else if (endpoint.route !== "sameVpc" && cidrsOverlap(vpc, cidr)) {
        problems.push({
          path,
          message: `${cidr} overlaps ${region}'s own VPC ${vpc}: the local route keeps its addresses inside the VPC, so ${routeText(endpoint.route)} never sees them. Give the VPC another block (edge:network.baseCidr.${region}) or use sameVpc`,
        });
      }
    }
  }
  return problems;
}
