import { describe, expect, it } from "vitest";
import { benchRecords, benchRegions, benchStackConfig, fullMatrix, quickMatrix } from "../../bench/stacks";
import { parseStackConfig } from "../../stacks/schema";

/** The `edge:` keys of a generated `config:` section, as the plan's stack-file reader hands them over. */
function edgeKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith("edge:"))
      .map(([k, v]) => [k.slice(5), v]),
  );
}

describe("bench stack configs", () => {
  it("are valid stack configs at every size of the full and the quick matrix", () => {
    for (const size of [...fullMatrix, ...quickMatrix]) {
      const config = parseStackConfig(edgeKeys(benchStackConfig(size)));
      expect(config.regions).toHaveLength(size.regions);
      expect(config.dns.records).toHaveLength(size.records);
    }
  });

  it("size the fleet to survive losing a region and the datastore to hold every pool", () => {
    for (const regions of [2, 3, 10, 30]) {
      const { ingest, datastore } = parseStackConfig(edgeKeys(benchStackConfig({ regions, records: 10 })));
      const surviving = (regions - 1) * ingest.maxHostsPerRegion * ingest.eventsPerHostPerSecond;
      expect(surviving).toBeGreaterThanOrEqual(ingest.peakEventsPerSecond * ingest.burstFactor);
      expect(regions * ingest.maxHostsPerRegion * datastore.poolSizePerHost).toBeLessThanOrEqual(0.8 * datastore.maxConnections);
    }
  });

  it("generate unique names, and CNAMEs that point at an A name declared in the zone", () => {
    const records = benchRecords(2000, "bench.example.com");
    expect(new Set(records.map((r) => r.name)).size).toBe(2000);
    const aNames = new Set(records.filter((r) => r.type === "A").map((r) => `${r.name}.bench.example.com`));
    const cnames = records.filter((r) => r.type === "CNAME");
    expect(cnames.length).toBe(200);
    for (const c of cnames) expect(aNames.has(c.values[0])).toBe(true);
  });

  it("refuses region counts the generator cannot fill", () => {
    expect(() => benchStackConfig({ regions: 1, records: 10 })).toThrow(/2 to 32 regions/);
    expect(() => benchStackConfig({ regions: benchRegions.length + 1, records: 10 })).toThrow(/regions/);
  });
});
