import { describe, expect, it } from "vitest";
import { caaValues, dmarcValue, HygieneConfig, hygieneProblems, hygieneRecords, zoneRecords } from "../../../models/dns/hygiene";
import { ZoneConfig } from "../../../models/dns/record";
import { zoneProblems } from "../../../models/dns/zoneRules";
import { parseStackConfig } from "../../../stacks/schema";
import { withRegionPins } from "../../support/regionPins";

const noMail: HygieneConfig["dns"] = { mail: { sends: false, dmarc: { policy: "reject" } }, caa: {} };

function config(dns: Partial<ZoneConfig["dns"] & HygieneConfig["dns"]> = {}): ZoneConfig & HygieneConfig {
  return { domain: "example.com", dns: { ttl: 60, ingestName: "api", aliases: [], records: [], ...noMail, ...dns }, cdn: { hostname: "cdn" } };
}

function problems(c: ZoneConfig & HygieneConfig) {
  return zoneProblems({ domain: c.domain, ingestName: c.dns.ingestName, cdnName: c.cdn.hostname, declared: zoneRecords(c), maxCnameChainLength: 4 }).map((p) => p.message);
}

const shown = (c: ZoneConfig & HygieneConfig) => zoneRecords(c).map((r) => `${r.type} ${r.name} ${r.ttl} ${r.values.join(" | ")}`);

describe("DNS hygiene records", () => {
  it("publishes CAA for ACM's four CAs and no wildcard issuer, DMARC reject, a null MX and SPF -all for a domain that sends no mail", () => {
    expect(shown(config())).toEqual([
      'CAA @ 3600 0 issue "amazon.com" | 0 issue "amazontrust.com" | 0 issue "awstrust.com" | 0 issue "amazonaws.com" | 0 issuewild ";"',
      "TXT _dmarc 3600 v=DMARC1; p=reject",
      "MX @ 3600 0 .",
      "TXT @ 3600 v=spf1 -all",
    ]);
    expect(problems(config())).toEqual([]);
  });

  it("leaves MX and SPF to the declared records of a domain that sends mail, and keeps DMARC", () => {
    const sends = config({
      mail: { sends: true, dmarc: { policy: "quarantine", reportUri: "mailto:dmarc@example.com" } },
      records: [
        { name: "@", type: "MX", values: ["10 mx.example.net"] },
        { name: "@", type: "TXT", values: ["v=spf1 include:_spf.example.net -all"] },
      ],
    });
    expect(shown(sends)).toEqual([
      "MX @ 60 10 mx.example.net",
      "TXT @ 60 v=spf1 include:_spf.example.net -all",
      'CAA @ 3600 0 issue "amazon.com" | 0 issue "amazontrust.com" | 0 issue "awstrust.com" | 0 issue "amazonaws.com" | 0 issuewild ";"',
      "TXT _dmarc 3600 v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com",
    ]);
    expect(problems(sends)).toEqual([]);
  });

  it("merges into a declared set: the apex SPF a stack already declares is published once, beside its other TXT values", () => {
    const declared = config({ records: [{ name: "@", type: "TXT", ttl: 300, values: ["google-site-verification=abc", "v=spf1 -all"] }] });
    const apexTxt = zoneRecords(declared).filter((r) => r.type === "TXT" && r.name === "@");
    expect(apexTxt).toEqual([{ name: "@", type: "TXT", ttl: 300, values: ["google-site-verification=abc", "v=spf1 -all"], path: ["dns", "records", 0], valuesKey: "values" }]);
  });

  it("adds an iodef when configured", () => {
    expect(caaValues({ iodef: "mailto:security@example.com" }).at(-1)).toBe('0 iodef "mailto:security@example.com"');
    expect(dmarcValue({ policy: "reject" })).toBe("v=DMARC1; p=reject");
  });

  it("refuses a second SPF policy beside the no-mail one (RFC 7208 §4.5)", () => {
    const twoSpf = config({ records: [{ name: "@", type: "TXT", values: ["v=spf1 include:_spf.example.net -all"] }] });
    expect(problems(twoSpf)).toEqual([
      'TXT @: 2 SPF policies ("v=spf1 include:_spf.example.net -all", "v=spf1 -all"): receivers treat more than one as a permanent error (RFC 7208 §4.5); keep one (for a domain that sends mail, set edge:dns.mail.sends to true and declare its policy)',
    ]);
  });

  it("refuses mail servers beside the null MX, and a declared DMARC beside the published one", () => {
    const mx = config({ records: [{ name: "@", type: "MX", values: ["10 mx.example.net"] }] });
    expect(problems(mx)).toEqual([
      'MX @: a null MX "0 ." (the domain accepts no mail, RFC 7505) beside 1 mail server: a null MX must be the only MX; keep one (for a domain that sends mail, set edge:dns.mail.sends to true and declare its policy)',
    ]);
    const dmarc = config({ records: [{ name: "_dmarc", type: "TXT", values: ["v=DMARC1; p=none"] }] });
    expect(problems(dmarc)[0]).toContain("TXT _dmarc: 2 DMARC policies");
  });

  it("refuses a DMARC policy weaker than reject for a domain that sends no mail", () => {
    expect(hygieneProblems(config({ mail: { sends: false, dmarc: { policy: "quarantine" } } }))).toEqual([
      {
        path: ["dns", "mail", "dmarc", "policy"],
        message:
          "quarantine for a domain that sends no mail (edge:dns.mail.sends false): no legitimate mail can fail DMARC, so anything weaker than reject only lets forged mail through; set reject, or set edge:dns.mail.sends to true",
      },
    ]);
    expect(hygieneProblems(config({ mail: { sends: true, dmarc: { policy: "quarantine" } } }))).toEqual([]);
  });

  it("is what the schema's defaults publish", () => {
    const parsed = parseStackConfig(
      withRegionPins({
        domain: "example.com",
        regions: ["us-east-1", "eu-west-1"],
        dns: { secondary: { accountId: "0".repeat(32) } },
        alarms: { emails: ["oncall@example.com"] },
      }),
    );
    expect(hygieneRecords(parsed)).toEqual(hygieneRecords(config()));
  });
});
