/**
 * disallow-foreign-bucket-access — mandatory. Security baseline; no post-mortem of its own.
 *
 * No bucket policy allows anything to an AWS principal (an account, a role, a user): the stack's
 * buckets are read by CloudFront and written by AWS log delivery and the deploy, which bucket
 * policies grant to AWS service principals, and this account's roles get their access from their
 * own IAM policies. An account id or ARN in a bucket policy's Allow is therefore another
 * account's door into the bucket, which Security Hub refuses for five administration actions and this
 * policy for every action. `Principal: "*"` is disallow-public-bucket's. Controls:
 * policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { parsePolicyDocument } from "../security/disallowWildcardIam";
import { cite } from "../metadata";
import { list, principals } from "./buckets";

const name = "disallow-foreign-bucket-access";

/** One message per Allow statement that names an AWS principal other than everyone. */
export function judgeForeignPrincipals(bucketPolicy: string, document: unknown): string[] {
  const parsed = parsePolicyDocument(document);
  if (typeof parsed === "string") return [];
  return parsed.statements.flatMap((statement, i) => {
    if (statement.Effect !== "Allow") return [];
    const named = principals(statement, "AWS").filter((p) => p !== "*");
    if (named.length === 0) return [];
    const label = typeof statement.Sid === "string" && statement.Sid ? `statement ${statement.Sid}` : `statement ${i + 1}`;
    return [
      `Bucket policy ${bucketPolicy}: ${label} allows ${list(statement.Action).join(", ") || "(no action)"} to AWS principal(s) ${named.join(", ")}; required is 0 AWS principals ` +
        `(bucket policies grant AWS service principals only). Another account's principal reads or rewrites the bucket from outside this stack's view. ` +
        `Remove the grant; give this account's roles access in their own IAM policies. ${cite(name, "awsPrincipal")}`,
    ];
  });
}

export const disallowForeignBucketAccess: ResourceValidationPolicy = {
  name,
  description: "No bucket policy allows anything to an AWS account, role or user: only AWS service principals are granted.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.s3.BucketPolicy, (policy, args, reportViolation) => {
    for (const message of judgeForeignPrincipals(args.name, policy.policy)) reportViolation(message);
  }),
};
