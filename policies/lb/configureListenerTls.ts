/**
 * configure-listener-tls — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts, per case: some catalog rules refuse plain HTTP only (a TCP
 * listener passes them), so a plain TCP listener cites only the rules that refuse TCP.
 *
 * Every load balancer listener terminates TLS (`protocol` `TLS` or `HTTPS`, never `TCP`, `UDP`,
 * `TCP_UDP` or `HTTP`: ingestion events carry page URLs and client addresses) with a security policy
 * from the allow-list: the policies Security Hub recommends (TLS 1.3, or TLS 1.2 restricted
 * to forward-secret AEAD ciphers, and their FIPS and post-quantum variants). Judged on
 * `aws.lb.Listener` and its alias `aws.alb.Listener`.
 *
 * Config: `allowedSslPolicies` (default: the list below).
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

const name = "configure-listener-tls";

export const allowedListenerProtocols: readonly string[] = ["TLS", "HTTPS"];

/**
 * The security policies Security Hub's recommended-policy control lists (its `sslPolicies` parameter, not
 * customizable; see controls.ts): TLS 1.3 only, or TLS 1.2 restricted (`Res`) to ECDHE with AES-GCM.
 * `ELBSecurityPolicy-TLS13-1-2-2021-06`, the console's default, still offers CBC ciphers and fails it.
 */
export const defaultAllowedSslPolicies: readonly string[] = [
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
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
      `Set protocol: "TLS" with a certificateArn and sslPolicy "${allowedSslPolicies[0]}". ${cite(name, protocol === "HTTP" ? "plainHttp" : "plainTcp")}`
    );
  }
  const policy = listener.sslPolicy ?? "ELBSecurityPolicy-2016-08 (the AWS default: sslPolicy not set)";
  if (!allowedSslPolicies.includes(listener.sslPolicy ?? "")) {
    return (
      `${where} uses security policy ${policy}, which is not among the ${allowedSslPolicies.length} allowed (the policies Security Hub recommends: TLS 1.3, or TLS 1.2 with ECDHE AES-GCM only). ` +
      `Set sslPolicy: "${allowedSslPolicies[0]}". ${cite(name, "weakPolicy")}`
    );
  }
  return undefined;
}

function allowedSslPolicies(config: { allowedSslPolicies?: unknown }): readonly string[] {
  const list = config.allowedSslPolicies;
  return Array.isArray(list) && list.length > 0 && list.every((p) => typeof p === "string") ? (list as string[]) : defaultAllowedSslPolicies;
}

export const configureListenerTls: ResourceValidationPolicy = {
  name,
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
        const message = judgeListenerTls({ name: args.name, protocol: listener.protocol, port: listener.port, sslPolicy: listener.sslPolicy }, allowedSslPolicies(args.getConfig()));
        if (message) reportViolation(message);
      }),
    ),
  ),
};
