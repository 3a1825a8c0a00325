import * as dnsPacket from "dns-packet";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProviderRecord } from "../../../models/dns/compare";
import { answerSize, answerSizes, buildAnswer, encodeResponse, longestNameUnder, questions, recordsToDrop, roomFor, ZoneView } from "../../../models/dns/wireSize";

const ns = ["ns-1234.awsdns-12.com", "ns-567.awsdns-12.net", "ns-1024.awsdns-12.org", "ns-1536.awsdns-12.co.uk"];
const a = (name: string, n: number, extra: Partial<ProviderRecord> = {}): ProviderRecord => ({
  provider: "route53",
  name,
  type: "A",
  ttl: 60,
  values: Array.from({ length: n }, (_, i) => `192.0.2.${i + 1}`),
  ...extra,
});
const cname = (name: string, target: string): ProviderRecord => ({ provider: "route53", name, type: "CNAME", ttl: 60, values: [target] });
const view = (records: ProviderRecord[], provider: ZoneView["provider"] = "route53"): ZoneView => ({
  provider,
  apex: "example.com",
  nameServers: provider === "route53" ? ns : ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
  records,
});

describe("wire-size model", () => {
  it("counts header, question, 16 B per A record and the compressed authority NS", () => {
    const size = answerSize(view([a("api.example.com", 1)]), "api.example.com", "A", "always-authority");
    // 12 header + 21 question + 16 answer = 49; NS: 31 + 35 + 36 + 36
    expect(size.answerBytes).toBe(49);
    expect(size.fullBytes).toBe(49 + 31 + 35 + 36 + 36);
  });

  it("follows a CNAME inside the zone and costs the CNAME record on top", () => {
    const zone = view([a("api.example.com", 29), cname("decide.example.com", "api.example.com")]);
    const api = answerSize(zone, "api.example.com", "A", "drop-authority-when-full");
    const decide = answerSize(zone, "decide.example.com", "A", "drop-authority-when-full");
    expect(api).toMatchObject({ bytes: 497, truncated: false, withAuthority: false, finalRecords: 29 });
    expect(decide).toMatchObject({ answerBytes: 518, truncated: true, cnames: ["decide.example.com"] });
    expect(recordsToDrop(decide)).toBe(1);
  });

  it("Route 53 sends the authority always: 21 A records is its most with these four NS", () => {
    const fits = answerSize(view([a("api.example.com", 20)]), "api.example.com", "A", "always-authority");
    const over = answerSize(view([a("api.example.com", 21)]), "api.example.com", "A", "always-authority");
    expect(fits.truncated).toBe(false);
    expect(roomFor(fits)).toBe(1);
    expect(over.truncated).toBe(false); // 507 B
    const over22 = answerSize(view([a("api.example.com", 22)]), "api.example.com", "A", "always-authority");
    expect(over22).toMatchObject({ truncated: true, fullBytes: 523 });
    expect(recordsToDrop(over22)).toBe(1);
  });

  it("sizes a latency group as its largest region", () => {
    const zone = view([a("api.example.com", 3, { setId: "us-east-1" }), a("api.example.com", 5, { setId: "eu-west-1" })]);
    expect(answerSize(zone, "api.example.com", "A", "always-authority").finalRecords).toBe(5);
  });

  it("asks each owner's types and a NODATA, and through a CNAME every type the chain's end holds; the CNAME alone for outside targets", () => {
    const zone = view([a("api.example.com", 2), cname("decide.example.com", "api.example.com"), cname("cdn.example.com", "d1.cloudfront.net")]);
    expect(questions(zone)).toEqual([
      { qname: "api.example.com", qtype: "A", owner: "api.example.com" },
      { qname: "api.example.com", qtype: "TXT", owner: "api.example.com" }, // NODATA
      { qname: "decide.example.com", qtype: "CNAME", owner: "decide.example.com" },
      { qname: "decide.example.com", qtype: "A", owner: "decide.example.com" },
      { qname: "decide.example.com", qtype: "TXT", owner: "decide.example.com" }, // NODATA through the chain
      { qname: "cdn.example.com", qtype: "CNAME", owner: "cdn.example.com" },
      { qname: "example.com", qtype: "SOA", owner: "example.com" },
      { qname: "example.com", qtype: "NS", owner: "example.com" },
      { qname: "example.com", qtype: "TXT", owner: "example.com" }, // NODATA at the apex
      { qname: longestNameUnder("example.com"), qtype: "A", owner: "example.com" }, // NXDOMAIN at the longest name
    ]);
    expect(longestNameUnder("example.com")).toHaveLength(253);
  });

  it("asks a CNAME owner every type of the chain's end: TXT, MX, CAA and SRV too, not only addresses", () => {
    const txt = { provider: "route53" as const, name: "txt.example.com", type: "TXT", ttl: 300, values: ["v=verification " + "t".repeat(200)] };
    const mx = { provider: "route53" as const, name: "txt.example.com", type: "MX", ttl: 300, values: ["10 mx.example.net"] };
    const zone = view([txt, mx, cname("alias.example.com", "txt.example.com")]);
    const asked = questions(zone)
      .filter((q) => q.qname === "alias.example.com")
      .map((q) => q.qtype);
    expect(asked).toEqual(["CNAME", "TXT", "MX", "AAAA"]);
    const through = answerSize(zone, "alias.example.com", "TXT", "always-authority");
    expect(through).toMatchObject({ kind: "answer", cnames: ["alias.example.com"], finalRecords: 1 });
    // 2 B more question ("alias" against "txt"), and the CNAME: a 2 B owner pointer, 10 B of fields, 6 B of RDATA ("txt" + a pointer).
    expect(through.fullBytes).toBe(answerSize(zone, "txt.example.com", "TXT", "always-authority").fullBytes + 2 + 18);
  });

  it("builds NODATA through a CNAME as a server does: the chain and the zone's SOA, not NS and the target's addresses", () => {
    for (const provider of ["route53", "cloudflare"] as const) {
      const zone = view(
        [
          { ...a("api.example.com", 4), provider },
          { ...cname("decide.example.com", "api.example.com"), provider },
        ],
        provider,
      );
      const nsd = buildAnswer(zone, "decide.example.com", "TXT", "drop-authority-when-full");
      expect(nsd).toMatchObject({ kind: "nodata", rcode: "NOERROR", cnames: ["decide.example.com"], additional: [] });
      expect(nsd.answer.map((r) => r.type)).toEqual(["CNAME"]);
      expect(nsd.authority.map((r) => r.type)).toEqual(["SOA"]);
      // The providers' figure adds the CNAME target's addresses (sized as always sent): never below NSD's.
      const policy = answerSize(zone, "decide.example.com", "TXT", "always-authority");
      expect(policy.kind).toBe("nodata");
      expect(policy.fullBytes).toBeGreaterThanOrEqual(answerSize(zone, "decide.example.com", "TXT", "drop-authority-when-full").fullBytes);
    }
  });

  it("encodes packets dns-packet decodes to the same records, at the size it reports (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.constantFrom<ZoneView["provider"]>("route53", "cloudflare"), (n, withCname, provider) => {
        const zone = view([a("api.example.com", n, { provider }), ...(withCname ? [{ ...cname("decide.example.com", "api.example.com"), provider }] : [])], provider);
        for (const size of answerSizes(zone, "always-authority")) {
          const built = buildAnswer(zone, size.qname, size.qtype);
          const packet = encodeResponse(size.qname, size.qtype, built, false, built.rcode);
          expect(packet.length).toBe(size.fullBytes);
          const decoded = dnsPacket.decode(packet);
          expect(decoded.answers!.map((r) => [r.name, r.type])).toEqual(built.answer.map((r) => [r.name, r.type]));
          if (size.qtype === "A") expect(decoded.answers!.map((r) => (r as { data?: unknown }).data)).toEqual(built.answer.map((r) => r.value));
          if (size.kind === "answer" && size.qtype !== "NS") expect(decoded.authorities!.map((r) => (r as { data?: unknown }).data)).toEqual(zone.nameServers);
          if (size.kind !== "answer") expect(decoded.authorities!.map((r) => r.type)).toEqual(["SOA"]);
          // compression: the question name is written once, every answer owner is a 2-byte pointer
          expect(packet.length).toBeLessThan(dnsPacket.encodingLength(decoded as dnsPacket.Packet));
        }
      }),
    );
  });

  it("encodes TXT, MX and CAA records", () => {
    const zone = view([
      { provider: "route53", name: "example.com", type: "TXT", ttl: 3600, values: ["v=spf1 -all"] },
      { provider: "route53", name: "example.com", type: "MX", ttl: 3600, values: ["10 mx.example.com"] },
      { provider: "route53", name: "example.com", type: "CAA", ttl: 3600, values: ['0 issue "amazon.com"'] },
      a("mx.example.com", 1),
    ]);
    for (const size of answerSizes(zone, "always-authority").filter((s) => s.kind === "answer")) {
      const decoded = dnsPacket.decode(encodeResponse(size.qname, size.qtype, buildAnswer(zone, size.qname, size.qtype)));
      expect(decoded.answers!.length).toBeGreaterThan(0);
    }
    const mx = buildAnswer(zone, "example.com", "MX");
    expect(mx.additional.map((r) => r.value)).toEqual(["192.0.2.1"]);
  });
});
