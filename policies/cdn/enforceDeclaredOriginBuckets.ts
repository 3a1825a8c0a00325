/**
 * enforce-declared-origin-buckets — mandatory. Incident 000: the snippet comes from the CDN only.
 *
 * Controls: policies/metadata.ts.
 *
 * Every S3 origin of a distribution is a bucket this stack declares (its `domainName` is the
 * bucket's regional domain name): an origin that names a bucket of another account, or one deleted
 * since, lets whoever creates that bucket name serve the snippet to every customer's page. A stack
 * policy; while a bucket's domain name is not known yet (a preview before it exists) an origin is
 * matched by its property dependencies on the stack's buckets.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";

export function judgeOriginBucket(distribution: string, originId: string, domainName: string | undefined, declared: boolean): string | undefined {
  if (declared) return undefined;
  return (
    `distribution ${distribution}: S3 origin ${originId} (${domainName ?? "domain not known"}) is not a bucket of this stack; whoever owns that bucket name serves the CDN. ` +
    `Point the origin at a declared bucket's bucketRegionalDomainName (SnippetCdn does). ${cite("enforce-declared-origin-buckets", "declared")} ${incidentNote("snippetOnApiHosts")}`
  );
}

export const enforceDeclaredOriginBuckets: StackValidationPolicy = {
  name: "enforce-declared-origin-buckets",
  description: "Every S3 origin of a distribution is a bucket the stack declares (incident 000).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const buckets = args.resources.filter((r) => r.isType(aws.s3.Bucket) || r.isType(aws.s3.BucketV2));
    const domains = new Set(buckets.flatMap((b) => [b.props.bucketRegionalDomainName, b.props.bucketDomainName].filter((d) => typeof d === "string")));
    const bucketUrns = new Set(buckets.map((b) => b.urn));
    const someDomainUnknown = buckets.some((b) => typeof b.props.bucketRegionalDomainName !== "string");
    for (const r of args.resources) {
      const distribution = r.asType(aws.cloudfront.Distribution);
      if (!distribution) continue;
      const originDeps = (r.propertyDependencies?.origins ?? []).filter((d) => bucketUrns.has(d.urn));
      for (const origin of distribution.origins ?? []) {
        if (origin.customOriginConfig !== undefined) continue;
        // Before a bucket exists its domain name is unknown: then the origin's dependency on a bucket decides.
        const declared = (origin.domainName !== undefined && domains.has(origin.domainName)) || ((origin.domainName === undefined || someDomainUnknown) && originDeps.length > 0);
        const message = judgeOriginBucket(r.name, origin.originId, origin.domainName, declared);
        if (message) reportViolation(message, r.urn);
      }
    }
  },
};
