import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientBodyBufferBytes } from "../../../models/hostEdge/buffers";
import { backoffCeilingMs, deliveryOutcome, longestRedeliveryMs, retryDelayMs, snippetDelivery, validateDelivery } from "../../../models/snippet/delivery";

const retry = snippetDelivery.retry;

describe("the snippet's retry schedule", () => {
  it("ships 1 s doubling to 60 s, Retry-After honoured up to 5 min, 10 s request timeout, events kept a day", () => {
    expect(snippetDelivery).toEqual({
      retry: { baseMs: 1000, capMs: 60_000, retryAfterCapMs: 300_000, requestTimeoutMs: 10_000, maxEventAgeMs: 86_400_000 },
      queue: { maxQueuedEvents: 1000, maxBatchEvents: 50, maxBatchBytes: 16_384 },
    });
    // A batch fits nginx's in-memory request body buffer.
    expect(snippetDelivery.queue.maxBatchBytes).toBe(clientBodyBufferBytes);
  });

  it("doubles the backoff ceiling per failure up to the cap", () => {
    expect([1, 2, 3, 6, 7, 8, 100].map((n) => backoffCeilingMs(retry, n))).toEqual([1000, 2000, 4000, 32_000, 60_000, 60_000, 60_000]);
  });

  it("never retries before Retry-After, and spreads clients over the whole ceiling (full jitter)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 3_600_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, retryAfterMs, random) => {
        const delay = retryDelayMs(retry, failures, retryAfterMs, random);
        const honoured = Math.min(retryAfterMs, retry.retryAfterCapMs);
        expect(delay).toBeGreaterThanOrEqual(honoured);
        expect(delay).toBeLessThan(honoured + backoffCeilingMs(retry, failures) + 1e-6);
        expect(delay).toBeLessThan(longestRedeliveryMs(retry, 3600));
      }),
      { numRuns: 200 },
    );
    expect(retryDelayMs(retry, 3, 0, 0)).toBe(0);
    expect(retryDelayMs(retry, 3, 0, 0.5)).toBe(2000);
  });

  it("bounds the time from a collector's recovery to a client's next send: timeout + honoured Retry-After + cap", () => {
    expect(longestRedeliveryMs(retry, 0)).toBe(70_000);
    expect(longestRedeliveryMs(retry, 30)).toBe(100_000);
    expect(longestRedeliveryMs(retry, 86_400)).toBe(370_000);
  });

  it("refuses numbers the library cannot run, naming the field", () => {
    expect(() => validateDelivery({ ...snippetDelivery, retry: { ...retry, capMs: 0 } })).toThrow("snippet delivery retry.capMs: expected a positive integer, got 0");
    expect(() => validateDelivery({ ...snippetDelivery, queue: { ...snippetDelivery.queue, maxBatchEvents: 1.5 } })).toThrow("queue.maxBatchEvents");
    expect(() => validateDelivery({ ...snippetDelivery, retry: { ...retry, baseMs: 90_000 } })).toThrow("retry.baseMs (90000) is above retry.capMs (60000)");
    expect(validateDelivery(snippetDelivery)).toBe(snippetDelivery);
  });
});

describe("deliveryOutcome", () => {
  it("gives events up only on an answer that is their fault, and retries every answer that is the edge's", () => {
    expect([200, 204].map(deliveryOutcome)).toEqual(["stored", "stored"]);
    expect([400, 413, 422].map(deliveryOutcome)).toEqual(["split", "split", "split"]);
    expect([0, 403, 404, 405, 408, 429, 500, 502, 503, 504].map(deliveryOutcome)).toEqual(Array(10).fill("retry"));
  });
});

describe("the snippet CDN page's delivery table", () => {
  it("shows the shipped numbers", () => {
    const page = readFileSync(join(__dirname, "..", "..", "..", "docs", "design", "snippet-cdn.md"), "utf8");
    const n = (value: number) => value.toLocaleString("en-US");
    const { retry: r, queue: q } = snippetDelivery;
    for (const row of [
      `| \`retry.baseMs\` / \`retry.capMs\` | ${n(r.baseMs)} / ${n(r.capMs)} ms |`,
      `| \`retry.retryAfterCapMs\` | ${n(r.retryAfterCapMs)} ms |`,
      `| \`retry.requestTimeoutMs\` | ${n(r.requestTimeoutMs)} ms |`,
      `| \`retry.maxEventAgeMs\` | ${n(r.maxEventAgeMs)} ms (a day) |`,
      `| \`queue.maxQueuedEvents\` | ${n(q.maxQueuedEvents)} |`,
      `| \`queue.maxBatchEvents\` / \`queue.maxBatchBytes\` | ${n(q.maxBatchEvents)} / ${n(q.maxBatchBytes)} B (nginx's in-memory body buffer) |`,
    ]) {
      expect(page).toContain(row);
    }
  });
});
