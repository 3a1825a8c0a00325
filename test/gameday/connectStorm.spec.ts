/**
 * A connect storm on the edge twin: 8,000 clients connect at once to one region, beyond its hosts'
 * accept queues; every client's event is stored and the slowest connect (SYN resends included) is
 * within the recovery model's connect-storm bound for the planned queue.
 * Needs root and the kernel features `checkPrerequisites` names: without them it fails, never skips.
 */
import { afterAll, describe, expect, it } from "vitest";
import { releaseHostFleets } from "../../gameday/hostFleet";
import { prepareGameday } from "../../gameday/main";
import { checkPrerequisites } from "../../gameday/netns";
import { runScenario, scenarios } from "../../gameday/scenarios";
import { stormShape } from "../../gameday/connectStorm";

describe("a connect storm on the edge twin", () => {
  afterAll(() => releaseHostFleets());

  it("stores every client's event, and no connect waits longer than the model's bound", async () => {
    checkPrerequisites();
    const name = "a connect storm";
    const { options } = await prepareGameday(["--scenario", name]);
    const result = await runScenario(scenarios.find((s) => s.name === name)!, options);
    console.log(JSON.stringify(result.figures));
    expect(result.problems).toEqual([]);
    const figures = result.figures!;
    expect(figures.stormStored).toBe(stormShape.connects);
    // Past the queue: some connects waited out a SYN resend, within the model's rounds.
    expect(stormShape.connects / figures.stormHosts!).toBeGreaterThan(figures.stormAcceptQueue!);
    expect(figures.stormModelSynRounds).toBeGreaterThan(0);
    expect(figures.stormConnectSlowestSeconds).toBeLessThanOrEqual(figures.stormModelSeconds!);
    expect(result.acknowledgedLost).toBe(0);
    expect(result.lost).toBe(0);
  }, 700_000);
});
