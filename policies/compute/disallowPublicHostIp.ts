/**
 * disallow-public-host-ip — mandatory. Security baseline; no post-mortem of its own.
 *
 * Catalog controls: Security Hub EC2.9 (instances without a public IPv4 address), EC2.25 (launch
 * templates assign no public IP), AutoScaling.5 (launch configurations assign no public IP);
 * Checkov CKV_AWS_88; trivy AVD-AWS-0009 (launch configurations).
 *
 * Hosts get no public IPv4 address (a launch template's network interface, a launch
 * configuration's or an instance's `associatePublicIpAddress`): the ingestion hosts reach AWS
 * through the VPC endpoints `IngestNetwork` declares and the load balancer reaches them at their
 * private addresses, so a public one would only be a way in and out that nothing needs.
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { isFlagSet, launchTemplateAssignsPublicIpv4 } from "../../models/aws/flags";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

export function judgePublicHostIp(launcher: string, publicIp: boolean): string | undefined {
  if (!publicIp) return undefined;
  return (
    `${launcher} gives hosts a public IPv4 address (associatePublicIpAddress true; required false). ` +
    `Set associatePublicIpAddress to false: hosts reach AWS through VPC endpoints (IngestNetwork declares them) and the load balancer reaches their private addresses. ` +
    `Security baseline (EC2.9, EC2.25, AutoScaling.5, CKV_AWS_88, AVD-AWS-0009).`
  );
}

function judge(launcher: string, publicIp: boolean, report: ReportViolation) {
  const message = judgePublicHostIp(launcher, publicIp);
  if (message) report(message);
}

export const disallowPublicHostIp: ResourceValidationPolicy = {
  name: "disallow-public-host-ip",
  description: "Hosts get no public IPv4 address: they reach AWS through VPC endpoints.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.LaunchTemplate, (template, args, report) => {
      judge(`launch template ${template.name ?? args.name}`, launchTemplateAssignsPublicIpv4(template), report);
    }),
    ofType(aws.ec2.LaunchConfiguration, (configuration, args, report) => {
      judge(`launch configuration ${configuration.name ?? args.name}`, isFlagSet(configuration.associatePublicIpAddress), report);
    }),
    ofType(aws.ec2.Instance, (instance, args, report) => {
      judge(`instance ${args.name}`, isFlagSet(instance.associatePublicIpAddress), report);
    }),
  ),
};
