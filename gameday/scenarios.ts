/**
 * Game-day scenarios on the edge twin: each brings up a fresh twin, runs the load generator in
 * the client namespace, injects one failure, and counts what the datastore holds afterwards.
 * Recovery is measured from the client's side: from the failure to the end of the last attempt
 * that failed (0 when no client ever saw a failure).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { HostEdgeSettings, nginxListenPort } from "../models/hostEdge";
import { RetrySchedule } from "../models/snippet/delivery";
import { LoadPlan, LoadReport } from "./loadgen";
import { runNodeInNamespace, Teardown } from "./netns";
import { watchSpools } from "./replay";
import { spikeBeyondCapacity } from "./spike";
import { BrowserShareCount, startBrowserShare } from "./chromium";
import { startTwin, Twin, TwinShape } from "./twin";

/** What a scenario run knows besides the twin: the scaled timers it may wait on. */
export interface ScenarioContext {
  /** Multiplies every time of the plan (health checks, drain, retry schedule); no timer below 1 s. */
  scaled(seconds: number): number;
  drainSeconds: number;
}

/** What a scenario measures itself besides the event counts: figures for the results, and the rules it saw broken. */
export interface ScenarioFindings {
  figures: Record<string, number>;
  problems: string[];
}

export interface Scenario {
  name: string;
  /** Injects the failure; resolves when the scenario's own steps (repair included) are done. */
  inject(twin: Twin, context: ScenarioContext): Promise<ScenarioFindings | void>;
  /** A share of the load comes from headless Chromium running the real snippet (when `GamedayOptions.browser` is set). */
  browserShare?: boolean;
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
  /** The browser share's events (included in sent, stored, lost and duplicates). */
  browser?: BrowserShareCount;
  /** The scenario's own figures (see `ScenarioFindings`). */
  figures?: Record<string, number>;
  passed: boolean;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const faultDelayMs = 4000;

export const scenarios: Scenario[] = [
  {
    name: "host service killed",
    browserShare: true,
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
      const spools = watchSpools(twin);
      twin.postgres.stopServer();
      await sleep(context.scaled(30) * 1000);
      twin.postgres.start();
      return spools.replayed(Date.now(), 60_000);
    },
  },
  {
    name: "a spike beyond capacity",
    browserShare: true,
    inject: (twin, context) => spikeBeyondCapacity(twin, 0, context.scaled(30) * 1000),
  },
  {
    name: "a region lost",
    async inject(twin) {
      twin.loseRegion(twin.vips.length - 1);
    },
  },
];

function runLoad(twin: Twin, plan: LoadPlan): Promise<LoadReport> {
  return runNodeInNamespace(twin.clientNamespace, path.join(__dirname, "loadgen.ts"), plan, plan.deadlineMs + 20_000);
}

async function storedCounts(twin: Twin, prefix: string): Promise<{ rows: number; distinct: number }> {
  const [row] = await twin.postgres.query<{ rows: string; distinct: string }>("SELECT count(*) AS rows, count(DISTINCT insert_id) AS distinct FROM events WHERE insert_id LIKE $1", [`${prefix}-%`]);
  return { rows: Number(row!.rows), distinct: Number(row!.distinct) };
}

export interface GamedayOptions {
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
  /** The browser share: the ingest name the library posts to, and its events tracked per second. */
  browser?: { ingestHost: string; eventsPerSecond: number };
}

export async function runScenario(scenario: Scenario, options: GamedayOptions): Promise<ScenarioResult> {
  const teardown = new Teardown();
  const twin = await startTwin(options.settings, options.shape, teardown).catch((error: Error) => {
    teardown.run();
    throw error;
  });
  try {
    const context: ScenarioContext = { scaled: (s) => Math.max(1, s * options.scale), drainSeconds: options.drainSeconds };
    const idPrefix = `gd${Date.now().toString(36)}`;
    const load = runLoad(twin, {
      idPrefix,
      sources: twin.clientAddresses,
      targets: twin.vips.map((vip) => `${vip}:${nginxListenPort}`),
      answerFile: twin.answerFile,
      answerTtlMs: options.answerTtlMs,
      collectorPath: options.collectorPath,
      eventsPerSecondPerClient: options.eventsPerSecondPerClient,
      maxBatchEvents: options.maxBatchEvents,
      retry: options.retry,
      trackMs: options.trackMs,
      deadlineMs: options.deadlineMs,
    });
    const browser = scenario.browserShare && options.browser ? startBrowserShare(twin, options, `${idPrefix}-browser`, 0) : undefined;
    await sleep(faultDelayMs);
    const faultAt = Date.now();
    const failedHost = twin.hosts[0]!.address;
    const findings = await scenario.inject(twin, context);
    const report = await load;
    // Spooled events are replayed once the datastore is back: wait until the count holds still.
    let counts = await storedCounts(twin, idPrefix);
    for (let i = 0, stable = 0; i < 60 && stable < 3; i++) {
      await sleep(500);
      const next = await storedCounts(twin, idPrefix).catch(() => counts);
      stable = next.rows === counts.rows && next.rows >= report.acknowledged ? stable + 1 : 0;
      counts = next;
    }
    const share = await browser?.count();
    const failed = report.attempts.filter((a) => a.status < 200 || a.status >= 300);
    const lastFailure = Math.max(faultAt, ...failed.map((a) => a.end));
    const drop = twin.balancerEvents.find((e) => e.at >= faultAt && !e.healthy.includes(failedHost) && e.region === twin.hosts[0]!.region);
    const dnsDrop = twin.answerEvents.find((e) => e.at >= faultAt && e.regions.length < twin.vips.length);
    const lost = report.sent - counts.distinct;
    const acknowledgedLost = Math.max(0, report.acknowledged - counts.distinct);
    const problems: string[] = [...(findings?.problems ?? [])];
    problems.push(...(share?.problems ?? []));
    if (share && share.lost !== 0) problems.push(`${share.lost} of Chromium's ${share.sent} events lost`);
    if (share && share.duplicates !== 0) problems.push(`${share.duplicates} of Chromium's events stored twice`);
    if (lost !== 0) problems.push(`${lost} events lost`);
    if (acknowledgedLost !== 0) problems.push(`${acknowledgedLost} acknowledged events are not stored`);
    if (counts.rows !== counts.distinct) problems.push(`${counts.rows - counts.distinct} duplicates stored`);
    if (report.sent !== counts.distinct + lost) problems.push(`sent ${report.sent} ≠ stored ${counts.distinct} + lost ${lost}`);
    return {
      scenario: scenario.name,
      sent: report.sent + (share?.sent ?? 0),
      stored: counts.distinct + (share?.stored ?? 0),
      lost: lost + (share?.lost ?? 0),
      acknowledgedLost,
      duplicates: counts.rows - counts.distinct + (share?.duplicates ?? 0),
      browser: share,
      recoverySeconds: seconds(lastFailure - faultAt),
      failedAttempts: failed.length,
      balancerDropSeconds: drop ? seconds(drop.at - faultAt) : undefined,
      dnsDropSeconds: dnsDrop ? seconds(dnsDrop.at - faultAt) : undefined,
      figures: findings?.figures,
      passed: problems.length === 0,
      problems,
    };
  } finally {
    twin.stop();
  }
}
