/**
 * enable-bucket-versioning — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every bucket of the stack has an `aws.s3.BucketVersioning` with status `Enabled`: an object
 * overwritten or deleted by mistake, or by someone with the deploy's credentials, stays as a
 * noncurrent version (enable-bucket-lifecycle expires those). Controls: policies/metadata.ts.
 */
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { bucketConfigTypes, bucketLabel, bucketTypes, companionsOf } from "./buckets";

const name = "enable-bucket-versioning";

export const enableBucketVersioning = stackRulePolicy({
  name,
  description: "Every S3 bucket has versioning Enabled, so an overwritten or deleted object can be restored.",
  types: bucketTypes,
  judge(bucket, stack) {
    const statuses = companionsOf(bucket, stack, bucketConfigTypes.versioning).map((v) => (v.props.versioningConfiguration as { status?: string } | undefined)?.status);
    const legacy = (bucket.props.versioning as { enabled?: boolean } | undefined)?.enabled === true;
    if (legacy || statuses.includes("Enabled")) return undefined;
    const found = statuses.length === 0 ? "no aws.s3.BucketVersioning names it" : `its versioning is ${statuses.map((s) => s ?? "unset").join(", ")}`;
    return (
      `${bucketLabel(bucket)} is not versioned (${found}); required is status Enabled. An object overwritten or deleted by mistake is gone. ` +
      `Add an aws.s3.BucketVersioning with versioningConfiguration { status: "Enabled" } for it. ${cite(name, "versioning")}`
    );
  },
});
