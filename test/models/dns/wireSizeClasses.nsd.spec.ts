/**
 * Every class of answer the response-size policy sizes, against NSD's bytes: wildcards asked at the
 * longest name under them, a CNAME chain of twelve hops, NODATA and NXDOMAIN (the SOA in
 * authority), the apex SOA, NS, MX and TXT, the additional section for MX and SRV targets, TXT
 * values of several strings (split at 255 bytes by the program, or by the user), and answers with
 * EDNS (an 11-byte OPT record). Each zone is written by the zone-file export and loaded into NSD
 * on 127.0.0.1; for every question the model's bytes equal NSD's over UDP and over TCP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderRecord } from "../../../models/dns/compare";
import { answerSize, answerSizes, buildAnswer, AnswerSize, longestNameUnder, optRecordBytes, ZoneView } from "../../../models/dns/wireSize";
import { zoneFile } from "../../../models/dns/zoneFile";
import { dig, NsdServer, startNsd } from "../../../harness/nsd";

const ns = ["ns-1536.awsdns-32.co.uk", "ns-1024.awsdns-32.org", "ns-512.awsdns-32.net", "ns-0.awsdns-32.com"];
const rec = (name: string, type: string, values: string[], ttl = 300): ProviderRecord => ({ provider: "route53", name, type, ttl, values });
const addresses = (n: number, base = "192.0.2") => Array.from({ length: n }, (_, i) => `${base}.${i + 1}`);

const chain = Array.from({ length: 12 }, (_, i) => `hop${i + 1}.example.com`);
const longTxt = "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(9); // 414 characters: two strings

const view: ZoneView = {
  provider: "route53",
  apex: "example.com",
  nameServers: ns,
  records: [
    rec("example.com", "MX", ["10 mx1.example.com", "20 mx2.example.com", "30 mx.example.net"]),
    rec("example.com", "TXT", ["v=spf1 include:_spf.example.net -all", longTxt]),
    rec("example.com", "CAA", ['0 issue "amazon.com"', '0 iodef "mailto:security@example.com"']),
    rec("mx1.example.com", "A", addresses(2)),
    rec("mx1.example.com", "AAAA", ["2001:db8::1"]),
    rec("mx2.example.com", "A", addresses(1, "198.51.100")),
    rec("_sip._tcp.example.com", "SRV", ["10 5 5060 sip.example.com", "20 5 5060 sip.example.net"]),
    rec("sip.example.com", "A", addresses(3, "203.0.113")),
    rec("*.eu.example.com", "A", addresses(6)),
    rec("*.eu.example.com", "TXT", ['"first string" "second string"']),
    rec("*.cdn.example.com", "CNAME", ["hop1.example.com"]),
    rec("api.example.com", "A", addresses(8)),
    ...chain.map((name, i) => rec(name, "CNAME", [chain[i + 1] ?? "api.example.com"])),
    rec("deep.below.example.com", "TXT", ["empty non-terminal above"]),
    rec("mail.example.com", "MX", ["10 big.example.com", "20 small.example.com"]),
    rec("big.example.com", "A", addresses(28)),
    rec("big.example.com", "AAAA", ["2001:db8::28"]),
    rec("small.example.com", "A", addresses(1, "198.51.100")),
  ],
};

let server: NsdServer;

beforeAll(async () => {
  server = await startNsd({ [view.apex]: zoneFile(view) });
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

function expectEqualToNsd(sizes: AnswerSize[], ednsUdpSize?: number): void {
  for (const size of sizes) {
    const udp = dig(server.port, size.qname, size.qtype, { ednsUdpSize });
    expect({ query: size.query, status: udp.status, truncated: udp.truncated }).toEqual({ query: size.query, status: size.rcode, truncated: size.truncated });
    if (!size.truncated) expect({ query: size.query, bytes: udp.bytes }).toEqual({ query: size.query, bytes: size.bytes });
    const tcp = dig(server.port, size.qname, size.qtype, { tcp: true, ednsUdpSize });
    expect({ query: size.query, tcpBytes: tcp.bytes }).toEqual({ query: size.query, tcpBytes: size.fullBytes });
  }
}

describe("wire-size model against NSD, every class of answer", () => {
  it("asks every class: wildcards at 253 characters, the chain's head, the apex SOA and NS, NODATA and NXDOMAIN", () => {
    const sizes = answerSizes(view, "drop-authority-when-full");
    const byQuery = new Map(sizes.map((s) => [s.query, s]));
    const longEu = longestNameUnder("eu.example.com");
    expect(longEu).toHaveLength(253);
    expect(byQuery.get(`${longEu} A`)).toMatchObject({ kind: "answer", finalRecords: 6 });
    expect(byQuery.get(`${longEu} TXT`)).toMatchObject({ kind: "answer" });
    expect(byQuery.get(`${longestNameUnder("cdn.example.com")} A`)).toMatchObject({ cnames: [longestNameUnder("cdn.example.com"), ...chain], finalRecords: 8 });
    expect(byQuery.get("hop1.example.com A")!.cnames).toHaveLength(12);
    expect(byQuery.get("example.com SOA")).toMatchObject({ kind: "answer" });
    expect(byQuery.get("example.com NS")).toMatchObject({ kind: "answer", withAuthority: false });
    // NODATA at every owner, through every CNAME chain (the chain and the SOA) and at the wildcards' longest names.
    expect(byQuery.get("deep.below.example.com AAAA")).toMatchObject({ kind: "nodata" });
    expect(byQuery.get("hop1.example.com TXT")).toMatchObject({ kind: "nodata", cnames: [...chain] });
    expect(byQuery.get(`${longEu} AAAA`)).toMatchObject({ kind: "nodata" });
    expect(byQuery.get("mx1.example.com TXT")).toMatchObject({ kind: "nodata" });
    expect(sizes.filter((s) => s.kind === "nxdomain").map((s) => s.qname)).toEqual([longestNameUnder("example.com")]);
  });

  it("equals NSD's bytes for every question without EDNS", () => {
    expectEqualToNsd(answerSizes(view, "drop-authority-when-full"));
  }, 60_000);

  it("equals NSD's bytes with EDNS at 1232: every answer 11 bytes (the OPT record) larger", () => {
    const plain = answerSizes(view, "drop-authority-when-full");
    const edns = answerSizes(view, "drop-authority-when-full", 1232);
    expect(edns.map((s) => s.fullBytes)).toEqual(plain.map((s) => s.fullBytes + optRecordBytes));
    expectEqualToNsd(edns, 1232);
  }, 60_000);

  it("puts the in-zone MX and SRV targets' addresses in the additional section, as NSD does", () => {
    const mx = answerSize(view, "example.com", "MX", "drop-authority-when-full");
    const srv = answerSize(view, "_sip._tcp.example.com", "SRV", "drop-authority-when-full");
    expect(mx.fullBytes).toBe(dig(server.port, "example.com", "MX", { tcp: true }).bytes);
    expect(srv.fullBytes).toBe(dig(server.port, "_sip._tcp.example.com", "SRV", { tcp: true }).bytes);
    // mx1: 2 A + 1 AAAA, mx2: 1 A (mx.example.net is outside the zone); sip: 3 A. NSD adds every A set, then every AAAA set.
    expect(buildAnswer(view, "example.com", "MX", "drop-authority-when-full").additional.map((r) => `${r.name} ${r.type}`)).toEqual([
      "mx1.example.com A",
      "mx1.example.com A",
      "mx2.example.com A",
      "mx1.example.com AAAA",
    ]);
    expect(buildAnswer(view, "_sip._tcp.example.com", "SRV", "drop-authority-when-full").additional).toHaveLength(3);
  });

  it("predicts NSD's UDP answer when the mail servers' addresses do not all fit: the set that does not fit is left out, the next one sent", () => {
    // big: 28 A + 1 AAAA (448 B of A records alone), small: 1 A. NSD keeps the NS, leaves out big's A set,
    // sends small's A, and then tries no AAAA set: neither all the additional records nor none of them.
    const size = answerSize(view, "mail.example.com", "MX", "drop-authority-when-full");
    const udp = dig(server.port, "mail.example.com", "MX");
    expect(udp.truncated).toBe(false);
    expect(size).toMatchObject({ truncated: false, withAuthority: true, additionalRecords: 1, bytes: udp.bytes });
    expect(size.bytes).toBeGreaterThan(size.answerBytes + 100);
    expect(size.fullBytes).toBe(dig(server.port, "mail.example.com", "MX", { tcp: true }).bytes);
  });
});
