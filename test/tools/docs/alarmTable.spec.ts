import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withAlarmTable } from "../../../tools/docs/alarmTable";
import { projectRoot } from "../../support/runPlan";

describe("README alarm table", () => {
  it("is the one generated from the threshold table (run `npm run docs` after changing models/alarms/thresholds.ts)", () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(readme).toBe(withAlarmTable(readme));
    expect(readme).toContain("| `swapUsedPercent` |");
  });
});
