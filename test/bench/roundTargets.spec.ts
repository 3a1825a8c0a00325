import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judgeRoundTarget, median, pairedRatios, renderRoundTargets, RoundTarget, speedTargets } from "../../bench/roundTargets";

const target = (ratios: number[], direction: RoundTarget["direction"] = "atMost", limit = 2): RoundTarget => ({ name: "t", ratioOf: "a / b", direction, limit, ratios });

describe("same-run ratio targets", () => {
  it("judges the median, not the best or the worst round, and keeps the range", () => {
    const judged = judgeRoundTarget(target([1.5, 2.5, 1.9, 3.1, 1.2]));
    expect(judged).toMatchObject({ median: 1.9, min: 1.2, max: 3.1, met: true });
    expect(judgeRoundTarget(target([2.1, 1.2, 2.2, 2.4, 1.1])).met).toBe(false);
  });

  it("a rate target is met at or above its limit, a cost target at or below", () => {
    expect(judgeRoundTarget(target([0.85, 0.85, 0.85, 0.85, 0.85], "atLeast", 0.85)).met).toBe(true);
    expect(judgeRoundTarget(target([0.84, 0.9, 0.8, 0.83, 0.86], "atLeast", 0.85)).met).toBe(false);
    expect(judgeRoundTarget(target([2, 2, 2, 2, 2])).met).toBe(true);
  });

  it("the median of an even count is the mean of the middle two, and of nothing is undefined", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }), (values) => {
        const m = median(values)!;
        expect(values.filter((v) => v <= m).length).toBeGreaterThanOrEqual(values.length / 2);
        expect(values.filter((v) => v >= m).length).toBeGreaterThanOrEqual(values.length / 2);
      }),
    );
  });

  it("pairs rounds by index and leaves out a round missing a side or with a zero floor", () => {
    expect(pairedRatios([10, undefined, 30, 40], [5, 5, 0, 20])).toEqual([2, 2]);
  });

  it("a target no round measured is 'not measured', neither met nor missed", () => {
    const judged = judgeRoundTarget(target([]));
    expect(judged.met).toBeUndefined();
    expect(renderRoundTargets([judged])[0]).toMatch(/^not measured +t: - \[no rounds\] over 0 rounds \(target/);
  });

  it("prints median, range, rounds and verdict, and flags fewer than five rounds", () => {
    const [line] = renderRoundTargets([judgeRoundTarget(target([2.5, 3, 2.8]))]);
    expect(line).toBe("MISSED       t: 2.80x [2.50x-3.00x] over 3 rounds, fewer than 5 rounds (target <= 2x; a / b)");
  });

  it("builds the issue's targets from the rounds: plan over the SDK floor, each pr-check class over its round's plan, the large stack over prod, the service over its floors", () => {
    const targets = speedTargets(
      [
        { sdkFloorMs: 1000, prodPlanMs: 2500, largePlanMs: 6000 },
        { sdkFloorMs: 1200, prodPlanMs: 2400, largePlanMs: 9600 },
      ],
      [{ planMs: 2000, classes: { cold: 3000, docsOnlyCold: 3400 } }],
      [{ serviceSingle: 900, trivialSingle: 1000, serviceBatch50: 4000, copy: 5000 }],
    ).map(judgeRoundTarget);
    expect(targets.map((t) => [t.name, t.ratioOf.split(" / ")[1], t.ratios.map((r) => +r.toFixed(3)), t.met])).toEqual([
      ["prod plan", "plain-node SDK floor wall", [2.5, 2], false],
      ["pr-check, cold", "one prod plan's wall", [1.5], true],
      ["pr-check, docsOnlyCold", "one prod plan's wall", [1.7], false],
      ["30 regions / 2,000 records plan", "the prod plan's wall", [2.4, 4], false],
      ["service, one-event beacons", "a trivial Node handler's behind the same nginx", [0.9], true],
      ["service, one-event beacons", "PostgreSQL COPY's", [0.18], false],
      ["service, 50-event batches", "PostgreSQL COPY's", [0.8], false],
    ]);
  });
});
