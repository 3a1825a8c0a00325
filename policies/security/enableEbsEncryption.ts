/**
 * enable-ebs-encryption — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every EBS volume a launch template declares is encrypted (`ebs.encrypted: "true"`; the v7 input
 * is a string), and the template declares at least one EBS volume: without a mapping the root
 * volume's encryption follows the AMI's snapshot and the account default, which this program does
 * not control. Ingestion hosts buffer events on disk when the datastore slows down.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export interface BlockDeviceMapping {
  deviceName?: string;
  ebs?: { encrypted?: string | boolean };
  virtualName?: string;
  noDevice?: string;
}

/** `"true"` and `true` are both "encrypted": the provider stores a string, a program may pass a boolean. */
function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** Every violation of a launch template's block device mappings. */
export function judgeEbsEncryption(template: string, mappings: BlockDeviceMapping[] | undefined): string[] {
  const ebs = (mappings ?? []).filter((m) => m.ebs !== undefined);
  if (ebs.length === 0) {
    return [
      `launch template ${template} declares no EBS block device mapping, so its root volume's encryption is left to the AMI and the account default. ` +
        `Add blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3" } }] (the AMI's root device name). Security baseline.`,
    ];
  }
  return ebs
    .filter((m) => !isTrue(m.ebs?.encrypted))
    .map(
      (m) =>
        `launch template ${template}: EBS volume ${m.deviceName ?? "(no device name)"} is not encrypted (encrypted is ${JSON.stringify(m.ebs?.encrypted ?? null)}, required "true"). ` +
        `Set ebs.encrypted: "true" (add kmsKeyId for a customer-managed key). Security baseline.`,
    );
}

export const enableEbsEncryption: ResourceValidationPolicy = {
  name: "enable-ebs-encryption",
  description: "Launch templates declare their EBS volumes, every one encrypted.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
    for (const message of judgeEbsEncryption(template.name ?? args.name, template.blockDeviceMappings)) reportViolation(message);
  }),
};
