import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { datastoreBudget } from "../../../models/capacity";

describe("datastoreBudget", () => {
  it("counts every region's max hosts × pool size against 80% of max connections (shipped prod: 576 of 2400)", () => {
    expect(datastoreBudget({ maxHostsPerRegion: [12, 12, 12], poolSizePerHost: 16, maxConnections: 3000, maxShare: 0.8 })).toMatchObject({
      fleetConnections: 576,
      limitConnections: 2400,
      ok: true,
    });
  });

  it("suggests the largest pool size that fits and the datastore size that admits the fleet", () => {
    expect(datastoreBudget({ maxHostsPerRegion: [4, 4, 4], poolSizePerHost: 16, maxConnections: 100, maxShare: 0.8 })).toMatchObject({
      fleetConnections: 192,
      limitConnections: 80,
      ok: false,
      fittingPoolSizePerHost: 6,
      neededMaxConnections: 240,
    });
  });

  it("property: the fitting pool size fits and one more does not", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 100000 }), (hosts, maxConnections) => {
        const { fittingPoolSizePerHost: p } = datastoreBudget({ maxHostsPerRegion: hosts, poolSizePerHost: 1, maxConnections, maxShare: 0.8 });
        expect(datastoreBudget({ maxHostsPerRegion: hosts, poolSizePerHost: p, maxConnections, maxShare: 0.8 }).ok || p === 0).toBe(true);
        expect(datastoreBudget({ maxHostsPerRegion: hosts, poolSizePerHost: p + 1, maxConnections, maxShare: 0.8 }).ok).toBe(false);
      }),
    );
  });
});
