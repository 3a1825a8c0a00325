/**
 * enable-bucket-replication — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * A replication configuration that copies the bucket to another region. Judged as the catalogs judge it; a stack that does not meet it takes a waiver of
 * policies/waivers.ts under this policy's config, whose condition the policy checks on every plan.
 * Controls: policies/metadata.ts.
 */
import { resourceTypes } from "../../models/resourceTypes";
import { hasCompanion, waivableBucketRule } from "./waivableBucketRule";

export const enableBucketReplication = waivableBucketRule(
  "enable-bucket-replication",
  "replication",
  "Every S3 bucket replicates to another region, unless a waiver whose condition holds covers it.",
  "replication configuration",
  "Add an aws.s3.BucketReplicationConfig to a bucket in another region.",
  hasCompanion([resourceTypes.s3BucketReplicationConfig]),
);
