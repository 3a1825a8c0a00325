import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withGamedayResults, gamedayResultsPath } from "../../../tools/docs/gamedayTable";

describe("docs/reference/gameday-results.md game-day results", () => {
  it("are the ones gameday/results.md holds (run `npm run docs` after `npm run gameday`)", () => {
    const page = readFileSync(gamedayResultsPath, "utf8");
    expect(page).toBe(withGamedayResults(page));
    expect(page).toContain(
      "| scenario | scale | failure mode | sent | stored | lost (held) | acknowledged lost (per id) | duplicate deliveries | predicted recovery (s) | measured recovery (s) | ratio | result |",
    );
  });
});
