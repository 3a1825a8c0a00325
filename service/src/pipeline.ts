/**
 * From accepted requests to stored events, by group commit. A request that finds fewer than
 * `groupsInFlight` inserts running goes at once (no timer: an idle service adds no delay); requests
 * that arrive while the inserts are running wait, and the next insert to finish takes them all as
 * one group (up to `batchMaxEvents` events and `batchMaxBytes` bytes), one statement and one commit.
 * Each request is answered once its group has committed. When no writable datastore answers, or the
 * group's insert fails, each request of the group goes to the spool on its own (the spool commits
 * them with one fsync), and each is answered only once its rows are fsync'd, or refused (503) alone.
 * A replayer drains the spool, oldest first, whenever a primary is writable.
 */
import type { ServiceConfig } from "./config";
import { Datastore, DatastoreUnavailable, InsertResult } from "./datastore";
import { EncodedRow, encodeRow, EventRow } from "./events";
import { errorText, log } from "./log";
import type { Counters } from "./metrics";
import { Spool, SpooledBatch, spooledRows, SpoolFullError } from "./spool";

/** The request could not be stored now; the client retries after `retryAfterSeconds`. */
export class ShedError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The datastore refused the rows themselves (not an outage): retrying cannot help. */
export class RowsRefusedError extends Error {}

interface Job {
  rows: EncodedRow[];
  /** The rows' JSON in UTF-8 bytes: what the group's parameter carries. */
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Pipeline {
  private queue: Job[] = [];
  private queuedEvents = 0;
  private writers = 0;
  /** Inserts running at once: never more than the pool's connections. */
  private readonly groupsInFlight: number;
  private replaying: Promise<void> | undefined;
  private replayTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly config: ServiceConfig,
    readonly datastore: Datastore,
    readonly spool: Spool,
    private readonly counters: Counters,
  ) {
    this.groupsInFlight = Math.min(config.groupsInFlight, config.poolMax);
    this.replayTimer = setInterval(() => this.replay(), 500);
    this.replayTimer.unref();
  }

  get pendingEvents(): number {
    return this.queuedEvents;
  }

  /** Resolves once every row is committed or spooled; ShedError when neither can take them. */
  submit(rows: EncodedRow[]): Promise<void> {
    if (this.queuedEvents + rows.length > this.config.maxPendingEvents) {
      return Promise.reject(new ShedError(`${this.queuedEvents} events are waiting for the datastore`, 1));
    }
    let bytes = 0;
    for (const row of rows) bytes += Buffer.byteLength(row.json) + 1;
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, bytes, resolve, reject });
      this.queuedEvents += rows.length;
      this.write();
    });
  }

  /** The next group: the requests waiting, oldest first, up to the bounds (the first is always taken whole). */
  private take(): Job[] {
    const jobs: Job[] = [];
    let events = 0;
    let bytes = 0;
    const { batchMaxEvents, batchMaxBytes } = this.config;
    while (this.queue.length) {
      const next = this.queue[0]!;
      if (jobs.length && (events + next.rows.length > batchMaxEvents || bytes + next.bytes > batchMaxBytes)) break;
      this.queue.shift();
      events += next.rows.length;
      bytes += next.bytes;
      jobs.push(next);
    }
    this.queuedEvents -= events;
    return jobs;
  }

  /** Starts a group for the requests waiting while fewer than `groupsInFlight` inserts run. */
  private write(): void {
    while (this.writers < this.groupsInFlight && this.queue.length) {
      const jobs = this.take();
      this.writers++;
      void this.store(jobs).finally(() => {
        this.writers--;
        if (this.queue.length) this.write();
        else if (this.writers === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }

  private async store(jobs: Job[]): Promise<void> {
    const rows = jobs.flatMap((j) => j.rows);
    try {
      const { duplicates } = await this.datastore.insert(rows);
      this.counters.add("duplicates", duplicates);
      this.accept(jobs);
      return;
    } catch (error) {
      if (!(error instanceof DatastoreUnavailable)) {
        if (jobs.length > 1) {
          // One request's rows broke the statement: store the others, refuse only that one.
          for (const job of jobs) await this.store([job]);
          return;
        }
        jobs[0]!.reject(new RowsRefusedError(errorText(error)));
        return;
      }
    }
    // Each request falls back on its own, as a lone insert's would: its rows are one spool line,
    // answered once fsync'd (the spool writes and fsyncs the lines waiting together), or refused.
    await Promise.all(jobs.map((job) => this.spoolJob(job)));
  }

  private async spoolJob(job: Job): Promise<void> {
    try {
      await this.spool.append(job.rows);
      this.counters.add("spooled", job.rows.length);
      this.accept([job]);
    } catch (error) {
      job.reject(
        error instanceof SpoolFullError ? new ShedError(`no writable datastore and ${error.message}`, 5) : new ShedError(`no writable datastore and the spool failed: ${errorText(error)}`, 5),
      );
    }
  }

  private accept(jobs: Job[]): void {
    for (const job of jobs) {
      this.counters.add("accepted", job.rows.length);
      job.resolve();
    }
  }

  /** Replays the spool, oldest segment first, one batch in flight, while a primary is writable. */
  replay(): Promise<void> {
    if (this.replaying || this.spool.depth === 0) return this.replaying ?? Promise.resolve();
    this.replaying = (async () => {
      while (this.spool.depth > 0 && (await this.datastore.writablePool())) {
        const segment = await this.spool.oldest();
        if (!segment) break;
        let ok = true;
        for (const batch of segment.batches(this.config.batchMaxEvents)) {
          ok = await this.replayBatch(batch, segment.seq);
          if (!ok) break;
        }
        if (!ok) break;
        this.spool.remove(segment.seq);
        log("info", "replayed a spool segment", { segment: segment.seq, events: segment.events, depth: this.spool.depth });
      }
    })().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  /**
   * One replay insert: true once stored, false when the datastore went away (replay pauses, the
   * segment stays); when the datastore refuses the rows themselves, what `refused` decides.
   */
  private async replayInsert(insert: () => Promise<InsertResult>, seq: number, refused: (error: unknown) => Promise<boolean>): Promise<boolean> {
    try {
      this.counters.add("duplicates", (await insert()).duplicates);
      return true;
    } catch (error) {
      if (!(error instanceof DatastoreUnavailable)) return refused(error);
      log("warn", "spool replay paused", { segment: seq, error: errorText(error) });
      return false;
    }
  }

  /** Inserts a spooled batch as spooled; a row (or a line corrupted on disk) that breaks the statement is found row by row. */
  private replayBatch(batch: SpooledBatch, seq: number): Promise<boolean> {
    return this.replayInsert(
      () => this.datastore.insertJson(batch.json, batch.events),
      seq,
      () => this.replayRows(spooledRows(batch, seq), seq),
    );
  }

  /** Inserts spooled rows; a row the datastore refuses would block the spool forever: it is logged whole and dropped. */
  private replayRows(rows: EventRow[], seq: number): Promise<boolean> {
    return this.replayInsert(
      () => this.datastore.insert(rows.map(encodeRow)),
      seq,
      async (error) => {
        if (rows.length === 1) {
          log("error", "the datastore refused a spooled event; dropped", { segment: seq, row: rows[0], error: errorText(error) });
          this.counters.add("rejected", 1);
          return true;
        }
        for (const row of rows) if (!(await this.replayRows([row], seq))) return false;
        return true;
      },
    );
  }

  /** Waits until every queued request is stored or spooled (graceful shutdown). */
  async drain(): Promise<void> {
    this.write();
    if (this.writers === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    clearInterval(this.replayTimer);
    await this.replaying;
  }
}
