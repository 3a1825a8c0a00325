/**
 * How a game-day run is judged: the recovery measured from the clients' attempts, the event
 * contract checked id by id, and a scenario's verdict over its runs against the model's prediction.
 */
import type { FailureMode, RecoveryFigure } from "../models/recovery";
import type { BrowserShareCount } from "./chromium";
import type { LoadReport } from "./loadgen";
import type { Scenario, ScenarioRun } from "./scenarios";

const seconds = (ms: number) => Math.round(ms / 100) / 10;

const acknowledged = (a: LoadReport["attempts"][number]) => a.status >= 200 && a.status < 300;

/** The attempts that were not acknowledged (no answer, or an answer outside 2xx). */
export function failedAttempts(attempts: LoadReport["attempts"]): LoadReport["attempts"] {
  return attempts.filter((a) => !acknowledged(a));
}

/** A run's recovery as its clients saw it, ms from the failure (`recoveryParts`). */
export interface RecoveryParts {
  /** The start of the last attempt that failed. */
  lastFailedMs: number;
  /** The longest wait of an attempt in flight at the failure or started after it, beyond the usual latency. */
  longestWaitMs: number;
  /** The usual latency: the slowest attempt before the failure, at least a second. */
  usualMs: number;
  /** The measured recovery: the later of the last failed attempt's start and the longest wait. */
  measuredMs: number;
  /** When every client that failed was served again, waits included (Infinity when one never was). */
  servedAgainMs: number;
}

/**
 * The recovery a run measures from its clients' attempts: from the failure to the start of the
 * last attempt that failed, or the longest wait of an attempt in flight at the failure or started
 * after it (counted from the failure), whichever is longer. A wait no longer than the slowest attempt
 * before the failure, or than a second, is the edge's usual latency, not the failure's: the model
 * counts whole seconds, and a machine shared with other work stretches single requests to
 * hundreds of milliseconds.
 * That is the earliest the edge can have been back. It was back by the time every client that
 * failed was served again (the start of its first acknowledged attempt after its last failed one):
 * a client backing off (full jitter up to a minute) may send its last failed attempt long before
 * its cached answer turns, so the measured recovery can be far below the model's worst case for an
 * edge that recovers exactly when the model says.
 */
export function recoveryParts(attempts: LoadReport["attempts"], faultAt: number): RecoveryParts {
  const failed = failedAttempts(attempts).filter((a) => a.end >= faultAt);
  const lastFailedMs = Math.max(faultAt, ...failed.map((a) => a.start)) - faultAt;
  const usualMs = Math.max(1000, ...attempts.filter((a) => a.end < faultAt).map((a) => a.end - a.start));
  const longestWaitMs = Math.max(0, ...attempts.filter((a) => a.end >= faultAt && a.end - a.start > usualMs).map((a) => a.end - Math.max(a.start, faultAt)));
  const measuredMs = Math.max(lastFailedMs, longestWaitMs);
  const lastFailedByClient = new Map<number, number>();
  for (const a of failed) lastFailedByClient.set(a.client, Math.max(a.start, lastFailedByClient.get(a.client) ?? -Infinity));
  const servedAgainAt = [...lastFailedByClient].map(([client, lastFailed]) =>
    Math.min(Infinity, ...attempts.filter((a) => a.client === client && a.start > lastFailed && acknowledged(a)).map((a) => a.start)),
  );
  return { lastFailedMs, longestWaitMs, usualMs, measuredMs, servedAgainMs: Math.max(measuredMs, ...servedAgainAt.map((at) => at - faultAt)) };
}

/** What the measured recovery is made of, for the results: the last failed attempt's start and the longest wait, seconds from the failure. */
export function recoveryFigures(parts: RecoveryParts): Record<string, number> {
  return { lastFailedAttemptSeconds: seconds(parts.lastFailedMs), longestWaitSeconds: seconds(parts.longestWaitMs), usualLatencySeconds: seconds(parts.usualMs) };
}

/**
 * The failed attempts, as a line of a run's details (none when every attempt succeeded): how many
 * answered each status (0: no answer) and when the first and last started and ended, seconds from
 * the failure (negative: before it).
 */
export function failedAttemptsDetails(attempts: LoadReport["attempts"], faultAt: number): string[] {
  const failed = failedAttempts(attempts).sort((a, b) => a.start - b.start);
  if (failed.length === 0) return [];
  const byStatus = new Map<number, number>();
  for (const a of failed) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
  const at = (ms: number) => `${seconds(ms - faultAt)} s`;
  const span = (a: (typeof failed)[number]) => `started ${at(a.start)}, ended ${at(a.end)}`;
  const statuses = [...byStatus].map(([status, count]) => `${count} × ${status === 0 ? "no answer" : status}`).join(", ");
  return [`failed attempts: ${statuses}; the first ${span(failed[0]!)}, the last ${span(failed[failed.length - 1]!)} (from the failure)`];
}

/** What a run's datastore and clients hold, id by id, for `eventContractProblems`. */
export interface EventCount {
  /** Ids the load generator sent. */
  sent: number;
  /** Of them, how many the datastore holds. */
  stored: number;
  /** Ids a client saw acknowledged that the datastore does not hold. */
  missingAcknowledged: string[];
  /** Ids no client saw acknowledged that the datastore does not hold (still held by a client, or dropped by it). */
  lostIds: string[];
  /** Ids a client gave up on a refusal. */
  dropped: string[];
  share?: Pick<BrowserShareCount, "sent" | "lost" | "duplicates">;
}

/**
 * The event contract, checked id by id: every acknowledged id stored, every id sent either stored
 * or still held by its client (sent − stored − held is what vanished), none given up by its client,
 * and the browser share loses nothing and stores nothing twice.
 */
export function eventContractProblems(count: EventCount): string[] {
  const problems: string[] = [];
  const { share } = count;
  if (share && share.lost !== 0) problems.push(`${share.lost} of Chromium's ${share.sent} events lost`);
  if (share && share.duplicates !== 0) problems.push(`${share.duplicates} of Chromium's events stored twice`);
  const acknowledged = count.missingAcknowledged.length;
  if (acknowledged !== 0) problems.push(`${acknowledged} acknowledged ids are not stored (e.g. ${count.missingAcknowledged.slice(0, 3).join(", ")})`);
  const vanished = count.sent - count.stored - count.lostIds.length;
  if (vanished !== 0) problems.push(`${vanished} ids are neither stored nor held by their client: sent ${count.sent}, stored ${count.stored}, still held or dropped ${count.lostIds.length}`);
  const dropped = new Set(count.dropped);
  const droppedLost = count.lostIds.filter((id) => dropped.has(id)).length;
  if (droppedLost !== 0) problems.push(`${droppedLost} events dropped by their client on a refusal (the library gives them up)`);
  return problems;
}

/** A scenario's verdict over its runs, against the model's prediction. */
export interface ScenarioResult {
  scenario: string;
  /** The scale its timers ran at (1: real timings). */
  scale?: number;
  mode?: FailureMode;
  measures: string;
  runs: ScenarioRun[];
  /** Summed over the runs. */
  sent: number;
  stored: number;
  lost: number;
  acknowledgedLost: number;
  duplicates: number;
  duplicateDeliveries: number;
  /** Events the scenario may lose: its own bound, else 0 unless the model predicts a loss for its failure mode. */
  lossBound: number;
  /** The model's worst-case recovery of the mode, from the scaled plan; null when the plan has no figure for it. */
  predictedSeconds: number | null;
  /** The median of the runs' measured recovery. */
  measuredSeconds: number;
  /** The median of the runs' served-again time (null when a run's client never was served again). */
  servedAgainSeconds: number | null;
  /** measured / predicted; null when the prediction is 0 s or there is none. */
  ratio: number | null;
  /** The band the prediction is judged by: the measured recovery at most `max` × it, the served-again time at least `min` × it. */
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
 * Judges a scenario's runs: every run keeps the event contract (every acknowledged id stored,
 * every other id stored or still held, no duplicate, lost within the bound), and the prediction lies
 * where the runs put the edge's recovery: the median measured recovery (the earliest the edge can
 * have been back) at most `band.max` × the prediction, the median served-again time (by when it was
 * back) at least `band.min` × it; a prediction of 0 s admits only 0 s.
 */
export function judgeScenario(scenario: Scenario, runs: ScenarioRun[], figure: RecoveryFigure | undefined, band: { min: number; max: number }): ScenarioResult {
  const sum = (pick: (r: ScenarioRun) => number) => runs.reduce((total, r) => total + pick(r), 0);
  // The model's events lost are those tracked so early in the window that they expire before the
  // edge is back; with none predicted, none may be lost.
  const lostShare = figure?.eventsLost && figure.eventsAtRisk ? figure.eventsLost / figure.eventsAtRisk : 0;
  const lossBound = scenario.lossBound ? scenario.lossBound(sum((r) => r.sent)) : Math.floor(sum((r) => r.sent) * lostShare);
  const predictedSeconds = figure ? figure.recoverySeconds : null;
  const measuredSeconds = median(runs.map((r) => r.measuredSeconds));
  const servedAgain = median(runs.map((r) => r.servedAgainSeconds ?? Infinity));
  const ratio = predictedSeconds ? Math.round((measuredSeconds / predictedSeconds) * 100) / 100 : null;
  const problems = runs.flatMap((r, i) => r.problems.map((p) => (runs.length > 1 ? `run ${i + 1}: ${p}` : p)));
  const lost = sum((r) => r.lost);
  if (lost > lossBound) problems.push(`${lost} events lost, above the bound of ${lossBound}`);
  if (scenario.mode !== undefined && predictedSeconds === null) problems.push(`the plan has no ${scenario.mode} figure to judge the recovery against`);
  else if (predictedSeconds !== null && measuredSeconds > band.max * predictedSeconds) {
    problems.push(`measured recovery ${measuredSeconds} s is above ${band.max} × the predicted ${predictedSeconds} s`);
  } else if (predictedSeconds !== null && servedAgain < band.min * predictedSeconds) {
    problems.push(`every client was served again ${servedAgain} s after the failure, below ${band.min} × the predicted ${predictedSeconds} s: the model is that much slower than the edge`);
  }
  return {
    scenario: scenario.name,
    mode: scenario.mode,
    measures: scenario.measures,
    runs,
    sent: sum((r) => r.sent),
    stored: sum((r) => r.stored),
    lost,
    acknowledgedLost: sum((r) => r.acknowledgedLost),
    duplicates: sum((r) => r.duplicates),
    duplicateDeliveries: sum((r) => r.duplicateDeliveries),
    lossBound,
    predictedSeconds,
    measuredSeconds,
    servedAgainSeconds: Number.isFinite(servedAgain) ? servedAgain : null,
    ratio,
    band,
    passed: problems.length === 0,
    problems,
  };
}
