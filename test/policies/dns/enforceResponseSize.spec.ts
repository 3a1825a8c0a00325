import { describe, expect, it } from "vitest";
import { enforceResponseSize } from "../../../policies/dns/enforceResponseSize";
import { runStackPolicy, Subject } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

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
      "decide.example.com A (through the CNAME decide.example.com) answered by route53 is 528 B over UDP without EDNS, above the 512 B limit: " +
        "resolvers without TCP retry fail. Drop 1 A record (21 → 20) or remove the CNAME in front. " +
        "Incident 001: answers past 512 bytes broke legacy clients; a CNAME added 32 bytes more.",
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
});
