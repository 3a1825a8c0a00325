import { describe, expect, it } from "vitest";
import { enforceDnsValidation } from "../../../policies/security/enforceDnsValidation";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.acmCertificate;
const compliant = { domainName: "cdn.example.com", validationMethod: "DNS", region: "us-east-1" };

describe("enforce-dns-validation", () => {
  it("accepts a DNS-validated certificate", async () => {
    expect(await runResourcePolicy(enforceDnsValidation, { type, props: compliant })).toEqual([]);
  });

  it("refuses email validation", async () => {
    expect(await runResourcePolicy(enforceDnsValidation, { type, props: { ...compliant, validationMethod: "EMAIL" } })).toEqual([
      "certificate cdn.example.com is validated by EMAIL, required is DNS: ACM renews DNS-validated certificates without anyone acting. " +
        'Set validationMethod: "DNS" and keep the validation record in the zone (components/certificate.ts DnsValidatedCertificate). Security baseline (ACM.1).',
    ]);
  });

  it("refuses an imported certificate", async () => {
    const props = { certificateBody: "-----BEGIN CERTIFICATE-----", privateKey: "[secret]" };
    expect(await runResourcePolicy(enforceDnsValidation, { type, props, name: "imported" })).toEqual([
      "certificate imported is imported (certificateBody set): ACM never renews it. " +
        'Request it from ACM with validationMethod "DNS" (components/certificate.ts DnsValidatedCertificate). Security baseline (ACM.1).',
    ]);
  });
});
