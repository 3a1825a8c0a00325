/**
 * enforce-imdsv2 — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts, per kind of launcher.
 *
 * Whatever launches a host (a launch template, a launch configuration or a plain instance)
 * requires session tokens for the instance metadata service (IMDSv2, `metadataOptions.httpTokens:
 * "required"`) with a response hop limit of 1, or turns the service off. The ingestion hosts are
 * internet-facing nginx proxies: with IMDSv1 a request forgery through the proxy reads the host
 * role's credentials, and a hop limit above 1 lets a container or a forwarded packet reach the
 * service. The AWS default is `optional` tokens, so leaving `metadataOptions` out fails.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

export type Launcher = "template" | "configuration" | "instance";

export const maximumHopLimit = 1;

export interface MetadataOptions {
  httpEndpoint?: string;
  httpTokens?: string;
  httpPutResponseHopLimit?: number;
}

/** The violation for one launcher's metadata options (`launcher`: e.g. `launch template ingest`), or undefined. */
export function judgeImds(launcher: string, options: MetadataOptions | undefined, kind: Launcher): string | undefined {
  if (options?.httpEndpoint === "disabled") return undefined;
  const fix = `Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: ${maximumHopLimit} }.`;
  const why = "An internet-facing proxy host must not hand out its role credentials to a forged request.";
  if (options?.httpTokens !== "required") {
    const tokens = options?.httpTokens ?? "optional (the AWS default: metadataOptions.httpTokens not set)";
    return `${launcher} allows IMDSv1: httpTokens is ${tokens}, required is 'required'. ${fix} ${why} ${cite("enforce-imdsv2", `${kind}Tokens`)}`;
  }
  const hops = options.httpPutResponseHopLimit;
  if (hops === undefined || hops > maximumHopLimit) {
    return (
      `${launcher} lets metadata answers travel ${hops ?? "the AMI's default number of (not set)"} hop(s); the limit is ${maximumHopLimit}. ` +
      `${fix} ${why} ${cite("enforce-imdsv2", `${kind}HopLimit`)}`
    );
  }
  return undefined;
}

export const enforceImdsV2: ResourceValidationPolicy = {
  name: "enforce-imdsv2",
  description: "Launch templates, launch configurations and instances require IMDSv2 tokens with a hop limit of 1.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
      const message = judgeImds(`launch template ${template.name ?? args.name}`, template.metadataOptions, "template");
      if (message) reportViolation(message);
    }),
    ofType(aws.ec2.LaunchConfiguration, (configuration, args, reportViolation) => {
      const message = judgeImds(`launch configuration ${configuration.name ?? args.name}`, configuration.metadataOptions, "configuration");
      if (message) reportViolation(message);
    }),
    ofType(aws.ec2.Instance, (instance, args, reportViolation) => {
      const message = judgeImds(`instance ${args.name}`, instance.metadataOptions, "instance");
      if (message) reportViolation(message);
    }),
  ),
};
