import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { relativeToZone, ZoneNamesInput, zoneNameProblems } from "../../stacks/zoneNames";

const base: ZoneNamesInput = {
  domain: "example.com",
  dns: { ingestName: "api", aliases: [{ name: "decide", target: "api" }], records: [{ name: "@", type: "TXT", values: ["v=spf1 -all"] }] },
  cdn: { hostname: "cdn" },
};

function withDns(dns: Partial<ZoneNamesInput["dns"]>, cdn = base.cdn): ZoneNamesInput {
  return { ...base, dns: { ...base.dns, ...dns }, cdn };
}

describe("zone name rules", () => {
  it("accepts the shipped shape: api, cdn, decide → api, TXT at the apex", () => {
    expect(zoneNameProblems(base)).toEqual([]);
  });

  it("reads in-zone CNAME targets relative to the zone", () => {
    expect(relativeToZone("api.example.com.", "example.com")).toBe("api");
    expect(relativeToZone("EXAMPLE.com", "example.com")).toBe("@");
    expect(relativeToZone("api.example.net", "example.com")).toBeUndefined();
    expect(relativeToZone("notexample.com", "example.com")).toBeUndefined();
  });

  it("refuses a CNAME beside other records at the same name", () => {
    const input = withDns({ records: [{ name: "decide", type: "TXT", values: ["x"] }] });
    expect(zoneNameProblems(input)).toEqual([
      {
        path: ["dns", "aliases", 0, "name"],
        message:
          "CNAME decide (edge:dns.aliases[0]) shares its name with TXT from edge:dns.records[0]; a CNAME must be the only record at its name: rename one of them",
      },
    ]);
    const onApi = withDns({ aliases: [{ name: "api", target: "cdn" }] });
    expect(zoneNameProblems(onApi)[0].message).toContain("shares its name with A from the ingestion endpoint (edge:dns.ingestName)");
  });

  it("refuses a CNAME at the apex", () => {
    const input = withDns({ records: [{ name: "@", type: "CNAME", values: ["api.example.com"] }] });
    expect(zoneNameProblems(input).map((p) => p.message)).toContain(
      "a CNAME at the zone apex (@) is not allowed: the apex holds the zone's SOA and NS records",
    );
  });

  it("refuses duplicate name and type", () => {
    const input = withDns({ records: [base.dns.records[0], { name: "@", type: "TXT", values: ["other"] }] });
    expect(zoneNameProblems(input)).toEqual([
      {
        path: ["dns", "records", 1, "name"],
        message: "TXT @ is declared again (first by edge:dns.records[0]); a zone holds one TXT record set per name: merge the values into one entry",
      },
    ]);
  });

  it("refuses CNAME loops through aliases and CNAME records, once per loop", () => {
    const self = withDns({ aliases: [{ name: "decide", target: "decide" }] });
    expect(zoneNameProblems(self)).toEqual([
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
    const loops = zoneNameProblems(three);
    expect(loops).toHaveLength(1);
    expect(loops[0].message).toMatch(/^CNAME loop a → b → c → a:/);
    expect(loops[0].path).toEqual(["dns", "aliases", 1, "target"]);
  });

  it("refuses the snippet CDN on the ingestion name (incident 000)", () => {
    const input = withDns({}, { hostname: "api" });
    expect(zoneNameProblems(input)).toEqual([
      {
        path: ["cdn", "hostname"],
        message:
          "the snippet CDN and the ingestion endpoint share the name api: the snippet would be served by the API hosts. Give the CDN its own name (incident 000: serve the snippet apart from the API)",
      },
    ]);
  });

  it("refuses names longer than 253 characters with the domain", () => {
    const label = "a".repeat(63);
    const input = withDns({ ingestName: [label, label, label, label].join(".") });
    const found = zoneNameProblems(input);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/ is 267 characters with the domain; a DNS name has at most 253$/);
  });

  it("finds a loop whenever the alias targets form one, and none in a chain that ends (property)", () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 2, maxLength: 8 }).filter((n) => !n.includes("api") && !n.includes("cdn"));
    fc.assert(
      fc.property(names, fc.boolean(), (chain, closed) => {
        const aliases = chain.slice(0, -1).map((name, i) => ({ name, target: chain[i + 1] }));
        if (closed) aliases.push({ name: chain[chain.length - 1], target: chain[0] });
        else aliases.push({ name: chain[chain.length - 1], target: "api" });
        const loops = zoneNameProblems(withDns({ aliases, records: [] })).filter((p) => p.message.startsWith("CNAME loop"));
        expect(loops).toHaveLength(closed ? 1 : 0);
      }),
    );
  });
});
