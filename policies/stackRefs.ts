/**
 * How a stack policy tells that one resource's property names another: by the engine's property
 * dependencies (recorded whenever the input came from the target's outputs, in a preview before
 * the target exists as in an update), or by value when the input is a literal equal to one of the
 * target's identifying outputs. A resource's `id` is not among its properties, so a VPC is found
 * by dependency only.
 */
import type { PolicyResource } from "@pulumi/policy";

/** Whether `resource`'s property `key` (value `value`) refers to `target`, known by the outputs in `identifiers`. */
export function refersTo(resource: PolicyResource, key: string, value: unknown, target: PolicyResource, identifiers: readonly string[]): boolean {
  if ((resource.propertyDependencies?.[key] ?? []).some((d) => d.urn === target.urn)) return true;
  return typeof value === "string" && value !== "" && identifiers.some((k) => typeof target.props[k] === "string" && target.props[k] === value);
}
