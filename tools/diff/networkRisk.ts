/**
 * Network flows that open or close between two plans, judged on each side with the reachability
 * model (`models/network/reachability.ts`) from its declared resources: a needed flow that closes
 * (the region stops serving or storing), one that opens, and a path beyond the needs that opens.
 * And routes that move out of a route table's inline routes into route resources of their own:
 * on a deployed stack AWS already holds them, so creating them fails until they are imported.
 *
 * Pure module: no Pulumi imports.
 */
import { flowTitle, reachabilityOfPlan, type Flow } from "../../models/network/reachability";
import { resourceTypes } from "../../models/resourceTypes";
import type { PlanJson, PlanJsonResource, Risk } from "./planDiff";

const key = (flow: Flow) => flowTitle(flow);

function state(flow: Flow | undefined): string {
  if (!flow) return "not planned";
  return flow.open ? `open via ${flow.via.join(" → ")}` : `closed: ${flow.dropped!.summary}`;
}

/**
 * Needed flows whose state changed, and paths beyond the needs the head opens. A region the base
 * could not judge (a plan from before the hosts' launch template carried its network needs) opens
 * nothing: only what the head closes is said of it.
 */
export function networkFlowRisks(base: PlanJson, head: PlanJson): Risk[] {
  const before = reachabilityOfPlan(base.resources);
  const after = reachabilityOfPlan(head.resources);
  const baseFlows = new Map(before.regions.flatMap((r) => r.flows).map((f) => [key(f), f]));
  const judged = new Set(before.regions.map((r) => r.region));
  const risks: Risk[] = [];
  for (const flow of after.regions.flatMap((r) => r.flows)) {
    const old = baseFlows.get(key(flow));
    if ((old?.open ?? false) === flow.open) continue;
    if (flow.open && !judged.has(flow.region)) continue;
    risks.push(
      flow.open
        ? { kind: "network-flow-opened", message: `${flowTitle(flow)} opens: was ${state(old)}; now ${state(flow)}` }
        : { kind: "network-flow-closed", urn: flow.dropped!.urn, message: `${flowTitle(flow)} closes: ${flow.dropped!.summary}; was ${state(old)}. Fix: ${flow.dropped!.fix}` },
    );
  }
  const headFlows = new Set(after.regions.flatMap((r) => r.flows).map(key));
  // A region the head no longer has is the region-removed risk's; its flows are not repeated.
  const headRegions = new Set(after.regions.map((r) => r.region));
  for (const old of baseFlows.values()) {
    if (old.open && headRegions.has(old.region) && !headFlows.has(key(old)))
      risks.push({ kind: "network-flow-closed", message: `${flowTitle(old)} closes: the head plans no such flow; was ${state(old)}` });
  }
  const baseExtras = new Set(before.regions.flatMap((r) => r.extras).map((e) => `${e.region}\u0000${e.kind}\u0000${e.broadest}`));
  for (const extra of after.regions.flatMap((r) => r.extras)) {
    if (!judged.has(extra.region) && before.regions.length > 0) continue;
    if (baseExtras.has(`${extra.region}\u0000${extra.kind}\u0000${extra.broadest}`)) continue;
    risks.push({ kind: "network-path-opened", urn: extra.urn, message: `a path nothing needs opens [${extra.region}]: ${extra.what}` });
  }
  return risks;
}

/** `0.0.0.0/0`, a prefix list id: a route's destination as the route table's inline routes and a route resource both write it. */
function inlineDestinations(table: PlanJsonResource): string[] {
  return ((table.inputs.routes as Record<string, unknown>[] | undefined) ?? []).map((r) => String(r.cidrBlock ?? r.destinationPrefixListId ?? ""));
}

/**
 * Routes the base declares inline in a route table and the head as an `aws.ec2.Route` of that
 * table: the provider's `CreateRoute` meets the route AWS already holds (RouteAlreadyExists;
 * terraform-provider-aws@c49358f89b43a4d9c8e533cd0610cd72cbd11eb3 internal/service/ec2/vpc_route.go
 * creates without looking for one), and dropping the inline routes leaves them in place (`route`
 * is Optional+Computed, internal/service/ec2/vpc_route_table.go). Import each first. A table the
 * head replaces (its VPC replaced) starts empty, and says nothing.
 */
export function routeMoveRisks(head: PlanJson, matched: Map<string, PlanJsonResource>, replaced: ReadonlySet<string>): Risk[] {
  const risks: Risk[] = [];
  const routes = head.resources.filter((r) => r.type === resourceTypes.ec2Route);
  for (const table of head.resources.filter((r) => r.type === resourceTypes.ec2RouteTable)) {
    const old = matched.get(table.urn);
    // A replaced table is a new one: it holds no route yet.
    if (!old || replaced.has(table.urn)) continue;
    const inline = new Set(inlineDestinations(old));
    for (const route of routes.filter((r) => (r.propertyDependencies?.routeTableId ?? []).includes(table.urn))) {
      const destination = String(route.inputs.destinationCidrBlock ?? route.inputs.destinationPrefixListId ?? "");
      if (!inline.has(destination)) continue;
      risks.push({
        kind: "route-moved",
        urn: route.urn,
        cause: `routes move out of route tables' inline routes into aws.ec2.Route resources: AWS already holds them on a deployed stack, so their creation fails (RouteAlreadyExists) unless each is imported first`,
        member: `${destination} of ${table.name} [${table.region ?? "global"}]`,
        message:
          `route ${destination} moves out of route table ${table.name}'s inline routes into aws.ec2.Route ${route.name} [${table.region ?? "global"}]: on a deployed stack AWS already holds it, so creating it fails (RouteAlreadyExists). ` +
          `Import it first: pulumi import aws:ec2/route:Route ${route.name} <route table id>_${destination} --parent '${table.urn}'`,
      });
    }
  }
  return risks;
}
