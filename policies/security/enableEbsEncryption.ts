/**
 * enable-ebs-encryption — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts, per kind of resource.
 *
 * Whatever launches a host declares its volumes, every one encrypted: a launch template's EBS
 * block device mappings (`ebs.encrypted: "true"`; the v7 input is a string), a launch
 * configuration's or an instance's `rootBlockDevice` and `ebsBlockDevices` (`encrypted: true`);
 * and every standalone `aws.ebs.Volume` is encrypted.
 * Without a declared root volume its encryption follows the AMI's snapshot and the account
 * default, which this program does not control. Ingestion hosts buffer events on disk when the
 * datastore slows down.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";
import { isFlagSet } from "../../models/aws/flags";
import { cite } from "../metadata";

const name = "enable-ebs-encryption";

export type VolumeOwner = "template" | "configuration" | "instance" | "volume";

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

/** Every violation of one launcher's volumes (`launcher`: e.g. `launch template ingest`); `declareFix` says how to declare the root volume. */
export function judgeVolumes(launcher: string, volumes: Volume[], declareFix: string, kind: VolumeOwner): string[] {
  const baseline = cite(name, kind);
  if (volumes.length === 0) {
    return [`${launcher} declares no EBS volume, so its root volume's encryption is left to the AMI and the account default. ${declareFix} ${baseline}`];
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
    "template",
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
  name,
  description: "Launch templates, launch configurations and instances declare their EBS volumes, every one encrypted, and every EBS volume is encrypted.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
      for (const message of judgeEbsEncryption(template.name ?? args.name, template.blockDeviceMappings)) reportViolation(message);
    }),
    ofType(aws.ec2.LaunchConfiguration, (configuration, args, reportViolation) => {
      for (const m of judgeVolumes(`launch configuration ${configuration.name ?? args.name}`, launcherVolumes(configuration), rootFix, "configuration")) reportViolation(m);
    }),
    ofType(aws.ec2.Instance, (instance, args, reportViolation) => {
      for (const m of judgeVolumes(`instance ${args.name}`, launcherVolumes(instance), rootFix, "instance")) reportViolation(m);
    }),
    ofType(aws.ebs.Volume, (volume, args, reportViolation) => {
      if (isFlagSet(volume.encrypted)) return;
      reportViolation(
        `EBS volume ${args.name} is not encrypted (encrypted is ${JSON.stringify(volume.encrypted ?? null)}, required true): its snapshots and any host it is attached to carry the data in clear. ` +
          `Set encrypted: true (add kmsKeyId for a customer-managed key). ${cite(name, "volume")}`,
      );
    }),
  ),
};
