/**
 * Hostile input against the schema itself (fast, many cases): whatever a stack file says, parsing
 * ends in a config or in a StackConfigError whose every line is `edge:<path>: <message>`, never
 * another exception, never a stack trace. The real plan command gets a few of the same configs in
 * test/tools/plan/hostileInput.spec.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shownValue } from "../../stacks/schema";
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
            ? Number.isFinite(value) ? shownValue(value) : `got ${value}`
            : typeof value === "string" ? "got a string" : value === null ? "got null" : typeof value === "boolean" ? "got a boolean" : Array.isArray(value) ? "got a list" : "got a mapping";
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
        expect(outcome(config as unknown as Record<string, unknown>)).toEqual({ ok: true, config });
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 400) },
    );
  });

  it.each([
    ["0 regions", { regions: [] }, "edge:regions: expected at least 1 region"],
    ["500 regions", { regions: Array.from({ length: 500 }, (_, i) => `us-east-${i}`) }, "edge:regions: expected at most 30 regions"],
    ["a unicode domain", { domain: "bücher.example" }, "edge:domain: expected a lowercase DNS name"],
    ["an overlong domain", { domain: `${"a".repeat(63)}.`.repeat(4) + "com" }, "edge:domain: a domain name has at most 253 characters"],
    ["NaN hosts", { ingest: { maxHostsPerRegion: Number.NaN } }, "edge:ingest.maxHostsPerRegion:"],
    ["an infinite peak", { ingest: { peakEventsPerSecond: Number.POSITIVE_INFINITY } }, "edge:ingest.peakEventsPerSecond:"],
    ["a negative pool", { datastore: { poolSizePerHost: -16 } }, "edge:datastore.poolSizePerHost:"],
    [
      "a CNAME loop",
      { dns: { ...validBase.dns, aliases: [{ name: "a", target: "b" }, { name: "b", target: "a" }] } },
      "edge:dns.aliases[0].target: CNAME loop a → b → a",
    ],
    [
      "a CNAME beside a TXT",
      { dns: { ...validBase.dns, records: [{ name: "decide", type: "TXT", values: ["x"] }] } },
      "edge:dns.aliases[0].name: CNAME decide (edge:dns.aliases[0]) shares its name with TXT from edge:dns.records[0]",
    ],
    [
      "a duplicate record",
      { dns: { ...validBase.dns, records: [...validBase.dns.records, ...validBase.dns.records] } },
      "edge:dns.records[1].name: TXT @ is declared again",
    ],
  ])("names the path of %s", (_what, change, expected) => {
    const result = outcome({ ...validBase, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.some((p) => p.startsWith(expected))).toBe(true);
  });
});
