/**
 * The reduced game day: the edge twin (namespaces, the rendered nginx, the real service, nftables
 * balancers, PostgreSQL) under a retrying load while one host's service is SIGKILLed, and while a
 * host drains and stops (a deploy). Every event the clients tracked is stored once, and nothing of
 * the twin is left on the machine.
 * Needs root and the kernel features `checkPrerequisites` names: without them it fails, never skips.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { gamedayOptions } from "../../gameday/main";
import { checkPrerequisites } from "../../gameday/netns";
import { runScenario, scenarios } from "../../gameday/scenarios";

const namespaces = () => new Set(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]).filter(Boolean));
const before = namespaces();

describe("game day on the edge twin", () => {
  afterAll(() => {
    const left = [...namespaces()].filter((n) => !before.has(n) && n.startsWith("gd"));
    expect(left, "namespaces the twin left behind").toEqual([]);
  });

  const play = async (name: string, trackMs: number) => {
    checkPrerequisites();
    const { options } = gamedayOptions(["--scenario", name]);
    const result = await runScenario(scenarios.find((s) => s.name === name)!, { ...options, trackMs, deadlineMs: trackMs + (options.deadlineMs - options.trackMs) });
    expect(result.problems).toEqual([]);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.stored + result.lost).toBe(result.sent);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
    return result;
  };

  it("a host's service killed: its nginx fails over to the backup, every event stored once", async () => {
    const result = await play("host service killed", 10_000);
    expect(result.failedAttempts).toBe(0);
    // A share of it came from headless Chromium running the real loader and library.
    expect(result.browser!.sent).toBeGreaterThan(0);
    expect(result.browser!.stored).toBe(result.browser!.sent);
  });

  it("drain then terminate: the balancer drops the draining host before it stops, no client sees a failure", async () => {
    const result = await play("drain then terminate", 20_000);
    expect(result.failedAttempts).toBe(0);
    expect(result.balancerDropSeconds).toBeDefined();
  });
});
