/**
 * Game-day scenarios on the edge twin: each brings up a fresh twin, runs the load generator in
 * the client namespace, injects one failure, and counts what the datastore holds afterwards.
 * Each scenario names the failure mode of the recovery model it is judged against; its measured
 * recovery is taken from the client's side: from the moment of the modelled failure to the start
 * of the last attempt that failed (0 when no client saw a failure). An attempt that starts once
 * traffic is served again succeeds, so this is the twin's "time until traffic is served again",
 * the figure the model predicts.
 *
 * Scenarios are one array: append one to add it (other files may `scenarios.push(...)` theirs).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { nginxListenPort } from "../models/hostEdge";
import { FailureMode, RecoveryFigure } from "../models/recovery";
import { RetrySchedule } from "../models/snippet/delivery";
import { LoadPlan, LoadReport } from "./loadgen";
import { BrowserShareCount, startBrowserShare } from "./chromium";
import { runNodeInNamespace, Teardown } from "./netns";
import { scaledSeconds } from "./planned";
import { watchSpools } from "./replay";
import { spikeBeyondCapacity, spikeShape } from "./spike";
import { startTwin, Twin, TwinShape } from "./twin";
import { dnsScenarios } from "./dnsScenarios";

/** What a scenario run knows besides the twin: the scaled timers it may wait on. */
export interface ScenarioContext {
  /** A timer of the plan in seconds, scaled by the run's rule (no timer below 1 s). */
  scaled(seconds: number): number;
}

/** What a scenario measures itself besides the event counts: figures for the results, and the rules it saw broken. */
export interface ScenarioFindings {
  figures: Record<string, number>;
  problems: string[];
}

/** What `inject` may report: the moment the modelled failure began when that is not the moment `inject` was called, and its own findings. */
export interface InjectOutcome extends Partial<ScenarioFindings> {
  faultAt?: number;
}

/** What a scenario adds to the twin before the load starts. */
export interface ScenarioSetup {
  /** How the load generator resolves the ingest name; absent: the twin's answer file. */
  resolver?: LoadPlan["resolver"];
  /** How long the clients track events, ms, when the scenario's recovery outlasts the run's (`GamedayOptions.trackMs`). */
  trackMs?: number;
  /**
   * Judges the run with what the scenario measured itself (a resolver's lookups, a legacy client's
   * answers); duplicates, acknowledged events not stored and losses above the scenario's bound are
   * problems regardless.
   */
  judge?(counts: { sent: number; stored: number; lost: number }, report: LoadReport, faultAt: number): Promise<{ problems: string[]; details: string[] }>;
}

export interface Scenario {
  name: string;
  /**
   * The failure mode of models/recovery whose predicted worst-case recovery the scenario is judged
   * against; absent for a scenario no mode describes (a spike, an oversized answer): its recovery
   * is shown, not judged.
   */
  mode?: FailureMode;
  /** Events the scenario may lose of `sent`. Defaults to the model's share of lost events for its mode (0 with the shipped defaults). */
  lossBound?(sent: number): number;
  /** In the reduced set (`npm test`, `npm run gameday` without `--full`). */
  reduced?: boolean;
  /** What the measured recovery is, from which moment, as the results table explains it. */
  measures: string;
  /**
   * Where the failure shows as a wait rather than an error (a hung datastore: the service answers
   * from its spool once the insert times out), the recovery measured is also the longest an attempt
   * in flight at the failure, or started after it, waited for its answer.
   */
  measuresWaits?: boolean;
  /**
   * Injects the failure; resolves when the scenario's own steps (repair included) are done, with
   * what it measured itself and, when that is not the moment `inject` was called, the moment the
   * modelled failure began (a deploy's failure is the host stopping, after its drain).
   */
  inject(twin: Twin, context: ScenarioContext): Promise<InjectOutcome | void>;
  /** A share of the load comes from headless Chromium running the real snippet (when `GamedayOptions.browser` is set). */
  browserShare?: boolean;
  /** Starts what the scenario needs besides the twin, each undo registered with `teardown`. */
  prepare?(twin: Twin, teardown: Teardown, options: GamedayOptions): Promise<ScenarioSetup>;
}

/** One run of a scenario: what the datastore holds and what the clients saw. */
export interface ScenarioRun {
  /** The prefix of every namespace and link the run's twin made (all removed when the run ends). */
  twin: string;
  sent: number;
  stored: number;
  lost: number;
  /** Acknowledged with 200 but not in the datastore: the contract's worst breach. */
  acknowledgedLost: number;
  duplicates: number;
  /** Seconds from the modelled failure to the start of the last failed attempt (0: no client saw one). */
  measuredSeconds: number;
  failedAttempts: number;
  /** Seconds from the failure until the region's balancer dropped the failed host (undefined when it never did). */
  balancerDropSeconds?: number;
  /** Seconds from the failure until the ingest name stopped answering with a region (undefined when it never did). */
  dnsDropSeconds?: number;
  /** The browser share's events (included in sent, stored, lost and duplicates). */
  browser?: BrowserShareCount;
  /** The scenario's own figures (see `ScenarioFindings`). */
  figures?: Record<string, number>;
  /** Breaches of the event contract (sent ≠ stored + lost, duplicates) and of the scenario's own rules. */
  problems: string[];
  /** What the scenario measured besides the events (its `judge`). */
  details?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const faultDelayMs = 4000;
const clientView = "from the failure to the start of the last client attempt that failed";

export const scenarios: Scenario[] = [
  {
    name: "host service killed",
    mode: "serviceDies",
    browserShare: true,
    reduced: true,
    measures: `${clientView} (nginx resends to the backup process)`,
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
    mode: "serviceFreezes",
    measures: `${clientView} (SIGSTOP of the primary process, SIGCONT after the scaled 60 s)`,
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
    mode: "deploy",
    reduced: true,
    measures: `from the host stopping (after its drain) to the start of the last client attempt that failed`,
    async inject(twin) {
      const host = twin.hosts[0]!;
      writeFileSync(host.drainFile, "");
      await sleep(twin.regions[host.region]!.drainSeconds * 1000);
      const stoppedAt = Date.now();
      for (const service of [host.primary, host.backup]) await service.kill();
      host.nginx.kill("SIGKILL");
      return { faultAt: stoppedAt };
    },
  },
  {
    // The model's worst case: a primary that holds its connections and never answers (a stopped
    // one refuses at once and the service spools without a wait).
    name: "datastore primary down",
    mode: "datastorePrimaryFails",
    measures: `${clientView}, or the longest wait of an attempt in flight at the hang or started after it, whichever is longer (every PostgreSQL process SIGSTOPped for the scaled 30 s, so inserts hang; the service spools and replays)`,
    measuresWaits: true,
    async inject(twin, context) {
      const spools = watchSpools(twin);
      twin.postgres.signalAll("SIGSTOP");
      try {
        await sleep(context.scaled(30) * 1000);
      } finally {
        twin.postgres.signalAll("SIGCONT");
      }
      return spools.replayed(Date.now(), 60_000);
    },
  },
  {
    name: "a spike beyond capacity",
    browserShare: true,
    measures: `${clientView} (held requests, slow headers and a burst beyond the rendered nginx limits on one region, held until all are open, then a connect storm; shed with 503 + Retry-After and retried)`,
    prepare: async () => ({ trackMs: spikeShape.trackSeconds * 1000 }),
    inject: (twin) => spikeBeyondCapacity(twin, 0),
  },
  {
    name: "a region lost",
    mode: "regionLost",
    measures: `${clientView} (every process of the region killed, its balancer unreachable)`,
    async inject(twin) {
      twin.loseRegion(twin.vips.length - 1);
    },
  },
  ...dnsScenarios,
];

function runLoad(twin: Twin, plan: LoadPlan): Promise<LoadReport> {
  return runNodeInNamespace(twin.clientNamespace, path.join(__dirname, "loadgen.ts"), plan, plan.deadlineMs + 20_000);
}

async function storedCounts(twin: Twin, prefix: string): Promise<{ rows: number; distinct: number }> {
  const [row] = await twin.postgres.query<{ rows: string; distinct: string }>("SELECT count(*) AS rows, count(DISTINCT insert_id) AS distinct FROM events WHERE insert_id LIKE $1", [`${prefix}-%`]);
  return { rows: Number(row!.rows), distinct: Number(row!.distinct) };
}

export interface GamedayOptions {
  /** The stack whose plan the twin plays. */
  stack: string;
  shape: TwinShape;
  collectorPath: string;
  retry: RetrySchedule;
  maxBatchEvents: number;
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

export async function runScenario(scenario: Scenario, options: GamedayOptions): Promise<ScenarioRun> {
  const teardown = new Teardown();
  const twin = await startTwin(options.shape, teardown).catch((error: Error) => {
    teardown.run();
    throw error;
  });
  try {
    const context: ScenarioContext = { scaled: (s) => scaledSeconds(s, options.scale) };
    const setup = (await scenario.prepare?.(twin, teardown, options)) ?? {};
    const idPrefix = `gd${Date.now().toString(36)}`;
    const trackMs = Math.max(options.trackMs, setup.trackMs ?? 0);
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
      trackMs,
      deadlineMs: options.deadlineMs + trackMs - options.trackMs,
    });
    const browser = scenario.browserShare && options.browser ? startBrowserShare(twin, options, `${idPrefix}-browser`, 0) : undefined;
    await sleep(faultDelayMs);
    const injectedAt = Date.now();
    const failedHost = twin.hosts[0]!.address;
    const outcome = (await scenario.inject(twin, context)) ?? {};
    const faultAt = outcome.faultAt ?? injectedAt;
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
    const lastFailedStart = Math.max(faultAt, ...failed.filter((a) => a.end >= faultAt).map((a) => a.start));
    const longestWait = scenario.measuresWaits ? Math.max(0, ...report.attempts.filter((a) => a.end >= faultAt).map((a) => a.end - Math.max(a.start, faultAt))) : 0;
    const drop = twin.balancerEvents.find((e) => e.at >= injectedAt && !e.healthy.includes(failedHost) && e.region === twin.hosts[0]!.region);
    const dnsDrop = twin.answerEvents.find((e) => e.at >= injectedAt && e.regions.length < twin.vips.length);
    const lost = report.sent - counts.distinct;
    const acknowledgedLost = Math.max(0, report.acknowledged - counts.distinct);
    const problems: string[] = [...(outcome.problems ?? []), ...(share?.problems ?? [])];
    if (share && share.lost !== 0) problems.push(`${share.lost} of Chromium's ${share.sent} events lost`);
    if (share && share.duplicates !== 0) problems.push(`${share.duplicates} of Chromium's events stored twice`);
    const judged = await setup.judge?.({ sent: report.sent, stored: counts.distinct, lost }, report, faultAt);
    if (judged) problems.push(...judged.problems);
    if (acknowledgedLost !== 0) problems.push(`${acknowledgedLost} acknowledged events are not stored`);
    if (counts.rows !== counts.distinct) problems.push(`${counts.rows - counts.distinct} duplicates stored`);
    if (report.sent !== counts.distinct + lost) problems.push(`sent ${report.sent} ≠ stored ${counts.distinct} + lost ${lost}`);
    return {
      twin: twin.prefix,
      sent: report.sent + (share?.sent ?? 0),
      stored: counts.distinct + (share?.stored ?? 0),
      lost: lost + (share?.lost ?? 0),
      acknowledgedLost,
      duplicates: counts.rows - counts.distinct + (share?.duplicates ?? 0),
      browser: share,
      figures: outcome.figures,
      measuredSeconds: seconds(Math.max(lastFailedStart - faultAt, longestWait)),
      failedAttempts: failed.length,
      balancerDropSeconds: drop ? seconds(drop.at - injectedAt) : undefined,
      dnsDropSeconds: dnsDrop ? seconds(dnsDrop.at - injectedAt) : undefined,
      problems,
      details: judged?.details,
    };
  } finally {
    twin.stop();
  }
}

/** A scenario's verdict over its runs, against the model's prediction. */
export interface ScenarioResult {
  scenario: string;
  mode?: FailureMode;
  measures: string;
  runs: ScenarioRun[];
  /** Summed over the runs. */
  sent: number;
  stored: number;
  lost: number;
  duplicates: number;
  /** Events the scenario may lose: its own bound, else 0 unless the model predicts a loss for its failure mode. */
  lossBound: number;
  /** The model's worst-case recovery of the mode, from the scaled plan; null when the plan has no figure for it. */
  predictedSeconds: number | null;
  /** The median of the runs' measured recovery. */
  measuredSeconds: number;
  /** measured / predicted; null when the prediction is 0 s or there is none. */
  ratio: number | null;
  /** The band the ratio is judged in: [0.5, 1] with `--full`, [0, 1] for the reduced set. */
  band: { min: number; max: number };
  passed: boolean;
  problems: string[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Judges a scenario's runs: every run keeps the event contract (sent = stored + lost, no
 * duplicate, no acknowledged event missing, lost within the bound), and the median measured
 * recovery lies within `band` × the predicted one (a prediction of 0 s admits only 0 s).
 */
export function judgeScenario(scenario: Scenario, runs: ScenarioRun[], figure: RecoveryFigure | undefined, band: { min: number; max: number }): ScenarioResult {
  const sum = (pick: (r: ScenarioRun) => number) => runs.reduce((total, r) => total + pick(r), 0);
  // The model's events lost are those tracked so early in the window that they expire before the
  // edge is back; with none predicted, none may be lost.
  const lostShare = figure?.eventsLost && figure.eventsAtRisk ? figure.eventsLost / figure.eventsAtRisk : 0;
  const lossBound = scenario.lossBound ? scenario.lossBound(sum((r) => r.sent)) : Math.floor(sum((r) => r.sent) * lostShare);
  const predictedSeconds = figure ? figure.recoverySeconds : null;
  const measuredSeconds = median(runs.map((r) => r.measuredSeconds));
  const ratio = predictedSeconds ? Math.round((measuredSeconds / predictedSeconds) * 100) / 100 : null;
  const problems = runs.flatMap((r, i) => r.problems.map((p) => (runs.length > 1 ? `run ${i + 1}: ${p}` : p)));
  const lost = sum((r) => r.lost);
  if (lost > lossBound) problems.push(`${lost} events lost, above the bound of ${lossBound}`);
  if (scenario.mode !== undefined && predictedSeconds === null) problems.push(`the plan has no ${scenario.mode} figure to judge the recovery against`);
  else if (predictedSeconds !== null && (measuredSeconds > band.max * predictedSeconds || measuredSeconds < band.min * predictedSeconds)) {
    problems.push(`measured recovery ${measuredSeconds} s is outside ${band.min}–${band.max} × the predicted ${predictedSeconds} s`);
  }
  return {
    scenario: scenario.name,
    mode: scenario.mode,
    measures: scenario.measures,
    runs,
    sent: sum((r) => r.sent),
    stored: sum((r) => r.stored),
    lost,
    duplicates: sum((r) => r.duplicates),
    lossBound,
    predictedSeconds,
    measuredSeconds,
    ratio,
    band,
    passed: problems.length === 0,
    problems,
  };
}
