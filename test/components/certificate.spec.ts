import { beforeAll, describe, expect, it } from "vitest";
import { DnsValidatedCertificate } from "../../components/certificate";
import type { PlannedResource } from "../../tools/plan/evaluate";
import { mockRuntime, ofType } from "../support/mockRuntime";
import { resourceTypes } from "../../models/resourceTypes";

let resources: PlannedResource[];

beforeAll(async () => {
  const runtime = await mockRuntime();
  new DnsValidatedCertificate("cdn-cert", { domainName: "cdn.example.com", region: "us-east-1", zoneId: "Z0TEST", validationTtl: 60 });
  resources = await runtime.settle();
});

describe("DnsValidatedCertificate", () => {
  it("asks ACM for a DNS-validated certificate in the given region", () => {
    const [certificate] = ofType(resources, resourceTypes.acmCertificate);
    expect(certificate.inputs).toMatchObject({ domainName: "cdn.example.com", validationMethod: "DNS", region: "us-east-1" });
  });

  it("writes ACM's validation record into the primary zone and waits for validation", () => {
    const [record] = ofType(resources, resourceTypes.route53Record);
    expect(record.inputs).toMatchObject({ zoneId: "Z0TEST", type: "CNAME", ttl: 60 });
    expect(record.inputs.name).toMatch(/^_[0-9a-f]{32}\.cdn\.example\.com\.$/);
    const [validation] = ofType(resources, resourceTypes.acmCertificateValidation);
    expect(validation.inputs.validationRecordFqdns).toEqual([record.inputs.name]);
  });

  it("keeps the validation record in the zone when its resource is deleted: other regions' certificates renew through it", () => {
    const [record] = ofType(resources, resourceTypes.route53Record);
    expect(record.inputs.allowOverwrite).toBe(true);
    expect(record.options.retainOnDelete).toBe(true);
  });
});
