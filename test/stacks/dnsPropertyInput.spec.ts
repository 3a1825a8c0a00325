/**
 * Property tests of the DNS part of a stack file: record values generated per type (valid ones and
 * near misses), names that collide once turned into resource names, deep CNAME chains and loops,
 * wildcards. Through the schema (1,000 cases a run): a config or `edge:<path>: <message>` lines,
 * never another exception; for every config the schema accepts, each provider's rendering and the
 * wire-size model of every answer finish without an exception and resource names are unique.
 * About 20 cases go through the real plan: exit 0, 1 or 2, never a stack trace.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recordValueToCloudflare, cloudflareValueSuffix } from "../../models/dns/cloudflare";
import { cloudflareRecordType, recordsFromResources, route53RecordType } from "../../models/dns/compare";
import { declaredRecords, fqdn, recordSlug } from "../../models/dns/record";
import { recordValueToRoute53 } from "../../models/dns/route53";
import { answerSize, answerSizes } from "../../models/dns/wireSize";
import { cloudflareZoneType, placeholderNameServers, route53ZoneType, zoneViews } from "../../models/dns/zoneView";
import type { StackConfig } from "../../stacks/schema";
import { outcome, problemLine } from "../support/configOutcome";
import { validBase } from "../support/hostileConfigs";
import { runPlanOnConfig } from "../support/runPlan";

const octet = fc.integer({ min: 0, max: 300 });
const hostName = fc.oneof(
  fc.constantFrom("mx1.example.net", "api.example.com", "cdn.example.com", "sip.example.com.", "example.com", "-bad.example.net", "a..b", ""),
  fc.array(fc.stringMatching(/^[a-z0-9]{1,63}$/), { minLength: 1, maxLength: 5 }).map((labels) => [...labels, "example.com"].join(".")),
);
const u16ish = fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(65536, 99999, 1e6));

const valuesOf: Record<string, fc.Arbitrary<string>> = {
  A: fc.oneof(
    fc.tuple(octet, octet, octet, octet).map((o) => o.join(".")),
    fc.constantFrom("2001:db8::1", "1.2.3", "01.2.3.4"),
  ),
  AAAA: fc.oneof(fc.ipV6(), fc.constantFrom("192.0.2.1", "2001:db8::g", "::::")),
  CNAME: hostName,
  MX: fc.oneof(
    fc.tuple(u16ish, hostName).map(([p, h]) => `${p} ${h}`),
    hostName,
  ),
  CAA: fc
    .tuple(
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom("issue", "issuewild", "iodef", "isue", "Issue"),
      fc.constantFrom('"amazon.com"', '";"', '"mailto:a@example.com"', "amazon.com", '"a b"', '"'),
    )
    .map(([f, t, v]) => `${f} ${t} ${v}`),
  SRV: fc.oneof(
    fc.tuple(u16ish, u16ish, u16ish, hostName).map((f) => f.join(" ")),
    fc.constantFrom("10 5 5060", "a b c d", "10 5 5060 ."),
  ),
  TXT: fc.oneof(
    fc.string({ maxLength: 700 }),
    fc.string({ unit: "grapheme", maxLength: 300 }),
    fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 4 }).map((lengths) => lengths.map((n) => `"${"t".repeat(n)}"`).join(" ")),
    fc.constantFrom('"unterminated', '"a" b "c"', '"esc\\"aped"', "v=spf1 -all"),
  ),
};

const recordName = fc.oneof(
  fc.constantFrom("@", "www", "eu", "*.eu", "*", "a.b", "a-b", "api", "cdn", "decide", "_dmarc", "_sip._tcp", "x.*.y", "wildcard-eu", "WWW"),
  fc.stringMatching(/^[a-z0-9_-]{1,10}$/),
);

const ttl = fc.oneof(fc.constantFrom(undefined, 0, 1, 59, 60, 300, 86400, 86401, 604800, 1e308, -1, 0.5), fc.integer({ min: -10, max: 100_000 }));

const record = fc
  .constantFrom(...Object.keys(valuesOf))
  .chain((type) => fc.record({ name: recordName, type: fc.constant(type), ttl, values: fc.array(valuesOf[type], { minLength: 1, maxLength: 4 }) }));

/** A chain of 1 to 40 aliases, ending at `api`, outside the zone, or looping back. */
const cnameChain = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom("api", "loop", "cdn"))
  .map(([n, end]) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, target: i === n - 1 ? (end === "loop" ? "c0" : end) : `c${i + 1}` })));

const dnsConfig = fc.record({
  records: fc.array(record, { maxLength: 8 }),
  aliases: fc.oneof(cnameChain, fc.constant([{ name: "decide", target: "api" }])),
  maxCnameChainLength: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 50 })),
});

function stackOf(dns: { records: unknown[]; aliases: readonly unknown[]; maxCnameChainLength?: number }): Record<string, unknown> {
  const { maxCnameChainLength, ...rest } = dns;
  // The delegated phase: the whole edge, every record declared.
  return { ...validBase, dns: { ...validBase.dns, delegation: "delegated", ...rest, ...(maxCnameChainLength === undefined ? {} : { maxCnameChainLength }) } };
}

/** The resources DnsRecords declares for the config's records, as plain inputs (names as the component forms them). */
function renderedResources(config: StackConfig): { name: string; type: string; inputs: Record<string, any> }[] {
  const out: { name: string; type: string; inputs: Record<string, any> }[] = [
    { name: "dns-route53", type: route53ZoneType, inputs: { name: config.domain, nameServers: placeholderNameServers.route53 } },
    { name: "dns-cloudflare", type: cloudflareZoneType, inputs: { name: config.domain, nameServers: placeholderNameServers.cloudflare } },
    { name: "dns-route53-a-api", type: route53RecordType, inputs: { name: fqdn(config.dns.ingestName, config.domain), type: "A", ttl: 60, records: ["192.0.2.1"] } },
  ];
  for (const r of declaredRecords(config)) {
    const slug = recordSlug(r);
    const name = fqdn(r.name, config.domain);
    out.push({ name: `dns-route53-${slug}`, type: route53RecordType, inputs: { name, type: r.type, ttl: r.ttl, records: r.values.map((v) => recordValueToRoute53(r.type, v)) } });
    for (const v of r.values) {
      const suffix = r.values.length > 1 ? `-${cloudflareValueSuffix(r.type, v)}` : "";
      out.push({ name: `dns-cloudflare-${slug}${suffix}`, type: cloudflareRecordType, inputs: { name, type: r.type, ttl: r.ttl, ...recordValueToCloudflare(r.type, v) } });
    }
  }
  return out;
}

describe("DNS values, names, chains and wildcards through the schema (property)", () => {
  it("ends in a config or edge:<path>: <message> lines; an accepted zone renders, sizes and names its resources uniquely", () => {
    let accepted = 0;
    fc.assert(
      fc.property(dnsConfig, (dns) => {
        const result = outcome(stackOf(dns));
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            expect(problem).toMatch(problemLine);
            expect(problem).not.toContain("\n    at ");
          }
          return;
        }
        accepted++;
        const resources = renderedResources(result.config);
        const names = resources.map((r) => `${r.type} ${r.name}`);
        expect(new Set(names).size).toBe(names.length);
        for (const view of zoneViews(resources)) {
          const sizes = answerSizes(view, "always-authority");
          expect(sizes.every((s) => Number.isInteger(s.fullBytes) && s.fullBytes >= 12)).toBe(true);
        }
        expect(recordsFromResources(resources).length).toBeGreaterThan(0);
      }),
      { numRuns: Number(process.env.DNS_PROPERTY_RUNS ?? 1000) },
    );
    // The generators must reach accepted zones too, not only refusals.
    expect(accepted).toBeGreaterThan(20);
  }, 120_000);

  it("a CNAME chain of any length in the model is followed to its end, and a loop stops where it repeats", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.boolean(), (n, loop) => {
        const resources = [
          { type: route53ZoneType, inputs: { name: "example.com", nameServers: placeholderNameServers.route53 } },
          { type: route53RecordType, inputs: { name: "api.example.com", type: "A", ttl: 60, records: ["192.0.2.1"] } },
          ...Array.from({ length: n }, (_, i) => ({
            type: route53RecordType,
            inputs: { name: `c${i}.example.com`, type: "CNAME", ttl: 60, records: [i === n - 1 ? (loop ? "c0.example.com" : "api.example.com") : `c${i + 1}.example.com`] },
          })),
        ];
        const [view] = zoneViews(resources);
        expect(answerSizes(view, "always-authority").some((s) => s.qname === "c0.example.com")).toBe(true);
        const head = answerSize(view, "c0.example.com", "A", "always-authority");
        expect(head.cnames).toHaveLength(n);
        expect(head.finalRecords).toBe(loop ? 0 : 1);
      }),
      { numRuns: 50 },
    );
  });
});

describe("DNS values through the real plan (property, about 20 cases)", () => {
  it("exits 0, 1 or 2, with edge:<path>: <message> lines on exit 2 and never a stack trace", () => {
    const samples = fc.sample(dnsConfig, { numRuns: Number(process.env.DNS_PLAN_RUNS ?? 20), seed: 20261201 });
    for (const dns of samples) {
      const raw = stackOf(dns);
      const run = runPlanOnConfig(Object.fromEntries(Object.entries(raw).map(([k, v]) => [`edge:${k}`, v])));
      const expected = outcome(raw).ok ? [0, 1] : [2];
      expect({ dns, code: run.code }).toEqual({ dns, code: expect.toSatisfy((c: number) => expected.includes(c)) });
      expect(run.stderr).not.toMatch(/\n\s+at /);
      if (run.code === 2) expect(run.stderr).toMatch(/edge:[^\n]+: /);
    }
  }, 900_000);
});
