/**
 * The stack's resources as the reachability model reads them (`models/network`): type, URN, name,
 * properties, and per property the URNs it took outputs of, which a preview records before any id
 * exists. Shared by the two network path policies.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { NetworkResource } from "../../models/network/reachability";

export function networkResources(resources: readonly PolicyResource[]): NetworkResource[] {
  return resources.map((r) => ({
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: r.props as Record<string, any>,
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => d.urn)])),
  }));
}
