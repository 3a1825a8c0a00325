/**
 * A spike beyond capacity on the edge twin (incident 000): hostile clients from many addresses
 * hold more requests than limit_conn admits on one region's hosts, send headers at nginx's limits,
 * burst past limit_req and storm past the accept queue, while the retrying clients keep sending.
 * nginx sheds with 503 + Retry-After (its limits refuse, no upstream fails), every storm client has
 * its answer within the recovery model's connect-storm timing plus its stalled-host figure, nginx's processes and socket buffers
 * stay at or below the memory model on the rendered settings, and once the spike ends the retries
 * (the load generator's, and the real library's in headless Chromium) bring every event in, each
 * stored once.
 * Needs root and the kernel features `checkPrerequisites` names: without them it fails, never skips.
 */
import { afterAll, describe, expect, it } from "vitest";
import { releaseHostFleets } from "../../gameday/hostFleet";
import { prepareGameday } from "../../gameday/main";
import { checkPrerequisites } from "../../gameday/netns";
import { runScenario, scenarios } from "../../gameday/scenarios";
import { spikeShape } from "../../gameday/spike";

describe("a spike beyond capacity on the edge twin", () => {
  afterAll(() => releaseHostFleets());

  it("sheds with 503 + Retry-After, keeps nginx within its memory model, and the retries store every event once", async () => {
    checkPrerequisites();
    const name = "a spike beyond capacity";
    const { options } = await prepareGameday(["--scenario", name, "--scale", "0.2"]);
    // Tracking lasts well past the spike's hold (opening its connections takes seconds on a busy machine).
    const trackMs = Math.max(options.trackMs, spikeShape.trackSeconds * 1000);
    const result = await runScenario(scenarios.find((s) => s.name === name)!, options);
    console.log(JSON.stringify(result));
    expect(result.problems).toEqual([]);
    const figures = result.figures!;
    expect(figures.shed503).toBeGreaterThan(0);
    // Every planned hostile connection was there at once (problems names the count when not).
    expect(figures.hostileAtOnce).toBe(figures.hostilePlanned);
    expect(figures.limitConnRefusals).toBeGreaterThan(0);
    expect(figures.limitReqRefusals).toBeGreaterThan(0);
    expect(figures.peakNginxMiB).toBeLessThanOrEqual(figures.modelNginxMiB!);
    expect(figures.peakSocketMiB).toBeLessThanOrEqual(figures.modelSocketMiB!);
    expect(figures.stormAnswered).toBeGreaterThan(0);
    // The storm went past the planned accept queue of each host, and every answer came within the model's bound.
    expect(figures.stormConnects).toBeGreaterThan(figures.stormAcceptQueue!);
    expect(figures.stormSlowestSeconds).toBeLessThanOrEqual(figures.stormBoundSeconds!);
    expect(figures.spikeHeldUntilSeconds! + 4).toBeLessThan(trackMs / 1000);
    // The retrying clients of the region were shed too, and came back.
    expect(result.failedAttempts).toBeGreaterThan(0);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.stored + result.lost).toBe(result.sent);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
    // Chromium running the real loader and library posted to the spiked region too: shed, retried, all stored once.
    expect(result.browser!.sent).toBeGreaterThan(0);
    expect(result.browser!.stored).toBe(result.browser!.sent);
    expect(result.browser!.duplicates).toBe(0);
  }, 700_000);
});
