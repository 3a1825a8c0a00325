/**
 * How a stack policy tells that one resource's property names another: by value when the target's
 * outputs are known (an update, the offline plan), else by the engine's property dependencies (a
 * preview before the target exists, when its id is unknown).
 */
import type { PolicyResource } from "@pulumi/policy";

/** Whether `resource`'s property `key` (value `value`) refers to `target`, known by the outputs in `identifiers`. */
export function refersTo(resource: PolicyResource, key: string, value: unknown, target: PolicyResource, identifiers: readonly string[]): boolean {
  if (typeof value === "string" && value !== "") {
    return identifiers.some((k) => typeof target.props[k] === "string" && target.props[k] === value);
  }
  return (resource.propertyDependencies?.[key] ?? []).some((d) => d.urn === target.urn);
}
