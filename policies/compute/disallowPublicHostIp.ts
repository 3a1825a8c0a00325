/**
 * disallow-public-host-ip — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Catalog controls: Security Hub EC2.9 (instances without a public IPv4 address), EC2.25 (launch
 * templates assign no public IP), AutoScaling.5 (launch configurations assign no public IP);
 * Checkov CKV_AWS_88; trivy AVD-AWS-0009 (launch configurations).
 *
 * Hosts get no public IPv4 address (a launch template's network interface, a launch
 * configuration's or an instance's `associatePublicIpAddress`) unless the stack's policy config
 * takes the waiver `hosts-public-ipv4` from policies/waivers.ts: the ingestion hosts have one so
 * that no NAT gateway is needed, an explicit exception rather than a silent one.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationArgs, ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";
import { resolveWaivers, unlistedWaiverMessage, waiversConfigSchema } from "../waivers";

export const publicHostIpWaiver = "hosts-public-ipv4";
const policyName = "disallow-public-host-ip";

function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function judgePublicHostIp(launcher: string, publicIp: boolean, waived: boolean): string | undefined {
  if (!publicIp || waived) return undefined;
  return (
    `${launcher} gives hosts a public IPv4 address without the waiver "${publicHostIpWaiver}". ` +
    `Set associatePublicIpAddress to false (and reach AWS through VPC endpoints), or take the waiver in policies/config/<stack>.json ` +
    `("${policyName}": { "waivers": ["${publicHostIpWaiver}"] }). Security baseline (EC2.9, EC2.25, AutoScaling.5, CKV_AWS_88).`
  );
}

/** Judges one launcher; reports unlisted waiver ids of the config too. */
function judge(launcher: string, publicIp: boolean, args: ResourceValidationArgs, report: ReportViolation) {
  const { inEffect, unlisted } = resolveWaivers(args.getConfig());
  for (const id of unlisted) report(unlistedWaiverMessage(policyName, id));
  const message = judgePublicHostIp(launcher, publicIp, inEffect.some((w) => w.id === publicHostIpWaiver));
  if (message) report(message);
}

export const disallowPublicHostIp: ResourceValidationPolicy = {
  name: policyName,
  description: `Hosts get no public IPv4 address, unless the stack takes the waiver "${publicHostIpWaiver}".`,
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversConfigSchema } },
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.LaunchTemplate, (template, args, report) => {
      judge(`launch template ${template.name ?? args.name}`, (template.networkInterfaces ?? []).some((n) => isTrue(n.associatePublicIpAddress)), args, report);
    }),
    ofType(aws.ec2.LaunchConfiguration, (configuration, args, report) => {
      judge(`launch configuration ${configuration.name ?? args.name}`, isTrue(configuration.associatePublicIpAddress), args, report);
    }),
    ofType(aws.ec2.Instance, (instance, args, report) => {
      judge(`instance ${args.name}`, isTrue(instance.associatePublicIpAddress), args, report);
    }),
  ),
};
