/**
 * Hostile input against the schema itself (fast, many cases): whatever a stack file says, parsing
 * ends in a config or in a StackConfigError whose every line is `edge:<path>: <message>`, never
 * another exception, never a stack trace. The real plan command gets a few of the same configs in
 * test/tools/plan/hostileInput.spec.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shownValue } from "../../stacks/schema";
import { cloudflareRecordsPerZone } from "../../models/dns/quotas";
import { recordSlug } from "../../models/dns/record";
import { ingestProcessesPerHost } from "../../models/hostEdge/userData";
import { outcome, problemLine } from "../support/configOutcome";
import { edgeNumber, hostileConfig, numericPaths, setPath, validBase, wrongTypeForNumber } from "../support/hostileConfigs";

/** Stack names: none (a file that is not a stack yet), the environments', and another. */
const stackName = fc.constantFrom(undefined, "dev", "prod", "staging");

describe("hostile stack configs (schema)", () => {
  it("the unmutated base is valid", () => {
    expect(outcome(validBase).ok).toBe(true);
  });

  it("always ends in a config or readable edge:<path>: <message> problems", () => {
    fc.assert(
      fc.property(hostileConfig, stackName, (raw, stack) => {
        const result = outcome(raw, stack);
        if (result.ok) return;
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(problem).toMatch(problemLine);
          expect(problem).not.toContain("\n    at ");
          expect(problem.length).toBeLessThan(2000);
        }
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 600) },
    );
  });

  it("names the given number, or the wrong type given, wherever a number belongs (1,000 values)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...numericPaths), fc.oneof(edgeNumber, wrongTypeForNumber), (path, value) => {
        const raw = structuredClone(validBase) as Record<string, unknown>;
        setPath(raw, path, value);
        const result = outcome(raw, "dev");
        if (result.ok) return;
        const named =
          typeof value === "number"
            ? Number.isFinite(value)
              ? shownValue(value)
              : `got ${value}`
            : typeof value === "string"
              ? "got a string"
              : value === null
                ? "got null"
                : typeof value === "boolean"
                  ? "got a boolean"
                  : Array.isArray(value)
                    ? "got a list"
                    : "got a mapping";
        expect(result.problems.join("\n"), JSON.stringify({ path, value: typeof value === "number" ? String(value) : value })).toContain(named);
        expect(result.problems.join("\n")).not.toContain("required, but not set");
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 1000) },
    );
  });

  it("a config that parses holds the schema's invariants and parses again to itself", () => {
    fc.assert(
      fc.property(hostileConfig, (raw) => {
        const result = outcome(raw);
        if (!result.ok) return;
        const { config } = result;
        expect(config.regions.length).toBeGreaterThanOrEqual(1);
        expect(config.regions.length).toBeLessThanOrEqual(30);
        expect(new Set(config.regions).size).toBe(config.regions.length);
        expect(config.ingest.minHostsPerRegion).toBeLessThanOrEqual(config.ingest.maxHostsPerRegion);
        expect(config.nginx.connectTimeoutSeconds).toBeLessThan(config.nginx.readTimeoutSeconds);
        for (const n of [config.ingest.peakEventsPerSecond, config.ingest.eventsPerHostPerSecond, config.datastore.maxConnections, config.dns.ttl]) {
          expect(Number.isFinite(n) && n > 0).toBe(true);
        }
        // What the plan and the deploy need and the schema alone vouches for: a pool each process can share,
        // an image per region, no record named as the program names its own, zones within their quotas.
        expect(config.datastore.poolSizePerHost).toBeGreaterThanOrEqual(ingestProcessesPerHost);
        const images = config.regions.map((r) => config.ingest.imageIds[r]);
        expect(new Set(images).size).toBe(images.length);
        // Resource names: a set is one Route 53 record; Cloudflare holds one record a value, a set of several named by value (aliases by position).
        const route53 = new Set(config.regions.map((region) => `route53-a-${config.dns.ingestName}-${region}`));
        const cloudflare = new Set(config.regions.flatMap((region) => Array.from({ length: config.ingest.availabilityZones }, (_, i) => `cloudflare-a-${config.dns.ingestName}-${region}-${i + 1}`)));
        for (const r of config.dns.records) {
          const slug = recordSlug(r);
          expect(route53.has(`route53-${slug}`), r.name).toBe(false);
          const names = r.values.length === 1 ? [slug] : r.values.map((_, i) => `${slug}-${i + 1}`);
          expect(
            names.filter((n) => cloudflare.has(`cloudflare-${n}`)),
            r.name,
          ).toEqual([]);
        }
        expect(config.dns.records.reduce((sum, r) => sum + r.values.length, 0)).toBeLessThanOrEqual(config.quotas.cloudflareRecordsPerZone ?? cloudflareRecordsPerZone[config.dns.secondary.plan]);
        expect(outcome(config as unknown as Record<string, unknown>)).toEqual({ ok: true, config });
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 400) },
    );
  });

  it.each([
    ["0 regions", { regions: [] }, "edge:regions: expected at least 1 region"],
    ["500 regions", { regions: Array.from({ length: 500 }, (_, i) => `us-east-${i}`) }, "edge:regions: expected at most 30 regions"],
    ["a unicode domain", { domain: "bücher.example" }, "edge:domain: expected a lowercase DNS name"],
    [
      "an overlong domain",
      { domain: `${"a".repeat(63)}.`.repeat(4) + "com" },
      "edge:domain: expected a lowercase DNS name such as example.com: is 259 characters, above the 253 a DNS name holds (255 octets on the wire): shorten it by 6",
    ],
    ["NaN hosts", { ingest: { maxHostsPerRegion: Number.NaN } }, "edge:ingest.maxHostsPerRegion:"],
    ["an infinite peak", { ingest: { peakEventsPerSecond: Number.POSITIVE_INFINITY } }, "edge:ingest.peakEventsPerSecond:"],
    ["a negative pool", { datastore: { poolSizePerHost: -16 } }, "edge:datastore.poolSizePerHost:"],
    [
      "a CNAME loop",
      {
        dns: {
          ...validBase.dns,
          aliases: [
            { name: "a", target: "b" },
            { name: "b", target: "a" },
          ],
        },
      },
      "edge:dns.aliases[0].target: CNAME loop a → b → a",
    ],
    [
      "a CNAME beside a TXT",
      { dns: { ...validBase.dns, records: [{ name: "decide", type: "TXT", values: ["x"] }] } },
      "edge:dns.aliases[0].name: CNAME decide (edge:dns.aliases[0]) shares its name with TXT from edge:dns.records[0]",
    ],
    ["a duplicate record", { dns: { ...validBase.dns, records: [...validBase.dns.records, ...validBase.dns.records] } }, "edge:dns.records[1].name: TXT @ is declared again"],
  ])("names the path of %s", (_what, change, expected) => {
    const result = outcome({ ...validBase, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.some((p) => p.startsWith(expected))).toBe(true);
  });
});

/** The refusals a green plan used to hide, or a crash (exit 70) it used to end in: each names the value, the limit and the fix. */
describe("hostile configs that planned green or crashed", () => {
  const problemsOf = (raw: Record<string, unknown>, stack = "dev") => {
    const result = outcome(raw, stack);
    return result.ok ? [] : result.problems;
  };
  const withRecords = (records: unknown[]) => ({ ...validBase, dns: { ...validBase.dns, records: [...validBase.dns.records, ...records] } });

  it("refuses a pool smaller than a host's two processes need (the service would refuse to start on every host)", () => {
    expect(problemsOf({ ...validBase, datastore: { ...validBase.datastore, poolSizePerHost: 1 } })).toEqual([
      "edge:datastore.poolSizePerHost: 1 is below the minimum 2: each of a host's 2 ingestion processes (the service and its backup, incident 003) opens at least one connection: " +
        "with fewer, a process's share (INGEST_POOL_SIZE / INGEST_PROCESSES_PER_HOST) is 0, the service refuses to start and every host fails its health check; set 2 or more",
    ]);
    expect(problemsOf({ ...validBase, datastore: { ...validBase.datastore, poolSizePerHost: 2 } })).toEqual([]);
  });

  it.each([
    ["api-us-east-1", "A", ["192.0.2.1"], "route53-a-api-us-east-1"],
    ["api-us-east-1-1", "A", ["192.0.2.1"], "cloudflare-a-api-us-east-1-1"],
    ["api-eu-west-1", "TXT", ["a", "b"], "route53-a-api-eu-west-1"],
  ])("refuses a record named %s like the program's own ingestion records, naming the reserved names", (name, type, values, taken) => {
    const problems = problemsOf(withRecords([{ name, type, values }]));
    const region = taken.includes("eu-west-1") ? "eu-west-1" : "us-east-1";
    if (type === "A") {
      expect(problems).toContain(
        `edge:dns.records[1].name: A ${name}: its resource name …-${taken} is the one the program gives the ingestion record of ${region}; ` +
          "the program names …-route53-a-api-<region> and …-cloudflare-a-api-<region>-<1 to 2> for every region of edge:regions, " +
          "and two resources of one name stop the plan and the deploy: rename the record",
      );
    } else {
      // Another type has another resource name: nothing is taken.
      expect(problems).toEqual([]);
    }
  });

  it("refuses one AMI id in two regions: AMI ids are regional", () => {
    const image = "ami-0123456789abcdef0";
    const raw = { ...validBase, ingest: { ...validBase.ingest, imageIds: { "us-east-1": image, "eu-west-1": image } } };
    expect(problemsOf(raw)).toEqual([
      `edge:ingest.imageIds.eu-west-1: ${image} is also the image of us-east-1: an AMI id names an image in one region (EC2 gives a copy in another region its own id), ` +
        "so eu-west-1's hosts could not launch (InvalidAMIID.NotFound); set eu-west-1's own id: " +
        "`aws ssm get-parameter --region eu-west-1 --name /aws/service/debian/release/12/latest/amd64 --query Parameter.Value`",
    ]);
  });

  it("refuses more records than the Cloudflare zone's plan holds, and than Route 53's quota", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: `r${i}`, type: "TXT", values: [`v${i}`] }));
    const free = problemsOf(withRecords(many));
    expect(free).toEqual([expect.stringMatching(/^edge:dns\.records: the Cloudflare zone would hold 5,\d{3} records \(one per value\), above the 200 Cloudflare allows a zone on the free plan: /)]);
    expect(free[0]).toMatch(/Smallest fix: declare 4,\d{3} fewer values; a zone Cloudflare allows more sets edge:quotas\.cloudflareRecordsPerZone$/);
    const fewer = Array.from({ length: 150 }, (_, i) => ({ name: `r${i}`, type: "TXT", values: [`v${i}`] }));
    expect(problemsOf(withRecords(fewer))).toEqual([]);
    const over = problemsOf(withRecords([...fewer, ...fewer.map((r) => ({ ...r, name: `${r.name}x` }))]));
    expect(over[0]).toMatch(/above the 200 Cloudflare allows a zone on the free plan: .* or edge:dns\.secondary\.plan pro \(3,500 records\)/);
    const paid = { ...validBase, dns: { ...validBase.dns, records: many, secondary: { ...validBase.dns.secondary, plan: "pro" } }, quotas: { route53RecordsPerZone: 4000 } };
    expect(problemsOf(paid)).toEqual([
      expect.stringMatching(/^edge:dns\.records: the Cloudflare zone would hold 5,\d{3} records .* above the 3,500 Cloudflare allows a zone on the pro plan/),
      expect.stringMatching(/^edge:dns\.records: the Route 53 zone would hold 5,\d{3} records \(record sets\), above its quota of 4,000 \(edge:quotas\.route53RecordsPerZone\)/),
    ]);
  });

  it("names the label, its length and the 63 a label holds, in a record name and in the domain", () => {
    const long = "l".repeat(64);
    expect(problemsOf(withRecords([{ name: `www.${long}`, type: "A", values: ["192.0.2.1"] }]))).toContain(
      `edge:dns.records[1].name: expected a name relative to the zone such as \`api\` or \`@\` for the apex: label 2 of 2 ("${"l".repeat(20)}"…) is 64 characters, above the 63 a DNS label holds (RFC 1035 §2.3.4): shorten it by 1`,
    );
    expect(problemsOf({ ...validBase, domain: `edge.${long}.com` })).toContain(
      `edge:domain: expected a lowercase DNS name such as example.com: label 2 of 3 ("${"l".repeat(20)}"…) is 64 characters, above the 63 a DNS label holds (RFC 1035 §2.3.4): shorten it by 1`,
    );
  });

  it("tells a name that is not ASCII to write its punycode", () => {
    expect(problemsOf(withRecords([{ name: "bücher", type: "A", values: ["192.0.2.1"] }]))).toContain(
      'edge:dns.records[1].name: expected a name relative to the zone such as `api` or `@` for the apex: "bücher" is not ASCII: DNS names carry internationalized labels in punycode (IDNA); write xn--bcher-kva',
    );
    expect(problemsOf({ ...validBase, domain: "bücher.example" })).toContain(
      'edge:domain: expected a lowercase DNS name such as example.com: "bücher.example" is not ASCII: DNS names carry internationalized labels in punycode (IDNA); write xn--bcher-kva.example',
    );
  });
});
