import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { regionLossCapacity, survivingCapacity } from "../../../models/capacity";

const fleet = (region: string, maxHosts: number, eventsPerHostPerSecond = 8000) => ({ region, maxHosts, eventsPerHostPerSecond });

describe("regionLossCapacity", () => {
  it("loses the largest region and keeps the rest (the shipped prod stack: +20% headroom)", () => {
    const result = regionLossCapacity([fleet("us-east-1", 12), fleet("us-west-2", 12), fleet("eu-west-1", 12)], { peakEventsPerSecond: 20000, burstFactor: 8 });
    expect(result).toMatchObject({ requiredEventsPerSecond: 160000, lostRegion: "us-east-1", survivingEventsPerSecond: 192000, ok: true, neededMaxHostsPerRegion: 12 });
    expect(result.headroomPercent).toBeCloseTo(20);
  });

  it("loses the region with the most capacity, not the first", () => {
    expect(survivingCapacity([fleet("a", 4), fleet("b", 10), fleet("c", 6)])).toEqual({ lostRegion: "b", survivingEventsPerSecond: 80000 });
  });

  it("with one region, judges that region alone", () => {
    expect(regionLossCapacity([fleet("a", 3, 4000)], { peakEventsPerSecond: 500, burstFactor: 8 })).toMatchObject({ lostRegion: undefined, survivingEventsPerSecond: 12000, ok: true });
  });

  it("names the smallest max hosts per region that carries the demand", () => {
    expect(regionLossCapacity([fleet("a", 4), fleet("b", 4), fleet("c", 4)], { peakEventsPerSecond: 20000, burstFactor: 8 }).neededMaxHostsPerRegion).toBe(10);
  });

  it.each([
    ["an extreme rate", 1e300, 1],
    ["an infinite demand", 1e308, 8],
    ["the float limit", Number.MAX_VALUE, 1],
  ])("answers %s at once, with a ceiling no fleet reaches", (_what, peak, burst) => {
    const result = regionLossCapacity([fleet("a", 4, 1000), fleet("b", 4, 1000)], { peakEventsPerSecond: peak, burstFactor: burst });
    expect(result.ok).toBe(false);
    expect(result.neededMaxHostsPerRegion).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
  });

  it("finds the exact answer near the largest exact integer", () => {
    const result = regionLossCapacity([fleet("a", 4, 1), fleet("b", 4, 1)], { peakEventsPerSecond: 2 ** 52, burstFactor: 1 });
    expect(result.neededMaxHostsPerRegion).toBe(2 ** 52);
  });

  it("property: the suggested max hosts carries peak × burst with a region lost, one less does not", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ maxHosts: fc.integer({ min: 1, max: 30 }), eventsPerHostPerSecond: fc.integer({ min: 100, max: 10000 }) }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 100, max: 50000 }),
        fc.integer({ min: 1, max: 10 }),
        (rows, peak, burst) => {
          const fleets = rows.map((r, i) => ({ region: `r${i}`, ...r }));
          const demand = { peakEventsPerSecond: peak, burstFactor: burst };
          const result = regionLossCapacity(fleets, demand);
          const raise = (m: number) => fleets.map((f) => ({ ...f, maxHosts: Math.max(f.maxHosts, m) }));
          expect(regionLossCapacity(raise(result.neededMaxHostsPerRegion), demand).ok).toBe(true);
          if (!result.ok) expect(regionLossCapacity(raise(result.neededMaxHostsPerRegion - 1), demand).ok).toBe(false);
        },
      ),
    );
  });
});
