/**
 * The edge twin's DNS, for real: NSD serving the plan's Route 53 and Cloudflare zones (rewritten to
 * the twin's balancers), Unbound in the client namespace with the registrar's delegation, and the
 * load generator resolving the ingest name through it.
 * - A legacy client (UDP only, no EDNS, no TCP retry) gets no address for the aliased ingest name
 *   when the zone answers with incident 001's 29 addresses (truncated), and an answer within 512 B
 *   from the shipped zone; clients that retry over TCP lose no event either way.
 * - Active-active: the Route 53 server stops answering; lookups keep resolving through
 *   Cloudflare's servers within the model's bound and every event is stored once.
 * Needs root, NSD and Unbound (`.ci/apt-packages.txt`): without them it fails, never skips.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { stubResolver } from "../../gameday/dns";
import { prepareGameday } from "../../gameday/main";
import { releaseHostFleets } from "../../gameday/hostFleet";
import { checkPrerequisites } from "../../gameday/netns";
import { runScenario, scenarios } from "../../gameday/scenarios";

const namespaces = () =>
  new Set(
    execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.split(" ")[0])
      .filter(Boolean),
  );
const before = namespaces();
const started: string[] = [];

describe("the edge twin's DNS", () => {
  afterAll(() => {
    releaseHostFleets();
    // Only what these tests made: other runs on the machine may hold twins of their own.
    const left = [...namespaces()].filter((n) => !before.has(n) && started.some((prefix) => n.startsWith(prefix)));
    expect(left, "namespaces the twin left behind").toEqual([]);
  });

  /**
   * Plays a registered scenario on a twin of the planned regions × one host, timers × `scale`, events tracked for `trackMs`.
   * Each play plans the prod stack through the policy pack first: 30–45 s a test alone at a load average of 14, so the
   * limits leave three times that.
   */
  const play = async (name: string, scale: number, trackMs: number) => {
    checkPrerequisites();
    const { options } = await prepareGameday(["--scenario", name, "--hosts", "1", "--scale", String(scale)]);
    const scenario = scenarios.find((s) => s.name === name)!;
    const result = await runScenario(
      { ...scenario, prepare: (twin, teardown, o) => (started.push(twin.prefix), scenario.prepare!(twin, teardown, o)) },
      { ...options, trackMs, deadlineMs: trackMs + (options.deadlineMs - options.trackMs) },
    );
    expect(result.problems).toEqual([]);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.stored).toBe(result.sent);
    expect(result.duplicates).toBe(0);
    return result;
  };

  it("a legacy client gets no address for an aliased answer over 512 B (incident 001); clients that retry over TCP lose nothing", async () => {
    const result = await play("legacy client, answer over 512 B", 0.2, 3_000);
    expect(result.details!.find((d) => d.startsWith("decide.") && d.includes("via Unbound"))).toMatch(/TC, 0 addresses$/);
    expect(result.details!.find((d) => d.startsWith("api.") && d.includes("via Unbound"))).toMatch(/^api\.\S+ via Unbound: (\d+) B, 29 addresses$/);
  }, 600_000);

  it("the shipped zone answers the legacy client within 512 B, through Unbound and at the server", async () => {
    const result = await play("legacy client, shipped zone", 0.2, 3_000);
    for (const detail of result.details!) expect(detail).toMatch(/: \d+ B, [1-9]\d* addresses$/);
  }, 600_000);

  it("active-active: the Route 53 server goes silent, lookups resolve through Cloudflare's servers, every event stored once", async () => {
    // Timers × 0.1: the answer's 60 s TTL is 6 s, so Unbound's cached answer expires after the fault.
    // A lookup Unbound works on past its discard-timeout (1.9 s) is answered on the stub's resend,
    // 5 s on: the model's bound (4 silent servers × 1 s, then the resend) holds it.
    const result = await play("primary DNS stops answering (active-active)", 0.1, 12_000);
    expect(result.failedAttempts).toBe(0);
    const [, lookups, slowest] = /^(\d+) lookups after the fault, 0 failed, \d+ answered only on the stub's resend, slowest ([\d.]+) s$/.exec(result.details![0]!)!;
    expect(Number(lookups)).toBeGreaterThan(10);
    expect(Number(slowest)).toBeLessThanOrEqual((stubResolver.timeoutMs * stubResolver.attempts) / 1000);
  }, 700_000);
});
