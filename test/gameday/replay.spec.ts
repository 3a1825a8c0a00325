/**
 * The datastore's primary down on the edge twin (incident 003): while every PostgreSQL process is frozen (SIGSTOP) every
 * host answers from its fsync'd spool, and once it is back the spools replay until empty; the time
 * from its return until no spool holds an event is measured and reported, and every event the
 * clients tracked is stored once.
 * Needs root and the kernel features `checkPrerequisites` names: without them it fails, never skips.
 */
import { afterAll, describe, expect, it } from "vitest";
import { releaseHostFleets } from "../../gameday/hostFleet";
import { prepareGameday } from "../../gameday/main";
import { checkPrerequisites } from "../../gameday/netns";
import { runScenario, scenarios } from "../../gameday/scenarios";

describe("the datastore's primary down on the edge twin", () => {
  afterAll(() => releaseHostFleets());

  it("spools while it is away, replays every spool empty once it is back, and stores every event once", async () => {
    checkPrerequisites();
    const name = "datastore primary down";
    const { options } = await prepareGameday(["--scenario", name, "--scale", "0.2"]);
    const trackMs = 12_000;
    const result = await runScenario(scenarios.find((s) => s.name === name)!, { ...options, trackMs, deadlineMs: trackMs + (options.deadlineMs - options.trackMs) });
    console.log(JSON.stringify(result));
    expect(result.problems).toEqual([]);
    expect(result.figures!.spooledEventsAtReturn).toBeGreaterThan(0);
    expect(result.figures!.replaySeconds).toBeDefined();
    expect(result.sent).toBeGreaterThan(0);
    expect(result.stored).toBe(result.sent);
    expect(result.duplicates).toBe(0);
  }, 600_000);
});
