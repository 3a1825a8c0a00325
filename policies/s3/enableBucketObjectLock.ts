/**
 * enable-bucket-object-lock — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Object Lock, which keeps objects from being deleted or overwritten for a retention period. Judged as the catalogs judge it; a stack that does not meet it takes a waiver of
 * policies/waivers.ts under this policy's config, whose condition the policy checks on every plan.
 * Controls: policies/metadata.ts.
 */
import { bucketConfigTypes } from "./buckets";
import { hasCompanion, waivableBucketRule } from "./waivableBucketRule";

export const enableBucketObjectLock = waivableBucketRule(
  "enable-bucket-object-lock",
  "objectLock",
  "Every S3 bucket has Object Lock, unless a waiver whose condition holds covers it.",
  "Object Lock",
  "Create the bucket with objectLockEnabled: true and an aws.s3.BucketObjectLockConfiguration.",
  (bucket, stack) => bucket.props.objectLockEnabled === true || hasCompanion(bucketConfigTypes.objectLock)(bucket, stack),
);
