/**
 * configure-log-group — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every CloudWatch Logs group keeps its events at least a year (`retentionInDays` ≥ 365, or 0 for
 * ever) and is encrypted with a customer-managed KMS key (`kmsKeyId`): the DNS query logs are the
 * record of an attack on the zone, read long after it. Controls: policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cite } from "../metadata";

const name = "configure-log-group";

export const minimumRetentionDays = 365;

export function judgeLogGroup(group: string, retentionInDays: number | undefined, kmsKeyId: string | undefined): string[] {
  const out: string[] = [];
  if (retentionInDays === undefined) {
    out.push(`log group ${group} sets no retention; required is ${minimumRetentionDays} days or more. Set retentionInDays: ${minimumRetentionDays}. ${cite(name, "retentionSet")}`);
  } else if (retentionInDays !== 0 && retentionInDays < minimumRetentionDays) {
    out.push(`log group ${group} keeps events ${retentionInDays} days; required is at least ${minimumRetentionDays}. Set retentionInDays: ${minimumRetentionDays}. ${cite(name, "retentionYear")}`);
  }
  if (!kmsKeyId) {
    out.push(`log group ${group} is not encrypted with a customer-managed key (kmsKeyId not set). Set kmsKeyId to a key whose policy lets logs.<region>.amazonaws.com use it. ${cite(name, "kms")}`);
  }
  return out;
}

export const configureLogGroup: ResourceValidationPolicy = {
  name,
  description: "CloudWatch Logs groups keep their events a year or more and are encrypted with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
    for (const message of judgeLogGroup(group.name ?? args.name, group.retentionInDays, group.kmsKeyId)) reportViolation(message);
  }),
};
