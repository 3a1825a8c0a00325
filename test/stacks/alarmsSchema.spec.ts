import { describe, expect, it } from "vitest";
import { parseStackConfig, StackConfigError } from "../../stacks/schema";
import { withRegionPins } from "../support/regionPins";

const minimal = {
  domain: "example.com",
  regions: ["us-east-1", "eu-west-1"],
  dns: { secondary: { accountId: "0123456789abcdef0123456789abcdef" } },
  alarms: { emails: ["oncall@example.com"] },
};

function problems(thresholds: unknown): string[] {
  try {
    parseStackConfig(withRegionPins({ ...minimal, alarms: { ...minimal.alarms, thresholds } }));
    return [];
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
}

describe("edge:alarms.thresholds", () => {
  it("takes overrides by key of the threshold table", () => {
    expect(problems({ memoryUsedPercent: { warning: 75 }, swapUsedPercent: { critical: 1 } })).toEqual([]);
  });

  it("refuses an unknown key and a warning level for swap (any swap is critical)", () => {
    expect(problems({ memoryUsed: { warning: 75 }, swapUsedPercent: { warning: 5 } })).toEqual([
      "edge:alarms.thresholds.swapUsedPercent.warning: unknown key; remove it or check its spelling against docs/reference/config.md",
      "edge:alarms.thresholds.memoryUsed: unknown key; remove it or check its spelling against docs/reference/config.md",
    ]);
  });
});
