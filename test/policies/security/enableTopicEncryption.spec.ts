import { describe, expect, it } from "vitest";
import { enableTopicEncryption } from "../../../policies/security/enableTopicEncryption";
import { runResourcePolicy } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.snsTopic;
const compliant = { name: "edge-alarms", kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" };

describe("enable-topic-encryption", () => {
  it("accepts a customer-managed key", async () => {
    expect(await runResourcePolicy(enableTopicEncryption, { type, props: compliant })).toEqual([]);
    expect(await runResourcePolicy(enableTopicEncryption, { type, props: { ...compliant, kmsMasterKeyId: "alias/edge-alarms" } })).toEqual([]);
  });

  it("refuses an unencrypted topic", async () => {
    expect(await runResourcePolicy(enableTopicEncryption, { type, props: { name: "edge-alarms" } })).toEqual([
      "SNS topic edge-alarms is not encrypted (kmsMasterKeyId not set). " +
        "Set kmsMasterKeyId to a customer-managed KMS key whose policy lets cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*). Security baseline (SNS.1, CKV_AWS_26, AVD-AWS-0095).",
    ]);
  });

  it("refuses the AWS managed key, which CloudWatch cannot publish through (incident 000)", async () => {
    for (const key of ["alias/aws/sns", "arn:aws:kms:us-east-1:123456789012:alias/aws/sns"]) {
      expect(await runResourcePolicy(enableTopicEncryption, { type, props: { ...compliant, kmsMasterKeyId: key } })).toEqual([
        `SNS topic edge-alarms is encrypted with the AWS managed key ${key}: CloudWatch alarms cannot publish to it, its key policy cannot grant them. ` +
          "Use a customer-managed KMS key that allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*. " +
          `${incidentNote("alarmTopicUnreachable")} Security baseline (AVD-AWS-0136).`,
      ]);
    }
  });
});
