/**
 * `npm run gameday`'s command line: `--help` prints the usage and exits 0, and the tracked results
 * (gameday/results.md, results.json, the reference page's table) are written only by `--record`,
 * which a partial run cannot ask for. Checked before any plan or twin runs.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prepareGameday, recoveryBand, UsageError } from "../../gameday/main";

const root = path.resolve(__dirname, "../..");
const gameday = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "gameday/main.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

describe("gameday's command line", () => {
  it("--help prints the usage, --record among the options, and exits 0", { timeout: 90_000 }, () => {
    const run = gameday("--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run gameday/);
    expect(run.stdout).toContain("--record");
  });

  it("refuses --record on a run that is not the full set, with the usage and exit 2", { timeout: 90_000 }, async () => {
    await expect(prepareGameday(["--record"])).rejects.toThrow(UsageError);
    await expect(prepareGameday(["--full", "--record", "--scenario", "host service killed"])).rejects.toThrow(/--record: .*give --full, without --scenario/);
    const run = gameday("--record");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("usage: npm run gameday");
  });

  it("refuses a --runs that is not 1, 2 or 3, naming the value, before it plans", async () => {
    for (const runs of ["0", "4", "1.5", "three"]) await expect(prepareGameday(["--full", "--runs", runs])).rejects.toThrow(`--runs: expected a whole number of runs from 1 to 3, got "${runs}"`);
  });

  it("judges the full set's recovery against a floor of 0.5 × at real timings only, ≤ 1.0 × at scaled ones and in the reduced set", () => {
    expect(recoveryBand(true, 1)).toEqual({ min: 0.5, max: 1 });
    expect(recoveryBand(true, 0.2)).toEqual({ min: 0, max: 1 });
    expect(recoveryBand(false, 1)).toEqual({ min: 0, max: 1 });
  });
});
