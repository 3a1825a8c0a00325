/** Certificates (transparency, key, wildcard), log groups (retention, key), KMS key policies (public), target groups (TLS, waivable). */
import { describe, expect, it } from "vitest";
import { resourceTypes as t } from "../../../models/resourceTypes";
import { disallowPublicKeyPolicy } from "../../../policies/kms/disallowPublicKeyPolicy";
import { enforceTargetGroupTls } from "../../../policies/lb/enforceTargetGroupTls";
import { configureAcmCertificate } from "../../../policies/security/configureAcmCertificate";
import { configureLogGroup } from "../../../policies/security/configureLogGroup";
import { runResourcePolicy, runStackPolicy } from "../harness";

describe("configure-acm-certificate", () => {
  const cert = { domainName: "api.example.com", validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", options: { certificateTransparencyLoggingPreference: "ENABLED" } };
  const run = (props: Record<string, unknown>) => runResourcePolicy(configureAcmCertificate, { type: t.acmCertificate, props });
  it("accepts a logged EC certificate for one name, and one that leaves the options out (ACM logs by default)", async () => {
    expect(await run(cert)).toEqual([]);
    expect(await run({ ...cert, options: undefined })).toEqual([]);
  });
  it("refuses transparency logging off, a 1024-bit RSA key and a wildcard name", async () => {
    expect(await run({ ...cert, options: { certificateTransparencyLoggingPreference: "DISABLED" }, keyAlgorithm: "RSA_1024", subjectAlternativeNames: ["*.example.com"] })).toEqual([
      expect.stringMatching(/^certificate api\.example\.com is kept out of the certificate transparency logs .*Security baseline \(CKV_AWS_234\)\.$/),
      'certificate api.example.com uses RSA_1024; required is RSA_2048 or longer, or an EC key. Set keyAlgorithm "EC_prime256v1". Security baseline (ACM.2).',
      "certificate api.example.com names *.example.com: its key serves every name of the zone. Request a certificate per host name. Security baseline (CKV2_AWS_71).",
    ]);
  });
});

describe("configure-log-group", () => {
  const run = (props: Record<string, unknown>) => runResourcePolicy(configureLogGroup, { type: t.cloudwatchLogGroup, props: { name: "/aws/route53/example.com", ...props } });
  it("accepts a year or more (or for ever) with a customer key", async () => {
    expect(await run({ retentionInDays: 365, kmsKeyId: "arn:aws:kms:us-east-1:1:key/k" })).toEqual([]);
    expect(await run({ retentionInDays: 0, kmsKeyId: "arn:aws:kms:us-east-1:1:key/k" })).toEqual([]);
  });
  it("refuses a month, no retention, and no key", async () => {
    expect(await run({ retentionInDays: 30 })).toEqual([
      "log group /aws/route53/example.com keeps events 30 days; required is at least 365. Set retentionInDays: 365. Security baseline (CKV_AWS_338).",
      "log group /aws/route53/example.com is not encrypted with a customer-managed key (kmsKeyId not set). Set kmsKeyId to a key whose policy lets logs.<region>.amazonaws.com use it. Security baseline (CKV_AWS_158, AVD-AWS-0017).",
    ]);
    expect((await run({ kmsKeyId: "k" }))[0]).toMatch(/sets no retention.*\(CKV_AWS_66, CKV_AWS_338\)\.$/);
  });
});

describe("disallow-public-key-policy", () => {
  const policy = (statement: Record<string, unknown>) =>
    JSON.stringify({ Statement: [{ Sid: "Account", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }, statement] });
  const run = (props: Record<string, unknown>) => runResourcePolicy(disallowPublicKeyPolicy, { type: t.kmsKey, props, name: "alarms-key" });
  it("accepts the account's root and a service principal", async () => {
    expect(await run({ policy: policy({ Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*" }) })).toEqual([]);
  });
  it('refuses Principal "*", with a condition too (no catalog refuses that case), and an undeclared policy', async () => {
    expect(await run({ policy: policy({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }) })).toEqual([
      `KMS key alarms-key's policy statement Open allows Principal "*": any AWS account may use the key. Name this account's root and the AWS services that use the key instead. Security baseline (KMS.5, CKV_AWS_33).`,
    ]);
    expect(
      (await run({ policy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } }) }))[0],
    ).toMatch(/under a condition.*Security baseline\.$/);
    expect(await run({})).toEqual([expect.stringMatching(/declares no policy.*\(CKV2_AWS_64\)\.$/)]);
  });
});

describe("enforce-target-group-tls", () => {
  const group = { type: t.lbTargetGroup, name: "ingest-hosts", props: { protocol: "TCP", healthCheck: { protocol: "HTTP" } } };
  it("refuses TCP forwarding and HTTP health checks unless a waiver covers them", async () => {
    expect((await runStackPolicy(enforceTargetGroupTls, [group])).map((f) => f.message)).toEqual([
      "target group ingest-hosts forwards over TCP and health-checks over HTTP; required are HTTPS, TLS or QUIC to the targets and HTTPS health checks, or a waiver whose condition holds (policies/waivers.ts). " +
        "Forward over TLS with a certificate on the targets. Security baseline (ELB.22, ELB.21).",
    ]);
    expect(await runStackPolicy(enforceTargetGroupTls, [{ ...group, props: { protocol: "TLS", healthCheck: { protocol: "HTTPS" } } }])).toEqual([]);
  });
});
