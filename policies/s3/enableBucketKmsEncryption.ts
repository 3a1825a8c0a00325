/**
 * enable-bucket-kms-encryption — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Default encryption with a KMS key, so reads also need the key policy's leave. Judged as the catalogs judge it; a stack that does not meet it takes a waiver of
 * policies/waivers.ts under this policy's config, whose condition the policy checks on every plan.
 * Controls: policies/metadata.ts.
 */
import { bucketConfigTypes, companionsOf } from "./buckets";
import { waivableBucketRule } from "./waivableBucketRule";

export const enableBucketKmsEncryption = waivableBucketRule(
  "enable-bucket-kms-encryption",
  "kms",
  "Every S3 bucket is encrypted with a KMS key by default, unless a waiver whose condition holds covers it.",
  "default encryption with a KMS key (aws:kms or aws:kms:dsse)",
  'Set sseAlgorithm "aws:kms" with a kmsMasterKeyId in its server-side encryption configuration.',
  (bucket, stack) =>
    companionsOf(bucket, stack, bucketConfigTypes.encryption)
      .flatMap((c) => (Array.isArray(c.props.rules) ? c.props.rules : []) as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[])
      .some((r) => (r.applyServerSideEncryptionByDefault?.sseAlgorithm ?? "").startsWith("aws:kms")),
);
