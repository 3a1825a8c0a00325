/**
 * enable-topic-encryption — mandatory. Incident 000 and baseline.
 *
 * SNS topics are encrypted at rest with a customer-managed KMS key (`kmsMasterKeyId`). The AWS
 * managed key `alias/aws/sns` is refused too: its key policy cannot be changed, so CloudWatch alarms
 * (and other AWS services) cannot publish to a topic encrypted with it, and the alarm fires into
 * nothing. Lesson `alarmTopicUnreachable` of incident 000 (models/incidents.ts).
 *
 * Controls: policies/metadata.ts (only trivy refuses the AWS managed key too).
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";

/** The AWS managed key for SNS, by alias name or alias ARN. */
export function isAwsManagedSnsKey(keyId: string): boolean {
  return keyId === "alias/aws/sns" || /^arn:aws[a-z-]*:kms:[^:]*:\d+:alias\/aws\/sns$/.test(keyId);
}

/** The violation for one topic, or undefined when it is encrypted with a customer-managed key. */
export function judgeTopicEncryption(topic: string, kmsMasterKeyId: string | undefined): string | undefined {
  if (!kmsMasterKeyId) {
    return (
      `SNS topic ${topic} is not encrypted (kmsMasterKeyId not set). ` +
      `Set kmsMasterKeyId to a customer-managed KMS key whose policy lets cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*). ${cite("enable-topic-encryption", "encrypted")}`
    );
  }
  if (isAwsManagedSnsKey(kmsMasterKeyId)) {
    return (
      `SNS topic ${topic} is encrypted with the AWS managed key ${kmsMasterKeyId}: CloudWatch alarms cannot publish to it, its key policy cannot grant them. ` +
      `Use a customer-managed KMS key that allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*. ` +
      `${incidentNote("alarmTopicUnreachable")} ${cite("enable-topic-encryption", "customerKey")}`
    );
  }
  return undefined;
}

export const enableTopicEncryption: ResourceValidationPolicy = {
  name: "enable-topic-encryption",
  description: "SNS topics are encrypted with a customer-managed KMS key that CloudWatch can use (incident 000).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.sns.Topic, (topic, args, reportViolation) => {
    const message = judgeTopicEncryption(topic.name ?? args.name, topic.kmsMasterKeyId);
    if (message) reportViolation(message);
  }),
};
