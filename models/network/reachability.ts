/**
 * The reachability model: from the planned network of each region (`graph.ts`), whether every
 * flow the edge needs is open and through what, and every path open beyond them.
 *
 * The flows the edge needs: clients reach the load balancer's TLS listener; the load balancer
 * reaches the hosts on the target group's port (traffic and health check); the hosts reach the
 * pinned bundle in S3 (gateway endpoint route, endpoint policy, role), each AWS API they call
 * (interface endpoint with private DNS, security groups, endpoint policy, role: `hostApis`) and
 * each of the datastore's networks on its port (route, security group egress). A flow is judged
 * hop by hop as AWS would carry its packets: the source's security group egress, the source
 * subnet's network ACL (both directions: ACLs are stateless), the source subnet's route table
 * (longest prefix; the VPC's local route for its own addresses), then the destination subnet's
 * ACL and the destination's security group ingress; for an API call, the endpoint's policy and the
 * host role. The first hop that drops it is reported, with the fix.
 *
 * Beyond the needs it lists every path still open: closed-by-design probes that pass (a client
 * straight to a host, a host to the internet, other ports), security group rules and routes no
 * needed flow uses or that are wider than the flows using them, interface endpoints nothing calls,
 * endpoint policies and role statements that allow more than the calls need (the broadest first).
 * AWS VPC Reachability Analyzer and Network Access Analyzer answer the same questions for deployed
 * resources only; this judges the plan.
 *
 * Not modelled: what lies past a transit gateway or peering connection (the datastore's VPC must
 * route this VPC's block back, and its own security group must admit the hosts), and IPv6.
 *
 * Pure module: no Pulumi imports.
 */
import type { DeclaredResource } from "../declaredResource";
import { readNetworks, type NetworkResource } from "./graph";
import { type Statement } from "./policyDocuments";
import { Flow, Reachability, RegionReachability } from "./flowModel";
import { extrasOf } from "./extras";
import { FleetContext, neededFlows, probeFlows } from "./flows";
import { RegionModel } from "./regionModel";

export {
  clientPort,
  internetClientAddress,
  internetServerAddress,
  type ExtraPath,
  type Flow,
  type Hop,
  type HopKind,
  type Member,
  type Reachability,
  type RegionReachability,
  type Target,
} from "./flowModel";
export { internetMember } from "./flows";

export type { NetworkResource } from "./graph";
/**
 * The reachability of every region with a host fleet. `resources` as the plan, its JSON (`inputs`
 * as `props`) or the policy pack carry them, each with its property dependencies.
 */
export function reachability(resources: NetworkResource[]): Reachability {
  const regions: RegionReachability[] = [];
  const unjudged: Reachability["unjudged"] = [];
  for (const network of readNetworks(resources)) {
    for (const fleet of network.fleets) {
      if ("missing" in fleet.needs) {
        unjudged.push({
          urn: fleet.launchTemplate,
          message: `the hosts' launch template lacks the network need tags ${fleet.needs.missing.join(", ")}: the flows of ${network.region} cannot be judged`,
        });
        continue;
      }
      const ctx: FleetContext = { ...fleet.needs.needs, region: network.region };
      const model = new RegionModel(network, ctx);
      const report: RegionReachability = {
        region: network.region,
        vpc: network.vpc.name,
        network,
        fleet,
        flows: neededFlows(model, fleet, ctx),
        probes: probeFlows(new RegionModel(network, ctx), fleet, ctx),
        extras: [],
        limits: [],
      };
      Object.assign(report, extrasOf(model, report, ctx));
      regions.push(report);
    }
  }
  return { regions, unjudged };
}

/** Every closed needed flow, with the hop that drops it. */
export function closedFlows(result: Reachability): Flow[] {
  return result.regions.flatMap((r) => r.flows.filter((f) => !f.open));
}

/** A flow as one line: `host → datastore 10.100.0.0/16 port 5432 [us-east-1]`. */
export function flowTitle(flow: Flow): string {
  return `${flow.name} ${flow.detail} [${flow.region}]`;
}

export type { Statement };

/** A planned resource as the plan and its JSON carry it: declared inputs, region apart. */
export type PlannedNetworkResource = DeclaredResource & { name: string };

/** The reachability of a plan's resources, judged on their declared inputs (what `--json` carries, so the plan and the diff agree). */
export function reachabilityOfPlan(resources: readonly PlannedNetworkResource[]): Reachability {
  return reachability(
    resources.map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: { ...r.inputs, ...(r.region ? { region: r.region } : {}) }, propertyDependencies: r.propertyDependencies })),
  );
}
