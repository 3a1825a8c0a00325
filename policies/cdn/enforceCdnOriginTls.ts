/**
 * enforce-cdn-origin-tls — mandatory. Security baseline; no post-mortem of its own.
 *
 * A distribution's custom origins (a load balancer, a web server: anything but an S3 bucket read
 * through origin access control) are fetched over TLS 1.2 only (`originProtocolPolicy`
 * `https-only`, `originSslProtocols` `["TLSv1.2"]`): whatever CloudFront fetches in clear text
 * can be rewritten on the way, and what it caches from there reaches every customer's page.
 * Controls: policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cite } from "../metadata";

const name = "enforce-cdn-origin-tls";

export interface CustomOrigin {
  originId: string;
  originProtocolPolicy?: string;
  originSslProtocols?: string[];
}

/** Every violation of a distribution's custom origins. */
export function judgeOriginTls(distribution: string, origins: CustomOrigin[]): string[] {
  const out: string[] = [];
  for (const origin of origins) {
    const where = `distribution ${distribution}: custom origin ${origin.originId}`;
    if (origin.originProtocolPolicy !== "https-only") {
      out.push(
        `${where} is fetched with originProtocolPolicy ${origin.originProtocolPolicy ?? "(unset)"}, which lets CloudFront use plain HTTP; required is https-only. ` +
          `Set originProtocolPolicy "https-only". ${cite(name, "httpOrigin")}`,
      );
    }
    const old = (origin.originSslProtocols ?? []).filter((p) => p !== "TLSv1.2");
    if (old.length > 0) {
      out.push(`${where} allows ${old.join(", ")} toward the origin; allowed is TLSv1.2 only. Set originSslProtocols ["TLSv1.2"]. ` + cite(name, old.includes("SSLv3") ? "sslv3" : "oldTls"));
    }
  }
  return out;
}

export const enforceCdnOriginTls: ResourceValidationPolicy = {
  name,
  description: "CloudFront fetches custom origins over HTTPS with TLS 1.2 only.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, args, reportViolation) => {
    const origins = (distribution.origins ?? [])
      .filter((o) => o.customOriginConfig !== undefined)
      .map((o) => ({ originId: o.originId, originProtocolPolicy: o.customOriginConfig?.originProtocolPolicy, originSslProtocols: o.customOriginConfig?.originSslProtocols }));
    for (const message of judgeOriginTls(args.name, origins)) reportViolation(message);
  }),
};
