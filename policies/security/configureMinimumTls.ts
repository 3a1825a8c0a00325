/**
 * configure-minimum-tls — mandatory. Security baseline; the snippet CDN of incident 000.
 *
 * Controls: policies/metadata.ts, per case. Checkov's TLS rule accepts any TLSv1.2_YYYY (2018 and
 * 2019 included), so a distribution at TLSv1.2_2019 cites only the rules that refuse it.
 *
 * CloudFront distributions serve viewers TLS 1.2 or newer with the 2021 cipher list
 * (`viewerCertificate.minimumProtocolVersion` `TLSv1.2_2021` or a later `TLSv1.2_*` / `TLSv1.3_*`
 * policy; `TLSv1.2_2019` still offers CBC ciphers) with SNI. The default
 * `*.cloudfront.net` certificate (`cloudfrontDefaultCertificate: true`) pins the minimum at TLSv1,
 * so it fails too: the snippet is served under the zone's own name with an ACM certificate.
 * HTTPS-only viewer protocol and origin groups are the CDN's own policies (policies/cdn).
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const name = "configure-minimum-tls";

export const requiredMinimumProtocol = "TLSv1.2_2021";

export interface ViewerCertificate {
  cloudfrontDefaultCertificate?: boolean;
  minimumProtocolVersion?: string;
  sslSupportMethod?: string;
}

/** TLSv1.2_2019 → [1, 2, 2019]; undefined for names outside the pattern (SSLv3, TLSv1). */
function protocolRank(version: string): [number, number, number] | undefined {
  const m = /^TLSv(\d)\.(\d)_(\d{4})$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(version: string, minimum: string): boolean {
  const a = protocolRank(version);
  const b = protocolRank(minimum)!;
  if (!a) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

export function judgeMinimumTls(distribution: string, cert: ViewerCertificate | undefined): string | undefined {
  if (!cert || cert.cloudfrontDefaultCertificate) {
    return (
      `distribution ${distribution} uses the default *.cloudfront.net certificate, whose minimum protocol is TLSv1; required is ${requiredMinimumProtocol}. ` +
      `Serve it under the zone's name with an ACM certificate (us-east-1) and minimumProtocolVersion "${requiredMinimumProtocol}", sslSupportMethod "sni-only". ${cite(name, "defaultCertificate")}`
    );
  }
  const version = cert.minimumProtocolVersion ?? "TLSv1 (not set)";
  if (!atLeast(version, requiredMinimumProtocol)) {
    return (
      `distribution ${distribution} accepts viewers from ${version}; required is ${requiredMinimumProtocol} or newer. ` +
      `Set viewerCertificate.minimumProtocolVersion to "${requiredMinimumProtocol}". ${cite(name, /^TLSv1\.[23]_/.test(version) ? "cbcCiphers" : "belowTls12")}`
    );
  }
  if (cert.sslSupportMethod !== undefined && cert.sslSupportMethod !== "sni-only") {
    return `distribution ${distribution} uses sslSupportMethod "${cert.sslSupportMethod}"; required is "sni-only". Set sslSupportMethod: "sni-only". ${cite(name, "dedicatedIp")}`;
  }
  return undefined;
}

export const configureMinimumTls: ResourceValidationPolicy = {
  name,
  description: `CloudFront distributions require TLS 1.2 (${requiredMinimumProtocol}) or newer from viewers.`,
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, args, reportViolation) => {
    const message = judgeMinimumTls(args.name, distribution.viewerCertificate);
    if (message) reportViolation(message);
  }),
};
