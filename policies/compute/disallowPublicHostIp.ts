/**
 * disallow-public-host-ip — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts, per kind of launcher.
 *
 * Hosts get no public IPv4 address (a launch template's network interface, a launch
 * configuration's or an instance's `associatePublicIpAddress`): the ingestion hosts reach AWS
 * through the VPC endpoints `IngestNetwork` declares and the load balancer reaches them at their
 * private addresses, so a public one would only be a way in and out that nothing needs. A launch
 * template says so itself (a network interface with `associatePublicIpAddress: "false"`): one
 * without a network interface leaves it to its subnet, which a subnet edit can turn on
 * (disallow-subnet-public-ip refuses that edit too).
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { isFlagSet, launchTemplateAssignsPublicIpv4 } from "../../models/aws/flags";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

const name = "disallow-public-host-ip";

export type Launcher = "template" | "configuration" | "instance";

export function judgePublicHostIp(launcher: string, publicIp: boolean, kind: Launcher): string | undefined {
  if (!publicIp) return undefined;
  return (
    `${launcher} gives hosts a public IPv4 address (associatePublicIpAddress true; required false). ` +
    `Set associatePublicIpAddress to false: hosts reach AWS through VPC endpoints (IngestNetwork declares them) and the load balancer reaches their private addresses. ` +
    cite(name, kind)
  );
}

/** A launch template that leaves the public address to its subnet: no network interface says false. */
export function judgeUnstatedTemplate(launcher: string, networkInterfaces: unknown): string | undefined {
  const interfaces = Array.isArray(networkInterfaces) ? (networkInterfaces as { associatePublicIpAddress?: unknown }[]) : [];
  if (interfaces.length > 0 && interfaces.every((i) => i.associatePublicIpAddress === false || i.associatePublicIpAddress === "false")) return undefined;
  return (
    `${launcher} does not say its hosts get no public address (${interfaces.length === 0 ? "no network interface" : "a network interface leaves associatePublicIpAddress unset"}), ` +
    `so the subnet decides: one that maps public IPs on launch puts every host on the internet. ` +
    `Add networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [...] }] (HostFleet does). ${cite(name, "templateUnstated")}`
  );
}

function judge(launcher: string, publicIp: boolean, kind: Launcher, report: ReportViolation) {
  const message = judgePublicHostIp(launcher, publicIp, kind);
  if (message) report(message);
}

export const disallowPublicHostIp: ResourceValidationPolicy = {
  name,
  description: "Hosts get no public IPv4 address, and launch templates say so themselves: hosts reach AWS through VPC endpoints.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.LaunchTemplate, (template, args, report) => {
      const launcher = `launch template ${template.name ?? args.name}`;
      if (launchTemplateAssignsPublicIpv4(template)) return judge(launcher, true, "template", report);
      const unstated = judgeUnstatedTemplate(launcher, template.networkInterfaces);
      if (unstated) report(unstated);
    }),
    ofType(aws.ec2.LaunchConfiguration, (configuration, args, report) => {
      judge(`launch configuration ${configuration.name ?? args.name}`, isFlagSet(configuration.associatePublicIpAddress), "configuration", report);
    }),
    ofType(aws.ec2.Instance, (instance, args, report) => {
      judge(`instance ${args.name}`, isFlagSet(instance.associatePublicIpAddress), "instance", report);
    }),
  ),
};
