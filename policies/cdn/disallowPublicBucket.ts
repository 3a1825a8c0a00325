/**
 * disallow-public-bucket — mandatory.
 *
 * Every S3 bucket of the stack (the snippet's origin and replica, and any other) stays private:
 * a public access block with all four settings true, no bucket policy statement that allows
 * everyone (`Principal: "*"`) or any CloudFront distribution (`cloudfront.amazonaws.com`) without
 * an `AWS:SourceArn` condition, and no public ACL. CloudFront reads the origin through origin
 * access control; a public origin lets anyone bypass the CDN, and its failover, and hit the bucket.
 * Lesson `snippetOnApiHosts` of incident 000 (models/incidents.ts): the snippet comes from the CDN,
 * nothing else.
 *
 * A stack policy, so a bucket without any public access block is found too (when its id is known).
 *
 * Controls: policies/metadata.ts: the bucket-level block (Security Hub's account-level one is no
 * bucket's to meet, and policies/controls.ts lists it as uncitable).
 */
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { bucketLabel, companionsOf, stackBuckets } from "../s3/buckets";

const policyName = "disallow-public-bucket";

export const publicAccessBlockSettings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** Canned ACLs that grant access beyond the bucket owner. */
export const publicCannedAcls: readonly string[] = ["public-read", "public-read-write", "authenticated-read"];

const publicGranteeUris = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

/** The message for a public access block with any setting not true. */
export function judgePublicAccessBlock(name: string, block: Partial<Record<(typeof publicAccessBlockSettings)[number], boolean>>): string | undefined {
  const off = publicAccessBlockSettings.filter((s) => block[s] !== true);
  if (off.length === 0) return undefined;
  return (
    `Public access block ${name} leaves ${off.join(", ")} not true (${4 - off.length} of 4 set); required are all 4. ` +
    `Set ${off.map((s) => `${s}: true`).join(", ")}. ${incidentNote("snippetOnApiHosts")} ${cite(policyName, ...off)}`
  );
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function principalValues(principal: unknown, key: "AWS" | "Service"): string[] {
  if (principal === "*") return key === "AWS" ? ["*"] : [];
  if (principal && typeof principal === "object") {
    const value = (principal as Record<string, unknown>)[key];
    return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
  }
  return [];
}

function hasSourceArnCondition(statement: Statement): boolean {
  return Object.values(statement.Condition ?? {}).some((operator) => Object.keys(operator ?? {}).some((k) => k.toLowerCase() === "aws:sourcearn"));
}

/** One message per Allow statement open to everyone or to every CloudFront distribution. */
export function judgeBucketPolicy(name: string, policy: string | object): string[] {
  let document: { Statement?: Statement | Statement[] };
  try {
    document = typeof policy === "string" ? JSON.parse(policy) : (policy as typeof document);
  } catch {
    return [`Bucket policy ${name} is not valid JSON; required is a policy document. ${incidentNote("snippetOnApiHosts")} ${cite(policyName, "publicPolicy")}`];
  }
  const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
  const problems: string[] = [];
  statements.forEach((statement, i) => {
    if (statement.Effect !== "Allow" || hasSourceArnCondition(statement)) return;
    const label = statement.Sid ? `statement ${statement.Sid}` : `statement ${i + 1}`;
    if (principalValues(statement.Principal, "AWS").includes("*")) {
      problems.push(
        `Bucket policy ${name}: ${label} allows Principal "*" with no AWS:SourceArn condition, a public bucket; required is only the distribution. ` +
          `Grant Principal {"Service": "cloudfront.amazonaws.com"} with Condition StringEquals AWS:SourceArn = the distribution's ARN. ${incidentNote("snippetOnApiHosts")} ${cite(policyName, "publicPolicy")}`,
      );
    } else if (principalValues(statement.Principal, "Service").includes("cloudfront.amazonaws.com")) {
      problems.push(
        `Bucket policy ${name}: ${label} allows cloudfront.amazonaws.com with no AWS:SourceArn condition, so any account's distribution may read; ` +
          `required is only this stack's distribution. Add Condition StringEquals AWS:SourceArn = the distribution's ARN. ${incidentNote("snippetOnApiHosts")} ${cite(policyName, "anyDistribution")}`,
      );
    }
  });
  return problems;
}

/** The message for a public canned ACL or a grant to everyone. */
export function judgeAcl(name: string, acl: string | undefined, granteeUris: string[]): string | undefined {
  const publicGrants = granteeUris.filter((uri) => publicGranteeUris.includes(uri));
  if (!publicCannedAcls.includes(acl ?? "") && publicGrants.length === 0) return undefined;
  const measured = publicCannedAcls.includes(acl ?? "") ? `the canned ACL ${acl}` : `grants to ${publicGrants.join(", ")}`;
  return (
    `Bucket ACL ${name} has ${measured}; required is no public ACL (the bucket is BucketOwnerEnforced). ` +
    `Remove the ACL and read through CloudFront's origin access control. ${incidentNote("snippetOnApiHosts")} ${cite(policyName, "publicAcl")}`
  );
}

export const disallowPublicBucket: StackValidationPolicy = {
  name: policyName,
  description: "S3 buckets stay private: all four public access block settings, no public bucket policy, no public ACL (incident 000).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const r of args.resources) {
      const block = r.asType(aws.s3.BucketPublicAccessBlock);
      if (block) {
        const message = judgePublicAccessBlock(r.name, block);
        if (message) reportViolation(message, r.urn);
      }
      const policy = r.asType(aws.s3.BucketPolicy);
      if (policy?.policy) for (const message of judgeBucketPolicy(r.name, policy.policy)) reportViolation(message, r.urn);
      const acl = r.asType(aws.s3.BucketAcl);
      if (acl) {
        const grants = acl.accessControlPolicy?.grants ?? [];
        const message = judgeAcl(r.name, acl.acl, grants.map((g) => g.grantee?.uri ?? "").filter(Boolean));
        if (message) reportViolation(message, r.urn);
      }
      const bucket = r.asType(aws.s3.Bucket);
      if (bucket) {
        const message = judgeAcl(r.name, bucket.acl, (bucket.grants ?? []).map((g) => g.uri ?? "").filter(Boolean));
        if (message) reportViolation(message, r.urn);
      }
    }
    for (const bucket of stackBuckets(args.resources)) {
      if (companionsOf(bucket, args.resources, [resourceTypes.s3BucketPublicAccessBlock]).length > 0) continue;
      reportViolation(
        `${bucketLabel(bucket)} has no public access block; required is one with all 4 settings true. ` +
          `Add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true. ${incidentNote("snippetOnApiHosts")} ${cite(policyName, "missingPublicAccessBlock")}`,
        bucket.urn,
      );
    }
  },
};
