/**
 * A client that behaves like the snippet: each batch is resent (same insert ids) until the service
 * answers 200, after a connection error, a timeout or a 503. Bounded in batches and in time.
 */
import { batchBody, request } from "../../../harness/service";

export interface LoadResult {
  /** Insert ids the service acknowledged with 200. */
  acked: Set<string>;
  /** Attempts that failed and were resent. */
  retries: number;
  /** Batches that were never acknowledged before the deadline. */
  unacked: number;
  statuses: Record<string, number>;
}

export interface LoadOptions {
  port: () => number;
  batches: number;
  concurrency: number;
  eventsPerBatch: number;
  deadlineMs: number;
  /** Called after every acknowledged batch (to kill or stop something mid-load). */
  onAck?: (ackedBatches: number) => void;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { acked: new Set(), retries: 0, unacked: 0, statuses: {} };
  const deadline = Date.now() + options.deadlineMs;
  let next = 0;
  let ackedBatches = 0;
  const worker = async () => {
    while (next < options.batches && Date.now() < deadline) {
      next++;
      const { body, ids } = batchBody(options.eventsPerBatch);
      let stored = false;
      while (!stored && Date.now() < deadline) {
        let status = "error";
        try {
          const answer = await request(options.port(), "POST", "/track", body, {}, 5000);
          status = String(answer.status);
          stored = answer.status === 200;
        } catch {
          // connection refused or reset: the service is down; resend
        }
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        if (!stored) {
          result.retries++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      if (!stored) {
        result.unacked++;
        continue;
      }
      for (const id of ids) result.acked.add(id);
      options.onAck?.(++ackedBatches);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}
