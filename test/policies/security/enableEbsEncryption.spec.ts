import { describe, expect, it } from "vitest";
import { enableEbsEncryption } from "../../../policies/security/enableEbsEncryption";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.ec2LaunchTemplate;
const compliant = {
  name: "ingest-us-east-1",
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20, volumeType: "gp3" } }],
};

describe("enable-ebs-encryption", () => {
  it("accepts encrypted volumes, as the string the v7 input is or a boolean", async () => {
    expect(await runResourcePolicy(enableEbsEncryption, { type, props: compliant })).toEqual([]);
    const boolean = { ...compliant, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }] };
    expect(await runResourcePolicy(enableEbsEncryption, { type, props: boolean })).toEqual([]);
  });

  it("refuses an unencrypted volume", async () => {
    const props = { ...compliant, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false", volumeSize: 20 } }] };
    expect(await runResourcePolicy(enableEbsEncryption, { type, props })).toEqual([
      'launch template ingest-us-east-1: EBS volume /dev/xvda is not encrypted (encrypted is "false", required "true"). ' +
        'Set ebs.encrypted: "true" (add kmsKeyId for a customer-managed key). Security baseline.',
    ]);
  });

  it("refuses a template that leaves the root volume to the AMI", async () => {
    const messages = await runResourcePolicy(enableEbsEncryption, { type, props: { name: "ingest-us-east-1" } });
    expect(messages).toEqual([
      "launch template ingest-us-east-1 declares no EBS block device mapping, so its root volume's encryption is left to the AMI and the account default. " +
        'Add blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3" } }] (the AMI\'s root device name). Security baseline.',
    ]);
  });
});
