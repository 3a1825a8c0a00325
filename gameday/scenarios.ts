/**
 * Game-day scenarios on the edge twin: each brings up a fresh twin, runs the load generator in
 * the client namespace, injects one failure, and counts what the datastore holds afterwards.
 * Each scenario names the failure mode of the recovery model it is judged against; its measured
 * recovery is taken from the client's side: from the moment of the modelled failure to the start
 * of the last attempt that failed, or the longest wait (from the failure) of an attempt in flight
 * then or started after it, whichever is longer (0 when no client saw a failure or waited longer
 * than any attempt before the failure). An attempt that starts once traffic is served again
 * succeeds, so this is the twin's "time until traffic is served again", the figure the model predicts.
 *
 * The events are checked per id: every id a client saw acknowledged must be stored; an id not
 * stored must still be held by its client (else it vanished); and the datastore's audit counts
 * every delivery, so an id delivered twice shows although the primary key stores it once.
 *
 * Scenarios are one array: append one to add it (other files may `scenarios.push(...)` theirs).
 */
import path from "node:path";
import { ingestUnit, nginxListenPort } from "../models/hostEdge";
import { FailureMode } from "../models/recovery";
import { RetrySchedule } from "../models/snippet/delivery";
import { LoadPlan, LoadReport } from "./loadgen";
import { BrowserShareCount, BrowserShareOptions, startBrowserShare } from "./chromium";
import { runNodeInNamespace, Teardown } from "./netns";
import { scaledSeconds } from "./planned";
import { twinSpooledEvents, watchSpools } from "./replay";
import { spikeBeyondCapacity, spikeShape } from "./spike";
import { startTwin, Twin, TwinShape } from "./twin";
import type { PlannedCdn } from "./planned";
import { dnsScenarios } from "./dnsScenarios";
import { acknowledgementScenarios } from "./ackScenarios";
import { connectStormScenarios } from "./connectStorm";
import { drainHost, signalUnit } from "./bootedHost";
import { eventContractProblems, failedAttempts, failedAttemptsDetails, recoveryFigures, recoveryParts } from "./judge";
import { faultDelayMs, healthyWaitMs, inService, refreshSeconds } from "./hostWaits";

/** What a scenario run knows besides the twin: the scaled timers it may wait on. */
export interface ScenarioContext {
  /** A timer of the plan in seconds, scaled by the run's rule (no timer below 1 s). */
  scaled(seconds: number): number;
  /** The model's worst-case recovery for the scenario's mode at this scale, seconds (0 without one). */
  predictedSeconds: number;
  /** The run's options (the twin's shape, the planned CDN, the scale). */
  options: GamedayOptions;
}

/** What a scenario measures itself besides the event counts: figures for the results, and the rules it saw broken. */
export interface ScenarioFindings {
  figures: Record<string, number>;
  problems: string[];
}

/** What `inject` may report: the moment the modelled failure began when that is not the moment `inject` was called, and its own findings. */
export interface InjectOutcome extends Partial<ScenarioFindings> {
  faultAt?: number;
  /** What the scenario saw besides figures, for the results. */
  details?: string[];
}

/** What a scenario adds to the twin before the load starts. */
export interface ScenarioSetup {
  /** How the load generator resolves the ingest name; absent: the twin's answer file. */
  resolver?: LoadPlan["resolver"];
  /** What the browser share does besides one page view (several page views, origins a scenario fails). */
  browser?: BrowserShareOptions;
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
  /** How long the clients track events at least, seconds at the run's scale, so the failure and the way back fall inside the load. */
  trackSeconds?(context: ScenarioContext): number;
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
  /** Ids a client saw acknowledged (2xx) that the datastore does not hold, counted id by id: the contract's worst breach. */
  acknowledgedLost: number;
  /** Events stored twice under different ids (the browser share's `seq`): a real duplicate. */
  duplicates: number;
  /** Inserts of an id the datastore already held (its audit count): retries and replays, harmless, shown. */
  duplicateDeliveries: number;
  /** Seconds from the modelled failure to the start of the last failed attempt, or the longest wait beyond the usual latency, whichever is longer. */
  measuredSeconds: number;
  /** Seconds from the failure until every client that failed was served again, waits included (null: one never was within the run). */
  servedAgainSeconds: number | null;
  failedAttempts: number;
  /** Seconds from the failure until the region's balancer dropped the failed host (undefined when it never did). */
  balancerDropSeconds?: number;
  /** Seconds from the failure until the ingest name stopped answering with a region (undefined when it never did). */
  dnsDropSeconds?: number;
  /** The browser share's events (included in sent, stored, lost and duplicates). */
  browser?: BrowserShareCount;
  /** The scenario's own figures (see `ScenarioFindings`). */
  figures?: Record<string, number>;
  /** Breaches of the event contract (an acknowledged id not stored, an id neither stored nor held, a duplicate) and of the scenario's own rules. */
  problems: string[];
  /** What the scenario measured besides the events (its `judge`). */
  details?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long the spools may take to empty once a run's faults are undone: the datastore scenario's own bound on its replay. */
const spoolReplayTimeoutMs = 60_000;
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const clientView = "from the failure to the start of the last client attempt that failed";

export const scenarios: Scenario[] = [
  {
    name: "host service killed",
    mode: "serviceDies",
    browserShare: true,
    reduced: true,
    measures: `${clientView} (SIGKILL of the primary unit's processes inside the booted host; nginx resends to the backup process, systemd's Restart=always brings it back)`,
    async inject(twin) {
      signalUnit(twin.hosts[0]!.machine, ingestUnit, "SIGKILL");
    },
  },
  {
    name: "host service frozen",
    mode: "serviceFreezes",
    measures: `${clientView}, waits included (SIGSTOP of the primary unit's processes inside the booted host, SIGCONT after the scaled 60 s)`,
    trackSeconds: (c) => faultDelayMs / 1000 + c.scaled(60) + 6,
    async inject(twin, context) {
      // Accepts connections (the kernel completes the handshake into the backlog), never answers.
      const host = twin.hosts[0]!;
      signalUnit(host.machine, ingestUnit, "SIGSTOP");
      await sleep(context.scaled(60) * 1000);
      signalUnit(host.machine, ingestUnit, "SIGCONT");
    },
  },
  {
    name: "drain then terminate",
    mode: "deploy",
    reduced: true,
    measures: `from the old host stopping (its machine shut down, after the drain its lifecycle hook starts) to the start of the last client attempt that failed; its replacement is booted first and in service before the drain, as the instance refresh does`,
    trackSeconds: (c) => refreshSeconds(c.options, 0) + 12,
    async inject(twin, context) {
      const old = twin.hosts[0]!;
      const replacement = await twin.addHost(old.region);
      if (!(await inService(twin, replacement, healthyWaitMs(context.options, old.region)))) return { problems: ["the replacement host never entered service"] };
      await drainHost(old);
      await sleep(twin.regions[old.region]!.drainSeconds * 1000);
      const stoppedAt = Date.now();
      await twin.terminate(old);
      return { faultAt: stoppedAt };
    },
  },
  {
    // The model's worst case: a primary that holds its connections and never answers (a stopped
    // one refuses at once and the service spools without a wait).
    name: "datastore primary down",
    mode: "datastorePrimaryFails",
    measures: `${clientView}, or the longest wait of an attempt in flight at the hang or started after it, whichever is longer (every PostgreSQL process SIGSTOPped for the scaled 30 s, so inserts hang; the service spools and replays)`,
    trackSeconds: (c) => faultDelayMs / 1000 + c.scaled(30) + 6,
    async inject(twin, context) {
      const spools = watchSpools(twin);
      twin.postgres.signalAll("SIGSTOP");
      try {
        await sleep(context.scaled(30) * 1000);
      } finally {
        twin.postgres.signalAll("SIGCONT");
      }
      return spools.replayed(Date.now(), spoolReplayTimeoutMs);
    },
  },
  {
    name: "a spike beyond capacity",
    browserShare: true,
    measures: `${clientView} (held requests, slow headers and a burst beyond the rendered nginx limits on one region, held until all are open, then a connect storm; shed with 503 + Retry-After and retried)`,
    // Real seconds, not scaled: how long opening the spike's connections takes is the machine's.
    trackSeconds: () => spikeShape.trackSeconds,
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
  ...acknowledgementScenarios,
  ...dnsScenarios,
  ...connectStormScenarios,
];

function runLoad(twin: Twin, plan: LoadPlan): Promise<LoadReport> {
  return runNodeInNamespace(twin.clientNamespace, path.join(__dirname, "loadgen.ts"), plan, plan.deadlineMs + 20_000);
}

async function storedCount(twin: Twin, prefix: string): Promise<number> {
  const [row] = await twin.postgres.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE insert_id LIKE $1", [`${prefix}-%`]);
  return Number(row!.n);
}

/** Rows stored and inserts committed (the audit's count) under `prefix`, read in one statement: one snapshot, so a replay still running cannot make them disagree. */
async function storedAndDelivered(twin: Twin, prefix: string): Promise<{ stored: number; deliveries: number }> {
  const [row] = await twin.postgres.query<{ stored: string; deliveries: string }>(
    "SELECT (SELECT count(*) FROM events WHERE insert_id LIKE $1) AS stored, (SELECT count(*) FROM twin_deliveries WHERE insert_id LIKE $1) AS deliveries",
    [`${prefix}-%`],
  );
  return { stored: Number(row!.stored), deliveries: Number(row!.deliveries) };
}

/** The ids of `ids` the datastore does not hold. */
async function notStored(twin: Twin, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await twin.postgres.query<{ id: string }>("SELECT id FROM unnest($1::text[]) AS a(id) WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.insert_id = a.id)", [ids]);
  return rows.map((r) => r.id);
}

/** What the datastore holds of a run's ids, read id by id. */
interface RunCounts {
  stored: number;
  /** Inserts committed (the audit's count), read with `stored` in one snapshot. */
  deliveries: number;
  missingAcknowledged: string[];
  lostIds: string[];
}

/**
 * Spooled events are replayed once the datastore is back, those of attempts a client gave up on
 * too: waits until the hosts' spools are empty (a service first waits out its reconnect interval
 * and its search for a primary, longer than the count holds still), then until every id sent is
 * stored or still held by its client, or the count holds still. The counts are read together
 * afterwards (`runCounts`), so a replay still running cannot show as a loss; spools that never
 * empty leave their events missing, which the event contract reports.
 */
async function awaitReplays(twin: Twin, idPrefix: string, report: LoadReport): Promise<void> {
  for (const until = Date.now() + spoolReplayTimeoutMs; twinSpooledEvents(twin) > 0 && Date.now() < until; ) await sleep(500);
  let stored = await storedCount(twin, idPrefix);
  let missingAcknowledged = await notStored(twin, report.acknowledgedIds);
  let lostIds = await notStored(twin, report.unacknowledged);
  for (let i = 0, stable = 0; i < 120 && stable < 3 && (missingAcknowledged.length > 0 || report.sent - stored - lostIds.length !== 0); i++) {
    await sleep(500);
    const next = await storedCount(twin, idPrefix).catch(() => stored);
    stable = next === stored ? stable + 1 : 0;
    stored = next;
    missingAcknowledged = await notStored(twin, report.acknowledgedIds).catch(() => missingAcknowledged);
    lostIds = await notStored(twin, report.unacknowledged).catch(() => lostIds);
  }
}

/** The run's counts, once replays have settled: rows stored and inserts committed in one snapshot, then the ids not stored. */
async function runCounts(twin: Twin, idPrefix: string, report: LoadReport): Promise<RunCounts> {
  return { ...(await storedAndDelivered(twin, idPrefix)), missingAcknowledged: await notStored(twin, report.acknowledgedIds), lostIds: await notStored(twin, report.unacknowledged) };
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
  /** The snippet's CDN as planned (timers scaled): what the CDN stand-in does. */
  cdn?: PlannedCdn;
}

export async function runScenario(scenario: Scenario, options: GamedayOptions, predictedSeconds = 0): Promise<ScenarioRun> {
  const teardown = new Teardown();
  const twin = await startTwin(options.shape, teardown).catch((error: Error) => {
    teardown.run();
    throw error;
  });
  try {
    const context: ScenarioContext = { scaled: (s) => scaledSeconds(s, options.scale), predictedSeconds, options };
    // The load covers the failure and the way back the model predicts, with room for the run.
    const plannedTrackMs = Math.max(options.trackMs, Math.ceil((scenario.trackSeconds?.(context) ?? faultDelayMs / 1000 + 1.5 * predictedSeconds + 6) * 1000));
    const setup = (await scenario.prepare?.(twin, teardown, { ...options, trackMs: plannedTrackMs, deadlineMs: options.deadlineMs - options.trackMs + plannedTrackMs })) ?? {};
    // A scenario may need its clients longer than its failure mode's prediction (a withdrawal by hand).
    const trackMs = Math.max(plannedTrackMs, setup.trackMs ?? 0);
    const run = { ...options, trackMs, deadlineMs: options.deadlineMs - options.trackMs + trackMs };
    const idPrefix = `gd${Date.now().toString(36)}`;
    const load = runLoad(twin, {
      idPrefix,
      sources: twin.clientAddresses,
      targets: twin.vips.map((vip) => `${vip}:${nginxListenPort}`),
      answerFile: twin.answerFile,
      answerTtlMs: run.answerTtlMs,
      resolver: setup.resolver,
      collectorPath: run.collectorPath,
      eventsPerSecondPerClient: run.eventsPerSecondPerClient,
      maxBatchEvents: run.maxBatchEvents,
      retry: run.retry,
      trackMs: run.trackMs,
      deadlineMs: run.deadlineMs,
    });
    const browser = scenario.browserShare && run.browser ? startBrowserShare(twin, run, `${idPrefix}-browser`, 0, setup.browser) : undefined;
    await sleep(faultDelayMs);
    const injectedAt = Date.now();
    const failedHost = twin.hosts[0]!.address;
    const failedRegion = twin.hosts[0]!.region;
    const outcome = (await scenario.inject(twin, context)) ?? {};
    const faultAt = outcome.faultAt ?? injectedAt;
    const report = await load;
    await awaitReplays(twin, idPrefix, report);
    const share = await browser?.count();
    const { stored, deliveries, missingAcknowledged, lostIds } = await runCounts(twin, idPrefix, report);
    const lost = lostIds.length;
    const drop = twin.balancerEvents.find((e) => e.at >= injectedAt && !e.healthy.includes(failedHost) && e.region === failedRegion);
    const dnsDrop = twin.answerEvents.find((e) => e.at >= injectedAt && e.regions.length < twin.vips.length);
    const problems: string[] = [...(outcome.problems ?? []), ...(share?.problems ?? [])];
    const judged = await setup.judge?.({ sent: report.sent, stored, lost }, report, faultAt);
    if (judged) problems.push(...judged.problems);
    problems.push(...eventContractProblems({ sent: report.sent, stored, missingAcknowledged, lostIds, dropped: report.dropped, share }));
    const recovery = recoveryParts(report.attempts, faultAt);
    // A library load that failed is a failed attempt of the browser's too.
    const measuredMs = Math.max(recovery.measuredMs, ...(share?.failedLibraryLoads ?? []).filter((at) => at >= faultAt).map((at) => at - faultAt));
    const servedAgain = Math.max(measuredMs, recovery.servedAgainMs);
    return {
      twin: twin.prefix,
      sent: report.sent + (share?.sent ?? 0),
      stored: stored + (share?.stored ?? 0),
      lost: lost + (share?.lost ?? 0),
      acknowledgedLost: missingAcknowledged.length,
      duplicates: share?.duplicates ?? 0,
      duplicateDeliveries: deliveries - stored + (share?.duplicateDeliveries ?? 0),
      browser: share,
      figures: { ...outcome.figures, ...recoveryFigures(recovery) },
      measuredSeconds: seconds(measuredMs),
      servedAgainSeconds: Number.isFinite(servedAgain) ? seconds(servedAgain) : null,
      failedAttempts: failedAttempts(report.attempts).length,
      balancerDropSeconds: drop ? seconds(drop.at - injectedAt) : undefined,
      dnsDropSeconds: dnsDrop ? seconds(dnsDrop.at - injectedAt) : undefined,
      problems,
      details: [...(outcome.details ?? []), ...(judged?.details ?? []), ...failedAttemptsDetails(report.attempts, faultAt)],
    };
  } finally {
    await twin.stop();
  }
}
