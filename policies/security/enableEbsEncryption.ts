/**
 * enable-ebs-encryption — mandatory. Security baseline; no post-mortem of its own.
 *
 * Catalog controls: Checkov CKV_AWS_8 (launch configuration and instance volumes encrypted),
 * CKV_AWS_3 (EBS volumes encrypted); trivy AVD-AWS-0008 (launch configurations), AVD-AWS-0131
 * (instances); Security Hub EC2.3 (attached volumes encrypted).
 *
 * Whatever launches a host declares its volumes, every one encrypted: a launch template's EBS
 * block device mappings (`ebs.encrypted: "true"`; the v7 input is a string), a launch
 * configuration's or an instance's `rootBlockDevice` and `ebsBlockDevices` (`encrypted: true`).
 * Without a declared root volume its encryption follows the AMI's snapshot and the account
 * default, which this program does not control. Ingestion hosts buffer events on disk when the
 * datastore slows down.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";
import { isFlagSet } from "../../models/aws/flags";

export interface BlockDeviceMapping {
  deviceName?: string;
  ebs?: { encrypted?: string | boolean };
  virtualName?: string;
  noDevice?: string;
}

/** A volume as judged: its device name and its `encrypted` input. */
export interface Volume {
  deviceName?: string;
  encrypted?: string | boolean;
}


const baseline = "Security baseline (CKV_AWS_8, EC2.3).";

/** Every violation of one launcher's volumes (`launcher`: e.g. `launch template ingest`); `declareFix` says how to declare the root volume. */
export function judgeVolumes(launcher: string, volumes: Volume[], declareFix: string): string[] {
  if (volumes.length === 0) {
    return [
      `${launcher} declares no EBS volume, so its root volume's encryption is left to the AMI and the account default. ${declareFix} ${baseline}`,
    ];
  }
  return volumes
    .filter((v) => !isFlagSet(v.encrypted))
    .map(
      (v) =>
        `${launcher}: EBS volume ${v.deviceName ?? "(no device name)"} is not encrypted (encrypted is ${JSON.stringify(v.encrypted ?? null)}, required true). ` +
        `Set encrypted to true (add kmsKeyId for a customer-managed key). ${baseline}`,
    );
}

/** Every violation of a launch template's block device mappings. */
export function judgeEbsEncryption(template: string, mappings: BlockDeviceMapping[] | undefined): string[] {
  const volumes = (mappings ?? []).filter((m) => m.ebs !== undefined).map((m) => ({ deviceName: m.deviceName, encrypted: m.ebs?.encrypted }));
  return judgeVolumes(
    `launch template ${template}`,
    volumes,
    `Add blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3" } }] (the AMI's root device name).`,
  );
}

/** A launch configuration's or instance's volumes: the root device and the extra EBS devices. */
function launcherVolumes(launcher: { rootBlockDevice?: { encrypted?: boolean }; ebsBlockDevices?: { deviceName: string; encrypted?: boolean }[] }): Volume[] {
  return [
    ...(launcher.rootBlockDevice ? [{ deviceName: "root", encrypted: launcher.rootBlockDevice.encrypted }] : []),
    ...(launcher.ebsBlockDevices ?? []).map((d) => ({ deviceName: d.deviceName, encrypted: d.encrypted })),
  ];
}

const rootFix = `Add rootBlockDevice: { encrypted: true, volumeType: "gp3" }.`;

export const enableEbsEncryption: ResourceValidationPolicy = {
  name: "enable-ebs-encryption",
  description: "Launch templates, launch configurations and instances declare their EBS volumes, every one encrypted.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
      for (const message of judgeEbsEncryption(template.name ?? args.name, template.blockDeviceMappings)) reportViolation(message);
    }),
    ofType(aws.ec2.LaunchConfiguration, (configuration, args, reportViolation) => {
      for (const m of judgeVolumes(`launch configuration ${configuration.name ?? args.name}`, launcherVolumes(configuration), rootFix)) reportViolation(m);
    }),
    ofType(aws.ec2.Instance, (instance, args, reportViolation) => {
      for (const m of judgeVolumes(`instance ${args.name}`, launcherVolumes(instance), rootFix)) reportViolation(m);
    }),
  ),
};
