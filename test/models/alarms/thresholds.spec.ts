import { describe, expect, it } from "vitest";
import { isBefore, levelsFor, thresholdKeys, thresholdTable, ThresholdSpec } from "../../../models/alarms/thresholds";

describe("threshold table", () => {
  it.each(thresholdKeys)("%s: defaults lie within its range and the warning fires first", (key) => {
    const spec: ThresholdSpec = thresholdTable[key];
    expect(spec.critical).toBeGreaterThanOrEqual(spec.range.min);
    expect(spec.critical).toBeLessThanOrEqual(spec.range.max);
    if (spec.warning !== undefined) {
      expect(spec.warning).toBeGreaterThanOrEqual(spec.range.min);
      expect(spec.warning).toBeLessThanOrEqual(spec.range.max);
      expect(isBefore(spec.direction, spec.warning, spec.critical)).toBe(true);
    }
  });

  it("has no warning level for swap: any swap is critical (incident 000)", () => {
    expect(levelsFor("swapUsedPercent", { swapUsedPercent: { warning: 5 } })).toEqual({ warning: undefined, critical: 0 });
  });

  it("takes a stack's override per severity, the rest from the table", () => {
    expect(levelsFor("memoryUsedPercent", { memoryUsedPercent: { warning: 75 } })).toEqual({ warning: 75, critical: 90 });
    expect(levelsFor("memoryUsedPercent")).toEqual({ warning: 80, critical: 90 });
  });
});
