import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flatness, judgeTargets, linearFit, MatrixRow } from "../../bench/analysis";

const sizes = [12, 102, 1002, 2002, 60, 150, 1050, 2050, 300, 390, 1290, 2290];

function row(resources: number, evaluateMs: number, floorMs: number, planMs = 2000): MatrixRow {
  const evaluate = { wallMs: evaluateMs, cpuMs: evaluateMs, peakMiB: 300, startMiB: 200, registered: resources, custom: resources };
  return {
    regions: 3,
    records: resources,
    resources,
    evaluate,
    floor: { ...evaluate, wallMs: floorMs },
    policy: { startMs: 1000, analyzeMs: resources, wallMs: 1000 + resources, packPeakMiB: 200, clientPeakMiB: 200, violations: 0, mandatory: 0 },
    plan: { code: 0, wallMs: planMs, peakMiB: 500, largestMiB: 300 },
  };
}

describe("bench analysis", () => {
  it("fits a line exactly: fixed cost in ms, marginal cost in µs per resource", () => {
    const fit = linearFit(sizes.map((n) => ({ resources: n, ms: 250 + 0.8 * n })));
    expect(fit.interceptMs).toBeCloseTo(250, 6);
    expect(fit.slopeUs).toBeCloseTo(800, 6);
  });

  it("calls a linear cost flat and a quadratic one not", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true }), (slope, fixed) => {
        const linear = flatness(sizes.map((n) => ({ resources: n, ms: fixed + slope * n })))!;
        expect(linear.growth).toBeCloseTo(1, 6);
        const quadratic = flatness(sizes.map((n) => ({ resources: n, ms: fixed + slope * 1e-3 * n * n })))!;
        expect(quadratic.growth).toBeGreaterThan(3);
      }),
    );
  });

  it("does not judge flatness from sizes too close together to give a slope", () => {
    expect(
      flatness([
        { resources: 54, ms: 1 },
        { resources: 59, ms: 2 },
        { resources: 2050, ms: 3 },
        { resources: 2055, ms: 3 },
      ]),
    ).toBeUndefined();
  });

  it("misses the floor target when any size is above 1.5x, naming the worst", () => {
    const targets = judgeTargets([row(12, 300, 250), row(1002, 1600, 1000), row(2002, 2900, 2000)]);
    const floor = targets.find((t) => t.name.startsWith("(a) evaluation over"))!;
    expect(floor.met).toBe(false);
    expect(floor.measured).toBe("1.60x at worst (3 regions, 1002 records)");
  });

  it("judges the prod plan and the largest stack against the issue's limits", () => {
    const largest = { ...row(6000, 3000, 2500, 14_000), regions: 30, records: 2000 };
    largest.plan = { ...largest.plan, peakMiB: 1500, largestMiB: 1000 };
    const targets = judgeTargets([largest], { code: 0, wallMs: 3100, peakMiB: 400, largestMiB: 250 });
    expect(targets.map((t) => [t.name, t.met])).toEqual([
      ["npm run plan -- --stack prod, wall", false],
      ["30 regions / 2000 records plan, wall", true],
      ["30 regions / 2000 records plan, peak RSS (process tree)", false],
      ["30 regions / 2000 records plan, peak RSS (its largest process)", true],
      ["(a) evaluation over the bare-mock floor, every size", true],
    ]);
  });
});
