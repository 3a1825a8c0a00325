/**
 * A resource as the program declared it, the one shape the models read: the offline plan, its
 * JSON and the policy pack each hand resources over through an adapter at their edge (the plan
 * JSON's resources already have this shape; a policy's `PolicyResource` calls its inputs `props`,
 * see `fromPolicyResource`).
 *
 * Pure module: no Pulumi imports.
 */
export interface DeclaredResource {
  /** The provider's type token (models/resourceTypes.ts). */
  type: string;
  urn: string;
  /** The name the program gave it (the URN's last part), where the reader needs it. */
  name?: string;
  /** AWS region the resource lives in; null (or absent) for global services and other clouds. */
  region?: string | null;
  /** Inputs as the program declared them. */
  inputs: Record<string, any>;
  /** URNs of the resources it depends on. */
  dependencies?: string[];
  /** Per input, the URNs it took outputs of. */
  propertyDependencies?: Record<string, string[]>;
}

/** A resource as the policy pack's stack policies receive it: inputs as `props`, dependencies as resources (`@pulumi/policy`'s `PolicyResource`). */
export interface PolicyResourceView {
  type: string;
  urn: string;
  props: Record<string, any>;
  dependencies?: { urn: string }[];
}

/** The adapter at the policy pack's edge: a stack policy's resource as a declared resource (type, URN, inputs and, where it has them, its dependencies' URNs: what the models read of it). */
export function fromPolicyResource(r: PolicyResourceView): DeclaredResource {
  return { type: r.type, inputs: r.props, urn: r.urn, ...(r.dependencies ? { dependencies: r.dependencies.map((d) => d.urn) } : {}) };
}
