/**
 * The plan's Recovery section: per failure mode, the worst case over its regions of the time to
 * detect and to serve traffic again, the events at risk and those the snippet's retries bring in,
 * and the declared inputs the dominant term comes from (the same model `enforce-recovery-time` judges).
 */
import { failureModeTitles, RecoveryFigure, RecoveryReport, recoveryReport, worstByMode } from "../../../models/recovery";
import type { Plan } from "../plan";
import type { PlanSection } from "./index";

/** The recovery figures of planned resources, judged on their declared inputs (what `--json` carries). */
export function planRecovery(resources: Plan["resources"]): RecoveryReport {
  return recoveryReport(resources);
}

/** Seconds as people read a wait: `25 s`, `1 min 36 s`, `48 h 1 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h ? `${h} h` : "", m ? `${m} min` : "", s && !h ? `${s} s` : ""].filter(Boolean).join(" ");
}

const count = (n: number | null) => (n === null ? "–" : n.toLocaleString("en-US"));

/** One line per worst figure, then the terms of each. */
export function renderRecovery(report: RecoveryReport): string[] {
  const worst = worstByMode(report);
  if (worst.length === 0) return [];
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    `peak ${report.peakEventsPerSecond ?? "?"} events/s; a waiting client sends again ≤ ${formatDuration(report.redeliverySeconds)} after the edge is back, and keeps an event ${formatDuration(report.retry.maxEventAgeMs / 1000)}`,
    `${pad("failure", 44)}${pad("where", 22)}${pad("detect", 12)}${pad("served again", 14)}${pad("events at risk", 16)}${pad("retried", 16)}lost`,
  ];
  for (const f of worst) {
    lines.push(
      `${pad(failureModeTitles[f.mode], 44)}${pad(f.scope, 22)}${pad(formatDuration(f.detectSeconds), 12)}${pad(formatDuration(f.recoverySeconds), 14)}` +
        `${pad(count(f.eventsAtRisk), 16)}${pad(count(f.eventsRetried), 16)}${count(f.eventsLost)}`,
    );
  }
  for (const f of worst) lines.push("", ...renderTerms(f));
  if (report.limits.length) lines.push("", "not counted above:", ...report.limits.map((l) => `  - ${l}`));
  return lines;
}

function renderTerms(f: RecoveryFigure): string[] {
  return [
    `${failureModeTitles[f.mode]} (${f.scope}): ${formatDuration(f.recoverySeconds)}`,
    ...f.terms.map((t) => `  ${t === f.dominant ? "*" : " "} ${formatDuration(t.seconds).padEnd(10)} ${t.label}: ${t.source}`),
    ...f.notes.map((n) => `    note: ${n}`),
  ];
}

export const recoverySection: PlanSection = {
  title: "Recovery",
  render: (plan) => renderRecovery(planRecovery(plan.resources)),
};
