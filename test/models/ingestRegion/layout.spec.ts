import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lifecycleHeartbeatSeconds, maxHealthyPercentage, regionCidrBlock, subnetCidrBlocks } from "../../../models/ingestRegion/layout";

describe("IngestRegion layout", () => {
  it("gives each region its own /16 and each zone a /20 inside it", () => {
    expect(regionCidrBlock(2)).toBe("10.2.0.0/16");
    expect(subnetCidrBlocks("10.2.0.0/16", 3)).toEqual(["10.2.0.0/20", "10.2.16.0/20", "10.2.32.0/20"]);
    expect(() => regionCidrBlock(256)).toThrow(/outside 0–255/);
  });

  it("property: the drain hook outlasts the drain, within the 30–7200 s AWS allows (incident 003)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 3600 }), (drain) => {
        const heartbeat = lifecycleHeartbeatSeconds(drain);
        expect(heartbeat).toBeGreaterThan(drain);
        expect(heartbeat).toBeGreaterThanOrEqual(30);
        expect(heartbeat).toBeLessThanOrEqual(7200);
      }),
    );
  });

  it("lets instance refresh launch before it terminates, within AWS's bounds", () => {
    expect(maxHealthyPercentage(90)).toBe(190);
    expect(maxHealthyPercentage(100)).toBe(200);
    for (let min = 50; min <= 100; min++) {
      expect(maxHealthyPercentage(min) - min).toBeLessThanOrEqual(100);
      expect(maxHealthyPercentage(min)).toBeGreaterThan(100);
    }
  });
});
