import { describe, expect, it } from "vitest";
import { enableEbsEncryption } from "../../../policies/security/enableEbsEncryption";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";
import { cite } from "../../../policies/metadata";

const type = resourceTypes.ec2LaunchTemplate;
const compliant = {
  name: "ingest-us-east-1",
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20, volumeType: "gp3" } }],
};
const baseline = cite("enable-ebs-encryption", "template");

describe("enable-ebs-encryption", () => {
  it("accepts encrypted volumes, as the string the v7 input is or a boolean", async () => {
    expect(await runResourcePolicy(enableEbsEncryption, { type, props: compliant })).toEqual([]);
    const boolean = { ...compliant, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }] };
    expect(await runResourcePolicy(enableEbsEncryption, { type, props: boolean })).toEqual([]);
  });

  it("refuses an unencrypted volume", async () => {
    const props = { ...compliant, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false", volumeSize: 20 } }] };
    expect(await runResourcePolicy(enableEbsEncryption, { type, props })).toEqual([
      'launch template ingest-us-east-1: EBS volume /dev/xvda is not encrypted (encrypted is "false", required true). ' +
        `Set encrypted to true (add kmsKeyId for a customer-managed key). ${baseline}`,
    ]);
  });

  it("refuses a template that leaves the root volume to the AMI", async () => {
    const messages = await runResourcePolicy(enableEbsEncryption, { type, props: { name: "ingest-us-east-1" } });
    expect(messages).toEqual([
      "launch template ingest-us-east-1 declares no EBS volume, so its root volume's encryption is left to the AMI and the account default. " +
        `Add blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3" } }] (the AMI's root device name). ${baseline}`,
    ]);
  });

  for (const [label, launcherType, what, kind] of [
    ["launch configurations", resourceTypes.ec2LaunchConfiguration, "launch configuration ingest-lc", "configuration"],
    ["instances", resourceTypes.ec2Instance, "instance subject", "instance"],
  ] as const) {
    const baseline = cite("enable-ebs-encryption", kind);
    it(`judges ${label}: root and extra volumes encrypted, a root volume declared`, async () => {
      const ok = { name: "ingest-lc", rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] };
      expect(await runResourcePolicy(enableEbsEncryption, { type: launcherType, props: ok })).toEqual([]);
      expect(await runResourcePolicy(enableEbsEncryption, { type: launcherType, props: { ...ok, rootBlockDevice: { encrypted: false } } })).toEqual([
        `${what}: EBS volume root is not encrypted (encrypted is false, required true). Set encrypted to true (add kmsKeyId for a customer-managed key). ${baseline}`,
      ]);
      expect((await runResourcePolicy(enableEbsEncryption, { type: launcherType, props: { ...ok, ebsBlockDevices: [{ deviceName: "/dev/sdf" }] } }))[0]).toContain(
        "EBS volume /dev/sdf is not encrypted (encrypted is null",
      );
      expect(await runResourcePolicy(enableEbsEncryption, { type: launcherType, props: { name: "ingest-lc" } })).toEqual([
        `${what} declares no EBS volume, so its root volume's encryption is left to the AMI and the account default. Add rootBlockDevice: { encrypted: true, volumeType: "gp3" }. ${baseline}`,
      ]);
    });
  }

  it("refuses a standalone EBS volume that is not encrypted (CKV_AWS_3)", async () => {
    const volume = { type: "aws:ebs/volume:Volume", name: "hand-volume" };
    expect(await runResourcePolicy(enableEbsEncryption, { ...volume, props: { availabilityZone: "us-east-1a", size: 10, encrypted: true } })).toEqual([]);
    expect(await runResourcePolicy(enableEbsEncryption, { ...volume, props: { availabilityZone: "us-east-1a", size: 10 } })).toEqual([
      "EBS volume hand-volume is not encrypted (encrypted is null, required true): its snapshots and any host it is attached to carry the data in clear. " +
        `Set encrypted: true (add kmsKeyId for a customer-managed key). ${cite("enable-ebs-encryption", "volume")}`,
    ]);
    expect(cite("enable-ebs-encryption", "volume")).toBe("Security baseline (CKV_AWS_3, AVD-AWS-0026).");
  });
});
