/**
 * The answers the hygiene records add (the apex CAA set, the null MX, SPF `-all` beside the apex
 * NS, `_dmarc` TXT), sized by the wire-size model and asked of NSD: the model's bytes equal NSD's
 * over UDP and TCP, with the six apex name servers of an active-active zone in authority, so the
 * response-size policy's numbers for these answers are the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderRecord } from "../../../models/dns/compare";
import { hygieneRecords } from "../../../models/dns/hygiene";
import { fqdn } from "../../../models/dns/record";
import { answerSizes, legacyUdpLimit, ZoneView } from "../../../models/dns/wireSize";
import { zoneFile } from "../../../models/dns/zoneFile";
import { dig, NsdServer, startNsd } from "../../../harness/nsd";

const apex = "example.com";
// Both providers' apex name servers, as an active-active zone lists them.
const nameServers = ["ns-1536.awsdns-32.co.uk", "ns-1024.awsdns-32.org", "ns-512.awsdns-32.net", "ns-0.awsdns-32.com", "ada.ns.cloudflare.com", "bob.ns.cloudflare.com"];
const hygiene = hygieneRecords({ dns: { mail: { sends: false, dmarc: { policy: "reject", reportUri: "mailto:dmarc-reports@example.com" } }, caa: { iodef: "mailto:security@example.com" } } });

const view: ZoneView = {
  provider: "route53",
  apex,
  nameServers,
  records: hygiene.map((r): ProviderRecord => ({ provider: "route53", name: fqdn(r.name, apex), type: r.type, ttl: r.ttl, values: r.values })),
};

let server: NsdServer;

beforeAll(async () => {
  server = await startNsd({ [apex]: zoneFile(view) });
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

describe("hygiene answers against NSD", () => {
  it("sizes the apex CAA, MX and TXT and the DMARC TXT as NSD answers them, each within 512 bytes", () => {
    const sizes = answerSizes(view, "drop-authority-when-full").filter((s) => s.kind === "answer" && ["CAA", "MX", "TXT"].includes(s.qtype));
    expect(sizes.map((s) => s.query).sort()).toEqual(["_dmarc.example.com TXT", "example.com CAA", "example.com MX", "example.com TXT"]);
    for (const size of sizes) {
      const udp = dig(server.port, size.qname, size.qtype);
      expect({ query: size.query, bytes: udp.bytes, truncated: udp.truncated }).toEqual({ query: size.query, bytes: size.bytes, truncated: false });
      expect({ query: size.query, tcpBytes: dig(server.port, size.qname, size.qtype, { tcp: true }).bytes }).toEqual({ query: size.query, tcpBytes: size.fullBytes });
      expect(size.fullBytes).toBeLessThanOrEqual(legacyUdpLimit);
    }
  }, 60_000);
});
