import { describe, expect, it } from "vitest";
import { configureMinimumTls } from "../../../policies/security/configureMinimumTls";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.cloudfrontDistribution;
const compliant = {
  enabled: true,
  aliases: ["cdn.example.com"],
  viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
};

describe("configure-minimum-tls", () => {
  it("accepts TLSv1.2_2021 and later policies", async () => {
    for (const minimumProtocolVersion of ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]) {
      const props = { ...compliant, viewerCertificate: { ...compliant.viewerCertificate, minimumProtocolVersion } };
      expect(await runResourcePolicy(configureMinimumTls, { type, props, name: "snippet" })).toEqual([]);
    }
  });

  it("refuses TLS 1.0 and 1.1 policies", async () => {
    const props = { ...compliant, viewerCertificate: { ...compliant.viewerCertificate, minimumProtocolVersion: "TLSv1.1_2016" } };
    expect(await runResourcePolicy(configureMinimumTls, { type, props, name: "snippet" })).toEqual([
      "distribution snippet accepts viewers from TLSv1.1_2016; required is TLSv1.2_2021 or newer. " +
        'Set viewerCertificate.minimumProtocolVersion to "TLSv1.2_2021". Security baseline (CloudFront.15, CKV_AWS_174, AVD-AWS-0013).',
    ]);
    const old = { ...compliant, viewerCertificate: { ...compliant.viewerCertificate, minimumProtocolVersion: "TLSv1.2_2018" } };
    expect(await runResourcePolicy(configureMinimumTls, { type, props: old, name: "snippet" })).toHaveLength(1);
  });

  it("refuses CloudFront TLS 2019 (hand edit) with the controls that refuse it: not CKV_AWS_174, which accepts any TLSv1.2_YYYY", async () => {
    const props = { ...compliant, viewerCertificate: { ...compliant.viewerCertificate, minimumProtocolVersion: "TLSv1.2_2019" } };
    expect(await runResourcePolicy(configureMinimumTls, { type, props, name: "snippet" })).toEqual([
      "distribution snippet accepts viewers from TLSv1.2_2019; required is TLSv1.2_2021 or newer. " +
        'Set viewerCertificate.minimumProtocolVersion to "TLSv1.2_2021". Security baseline (CloudFront.15, AVD-AWS-0013).',
    ]);
  });

  it("refuses the default CloudFront certificate, pinned at TLSv1", async () => {
    const props = { ...compliant, aliases: [], viewerCertificate: { cloudfrontDefaultCertificate: true } };
    expect(await runResourcePolicy(configureMinimumTls, { type, props, name: "snippet" })).toEqual([
      "distribution snippet uses the default *.cloudfront.net certificate, whose minimum protocol is TLSv1; required is TLSv1.2_2021. " +
        'Serve it under the zone\'s name with an ACM certificate (us-east-1) and minimumProtocolVersion "TLSv1.2_2021", sslSupportMethod "sni-only". Security baseline (CloudFront.7, CKV_AWS_174, CKV2_AWS_42).',
    ]);
  });

  it("refuses dedicated-IP TLS", async () => {
    const props = { ...compliant, viewerCertificate: { ...compliant.viewerCertificate, sslSupportMethod: "vip" } };
    expect(await runResourcePolicy(configureMinimumTls, { type, props, name: "snippet" })).toEqual([
      'distribution snippet uses sslSupportMethod "vip"; required is "sni-only". Set sslSupportMethod: "sni-only". Security baseline (CloudFront.8).',
    ]);
  });
});
