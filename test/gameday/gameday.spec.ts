/**
 * The reduced game day: the edge twin (namespaces, the rendered nginx, the real service, nftables
 * balancers, PostgreSQL) under a retrying load while one host's service is SIGKILLed. Every event
 * the clients tracked is stored once, and nothing of the twin is left on the machine.
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

  it("a host's service killed: its nginx fails over to the backup, every event stored once", async () => {
    checkPrerequisites();
    const { options } = gamedayOptions(["--scenario", "host service killed"]);
    const trackMs = 10_000;
    const result = await runScenario(scenarios.find((s) => s.name === "host service killed")!, { ...options, trackMs, deadlineMs: trackMs + (options.deadlineMs - options.trackMs) });
    expect(result.problems).toEqual([]);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.stored + result.lost).toBe(result.sent);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
  });
});
