/**
 * Record values, TTLs and names through the one schema: each bad value ends in one
 * `edge:<path>: message` naming the value and the fix (exit 2 from the plan), never an exception
 * from a provider conversion later on.
 */
import { describe, expect, it } from "vitest";
import { cloudflareValueSuffix } from "../../models/dns/cloudflare";
import { parseStackConfig, StackConfigError } from "../../stacks/schema";
import { validBase } from "../support/hostileConfigs";
import { runPlanOnConfig } from "../support/runPlan";

function problemsOf(dns: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ ...validBase, dns: { ...validBase.dns, ...dns } });
    return [];
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
}

const record = (type: string, values: string[], name = "x", ttl?: number) => ({ records: [{ name, type, values, ...(ttl === undefined ? {} : { ttl }) }] });

describe("record values are valid for their type", () => {
  it.each([
    ["A", "192.0.2.300", 'edge:dns.records[0].values[0]: A x: "192.0.2.300" is not an IPv4 address such as 192.0.2.10'],
    ["A", "2001:db8::1", 'edge:dns.records[0].values[0]: A x: "2001:db8::1" is not an IPv4 address such as 192.0.2.10'],
    ["AAAA", "2001:db8::g", 'edge:dns.records[0].values[0]: AAAA x: "2001:db8::g" is not an IPv6 address such as 2001:db8::10'],
    ["MX", "mx1.example.net", 'edge:dns.records[0].values[0]: MX x: "mx1.example.net" is not an MX value: expected a preference and a mail server, e.g. "10 mx1.example.net"'],
    ["MX", "70000 mx1.example.net", "edge:dns.records[0].values[0]: MX x: the MX preference 70000 is above 65535 (a 16-bit number)"],
    ["CAA", '256 issue "amazon.com"', "edge:dns.records[0].values[0]: CAA x: the CAA flags 256 are above 255 (one octet; 0, or 128 for critical)"],
    ["CAA", '0 isue "amazon.com"', 'edge:dns.records[0].values[0]: CAA x: the CAA tag "isue" is none of issue, issuewild, iodef (RFC 8659 §4.2); CAs ignore other tags unless critical'],
    ["CAA", '0 issue "amazon com"', 'edge:dns.records[0].values[0]: CAA x: the CAA issue value "amazon com" is not a CA\'s domain (e.g. "amazon.com") or ";" (RFC 8659 §4.2)'],
    ["CAA", '0 iodef "security@example.com"', 'edge:dns.records[0].values[0]: CAA x: the CAA iodef value "security@example.com" is not a mailto: or http(s):// URL (RFC 8659 §4.4)'],
    ["CAA", "issue amazon.com", 'edge:dns.records[0].values[0]: CAA x: "issue amazon.com" is not a CAA value: expected flags, a tag and a quoted value, e.g. 0 issue "amazon.com"'],
    [
      "CNAME",
      "not a name",
      "edge:dns.records[0].values[0]: CNAME x: the CNAME target \"not a name\" is not a DNS name (labels of letters, digits, '-' and '_', at most 63 characters each): the label (\"not a name\") holds \" \": a label takes a-z, 0-9 and '-' (and '_' in service names such as _dmarc)",
    ],
  ])("%s %s", (type, value, problem) => {
    expect(problemsOf(record(type, [value]))).toEqual([problem]);
  });

  it("refuses SRV values out of range and SRV records not named _service._protocol", () => {
    expect(problemsOf(record("SRV", ["10 5 70000 sip.example.com"], "_sip._tcp"))).toEqual(["edge:dns.records[0].values[0]: SRV _sip._tcp: the SRV port 70000 is above 65535 (a 16-bit number)"]);
    expect(problemsOf(record("SRV", ["10 5 5060"], "_sip._tcp"))).toEqual([
      'edge:dns.records[0].values[0]: SRV _sip._tcp: "10 5 5060" is not an SRV value: expected priority, weight, port and target, e.g. "10 5 5060 sip.example.com"',
    ]);
    expect(problemsOf(record("SRV", ["10 5 5060 sip.example.com"], "sip"))).toEqual(["edge:dns.records[0].name: SRV sip: an SRV record's name is _service._protocol, e.g. `_sip._tcp` (RFC 2782)"]);
    expect(problemsOf(record("SRV", ["10 5 5060 sip.example.com"], "_sip._tcp"))).toEqual([]);
  });

  it("splits a long single TXT value itself, and refuses a user's split with a string over 255 bytes", () => {
    expect(problemsOf(record("TXT", ["v=DKIM1; p=" + "A".repeat(400)]))).toEqual([]);
    expect(problemsOf(record("TXT", [`"v=DKIM1; " "${"A".repeat(256)}"`]))).toEqual([
      "edge:dns.records[0].values[0]: TXT x: string 2 of the TXT value is 256 bytes, above the 255 a TXT string holds (RFC 1035 §3.3): split it into quoted strings of at most 255, or write the value without quotes and it is split for you",
    ]);
    expect(problemsOf(record("TXT", [`"v=DKIM1; " "${"A".repeat(255)}"`]))).toEqual([]);
  });

  it("refuses a value listed twice in one set", () => {
    expect(problemsOf(record("A", ["192.0.2.1", "192.0.2.1"]))).toEqual([
      'edge:dns.records[0].values[1]: A x: the value "192.0.2.1" is listed twice (values 1 and 2); a record set holds each value once: remove one',
    ]);
  });
});

describe("TTLs both providers accept and serve alike", () => {
  it("refuses 1 (Cloudflare's automatic, Route 53's one second), below 60 and above 86,400, naming the value", () => {
    expect(problemsOf(record("A", ["192.0.2.1"], "x", 1))).toEqual([
      "edge:dns.records[0].ttl: TTL 1 s is below 60 s, the shortest Cloudflare accepts (Cloudflare reads 1 as 'automatic' and serves 300 s, Route 53 would serve 1 s); both zones serve the same TTL: set 60 or more",
    ]);
    expect(problemsOf({ ttl: 30 })).toEqual(["edge:dns.ttl: TTL 30 s is below 60 s, the shortest Cloudflare accepts; both zones serve the same TTL: set 60 or more"]);
    expect(problemsOf(record("TXT", ["x"], "x", 86401))).toEqual(["edge:dns.records[0].ttl: TTL 86401 s is above 86400 s, the longest Cloudflare accepts; set 86400 or less"]);
    expect(problemsOf(record("TXT", ["x"], "x", 86400))).toEqual([]);
  });
});

describe("the plan", () => {
  it("exits 2 with edge:<path> for a bad record value, never a stack trace", () => {
    const run = runPlanOnConfig(Object.fromEntries(Object.entries({ ...validBase, dns: { ...validBase.dns, ...record("MX", ["mx1.example.net"]) } }).map(([k, v]) => [`edge:${k}`, v])));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('edge:dns.records[0].values[0]: MX x: "mx1.example.net" is not an MX value');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it("names a set's Cloudflare records by value, with aliases from the names by position a deployed stack still has", () => {
    const values = ["10 mx1.example.net", "20 mx2.example.net"];
    const run = runPlanOnConfig(
      Object.fromEntries(Object.entries({ ...validBase, dns: { ...validBase.dns, delegation: "delegated", mail: { sends: true }, ...record("MX", values, "@") } }).map(([k, v]) => [`edge:${k}`, v])),
    );
    expect(run.code).toBe(0);
    const mx = run.json!.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" && r.inputs.type === "MX") as { name: string; aliases?: string[] }[];
    expect(mx.map((r) => r.name)).toEqual(values.map((v) => `dns-cloudflare-mx-apex-${cloudflareValueSuffix("MX", v)}`));
    const byPosition = (i: number) => `urn:pulumi:test::edge::edge:dns:DnsRecords$cloudflare:index/dnsRecord:DnsRecord::dns-cloudflare-mx-apex-${i}`;
    expect(mx.map((r) => r.aliases?.includes(byPosition(mx.indexOf(r) + 1)))).toEqual([true, true]);
  }, 180_000);
});
