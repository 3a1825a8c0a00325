/**
 * configure-listener-tls — mandatory. Security baseline; no post-mortem of its own.
 *
 * Catalog controls: Checkov CKV_AWS_2 (listener protocol HTTPS), CKV_AWS_103 (TLS 1.2 or newer);
 * trivy AVD-AWS-0054 (plain HTTP listener), AVD-AWS-0047 (outdated TLS policy); Security Hub
 * ELB.17 (listeners use a recommended security policy).
 *
 * Every load balancer listener terminates TLS (`protocol` `TLS` or `HTTPS`, never `TCP`, `UDP`,
 * `TCP_UDP` or `HTTP`: ingestion events carry page URLs and client addresses) with a security policy
 * from the allow-list: TLS 1.2 or 1.3 only, forward-secret ciphers only (the 2021 TLS 1.3 policies
 * and their FIPS variants). Judged on `aws.lb.Listener` and its alias `aws.alb.Listener`.
 *
 * Config: `allowedSslPolicies` (default: the list below).
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

export const allowedListenerProtocols: readonly string[] = ["TLS", "HTTPS"];

/** ELB security policies with TLS 1.2+ and forward-secret ciphers only (AWS "Security policies for your Network Load Balancer"). */
export const defaultAllowedSslPolicies: readonly string[] = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
];

export interface ListenerSubject {
  name: string;
  protocol?: string;
  port?: number;
  sslPolicy?: string;
}

/** The violation of one listener, or undefined. */
export function judgeListenerTls(listener: ListenerSubject, allowedSslPolicies: readonly string[]): string | undefined {
  const where = `listener ${listener.name}${listener.port === undefined ? "" : ` (port ${listener.port})`}`;
  const protocol = (listener.protocol ?? "TCP (not set)").toUpperCase();
  if (!allowedListenerProtocols.some((p) => protocol === p)) {
    return (
      `${where} speaks ${protocol}: traffic crosses the internet in clear text; required is one of ${allowedListenerProtocols.join(", ")}. ` +
      `Set protocol: "TLS" with a certificateArn and sslPolicy "${allowedSslPolicies[0]}". Security baseline (CKV_AWS_2, AVD-AWS-0054).`
    );
  }
  const policy = listener.sslPolicy ?? "ELBSecurityPolicy-2016-08 (the AWS default: sslPolicy not set)";
  if (!allowedSslPolicies.includes(listener.sslPolicy ?? "")) {
    return (
      `${where} uses security policy ${policy}, which is not among the ${allowedSslPolicies.length} allowed (TLS 1.2+ with forward secrecy only). ` +
      `Set sslPolicy: "${allowedSslPolicies[0]}". Security baseline (ELB.17, CKV_AWS_103, AVD-AWS-0047).`
    );
  }
  return undefined;
}

function allowedSslPolicies(config: { allowedSslPolicies?: unknown }): readonly string[] {
  const list = config.allowedSslPolicies;
  return Array.isArray(list) && list.length > 0 && list.every((p) => typeof p === "string") ? (list as string[]) : defaultAllowedSslPolicies;
}

export const configureListenerTls: ResourceValidationPolicy = {
  name: "configure-listener-tls",
  description: "Load balancer listeners terminate TLS (TLS or HTTPS) with an allowed TLS 1.2+ security policy.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedSslPolicies: {
        type: "array",
        items: { type: "string" },
        default: [...defaultAllowedSslPolicies],
        description: "ELB security policies a TLS or HTTPS listener may use.",
      },
    },
  },
  validateResource: validateResourceOfTypes(
    ...[aws.lb.Listener, aws.alb.Listener].map((resourceClass) =>
      ofType(resourceClass, (listener, args, reportViolation) => {
        const message = judgeListenerTls(
          { name: args.name, protocol: listener.protocol, port: listener.port, sslPolicy: listener.sslPolicy },
          allowedSslPolicies(args.getConfig()),
        );
        if (message) reportViolation(message);
      }),
    ),
  ),
};
