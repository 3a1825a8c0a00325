/**
 * A bucket control this stack meets only through a waiver (policies/waivers.ts), judged as the
 * catalogs judge it, so a stack that takes no waiver is refused and one whose waiver's condition
 * no longer holds is refused too.
 */
import type { PolicyResource } from "@pulumi/policy";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { bucketLabel, bucketTypes, companionsOf } from "./buckets";

/** A waivable rule over buckets: the policy's name, its check, what it wants, and whether `bucket` has it. */
export function waivableBucketRule(name: string, check: string, description: string, wanted: string, fix: string, has: (bucket: PolicyResource, stack: readonly PolicyResource[]) => boolean) {
  return stackRulePolicy({
    name,
    description,
    types: bucketTypes,
    waivable: true,
    judge: (bucket, stack) =>
      has(bucket, stack) ? undefined : `${bucketLabel(bucket)} has no ${wanted}; required is one, or a waiver whose condition holds (policies/waivers.ts). ${fix} ${cite(name, check)}`,
  });
}

export const hasCompanion = (types: readonly string[]) => (bucket: PolicyResource, stack: readonly PolicyResource[]) => companionsOf(bucket, stack, types).length > 0;
