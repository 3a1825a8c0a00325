/**
 * The reduced game day: the edge twin built from the dev stack's plan (namespaces, the planned
 * nginx.conf and env file, the real service, nftables balancers, PostgreSQL) under a retrying load
 * while one host's service is SIGKILLed, and while a host drains and stops (a deploy). Every event
 * the clients tracked is stored once, the recovery the twin measures stays within what the model
 * predicts from the same scaled plan, and nothing of the twin is left on the machine.
 * Needs root and the kernel features `checkPrerequisites` names: without them it fails, never skips.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Gameday, playScenario, predictedFigure, prepareGameday } from "../../gameday/main";
import { checkPrerequisites } from "../../gameday/netns";
import { scenarios } from "../../gameday/scenarios";

const namespaces = () => execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]!).filter(Boolean);

describe("game day on the edge twin", () => {
  let gameday: Gameday;
  /** The prefixes of the twins this file ran (other twins may run on the machine meanwhile). */
  const twins: string[] = [];
  beforeAll(async () => {
    checkPrerequisites();
    gameday = await prepareGameday([]);
  }, 60_000);

  afterAll(() => {
    expect(twins).toHaveLength(2);
    const left = namespaces().filter((n) => twins.some((prefix) => n.startsWith(prefix)));
    expect(left, "namespaces the twin left behind").toEqual([]);
  });

  it("runs the reduced set by default, one region per planned region, predicted from the scaled plan", () => {
    expect(gameday.selected.map((s) => s.name)).toEqual(scenarios.filter((s) => s.reduced).map((s) => s.name));
    expect(gameday.options.shape.regions.map((r) => r.region)).toEqual(["us-east-1", "us-west-2"]);
    // dev's target group checks every 10 s, timeout 5 s, 2 failures: × 0.2 → 2 × 2 s + 1 s.
    expect(predictedFigure(gameday.prediction, { mode: "hostDies" })?.recoverySeconds).toBe(5);
  });

  const play = async (name: string, trackMs: number) => {
    const { options } = gameday;
    const result = await playScenario(gameday, scenarios.find((s) => s.name === name)!, { ...options, trackMs, deadlineMs: trackMs + (options.deadlineMs - options.trackMs) });
    twins.push(...result.runs.map((r) => r.twin));
    expect(result.problems).toEqual([]);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.stored + result.lost).toBe(result.sent);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.measuredSeconds).toBeLessThanOrEqual(result.predictedSeconds!);
    return result;
  };

  it("a host's service killed: its nginx fails over to the backup at once, as predicted, every event stored once", async () => {
    const result = await play("host service killed", 10_000);
    expect(result.predictedSeconds).toBe(0);
    expect(result.runs[0]!.failedAttempts).toBe(0);
    // A share of it came from headless Chromium running the real loader and library.
    expect(result.runs[0]!.browser!.sent).toBeGreaterThan(0);
    expect(result.runs[0]!.browser!.stored).toBe(result.runs[0]!.browser!.sent);
  });

  it("drain then terminate: the balancer drops the draining host before it stops, no client sees a failure", async () => {
    const result = await play("drain then terminate", 20_000);
    expect(result.predictedSeconds).toBe(0);
    expect(result.runs[0]!.failedAttempts).toBe(0);
    expect(result.runs[0]!.balancerDropSeconds).toBeDefined();
  });
});
