import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { datastoreBudget, datastoreIdentity } from "../../../models/capacity";

const fleet = (maxHosts: number, poolSizePerHost = 16, processesPerHost = 2) => ({ maxHosts, processesPerHost, poolSizePerHost });

describe("datastoreBudget", () => {
  it("counts one region's max hosts × processes × each process's pool against 80% of its datastore (shipped prod: 192 of 2400)", () => {
    expect(datastoreBudget({ fleets: [fleet(12)], maxConnections: 3000, maxShare: 0.8 })).toMatchObject({ fleetConnections: 192, limitConnections: 2400, ok: true });
  });

  it("counts every region that writes to a shared datastore", () => {
    expect(datastoreBudget({ fleets: [fleet(12), fleet(12), fleet(12)], maxConnections: 3000, maxShare: 0.8 })).toMatchObject({ fleetConnections: 576, ok: true });
  });

  it("counts what the processes open: an odd pool leaves a connection unused", () => {
    expect(datastoreBudget({ fleets: [fleet(10, 17)], maxConnections: 3000, maxShare: 0.8 }).fleetConnections).toBe(160);
  });

  it("suggests the largest pool size that fits and the datastore size that admits the fleet", () => {
    expect(datastoreBudget({ fleets: [fleet(4), fleet(4), fleet(4)], maxConnections: 100, maxShare: 0.8 })).toMatchObject({
      fleetConnections: 192,
      limitConnections: 80,
      ok: false,
      fittingPoolSizePerHost: 6,
      neededMaxConnections: 240,
    });
  });

  it("property: the fitting pool size fits and the next one the processes can split does not", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 100000 }),
        fc.integer({ min: 1, max: 4 }),
        (hosts, maxConnections, processes) => {
          const input = (pool: number) => ({ fleets: hosts.map((h) => fleet(h, pool, processes)), maxConnections, maxShare: 0.8 });
          const { fittingPoolSizePerHost: p } = datastoreBudget(input(processes));
          expect(p % processes).toBe(0);
          expect(datastoreBudget(input(p)).ok || p === 0).toBe(true);
          expect(datastoreBudget(input(p + processes)).ok).toBe(false);
        },
      ),
    );
  });
});

describe("datastoreIdentity", () => {
  it("names the same datastore the same whatever the order, case or default port", () => {
    expect(datastoreIdentity(["B.example:5432", "a.example"], 5432)).toBe("a.example:5432 b.example:5432");
    expect(datastoreIdentity(["a.example:5432", "b.example"], 5432)).toBe(datastoreIdentity(["b.example", "A.example"], 5432));
    expect(datastoreIdentity(["a.example"], 5433)).not.toBe(datastoreIdentity(["a.example"], 5432));
  });
});
