/**
 * The stack's S3 buckets and the resources that configure them. Since AWS provider v4 a bucket's
 * public access block, ownership controls, versioning, encryption, lifecycle, policy, logging,
 * replication and notifications are each a resource of their own (`aws.s3.BucketVersioning`, …),
 * so "the bucket is versioned" means "a versioning resource of the stack names this bucket". A
 * stack policy reads them here: a resource names a bucket by the engine's property dependencies
 * (a preview before the bucket exists) or by its name (`policies/stackRefs.ts`).
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { resourceTypes } from "../../models/resourceTypes";
import { typeToken } from "../resourceTypes";
import { parsePolicyDocument } from "../security/disallowWildcardIam";
import { refersTo } from "../stackRefs";

export const bucketTypes: readonly string[] = [resourceTypes.s3Bucket, resourceTypes.s3BucketV2];

/**
 * The configuration resources a bucket may have, each with its V2 alias where @pulumi/aws has one:
 * the ones the program declares by their tokens in models/resourceTypes.ts, the others (which only
 * a hand edit would add) by their classes'.
 */
export const bucketConfigTypes = {
  versioning: [resourceTypes.s3BucketVersioning, typeToken(aws.s3.BucketVersioningV2)],
  lifecycle: [resourceTypes.s3BucketLifecycleConfiguration, typeToken(aws.s3.BucketLifecycleConfigurationV2)],
  encryption: [resourceTypes.s3BucketServerSideEncryptionConfiguration, typeToken(aws.s3.BucketServerSideEncryptionConfigurationV2)],
  logging: [typeToken(aws.s3.BucketLogging), typeToken(aws.s3.BucketLoggingV2)],
  notification: [typeToken(aws.s3.BucketNotification)],
  objectLock: [typeToken(aws.s3.BucketObjectLockConfiguration), typeToken(aws.s3.BucketObjectLockConfigurationV2)],
} as const;

/** The stack's buckets (`aws.s3.Bucket` and its alias `aws.s3.BucketV2`). */
export function stackBuckets(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => bucketTypes.includes(r.type));
}

/** A bucket as messages name it: its logical name and, once known, its S3 name. */
export function bucketLabel(bucket: PolicyResource): string {
  return typeof bucket.props.bucket === "string" && bucket.props.bucket !== bucket.name ? `bucket ${bucket.name} (${bucket.props.bucket})` : `bucket ${bucket.name}`;
}

/** The resources of `types` whose `bucket` property names `bucket`. */
export function companionsOf(bucket: PolicyResource, resources: readonly PolicyResource[], types: readonly string[]): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type) && refersTo(r, "bucket", r.props.bucket, bucket, ["bucket", "id", "arn"]));
}

export type Statement = Record<string, unknown>;

/** The statements of every bucket policy of `bucket` (unreadable documents give none). */
export function bucketPolicyStatements(bucket: PolicyResource, resources: readonly PolicyResource[]): Statement[] {
  return companionsOf(bucket, resources, [resourceTypes.s3BucketPolicy]).flatMap((policy) => {
    const parsed = parsePolicyDocument(policy.props.policy);
    return typeof parsed === "string" ? [] : parsed.statements;
  });
}

export function list(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A statement's principals of one kind (`AWS`, `Service`, …); `Principal: "*"` counts as AWS `*`. */
export function principals(statement: Statement, kind: string): string[] {
  const principal = statement.Principal;
  if (principal === "*") return kind === "AWS" ? ["*"] : [];
  if (!principal || typeof principal !== "object") return [];
  return list((principal as Record<string, unknown>)[kind]);
}

/** Whether any condition operator of the statement sets `key` (case-insensitive, as IAM compares keys). */
export function hasConditionKey(statement: Statement, key: string): boolean {
  const condition = statement.Condition;
  if (!condition || typeof condition !== "object") return false;
  return Object.values(condition as Record<string, unknown>).some((operator) => !!operator && typeof operator === "object" && Object.keys(operator).some((k) => k.toLowerCase() === key.toLowerCase()));
}

/** AWS services that write logs into a bucket for this account. */
const logDeliveryService = "delivery.logs.amazonaws.com";

/**
 * Whether the bucket's policy lets only AWS log delivery write to it, for this account's sources
 * (every Allow is to `delivery.logs.amazonaws.com` with an `aws:SourceAccount` condition): a log
 * bucket as `LogBucket` declares it.
 */
export function isLogBucket(bucket: PolicyResource, resources: readonly PolicyResource[]): boolean {
  const allows = bucketPolicyStatements(bucket, resources).filter((s) => s.Effect === "Allow");
  return allows.length > 0 && allows.every((s) => principals(s, "Service").every((p) => p === logDeliveryService) && principals(s, "AWS").length === 0 && hasConditionKey(s, "aws:SourceAccount"));
}

/**
 * Whether the bucket's policy lets only the stack's distributions read it, through origin access
 * control (every Allow is `cloudfront.amazonaws.com` with `AWS:SourceArn` naming a distribution
 * the stack declares): an origin as `SnippetCdn` declares it.
 */
export function isDistributionOnlyOrigin(bucket: PolicyResource, resources: readonly PolicyResource[]): boolean {
  const distributions = resources.filter((r) => r.type === resourceTypes.cloudfrontDistribution);
  const policies = companionsOf(bucket, resources, [resourceTypes.s3BucketPolicy]);
  const allows = bucketPolicyStatements(bucket, resources).filter((s) => s.Effect === "Allow");
  if (allows.length === 0) return false;
  return allows.every((s) => {
    if (principals(s, "AWS").length > 0 || !principals(s, "Service").every((p) => p === "cloudfront.amazonaws.com")) return false;
    if (!hasConditionKey(s, "AWS:SourceArn")) return false;
    // The distribution's ARN is unknown before it exists: the policy then depends on the distribution.
    const sourceArns = Object.values((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((op) =>
      Object.entries(op ?? {})
        .filter(([k]) => k.toLowerCase() === "aws:sourcearn")
        .flatMap(([, v]) => list(v)),
    );
    return distributions.some((d) => sourceArns.includes(String(d.props.arn)) || policies.some((p) => refersTo(p, "policy", undefined, d, [])));
  });
}
