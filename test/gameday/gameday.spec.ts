/**
 * The reduced game day at real timings: the edge twin built from the dev stack's plan (each
 * region's planned minimum of hosts, each booted from its launch template's user data with
 * cloud-init on Debian 12 under systemd, its spools and nginx's logs on a disk of its own, nftables
 * balancers, PostgreSQL as RDS presents it) under a retrying load while one host's service unit is
 * SIGKILLed, and while a replacement host boots and enters service and the old one drains through
 * its lifecycle hook's path and shuts down (a deploy). Every id a client saw acknowledged is stored, every other id is
 * stored or still held, the recovery the twin measures stays within what the model predicts from
 * the same plan, and nothing of the twin is left on the machine.
 * Needs root and the kernel features `checkPrerequisites` names: without them it fails, never skips.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Gameday, playScenario, predictedFigure, prepareGameday } from "../../gameday/main";
import { checkPrerequisites } from "../../gameday/netns";
import { releaseHostFleets } from "../../gameday/hostFleet";
import { scenarios } from "../../gameday/scenarios";

const namespaces = () =>
  execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter(Boolean);
/** Command lines of the machine's processes that boot a host of one of `prefixes` (`systemd-nspawn --machine=…`). */
const machines = (prefixes: string[]) =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      } catch {
        return "";
      }
    })
    .filter((command) => prefixes.some((prefix) => command.includes(`--machine=${prefix}`)));

describe("game day on the edge twin", () => {
  let gameday: Gameday;
  /** The prefixes of the twins this file ran (other twins may run on the machine meanwhile). */
  const twins: string[] = [];
  beforeAll(async () => {
    checkPrerequisites();
    gameday = await prepareGameday([]);
  }, 60_000);

  afterAll(() => {
    releaseHostFleets();
    expect(twins).toHaveLength(2);
    const left = namespaces().filter((n) => twins.some((prefix) => n.startsWith(prefix)));
    expect(left, "namespaces the twin left behind").toEqual([]);
    expect(machines(twins), "booted hosts the twin left running").toEqual([]);
  });

  it("runs the reduced set by default at real timings, one region per planned region with its planned minimum of hosts", () => {
    expect(gameday.selected.map((s) => s.name)).toEqual(scenarios.filter((s) => s.reduced).map((s) => s.name));
    expect(gameday.scales.map((s) => s.scale)).toEqual([1]);
    expect(gameday.options.shape.regions.map((r) => [r.region, r.minHosts])).toEqual([
      ["us-east-1", 1],
      ["us-west-2", 1],
    ]);
    // dev runs one host per region: a dead host is the region's way out, Route 53 10 s × 3 + 6 s + TTL 60 s.
    expect(predictedFigure(gameday.prediction, { mode: "hostDies" })?.recoverySeconds).toBe(96);
  });

  const play = async (name: string, trackMs: number) => {
    const { options } = gameday;
    const result = await playScenario(gameday, scenarios.find((s) => s.name === name)!, { ...options, trackMs, deadlineMs: trackMs + (options.deadlineMs - options.trackMs) });
    twins.push(...result.runs.map((r) => r.twin));
    expect(result.problems, result.runs.flatMap((r) => r.details ?? []).join("\n")).toEqual([]);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.stored).toBe(result.sent);
    expect(result.lost).toBe(0);
    expect(result.acknowledgedLost).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.measuredSeconds).toBeLessThanOrEqual(result.predictedSeconds!);
    return result;
  };

  it("a host's service killed: its nginx fails over to the backup at once, as predicted, every event stored once", { timeout: 600_000 }, async () => {
    const result = await play("host service killed", 10_000);
    expect(result.predictedSeconds).toBe(0);
    expect(result.runs[0]!.failedAttempts, result.runs[0]!.details?.join("\n")).toBe(0);
    // A share of it came from headless Chromium running the real loader and library.
    expect(result.runs[0]!.browser!.sent).toBeGreaterThan(0);
    expect(result.runs[0]!.browser!.stored).toBe(result.runs[0]!.browser!.sent);
  });

  it("drain then terminate: the replacement enters service, the balancer drops the draining host before it stops, no client sees a failure", { timeout: 900_000 }, async () => {
    const result = await play("drain then terminate", 20_000);
    expect(result.predictedSeconds).toBe(0);
    expect(result.runs[0]!.failedAttempts, result.runs[0]!.details?.join("\n")).toBe(0);
    expect(result.runs[0]!.balancerDropSeconds).toBeDefined();
  });
});
