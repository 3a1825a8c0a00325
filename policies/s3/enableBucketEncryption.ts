/**
 * enable-bucket-encryption — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every bucket of the stack declares its default encryption (an
 * `aws.s3.BucketServerSideEncryptionConfiguration` with a rule): S3 encrypts new objects with
 * SSE-S3 by default today, but only a declared rule survives an account-level change and shows
 * the reader which key protects the data. Whether that key is a KMS key is
 * enable-bucket-kms-encryption's. Controls: policies/metadata.ts.
 */
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { bucketConfigTypes, bucketLabel, bucketTypes, companionsOf } from "./buckets";

const name = "enable-bucket-encryption";

export const enableBucketEncryption = stackRulePolicy({
  name,
  description: "Every S3 bucket declares its default server-side encryption.",
  types: bucketTypes,
  judge(bucket, stack) {
    const rules = companionsOf(bucket, stack, bucketConfigTypes.encryption).flatMap(
      (c) => (Array.isArray(c.props.rules) ? c.props.rules : []) as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[],
    );
    const legacy = !!(bucket.props.serverSideEncryptionConfiguration as { rule?: unknown } | undefined)?.rule;
    if (legacy || rules.some((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm)) return undefined;
    return (
      `${bucketLabel(bucket)} declares no default encryption; required is a rule with an sseAlgorithm. ` +
      `Add an aws.s3.BucketServerSideEncryptionConfiguration (sseAlgorithm "AES256", or "aws:kms" with a key). ${cite(name, "defaultEncryption")}`
    );
  },
});
