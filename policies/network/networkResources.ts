/**
 * The stack's resources as the reachability model reads them (`models/network`): type, URN, name,
 * properties, and per property the URNs it took outputs of, which a preview records before any id
 * exists. Shared by the two network path policies, which judge one reading of a stack.
 */
import type { PolicyResource } from "@pulumi/policy";
import { reachability, type NetworkResource, type Reachability } from "../../models/network/reachability";

export function networkResources(resources: readonly PolicyResource[]): NetworkResource[] {
  return resources.map((r) => ({
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: r.props as Record<string, any>,
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => d.urn)])),
  }));
}

const judged = new WeakMap<readonly PolicyResource[], Reachability>();

/** The reachability of a stack's resources, read once for every policy the pack asks with the same list. */
export function stackReachability(resources: readonly PolicyResource[]): Reachability {
  let result = judged.get(resources);
  if (!result) {
    result = reachability(networkResources(resources));
    judged.set(resources, result);
  }
  return result;
}
