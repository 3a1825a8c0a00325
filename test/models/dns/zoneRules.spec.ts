import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { declaredRecords, ZoneConfig } from "../../../models/dns/record";
import { relativeToZone, ZoneProblem, zoneProblems } from "../../../models/dns/zoneRules";

const base: ZoneConfig = {
  domain: "example.com",
  dns: { ttl: 60, ingestName: "api", aliases: [{ name: "decide", target: "api" }], records: [{ name: "@", type: "TXT", values: ["v=spf1 -all"] }] },
  cdn: { hostname: "cdn" },
};

function withDns(dns: Partial<ZoneConfig["dns"]>, cdn = base.cdn): ZoneConfig {
  return { ...base, dns: { ...base.dns, ...dns }, cdn };
}

function problems(config: ZoneConfig, maxCnameChainLength = 4): ZoneProblem[] {
  return zoneProblems({ domain: config.domain, ingestName: config.dns.ingestName, cdnName: config.cdn.hostname, declared: declaredRecords(config), maxCnameChainLength });
}

describe("zone rules", () => {
  it("accepts the shipped shape: api, cdn, decide → api, TXT at the apex", () => {
    expect(problems(base)).toEqual([]);
  });

  it("reads in-zone CNAME targets relative to the zone", () => {
    expect(relativeToZone("api.example.com.", "example.com")).toBe("api");
    expect(relativeToZone("EXAMPLE.com", "example.com")).toBe("@");
    expect(relativeToZone("api.example.net", "example.com")).toBeUndefined();
    expect(relativeToZone("notexample.com", "example.com")).toBeUndefined();
  });

  it("refuses a CNAME beside other records at the same name", () => {
    const input = withDns({ records: [{ name: "decide", type: "TXT", values: ["x"] }] });
    expect(problems(input)).toEqual([
      {
        path: ["dns", "aliases", 0, "name"],
        message: "CNAME decide (edge:dns.aliases[0]) shares its name with TXT from edge:dns.records[0]; a CNAME must be the only record at its name: rename one of them",
      },
    ]);
  });

  it("refuses records at the names the program answers itself: the ingestion name, the CDN name, their validation records", () => {
    const onApi = withDns({ aliases: [{ name: "api", target: "cdn" }] });
    expect(problems(onApi)).toContainEqual({
      path: ["dns", "aliases", 0, "name"],
      message: "CNAME api is at the ingestion endpoint (edge:dns.ingestName), a name the program answers itself (A); declare it at another name",
    });
    const txtOnCdn = withDns({ records: [{ name: "cdn", type: "TXT", values: ["x"] }] });
    expect(problems(txtOnCdn).map((p) => p.message)).toEqual(["TXT cdn is at the snippet CDN (edge:cdn.hostname), a name the program answers itself (CNAME); declare it at another name"]);
    const validation = withDns({ records: [{ name: `_${"0a".repeat(16)}.api`, type: "CNAME", values: ["x.acm-validations.aws"] }] });
    expect(problems(validation).map((p) => p.message)).toEqual([
      `CNAME _${"0a".repeat(16)}.api has the shape of the certificate validation record of api (the ingestion endpoint (edge:dns.ingestName)), which the program writes itself: declare it at another name`,
    ]);
  });

  it("refuses a CNAME at the apex, with each provider's reason from the capability table", () => {
    const input = withDns({ records: [{ name: "@", type: "CNAME", values: ["api.example.com"] }] });
    const messages = problems(input)
      .filter((p) => p.path.join(".") === "dns.records.0.name")
      .map((p) => p.message);
    expect(messages).toContain("CNAME @: Route 53 cannot serve CNAME at the zone apex: a CNAME cannot sit at the zone apex beside SOA and NS (RFC 1034 §3.6.2); Route 53 offers alias records there");
    expect(messages.some((m) => m.startsWith("CNAME @: Cloudflare cannot serve CNAME at the zone apex: an apex CNAME is flattened"))).toBe(true);
  });

  it("refuses duplicate name and type", () => {
    const input = withDns({ records: [base.dns.records[0], { name: "@", type: "TXT", values: ["other"] }] });
    expect(problems(input)).toEqual([
      {
        path: ["dns", "records", 1, "name"],
        message: "TXT @ is declared again (first by edge:dns.records[0]); a zone holds one TXT record set per name: merge the values into one entry",
      },
    ]);
  });

  it("refuses names that become the same resource name", () => {
    const input = withDns({
      records: [
        { name: "eu.www", type: "A", values: ["192.0.2.1"] },
        { name: "eu-www", type: "A", values: ["192.0.2.2"] },
      ],
    });
    expect(problems(input)).toEqual([
      {
        path: ["dns", "records", 1, "name"],
        message: "A eu-www and A eu.www (edge:dns.records[0]) both become the resource name a-eu-www ('.' and '*' are written '-' and 'wildcard'): rename one of them",
      },
    ]);
  });

  it("refuses CNAME loops through aliases and CNAME records, once per loop", () => {
    const self = withDns({ aliases: [{ name: "decide", target: "decide" }] });
    expect(problems(self)).toEqual([
      {
        path: ["dns", "aliases", 0, "target"],
        message: "CNAME loop decide → decide: resolvers answer SERVFAIL for every name in it. Point decide at a name with an address record",
      },
    ]);
    const three = withDns({
      aliases: [
        { name: "b", target: "c" },
        { name: "a", target: "b" },
      ],
      records: [{ name: "c", type: "CNAME", values: ["a.example.com."] }],
    });
    const loops = problems(three);
    expect(loops).toHaveLength(1);
    expect(loops[0].message).toMatch(/^CNAME loop a → b → c → a:/);
    expect(loops[0].path).toEqual(["dns", "aliases", 1, "target"]);
  });

  it("refuses a CNAME chain longer than the limit, at the head of the chain", () => {
    const chain = ["c1", "c2", "c3", "c4", "c5", "c6"];
    const aliases = chain.map((name, i) => ({ name, target: chain[i + 1] ?? "api" }));
    expect(problems(withDns({ aliases }), 6)).toEqual([]);
    expect(problems(withDns({ aliases }), 5)).toEqual([
      {
        path: ["dns", "aliases", 0, "target"],
        message:
          "c1 goes through 6 CNAMEs, above edge:dns.maxCnameChainLength 5: each hop is a record more in every answer (incident 001). Point c1 nearer the end of the chain, or raise edge:dns.maxCnameChainLength (at most 16)",
      },
    ]);
  });

  it("does not tell a chain at the longest allowed limit to raise it", () => {
    const chain = Array.from({ length: 17 }, (_, i) => `c${i + 1}`);
    const aliases = chain.map((name, i) => ({ name, target: chain[i + 1] ?? "api" }));
    const [problem] = problems(withDns({ aliases }), 16);
    expect(problem!.message).toBe(
      "c1 goes through 17 CNAMEs, above edge:dns.maxCnameChainLength 16: each hop is a record more in every answer (incident 001). Point c1 nearer the end of the chain (16 is the longest chain edge:dns.maxCnameChainLength allows)",
    );
  });

  it("refuses the snippet CDN on the ingestion name (incident 000)", () => {
    const input = withDns({}, { hostname: "api" });
    expect(problems(input)).toContainEqual({
      path: ["cdn", "hostname"],
      message:
        "the snippet CDN and the ingestion endpoint share the name api: the snippet would be served by the API hosts. Give the CDN its own name (incident 000: serve the snippet apart from the API)",
    });
  });

  it("refuses names longer than 253 characters with the domain, and certified names whose validation record would be", () => {
    const label = "a".repeat(63);
    const found = problems(withDns({ records: [{ name: [label, label, label, label].join("."), type: "A", values: ["192.0.2.1"] }] }));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/ is 267 characters with the domain; a DNS name has at most 253$/);
    // 228 + ".example.com" = 240 characters: fits, but `_<32 hex>.` in front makes 274.
    const long = [label, label, label, "a".repeat(36)].join(".");
    const certified = problems(withDns({ ingestName: long, aliases: [] }));
    expect(certified).toEqual([
      {
        path: ["dns", "ingestName"],
        message: expect.stringMatching(/^.* is certified through the validation record _<32 hex digits>\..*, 274 characters, above the 253 a DNS name holds: shorten the name by 21 characters$/),
      },
    ]);
  });

  it("finds a loop whenever the alias targets form one, and none in a chain that ends (property)", () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 2, maxLength: 8 }).filter((n) => !n.includes("api") && !n.includes("cdn"));
    fc.assert(
      fc.property(names, fc.boolean(), (chain, closed) => {
        const aliases = chain.slice(0, -1).map((name, i) => ({ name, target: chain[i + 1] }));
        if (closed) aliases.push({ name: chain[chain.length - 1], target: chain[0] });
        else aliases.push({ name: chain[chain.length - 1], target: "api" });
        const loops = problems(withDns({ aliases, records: [] }), 16).filter((p) => p.message.startsWith("CNAME loop"));
        expect(loops).toHaveLength(closed ? 1 : 0);
      }),
    );
  });

  it("refuses names the program certifies that ACM cannot certify: the ingestion and CDN names are host names", () => {
    expect(problems(withDns({ ingestName: "_api" }))).toEqual([
      {
        path: ["dns", "ingestName"],
        message: "\"_api\" is served with a certificate, and ACM certifies host names only (letters, digits and '-' in each label; no '_', '*' or '@'): choose a name such as `api`",
      },
    ]);
    expect(problems(withDns({}, { hostname: "*.cdn" })).map((p) => p.path)).toEqual([["cdn", "hostname"]]);
  });
});
