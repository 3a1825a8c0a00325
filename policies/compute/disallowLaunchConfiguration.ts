/**
 * disallow-launch-configuration — mandatory. Incident 003: hosts are replaced by instance refresh
 * from a launch template version; a launch configuration cannot be versioned or refreshed that way.
 *
 * Controls: policies/metadata.ts.
 *
 * Autoscaling groups launch hosts from a launch template (`launchTemplate` or
 * `mixedInstancesPolicy`), never from a launch configuration, and the stack declares no
 * `aws.ec2.LaunchConfiguration`: AWS no longer adds instance types or features to launch
 * configurations, and the template is where enforce-imdsv2, enable-ebs-encryption and
 * disallow-public-host-ip read the hosts' settings.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

const fix = `Launch the hosts from an aws.ec2.LaunchTemplate (HostFleet does) and drop the launch configuration. ${cite("disallow-launch-configuration", "launchTemplate")}`;

export function judgeGroupLauncher(group: string, launchConfiguration: unknown): string | undefined {
  if (launchConfiguration === undefined || launchConfiguration === "") return undefined;
  return `autoscaling group ${group} launches hosts from launch configuration ${String(launchConfiguration)}; required is a launch template. ${fix}`;
}

export const disallowLaunchConfiguration: ResourceValidationPolicy = {
  name: "disallow-launch-configuration",
  description: "Autoscaling groups launch from launch templates; no launch configuration is declared.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.autoscaling.Group, (group, args, report) => {
      const message = judgeGroupLauncher(group.name ?? args.name, group.launchConfiguration);
      if (message) report(message);
    }),
    ofType(aws.ec2.LaunchConfiguration, (configuration, args, report) => {
      report(`launch configuration ${configuration.name ?? args.name} is declared; hosts launch from launch templates only. ${fix}`);
    }),
  ),
};
