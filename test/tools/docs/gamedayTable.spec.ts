import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withGamedayResults } from "../../../tools/docs/gamedayTable";
import { projectRoot } from "../../support/runPlan";

describe("README game-day results", () => {
  it("are the ones gameday/results.md holds (run `npm run docs` after `npm run gameday`)", () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(readme).toBe(withGamedayResults(readme));
    expect(readme).toContain("| scenario | failure mode | sent | stored | lost | duplicates | predicted recovery (s) | measured recovery (s) | ratio | result |");
  });
});
