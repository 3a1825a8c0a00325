/**
 * enable-bucket-lifecycle — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every bucket of the stack has an `aws.s3.BucketLifecycleConfiguration` with an enabled rule,
 * and every enabled rule aborts incomplete multipart uploads: a versioned bucket otherwise keeps
 * every noncurrent version, and every abandoned upload, for ever. Controls: policies/metadata.ts.
 */
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { bucketConfigTypes, bucketLabel, bucketTypes, companionsOf } from "./buckets";

const name = "enable-bucket-lifecycle";

interface Rule {
  id?: string;
  status?: string;
  abortIncompleteMultipartUpload?: { daysAfterInitiation?: number };
}

export const enableBucketLifecycle = stackRulePolicy({
  name,
  description: "Every S3 bucket has a lifecycle configuration, and each enabled rule aborts incomplete multipart uploads.",
  types: bucketTypes,
  judge(bucket, stack) {
    const rules = companionsOf(bucket, stack, bucketConfigTypes.lifecycle).flatMap((c) => (Array.isArray(c.props.rules) ? c.props.rules : []) as Rule[]);
    const enabled = rules.filter((r) => r.status === "Enabled");
    if (enabled.length === 0) {
      return (
        `${bucketLabel(bucket)} has no enabled lifecycle rule (${rules.length} rule(s) declared); required is at least 1. Noncurrent versions and abandoned uploads pile up unbounded. ` +
        `Add an aws.s3.BucketLifecycleConfiguration that expires noncurrent versions and aborts incomplete multipart uploads. ${cite(name, "lifecycle")}`
      );
    }
    const leaving = enabled.filter((r) => r.abortIncompleteMultipartUpload?.daysAfterInitiation === undefined);
    if (leaving.length === 0) return undefined;
    return (
      `${bucketLabel(bucket)}: lifecycle rule ${leaving.map((r) => r.id ?? "(no id)").join(", ")} does not abort incomplete multipart uploads. ` +
      `Add abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }. ${cite(name, "abortUploads")}`
    );
  },
});
