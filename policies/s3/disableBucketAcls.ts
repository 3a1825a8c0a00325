/**
 * disable-bucket-acls — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every bucket of the stack has an `aws.s3.BucketOwnershipControls` with `BucketOwnerEnforced`,
 * which turns ACLs off: access is then decided by the bucket policy and IAM alone, which the
 * other policies read. Controls: policies/metadata.ts.
 */
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { bucketLabel, bucketTypes, companionsOf } from "./buckets";

const name = "disable-bucket-acls";

export const disableBucketAcls = stackRulePolicy({
  name,
  description: "Every S3 bucket has ACLs disabled (object ownership BucketOwnerEnforced).",
  types: bucketTypes,
  judge(bucket, stack) {
    const ownerships = companionsOf(bucket, stack, [resourceTypes.s3BucketOwnershipControls]).map((c) => (c.props.rule as { objectOwnership?: string } | undefined)?.objectOwnership);
    if (ownerships.includes("BucketOwnerEnforced")) return undefined;
    const found = ownerships.length === 0 ? "no aws.s3.BucketOwnershipControls names it, so S3's default for the bucket decides" : `object ownership is ${ownerships.join(", ")}`;
    return (
      `${bucketLabel(bucket)} keeps ACLs (${found}); required is BucketOwnerEnforced. An ACL grants access that neither the bucket policy nor IAM shows. ` +
      `Add an aws.s3.BucketOwnershipControls with rule { objectOwnership: "BucketOwnerEnforced" }. ${cite(name, "ownerEnforced")}`
    );
  },
});
