/**
 * How the snippet library keeps an event until the collector has stored it: its retry schedule,
 * its queue and batch limits, and the bounds a recovery-time model reads. The library receives
 * these numbers when it is rendered (`renderLibrary`), so this file is the only copy.
 *
 * A shed 503 or a failed lookup must not lose an event: the library retries every answer that is
 * the edge's fault with capped exponential backoff and full jitter, never earlier than the
 * collector's `Retry-After`, until the event is `maxEventAgeMs` old; only an answer that is the
 * event's fault gives it up (`deliveryOutcome`). Every event carries a client-made insert
 * id, so a retry the collector already stored is stored once (incident 002, corrective action 4).
 *
 * Pure module: no Pulumi imports.
 */
import { clientBodyBufferBytes } from "../hostEdge/buffers";

/** When the library tries again after a failed send. All times in milliseconds. */
export interface RetrySchedule {
  /** Ceiling of the first retry's delay; each failed attempt doubles it. */
  baseMs: number;
  /** Largest ceiling of the backoff part of one delay. */
  capMs: number;
  /** Longest `Retry-After` the library honours (a larger one is cut to this). */
  retryAfterCapMs: number;
  /** A send that has not answered after this long counts as a network error. */
  requestTimeoutMs: number;
  /** An event not stored this long after it was tracked is dropped (counted as expired). */
  maxEventAgeMs: number;
}

/** What the library holds and sends at once. */
export interface QueueLimits {
  /** Events kept (in memory and in storage); on overflow the oldest is dropped (counted). */
  maxQueuedEvents: number;
  /** Events in one request. */
  maxBatchEvents: number;
  /** UTF-8 bytes of one request body; a single event larger than this is dropped (counted). */
  maxBatchBytes: number;
}

/** Everything the library is rendered with besides the collector's URL. */
export interface SnippetDelivery {
  retry: RetrySchedule;
  queue: QueueLimits;
}

/**
 * The shipped numbers. Backoff 1 s doubling to 60 s (full jitter, the AWS Architecture Blog's
 * "Exponential Backoff And Jitter"): a shedding collector sees each client at most about once a
 * 30 s on average once the backoff is capped. A day of outage is kept; longer ones are the
 * recovery-time model's business, not a browser's.
 */
export const snippetDelivery: SnippetDelivery = {
  retry: {
    baseMs: 1_000,
    capMs: 60_000,
    retryAfterCapMs: 300_000,
    requestTimeoutMs: 10_000,
    maxEventAgeMs: 86_400_000,
  },
  queue: {
    maxQueuedEvents: 1_000,
    maxBatchEvents: 50,
    // A batch fits nginx's in-memory body buffer (never a temp file) and stays far below the 64 KiB
    // that browsers allow in flight for keepalive requests and beacons at page hide.
    maxBatchBytes: clientBodyBufferBytes,
  },
};

/** What the library does with a batch after an answer: see {@link deliveryOutcome}. */
export type DeliveryOutcome = "stored" | "split" | "retry";

/**
 * The library's reading of an answer's status (0: a network error or timeout). 2xx: stored. 400
 * (not the body's shape), 413 (too large) and 422 (an event over a limit): the events' fault,
 * so the batch is split and each event sent alone; an event refused alone is dropped (counted).
 * Everything else is the edge's fault and retried: 5xx and 429 (shed), 408, and 404/405 from the
 * collector route, which only a broken release or a misrouted path answers (a release that
 * answered 404 would otherwise make every browser drop its events). The same for every other
 * 4xx: retrying an event costs a request; dropping it loses it.
 */
export function deliveryOutcome(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return "stored";
  if (status === 400 || status === 413 || status === 422) return "split";
  return "retry";
}

/** Ceiling of the backoff part of the delay after `failures` consecutive failed attempts (≥ 1). */
export function backoffCeilingMs(retry: RetrySchedule, failures: number): number {
  return Math.min(retry.capMs, retry.baseMs * 2 ** Math.max(0, failures - 1));
}

/**
 * The delay before the next attempt: the honoured `Retry-After` (0 without one) plus full jitter
 * over the backoff ceiling, so clients told the same `Retry-After` do not come back together.
 * `random` is in [0, 1). The library computes exactly this.
 */
export function retryDelayMs(retry: RetrySchedule, failures: number, retryAfterMs: number, random: number): number {
  return Math.min(retry.retryAfterCapMs, Math.max(0, retryAfterMs)) + random * backoffCeilingMs(retry, failures);
}

/**
 * The longest a client can take to send again after the collector is back, for a collector that
 * answers `Retry-After: retryAfterSeconds` when it sheds: an attempt that started just before the
 * recovery may hang until its timeout, then waits the largest delay.
 */
export function longestRedeliveryMs(retry: RetrySchedule, retryAfterSeconds: number): number {
  return retry.requestTimeoutMs + retryDelayMs(retry, Number.POSITIVE_INFINITY, retryAfterSeconds * 1000, 1);
}

/** Refuses a schedule the library could not run: every number a positive, finite integer. */
export function validateDelivery(delivery: SnippetDelivery): SnippetDelivery {
  for (const [group, values] of Object.entries(delivery) as [string, Record<string, number>][]) {
    for (const [key, value] of Object.entries(values)) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new Error(`snippet delivery ${group}.${key}: expected a positive integer, got ${String(value)}`);
      }
    }
  }
  if (delivery.retry.baseMs > delivery.retry.capMs) {
    throw new Error(`snippet delivery retry.baseMs (${delivery.retry.baseMs}) is above retry.capMs (${delivery.retry.capMs}): lower baseMs or raise capMs`);
  }
  return delivery;
}
