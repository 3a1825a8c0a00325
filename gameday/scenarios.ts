/**
 * Game-day scenarios on the edge twin: each brings up a fresh twin, runs the load generator in
 * the client namespace, injects one failure, and counts what the datastore holds afterwards.
 * Recovery is measured from the client's side: from the failure to the end of the last attempt
 * that failed (0 when no client ever saw a failure).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { HostEdgeSettings, nginxListenPort } from "../models/hostEdge";
import { RetrySchedule } from "../models/snippet/delivery";
import { LoadPlan, LoadReport } from "./loadgen";
import { Teardown } from "./netns";
import { startTwin, Twin, TwinShape } from "./twin";
import { dnsScenarios } from "./dnsScenarios";

/** What a scenario run knows besides the twin: the scaled timers it may wait on. */
export interface ScenarioContext {
  /** Multiplies every time of the plan (health checks, drain, retry schedule); no timer below 1 s. */
  scaled(seconds: number): number;
  drainSeconds: number;
}

/** What a scenario adds to the twin before the load starts. */
export interface ScenarioSetup {
  /** How the load generator resolves the ingest name; absent: the twin's answer file. */
  resolver?: LoadPlan["resolver"];
  /**
   * Judges the events in place of "every event stored" (a scenario whose model predicts a loss),
   * with what it measured; duplicates and acknowledged events not stored are problems regardless.
   */
  judge?(counts: { sent: number; stored: number; lost: number }, report: LoadReport, faultAt: number): Promise<{ problems: string[]; details: string[] }>;
}

export interface Scenario {
  name: string;
  /** Starts what the scenario needs besides the twin, each undo registered with `teardown`. */
  prepare?(twin: Twin, teardown: Teardown, options: GamedayOptions): Promise<ScenarioSetup>;
  /** Injects the failure; resolves when the scenario's own steps (repair included) are done. */
  inject(twin: Twin, context: ScenarioContext): Promise<void>;
}

export interface ScenarioResult {
  scenario: string;
  sent: number;
  stored: number;
  lost: number;
  /** Acknowledged with 200 but not in the datastore: the contract's worst breach. */
  acknowledgedLost: number;
  duplicates: number;
  /** Client-visible recovery, seconds. */
  recoverySeconds: number;
  failedAttempts: number;
  /** Seconds from the failure until the region's balancer dropped the failed host (undefined when it never did). */
  balancerDropSeconds?: number;
  /** Seconds from the failure until the ingest name stopped answering with a region (undefined when it never did). */
  dnsDropSeconds?: number;
  passed: boolean;
  problems: string[];
  /** What the scenario measured besides the events (its `judge`). */
  details?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const faultDelayMs = 4000;

export const scenarios: Scenario[] = [
  {
    name: "host service killed",
    async inject(twin) {
      const host = twin.hosts[0]!;
      await host.primary.kill();
      // systemd's Restart=always, RestartSec=1 brings it back.
      await sleep(1000);
      await twin.restartPrimary(host);
    },
  },
  {
    name: "host service frozen",
    async inject(twin, context) {
      // Accepts connections (the kernel completes the handshake into the backlog), never answers.
      const host = twin.hosts[0]!;
      host.primary.child.kill("SIGSTOP");
      await sleep(context.scaled(60) * 1000);
      host.primary.child.kill("SIGCONT");
    },
  },
  {
    name: "drain then terminate",
    async inject(twin, context) {
      const host = twin.hosts[0]!;
      writeFileSync(host.drainFile, "");
      await sleep(context.scaled(context.drainSeconds) * 1000);
      for (const service of [host.primary, host.backup]) await service.kill();
      host.nginx.kill("SIGKILL");
    },
  },
  {
    name: "datastore primary down",
    async inject(twin, context) {
      twin.postgres.stopServer();
      await sleep(context.scaled(30) * 1000);
      twin.postgres.start();
    },
  },
  {
    name: "a region lost",
    async inject(twin) {
      twin.loseRegion(twin.vips.length - 1);
    },
  },
  ...dnsScenarios,
];

function runLoad(twin: Twin, plan: LoadPlan): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", twin.clientNamespace, process.execPath, "--require", "tsx/cjs", path.join(__dirname, "loadgen.ts"), JSON.stringify(plan)], {
      stdio: ["ignore", "pipe", "pipe"],
      cwd: path.join(__dirname, ".."),
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), plan.deadlineMs + 20_000);
    child.on("exit", (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(JSON.parse(out) as LoadReport);
      else reject(new Error(`the load generator failed (exit ${code}): ${err}`));
    });
  });
}

async function storedCounts(twin: Twin, prefix: string): Promise<{ rows: number; distinct: number }> {
  const [row] = await twin.postgres.query<{ rows: string; distinct: string }>("SELECT count(*) AS rows, count(DISTINCT insert_id) AS distinct FROM events WHERE insert_id LIKE $1", [`${prefix}-%`]);
  return { rows: Number(row!.rows), distinct: Number(row!.distinct) };
}

export interface GamedayOptions {
  /** The stack whose plan the twin plays. */
  stack: string;
  settings: HostEdgeSettings;
  shape: TwinShape;
  collectorPath: string;
  retry: RetrySchedule;
  maxBatchEvents: number;
  drainSeconds: number;
  /** TTL of the ingest name's answer, scaled, in ms. */
  answerTtlMs: number;
  scale: number;
  /** Events tracked per second per source address. */
  eventsPerSecondPerClient: number;
  trackMs: number;
  deadlineMs: number;
}

export async function runScenario(scenario: Scenario, options: GamedayOptions): Promise<ScenarioResult> {
  const teardown = new Teardown();
  const twin = await startTwin(options.settings, options.shape, teardown).catch((error: Error) => {
    teardown.run();
    throw error;
  });
  try {
    const context: ScenarioContext = { scaled: (s) => Math.max(1, s * options.scale), drainSeconds: options.drainSeconds };
    const setup = (await scenario.prepare?.(twin, teardown, options)) ?? {};
    const idPrefix = `gd${Date.now().toString(36)}`;
    const load = runLoad(twin, {
      idPrefix,
      sources: twin.clientAddresses,
      targets: twin.vips.map((vip) => `${vip}:${nginxListenPort}`),
      answerFile: twin.answerFile,
      answerTtlMs: options.answerTtlMs,
      resolver: setup.resolver,
      collectorPath: options.collectorPath,
      eventsPerSecondPerClient: options.eventsPerSecondPerClient,
      maxBatchEvents: options.maxBatchEvents,
      retry: options.retry,
      trackMs: options.trackMs,
      deadlineMs: options.deadlineMs,
    });
    await sleep(faultDelayMs);
    const faultAt = Date.now();
    const failedHost = twin.hosts[0]!.address;
    await scenario.inject(twin, context);
    const report = await load;
    // Spooled events are replayed once the datastore is back: wait until the count holds still.
    let counts = await storedCounts(twin, idPrefix);
    for (let i = 0, stable = 0; i < 60 && stable < 3; i++) {
      await sleep(500);
      const next = await storedCounts(twin, idPrefix).catch(() => counts);
      stable = next.rows === counts.rows && next.rows >= report.acknowledged ? stable + 1 : 0;
      counts = next;
    }
    const failed = report.attempts.filter((a) => a.status < 200 || a.status >= 300);
    const lastFailure = Math.max(faultAt, ...failed.map((a) => a.end));
    const drop = twin.balancerEvents.find((e) => e.at >= faultAt && !e.healthy.includes(failedHost) && e.region === twin.hosts[0]!.region);
    const dnsDrop = twin.answerEvents.find((e) => e.at >= faultAt && e.regions.length < twin.vips.length);
    const lost = report.sent - counts.distinct;
    const acknowledgedLost = Math.max(0, report.acknowledged - counts.distinct);
    const problems: string[] = [];
    const judged = await setup.judge?.({ sent: report.sent, stored: counts.distinct, lost }, report, faultAt);
    if (judged) problems.push(...judged.problems);
    else if (lost !== 0) problems.push(`${lost} events lost`);
    if (acknowledgedLost !== 0) problems.push(`${acknowledgedLost} acknowledged events are not stored`);
    if (counts.rows !== counts.distinct) problems.push(`${counts.rows - counts.distinct} duplicates stored`);
    if (report.sent !== counts.distinct + lost) problems.push(`sent ${report.sent} ≠ stored ${counts.distinct} + lost ${lost}`);
    return {
      scenario: scenario.name,
      sent: report.sent,
      stored: counts.distinct,
      lost,
      acknowledgedLost,
      duplicates: counts.rows - counts.distinct,
      recoverySeconds: seconds(lastFailure - faultAt),
      failedAttempts: failed.length,
      balancerDropSeconds: drop ? seconds(drop.at - faultAt) : undefined,
      dnsDropSeconds: dnsDrop ? seconds(dnsDrop.at - faultAt) : undefined,
      passed: problems.length === 0,
      problems,
      details: judged?.details,
    };
  } finally {
    twin.stop();
  }
}
