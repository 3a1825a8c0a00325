/**
 * The recovery model's shapes: the failure modes, a figure and its terms, the report.
 *
 * Pure module: no Pulumi imports.
 */
import type { RetrySchedule } from "../snippet/delivery";

export const failureModes = [
  "hostDies",
  "hostFreezes",
  "serviceDies",
  "serviceFreezes",
  "hostStalls",
  "connectStorm",
  "azLost",
  "regionLost",
  "regionLostSecondary",
  "dnsPrimaryLost",
  "cdnOriginFails",
  "datastorePrimaryFails",
  "spoolFull",
  "libraryUnavailable",
  "deploy",
] as const;
export type FailureMode = (typeof failureModes)[number];

export const failureModeTitles: Record<FailureMode, string> = {
  hostDies: "one host dies",
  hostFreezes: "one host freezes (accepts, never answers)",
  serviceDies: "a host's ingestion service dies",
  serviceFreezes: "a host's ingestion service freezes",
  hostStalls: "a host stalls under a connect storm",
  connectStorm: "a reconnect storm after a region failover",
  azLost: "an availability zone is lost",
  regionLost: "a region is lost",
  regionLostSecondary: "a region is lost, via Cloudflare (manual)",
  dnsPrimaryLost: "the primary DNS provider stops answering",
  cdnOriginFails: "the CDN's origin fails",
  datastorePrimaryFails: "the datastore's primary fails",
  spoolFull: "the spools fill (datastore down too long)",
  libraryUnavailable: "the snippet's library cannot load",
  deploy: "a deploy (instance refresh)",
};

/** One addend of a figure: seconds, what it is, and the declared inputs (or named constant) it comes from. */
export interface RecoveryTerm {
  /** What the wait is: "NLB marks the target unhealthy". */
  label: string;
  seconds: number;
  /** The inputs, as `<type> <name> input=value × input=value`, or the constant and its source. */
  source: string;
  /** The resource the term comes from; empty for a constant. */
  urn: string;
  /** True when the term is part of detecting the failure (the rest is the way back). */
  detect: boolean;
  /** The declared input that sets the term, when one does: term = value × secondsPerUnit. */
  knob?: TermKnob;
  /** The change that shortens the term when no single input scales it. */
  fix?: string;
}

/** The input a term scales with, and the smallest value the provider or program accepts. */
export interface TermKnob {
  input: string;
  value: number;
  secondsPerUnit: number;
  minimum: number;
}

/** The worst case of one failure mode in one place (a region, the zone, a distribution). */
export interface RecoveryFigure {
  mode: FailureMode;
  /** Where: a region, `dns`, or the CDN distribution's name. */
  scope: string;
  /** Seconds from the failure until it is detected: the sum of the detect terms. */
  detectSeconds: number;
  /** Seconds from the failure until traffic is served again: the sum of all terms. */
  recoverySeconds: number;
  terms: RecoveryTerm[];
  /** The largest term: what a fix shortens. */
  dominant: RecoveryTerm;
  /** The share of peak traffic the failure touches (1 = all of it); null when no events ride on it. */
  trafficShare: number | null;
  /** peak events/s × share × recovery seconds; null when no events ride on it or the peak is not declared. */
  eventsAtRisk: number | null;
  /** Of those, the events the snippet still delivers: those whose retries outlast the window. */
  eventsRetried: number | null;
  /** eventsAtRisk − eventsRetried: tracked so early that they expire before the edge is back. */
  eventsLost: number | null;
  /** What the figure assumes beyond its terms. */
  notes: string[];
}

/** Every figure of a stack, and the inputs all of them share: the plan JSON carries this as is. */
export interface RecoveryReport {
  figures: RecoveryFigure[];
  /** The fleet's peak events/s (the largest `edge:capacity:peak-events-per-second` tag); null without one. */
  peakEventsPerSecond: number | null;
  /** The snippet's retry schedule the retried/lost counts read. */
  retry: RetrySchedule;
  /** Seconds after the edge is back until a waiting client has sent again (`longestRedeliveryMs`). */
  redeliverySeconds: number;
  /** What no figure counts: limits of any snippet, stated once. */
  limits: string[];
}
