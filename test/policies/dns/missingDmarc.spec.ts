import { describe, expect, it } from "vitest";
import { missingDmarc } from "../../../policies/dns/missingDmarc";
import { runStackPolicy } from "../harness";
import { hygieneStack, replaced } from "./hygieneSample";

const dmarc = "_dmarc.example.com";

describe("missing-dmarc", () => {
  it("accepts DMARC reject, a null MX and SPF -all in both providers", async () => {
    expect(await runStackPolicy(missingDmarc, hygieneStack())).toEqual([]);
  });

  it("refuses a provider without DMARC", async () => {
    const findings = await runStackPolicy(missingDmarc, replaced(hygieneStack(), dmarc, "TXT", undefined, "route53"));
    expect(findings).toEqual([
      {
        urn: "urn:pulumi:test::edge::aws:route53/zone:Zone::route53-zone",
        subject: "_dmarc.example.com TXT (route53)",
        message:
          "_dmarc.example.com (route53) has 0 DMARC policies, expected 1 with p=reject (the apex has a null MX: the domain sends no mail): receivers have no policy to refuse mail forged as the domain. Smallest fix: publish the record of edge:dns.mail.dmarc (v=DMARC1; p=reject) and no other.",
      },
    ]);
  });

  it("refuses two DMARC policies", async () => {
    const findings = await runStackPolicy(missingDmarc, replaced(hygieneStack(), dmarc, "TXT", ["v=DMARC1; p=reject", "v=DMARC1; p=none"], "cloudflare"));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining("_dmarc.example.com (cloudflare) has 2 DMARC policies, expected 1")]);
  });

  it("refuses p=none, and p=quarantine where the apex has a null MX", async () => {
    const none = await runStackPolicy(missingDmarc, replaced(hygieneStack(), dmarc, "TXT", ["v=DMARC1; p=none"], "route53"));
    expect(none.map((f) => f.message)).toEqual([
      "_dmarc.example.com (route53) publishes p=none, expected p=reject (the apex has a null MX: the domain sends no mail): forged mail is not refused. Smallest fix: set edge:dns.mail.dmarc.policy to reject.",
    ]);
    const quarantine = await runStackPolicy(missingDmarc, replaced(hygieneStack(), dmarc, "TXT", ["v=DMARC1; p=quarantine"]));
    expect(quarantine).toHaveLength(2);
    // A domain with mail servers may quarantine.
    const sends = replaced(replaced(hygieneStack(), dmarc, "TXT", ["v=DMARC1; p=quarantine"]), "example.com", "MX", ["10 mx.example.net"]);
    expect(await runStackPolicy(missingDmarc, sends)).toEqual([]);
  });

  it("refuses a null MX without SPF -all", async () => {
    const findings = await runStackPolicy(missingDmarc, replaced(hygieneStack(), "example.com", "TXT", ["v=spf1 include:_spf.example.net ~all"], "cloudflare"));
    expect(findings.map((f) => f.message)).toEqual([
      'example.com (cloudflare) has a null MX (it sends no mail) but SPF "v=spf1 include:_spf.example.net ~all", expected exactly "v=spf1 -all": hosts may still pass SPF as the domain. Smallest fix: publish "v=spf1 -all" alone (edge:dns.mail.sends false), or declare the domain\'s mail servers and set edge:dns.mail.sends to true.',
    ]);
  });
});
