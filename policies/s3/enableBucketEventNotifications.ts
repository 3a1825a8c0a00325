/**
 * enable-bucket-event-notifications — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Event notifications that tell someone of changes to the bucket's objects. Judged as the catalogs judge it; a stack that does not meet it takes a waiver of
 * policies/waivers.ts under this policy's config, whose condition the policy checks on every plan.
 * Controls: policies/metadata.ts.
 */
import { bucketConfigTypes } from "./buckets";
import { hasCompanion, waivableBucketRule } from "./waivableBucketRule";

export const enableBucketEventNotifications = waivableBucketRule(
  "enable-bucket-event-notifications",
  "notifications",
  "Every S3 bucket sends event notifications, unless a waiver whose condition holds covers it.",
  "event notification configuration",
  "Add an aws.s3.BucketNotification that tells a topic or queue of changes.",
  hasCompanion(bucketConfigTypes.notification),
);
