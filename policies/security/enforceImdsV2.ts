/**
 * enforce-imdsv2 — mandatory. Security baseline; no post-mortem of its own.
 *
 * Launch templates require session tokens for the instance metadata service (IMDSv2,
 * `metadataOptions.httpTokens: "required"`), or turn the service off. The ingestion hosts are
 * internet-facing nginx proxies: with IMDSv1 a request forgery through the proxy reads the host
 * role's credentials. The AWS default is `optional`, so leaving `metadataOptions` out fails.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export interface MetadataOptions {
  httpEndpoint?: string;
  httpTokens?: string;
}

/** The violation for a launch template's metadata options, or undefined when IMDSv2 is required. */
export function judgeImds(template: string, options: MetadataOptions | undefined): string | undefined {
  if (options?.httpEndpoint === "disabled") return undefined;
  if (options?.httpTokens === "required") return undefined;
  const tokens = options?.httpTokens ?? "optional (the AWS default: metadataOptions.httpTokens not set)";
  return (
    `launch template ${template} allows IMDSv1: httpTokens is ${tokens}, required is 'required'. ` +
    `Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }. ` +
    `Security baseline: an internet-facing proxy host must not hand out its role credentials to a forged request.`
  );
}

export const enforceImdsV2: ResourceValidationPolicy = {
  name: "enforce-imdsv2",
  description: "Launch templates require IMDSv2 session tokens (metadataOptions.httpTokens 'required').",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
    const message = judgeImds(template.name ?? args.name, template.metadataOptions);
    if (message) reportViolation(message);
  }),
};
