import { describe, expect, it } from "vitest";
import { missingCaa } from "../../../policies/dns/missingCaa";
import { runStackPolicy } from "../harness";
import { hygieneStack, replaced } from "./hygieneSample";

describe("missing-caa", () => {
  it("accepts CAA for ACM's CAs in both providers", async () => {
    expect(await runStackPolicy(missingCaa, hygieneStack())).toEqual([]);
  });

  it("refuses a provider without CAA at the apex, on its zone", async () => {
    const findings = await runStackPolicy(missingCaa, replaced(hygieneStack(), "example.com", "CAA", undefined, "cloudflare"));
    expect(findings).toEqual([
      {
        urn: "urn:pulumi:test::edge::cloudflare:index/zone:Zone::cloudflare-zone",
        subject: "example.com CAA (cloudflare)",
        message:
          'example.com (cloudflare) has no CAA record: any of the public CAs may issue certificates for it; the stack\'s certificates come from ACM only. Smallest fix: publish the apex CAA set of edge:dns.caa (0 issue "amazon.com", 0 issue "amazontrust.com", 0 issue "awstrust.com", 0 issue "amazonaws.com", 0 issuewild ";").',
      },
    ]);
  });

  it("refuses a CA outside the stack, for issue and for issuewild", async () => {
    const findings = await runStackPolicy(
      missingCaa,
      replaced(hygieneStack(), "example.com", "CAA", ['0 issue "amazon.com"', '0 issue "letsencrypt.org"', '0 issuewild "sectigo.com; policy=ev"'], "route53"),
    );
    expect(findings.map((f) => f.message)).toEqual([
      'example.com CAA (route53) lets 2 CAs outside the stack issue (issue "letsencrypt.org", issuewild "sectigo.com; policy=ev"); allowed: amazon.com, amazontrust.com, awstrust.com, amazonaws.com or ";". Smallest fix: remove those entries.',
    ]);
    expect(findings[0].urn).toBe("urn:pulumi:test::edge::aws:route53/record:Record::route53-CAA-example.com");
  });
});
