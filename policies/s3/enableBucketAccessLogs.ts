/**
 * enable-bucket-access-logs — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Server access logging: a log of every request to the bucket. Judged as the catalogs judge it; a stack that does not meet it takes a waiver of
 * policies/waivers.ts under this policy's config, whose condition the policy checks on every plan.
 * Controls: policies/metadata.ts.
 */
import { bucketConfigTypes } from "./buckets";
import { hasCompanion, waivableBucketRule } from "./waivableBucketRule";

export const enableBucketAccessLogs = waivableBucketRule(
  "enable-bucket-access-logs",
  "serverAccessLogs",
  "Every S3 bucket logs its requests (server access logging), unless a waiver whose condition holds covers it.",
  "server access logging",
  "Add an aws.s3.BucketLogging into a log bucket.",
  (bucket, stack) => !!bucket.props.logging || hasCompanion(bucketConfigTypes.logging)(bucket, stack),
);
