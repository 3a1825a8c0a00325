/**
 * Policy bounds are CrossGuard policy config: `pulumi preview --policy-pack policies
 * --policy-pack-config policies/config/<stack>.json` and the offline plan send the same file.
 * The pack answers `getConfig()` with only what was configured, so each policy merges its own
 * defaults (the ones its `configSchema` documents) under it.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

export interface NumberBound {
  /** Default value, also published in the policy's config schema. */
  default: number;
  description: string;
  minimum?: number;
  maximum?: number;
}

/** The JSON schema a policy publishes for its numeric bounds. */
export function numberBoundsSchema<K extends string>(bounds: Record<K, NumberBound>): PolicyConfigSchema {
  const properties: PolicyConfigSchema["properties"] = {};
  for (const [key, bound] of Object.entries<NumberBound>(bounds)) {
    properties[key] = { type: "number", ...bound };
  }
  return { properties };
}

/** The configured bounds, each missing one at its default. */
export function resolveBounds<K extends string>(bounds: Record<K, NumberBound>, configured: Partial<Record<K, unknown>>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(bounds) as K[]) {
    const value = configured[key];
    out[key] = typeof value === "number" ? value : bounds[key].default;
  }
  return out;
}

/**
 * One policy's bounds from a whole pack's config (`{ "<policy name>": { ... } }`, the file
 * `--policy-pack-config` and the offline plan send), each missing one at its default: what the
 * policy judged with, for a report that shows the same limit beside its findings.
 */
export function packBounds<K extends string>(packConfig: Record<string, unknown>, policyName: string, bounds: Record<K, NumberBound>): Record<K, number> {
  const configured = packConfig[policyName];
  return resolveBounds(bounds, typeof configured === "object" && configured !== null ? (configured as Partial<Record<K, unknown>>) : {});
}
