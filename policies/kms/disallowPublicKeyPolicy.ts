/**
 * disallow-public-key-policy — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every KMS key declares its policy, and no Allow statement of it names everyone
 * (`Principal: "*"`, `{ AWS: "*" }`, with or without a condition): a key is
 * only as private as its policy, and the alarm topics' keys decide who reads what the alarms say.
 * Grant this account's root (which hands the key to IAM) and AWS service principals such as
 * cloudwatch.amazonaws.com. Controls: policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cite } from "../metadata";
import { principals } from "../s3/buckets";
import { parsePolicyDocument } from "../security/disallowWildcardIam";

const name = "disallow-public-key-policy";

export function judgeKeyPolicy(key: string, policy: unknown): string[] {
  if (policy === undefined || policy === "") {
    return [
      `KMS key ${key} declares no policy, so KMS gives it the default one (this account's root may use it); required is a declared policy. ` +
        `Declare the policy, naming the account's root and the AWS services that use the key. ${cite(name, "undeclared")}`,
    ];
  }
  const parsed = parsePolicyDocument(policy);
  if (typeof parsed === "string") return [`KMS key ${key}'s policy ${parsed}: it cannot be checked. Fix the document. ${cite(name, "unreadable")}`];
  const out: string[] = [];
  parsed.statements.forEach((statement, i) => {
    if (statement.Effect !== "Allow") return;
    const label = `KMS key ${key}'s policy statement ${typeof statement.Sid === "string" && statement.Sid ? statement.Sid : i}`;
    if (!principals(statement, "AWS").includes("*")) return;
    out.push(
      statement.Condition
        ? `${label} allows Principal "*" under a condition: everyone who meets it may use the key, and a condition is easier to widen than a principal. ` +
            `Name this account's root and the AWS services that use the key instead. ${cite(name, "everyoneWithCondition")}`
        : `${label} allows Principal "*": any AWS account may use the key. Name this account's root and the AWS services that use the key instead. ${cite(name, "everyone")}`,
    );
  });
  return out;
}

export const disallowPublicKeyPolicy: ResourceValidationPolicy = {
  name,
  description: 'KMS keys declare their policy, and it never allows everyone ("*").',
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
    for (const message of judgeKeyPolicy(args.name, key.policy)) reportViolation(message);
  }),
};
