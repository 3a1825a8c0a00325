/**
 * The recovery model's building blocks: a term, a figure (its sums, dominant term and events at
 * risk), the smallest fix of a figure over its bound.
 *
 * Pure module: no Pulumi imports.
 */
import type { RetrySchedule } from "../snippet/delivery";
import type { DeclaredResource } from "../declaredResource";
import { FailureMode, RecoveryFigure, RecoveryTerm, TermKnob } from "./types";

/**
 * Limits of any browser snippet, which the events counts do not include: events wait in the
 * visitor's browser, so a visitor who leaves keeps them only in storage until they come back.
 */
export function snippetLimits(retry: RetrySchedule): string[] {
  const keep = `${Math.round(retry.maxEventAgeMs / 3_600_000)} h`;
  return [
    `a visitor who leaves the site while the edge is unreachable keeps the events not yet stored in the browser's localStorage; they are sent only if the visitor comes back to the site within ${keep} (maxEventAgeMs), from the same browser: a limit of any snippet, not counted as lost above`,
    "a browser without storage (private modes, storage disabled) keeps them in the page's memory only: they are lost when the page closes before the edge is back",
  ];
}

export const seconds = (n: number) => Math.round(n * 1000) / 1000;
export const nameOf = (r: DeclaredResource) => r.urn.slice(r.urn.lastIndexOf("::") + 2);
export const src = (r: DeclaredResource, inputs: string) => `${r.type} ${nameOf(r)} ${inputs}`;

export function term(label: string, secs: number, source: string, urn: string, detect: boolean, how: { knob?: TermKnob; fix?: string } = {}): RecoveryTerm {
  return { label, seconds: seconds(secs), source, urn, detect, ...how };
}

/**
 * The smallest change that brings `figure` within `boundSeconds`, on its dominant term: the input
 * lowered just enough, or the term's own fix when no input scales it.
 */
export function smallestFix(f: RecoveryFigure, boundSeconds: number): string {
  const excess = f.recoverySeconds - boundSeconds;
  const t = f.dominant;
  if (t.knob) {
    const wanted = Math.floor((t.seconds - excess) / t.knob.secondsPerUnit + 1e-9);
    if (wanted >= t.knob.minimum && wanted < t.knob.value) return `${t.knob.input} ${t.knob.value} → ${wanted} on ${nameOfUrn(t.urn)}`;
    const floor = Math.max(t.knob.minimum, 0);
    if (floor < t.knob.value)
      return `${t.knob.input} ${t.knob.value} → ${floor} on ${nameOfUrn(t.urn)} (its smallest), and shorten the next largest term by ${seconds(excess - (t.seconds - floor * t.knob.secondsPerUnit))} s`;
  }
  return t.fix ?? `shorten "${t.label}" by ${seconds(excess)} s`;
}

export const nameOfUrn = (urn: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "the snippet");

export function figure(mode: FailureMode, scope: string, terms: RecoveryTerm[], trafficShare: number | null, events: EventsModel, notes: string[] = []): RecoveryFigure {
  const recoverySeconds = seconds(terms.reduce((sum, t) => sum + t.seconds, 0));
  const detectSeconds = seconds(terms.filter((t) => t.detect).reduce((sum, t) => sum + t.seconds, 0));
  const dominant = terms.reduce((a, b) => (b.seconds > a.seconds ? b : a), terms[0]!);
  return { mode, scope, detectSeconds, recoverySeconds, terms, dominant, trafficShare, ...events.count(trafficShare, recoverySeconds), notes };
}

export interface EventsModel {
  count(share: number | null, windowSeconds: number): Pick<RecoveryFigure, "eventsAtRisk" | "eventsRetried" | "eventsLost">;
  /** How long the snippet keeps an event, seconds. */
  maxEventAgeSeconds: number;
}

/**
 * Events at risk = peak × share × window. An event tracked at t ∈ [0, window] is sent again at most
 * `redelivery` after the edge is back, so it is delivered unless window − t + redelivery exceeds
 * the snippet's `maxEventAgeMs`: the events lost are those tracked in the first
 * max(0, min(window, window + redelivery − maxAge)) seconds.
 */
export function eventsModel(peakEventsPerSecond: number | null, retry: RetrySchedule, redeliverySeconds: number): EventsModel {
  return {
    maxEventAgeSeconds: retry.maxEventAgeMs / 1000,
    count(share, windowSeconds) {
      if (share === null || peakEventsPerSecond === null) return { eventsAtRisk: null, eventsRetried: null, eventsLost: null };
      const rate = peakEventsPerSecond * share;
      const expiredSeconds = Math.max(0, Math.min(windowSeconds, windowSeconds + redeliverySeconds - retry.maxEventAgeMs / 1000));
      const eventsAtRisk = Math.round(rate * windowSeconds);
      const eventsLost = Math.round(rate * expiredSeconds);
      return { eventsAtRisk, eventsRetried: eventsAtRisk - eventsLost, eventsLost };
    },
  };
}

export const byType = (resources: DeclaredResource[], type: string) => resources.filter((r) => r.type === type);
export const regionOf = (r: DeclaredResource): string => (typeof r.inputs.region === "string" ? r.inputs.region : "(provider default)");
