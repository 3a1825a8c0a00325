import { describe, expect, it } from "vitest";
import { enforceResponseSize, judgeResponseSizes } from "../../../policies/dns/enforceResponseSize";
import { runStackPolicy, Subject } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";
import { recordValueToRoute53 } from "../../../models/dns/route53";

const ns = ["ns-1234.awsdns-12.com", "ns-567.awsdns-12.net", "ns-1024.awsdns-12.org", "ns-1536.awsdns-12.co.uk"];
const addresses = (n: number) => Array.from({ length: n }, (_, i) => `192.0.2.${i + 1}`);

function zone(apiAddresses: number, withCname = true): Subject[] {
  return [
    { type: resourceTypes.route53Zone, props: { name: "example.com", nameServers: ns } },
    { type: resourceTypes.route53Record, props: { zoneId: "Z0", name: "api.example.com", type: "A", ttl: 60, records: addresses(apiAddresses) } },
    ...(withCname ? [{ type: resourceTypes.route53Record, props: { zoneId: "Z0", name: "decide.example.com", type: "CNAME", ttl: 60, records: ["api.example.com"] } }] : []),
  ];
}

describe("enforce-response-size", () => {
  it("accepts the largest set that fits behind a CNAME (20 addresses, four NS in authority)", async () => {
    expect(await runStackPolicy(enforceResponseSize, zone(20))).toEqual([]);
  });

  it("names query, provider, bytes, limit and records to drop when a CNAME pushes it over (incident 001)", async () => {
    const findings = await runStackPolicy(enforceResponseSize, zone(21));
    expect(findings.map((f) => f.message)).toEqual([
      // Asked for itself, the CNAME carries its target's addresses too (additional section, sized as always sent).
      "decide.example.com CNAME answered by route53 is 528 B over UDP without EDNS, above the 512 B limit: resolvers without TCP retry fail. " +
        "The CNAME answer is the question, the CNAME and the authority NS, and route53 adds the addresses of api.example.com (21 records, sized as always sent): " +
        "drop 16 B of them (16 B an A record, 28 B an AAAA), shorten the names by 16 B. " +
        incidentNote("responseSize"),
      "decide.example.com A (through the CNAME decide.example.com) answered by route53 is 528 B over UDP without EDNS, above the 512 B limit: " +
        "resolvers without TCP retry fail. Drop 1 A record (21 → 20) or remove the CNAME in front (1 hop). " +
        "Incident 001: answers past 512 bytes broke legacy clients; a CNAME in front of the name added 32 bytes more, past the limit again.",
    ]);
  });

  it("takes its limit from policy config (1232 for EDNS-only stacks)", async () => {
    expect(await runStackPolicy(enforceResponseSize, zone(40), { maxUdpAnswerBytes: 1232 })).toEqual([]);
    expect(await runStackPolicy(enforceResponseSize, zone(40, false))).toHaveLength(1);
  });

  it("sizes Cloudflare's answer of every region's addresses with its two NS", async () => {
    const subjects: Subject[] = [
      { type: resourceTypes.cloudflareZone, props: { name: "example.com", nameServers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"] } },
      ...addresses(29).map((ip) => ({ type: resourceTypes.cloudflareDnsRecord, props: { zoneId: "z", name: "api.example.com", type: "A", ttl: 60, content: ip } })),
    ];
    const [finding] = await runStackPolicy(enforceResponseSize, subjects);
    expect(finding.message).toContain("api.example.com A answered by cloudflare is 547 B");
    expect(finding.message).toContain("Drop 3 A records (29 → 26), e.g. fewer regions or availability zones");
  });

  it("sizes a wildcard at the longest name a client may ask under it: the answer repeats the 253-character question", async () => {
    const wildcard = (n: number): Subject[] => [
      { type: "aws:route53/zone:Zone", props: { name: "example.com", nameServers: ns } },
      { type: "aws:route53/record:Record", props: { zoneId: "Z0", name: "*.eu.example.com", type: "A", ttl: 60, records: addresses(n) } },
    ];
    // At a 253-character name the question alone is 255 bytes on the wire: 6 addresses fit, 8 do not.
    expect(await runStackPolicy(enforceResponseSize, wildcard(6))).toEqual([]);
    const [finding] = await runStackPolicy(enforceResponseSize, wildcard(8));
    expect(finding.message).toMatch(/^x{63}\.x{63}\.x{63}\.x{46}\.eu\.example\.com A answered by route53 is 537 B over UDP without EDNS, above the 512 B limit: /);
    expect(finding.message).toContain("Drop 2 A records (8 → 6) (a wildcard: the answer repeats the question, up to 253 characters).");
  });

  it("sizes a TXT question through a CNAME: the TXT name's answer fits, the CNAME in front of it does not", async () => {
    const subjects = (text: string): Subject[] => [
      { type: resourceTypes.route53Zone, props: { name: "example.com", nameServers: ns } },
      { type: resourceTypes.route53Record, props: { zoneId: "Z0", name: "verify.example.com", type: "TXT", ttl: 300, records: [recordValueToRoute53("TXT", text)] } },
      { type: resourceTypes.route53Record, props: { zoneId: "Z0", name: "alias.example.com", type: "CNAME", ttl: 60, records: ["verify.example.com"] } },
    ];
    // 280 t: verify TXT 477 B with its four NS, 497 B through the CNAME; 300 t: 497 B, and 517 B through it.
    expect(await runStackPolicy(enforceResponseSize, subjects("v=verify " + "t".repeat(280)))).toEqual([]);
    const findings = await runStackPolicy(enforceResponseSize, subjects("v=verify " + "t".repeat(300)));
    expect(findings.map((f) => f.message)).toEqual([
      "alias.example.com TXT (through the CNAME alias.example.com) answered by route53 is 517 B over UDP without EDNS, above the 512 B limit: resolvers without TCP retry fail. " +
        "Shorten the TXT values by 5 B or remove the CNAME in front (1 hop). " +
        "Incident 001: answers past 512 bytes broke legacy clients; a CNAME in front of the name added 32 bytes more, past the limit again.",
    ]);
  });

  it("puts a wildcard's finding on the wildcard record, though the question is a 253-character name", () => {
    const urn = "urn:pulumi:test::edge::aws:route53/record:Record::dns-route53-a-wildcard-eu";
    const findings = judgeResponseSizes(
      [
        { type: resourceTypes.route53Zone, inputs: { name: "example.com", nameServers: ns }, urn: "urn:pulumi:test::edge::aws:route53/zone:Zone::dns-route53" },
        { type: resourceTypes.route53Record, inputs: { zoneId: "Z0", name: "*.eu.example.com", type: "A", ttl: 60, records: addresses(8) }, urn },
      ],
      512,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.subject).toMatch(/\.eu\.example\.com A \(route53\)$/);
    expect(findings[0]!.urn).toBe(urn);
  });

  it("counts the OPT record when the limit is an EDNS size, and names the TXT fix in bytes", async () => {
    const txt = (values: string[]): Subject[] => [
      { type: "aws:route53/zone:Zone", props: { name: "example.com", nameServers: ns } },
      { type: "aws:route53/record:Record", props: { zoneId: "Z0", name: "example.com", type: "TXT", ttl: 300, records: values } },
    ];
    const values = Array.from({ length: 5 }, (_, i) => `${i}`.repeat(200));
    const [finding] = await runStackPolicy(enforceResponseSize, txt(values), { maxUdpAnswerBytes: 1024 });
    expect(finding.message).toMatch(/^example\.com TXT answered by route53 is 1\d{3} B over UDP with EDNS \(its OPT record included\), above the 1024 B limit: /);
    expect(finding.message).toMatch(/Shorten the TXT values by \d+ B\./);
    expect(await runStackPolicy(enforceResponseSize, txt(values.slice(0, 3)), { maxUdpAnswerBytes: 1024 })).toEqual([]);
  });
});
