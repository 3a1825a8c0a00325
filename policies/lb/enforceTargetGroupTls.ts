/**
 * enforce-target-group-tls — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Every target group forwards over an encrypted protocol (HTTPS, TLS or QUIC) and health-checks
 * over HTTPS, as the catalogs ask. The ingestion load balancers terminate TLS and forward plain TCP
 * to hosts that have no public address, so the stack takes the waiver `nlb-targets-in-vpc`, whose
 * condition (instance targets in a VPC of the stack, launched without public addresses) this
 * policy checks on every plan. Controls: policies/metadata.ts.
 */
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";

const name = "enforce-target-group-tls";

const encryptedTransports = new Set(["HTTPS", "TLS", "QUIC", "TCP_QUIC"]);

export const enforceTargetGroupTls = stackRulePolicy({
  name,
  description: "Target groups forward and health-check over TLS, unless a waiver whose condition holds covers them.",
  types: [resourceTypes.lbTargetGroup],
  waivable: true,
  judge(group) {
    const protocol = String(group.props.protocol ?? "HTTP").toUpperCase();
    const healthCheck = String((group.props.healthCheck as { protocol?: string } | undefined)?.protocol ?? protocol).toUpperCase();
    const failing = [...(encryptedTransports.has(protocol) ? [] : ["transport"]), ...(healthCheck === "HTTPS" ? [] : ["healthCheck"])];
    if (failing.length === 0) return undefined;
    const what = [...(failing.includes("transport") ? [`forwards over ${protocol}`] : []), ...(failing.includes("healthCheck") ? [`health-checks over ${healthCheck}`] : [])].join(" and ");
    return (
      `target group ${group.name} ${what}; required are HTTPS, TLS or QUIC to the targets and HTTPS health checks, or a waiver whose condition holds (policies/waivers.ts). ` +
      `Forward over TLS with a certificate on the targets. ${cite(name, ...failing)}`
    );
  },
});
