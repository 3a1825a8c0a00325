import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lifecycleHeartbeatSeconds, maxHealthyPercentage, regionCidrBlock, subnetCidrBlock, vpcCidrProblem } from "../../../models/ingestRegion/layout";
import { cidrContains, cidrsOverlap } from "../../../models/network/cidr";

describe("IngestRegion layout", () => {
  it("gives a region without its own block 10.<index>.0.0/16, and each zone the slot of its AZ number", () => {
    expect(regionCidrBlock(2)).toBe("10.2.0.0/16");
    expect(() => regionCidrBlock(256)).toThrow(/outside 0–255/);
    expect(["use1-az1", "use1-az2", "use1-az4"].map((zone) => subnetCidrBlock("10.2.0.0/16", zone))).toEqual(["10.2.0.0/20", "10.2.16.0/20", "10.2.48.0/20"]);
    expect(subnetCidrBlock("10.32.0.0/20", "euw1-az3")).toBe("10.32.2.0/24");
    expect(subnetCidrBlock("10.40.8.0/24", "usw2-az16")).toBe("10.40.8.240/28");
  });

  it("refuses a VPC block it cannot split into 16 zone slots, and an AZ number past them", () => {
    expect(vpcCidrProblem("10.0.0.0/15")).toMatch(/is a \/15: a VPC here is a \/16 to a \/24/);
    expect(vpcCidrProblem("10.0.0.0/25")).toMatch(/is a \/25/);
    expect(vpcCidrProblem("10.0.1.0/16")).toMatch(/not a network address/);
    expect(() => subnetCidrBlock("10.0.0.0/16", "use1-az17")).toThrow(/use1-az17: a subnet's block comes from its AZ number, 1–16/);
  });

  it("property: a zone's block depends on the zone alone, so a zone replaced by another never takes a block the others hold", () => {
    const zones = fc.uniqueArray(fc.integer({ min: 1, max: 16 }), { minLength: 2, maxLength: 6 });
    fc.assert(
      fc.property(zones, fc.integer({ min: 1, max: 16 }), fc.nat(), (numbers, replacement, at) => {
        const vpc = "10.7.0.0/16";
        const before = numbers.map((n) => subnetCidrBlock(vpc, `use1-az${n}`));
        for (const block of before) expect(cidrContains(vpc, block)).toBe(true);
        before.forEach((a, i) => before.slice(i + 1).forEach((b) => expect(cidrsOverlap(a, b)).toBe(false)));
        // Reordering moves nothing.
        expect([...numbers].reverse().map((n) => subnetCidrBlock(vpc, `use1-az${n}`))).toEqual([...before].reverse());
        // Replacing one zone by a zone not listed: its new block is held by no subnet of the old list.
        if (numbers.includes(replacement)) return;
        const moved = subnetCidrBlock(vpc, `use1-az${replacement}`);
        expect(before.filter((_, i) => i !== at % numbers.length)).not.toContain(moved);
        expect(before).not.toContain(moved);
      }),
    );
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
