import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withAlarmTable, alarmTablePath } from "../../../tools/docs/alarmTable";

describe("docs/reference/alarms.md alarm table", () => {
  it("is the one generated from the threshold table (run `npm run docs` after changing models/alarms/thresholds.ts)", () => {
    const page = readFileSync(alarmTablePath, "utf8");
    expect(page).toBe(withAlarmTable(page));
    expect(page).toContain("| `swapUsedPercent` |");
  });
});
