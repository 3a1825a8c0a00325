/**
 * The local spool: where accepted events wait while no writable datastore answers (incident 003),
 * bounded in bytes, every append fsync'd before the request is answered.
 *
 * Layout: `DIR/<12-digit sequence>.spool` segments, each a JSON line per append
 * `{"at":<ms spooled>,"rows":[...]}`. Appends go to the newest segment, replay reads the oldest
 * first, so events replay in the order they were spooled. A segment is deleted only after every
 * row in it is committed; a crash between the two replays it again, and the insert id stores each
 * event once (incident 002). A torn last line (a crash mid-write) was never acknowledged: it is
 * skipped and logged.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { open, FileHandle } from "node:fs/promises";
import path from "node:path";
import type { EventRow } from "./events";
import { log } from "./log";

export class SpoolFullError extends Error {}

interface Segment {
  seq: number;
  bytes: number;
  events: number;
  /** When its first line was spooled, ms. */
  firstAt: number | undefined;
}

interface PendingAppend {
  line: string;
  events: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const segmentName = (seq: number) => `${String(seq).padStart(12, "0")}.spool`;

export class Spool {
  private segments: Segment[] = [];
  private active: { segment: Segment; handle: FileHandle } | undefined;
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private reservedBytes = 0;
  private readonly lockFile: string;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly segmentBytes: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.lockFile = path.join(dir, "lock");
    this.takeLock();
    for (const name of readdirSync(dir).filter((n) => /^\d{12}\.spool$/.test(n)).sort()) {
      const seq = Number(name.slice(0, 12));
      const { rows, firstAt, torn } = readSegment(path.join(dir, name));
      if (torn) log("warn", "spool segment ends in a torn line (a crash mid-write, never acknowledged); it is skipped", { segment: name });
      if (rows.length === 0 && !torn) {
        unlinkSync(path.join(dir, name));
        continue;
      }
      this.segments.push({ seq, bytes: statSync(path.join(dir, name)).size, events: rows.length, firstAt });
    }
  }

  /** Refuses a second process on the same directory: two writers would interleave one segment. */
  private takeLock(): void {
    try {
      const holder = Number(readFileSync(this.lockFile, "utf8"));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(`INGEST_SPOOL_DIR: ${this.dir} is in use by process ${holder}; give each process (main, backup) its own spool directory`);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    writeFileSync(this.lockFile, String(process.pid));
  }

  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  get depth(): number {
    return this.segments.reduce((sum, s) => sum + s.events, 0);
  }

  /** Seconds since the oldest waiting event was spooled; 0 when empty. */
  lagSeconds(now = Date.now()): number {
    const first = this.segments.find((s) => s.events > 0)?.firstAt;
    return first === undefined ? 0 : Math.max(0, (now - first) / 1000);
  }

  /** Appends rows and resolves once they are on disk (fsync'd); SpoolFullError past the bound. */
  append(rows: EventRow[]): Promise<void> {
    const line = `${JSON.stringify({ at: Date.now(), rows })}\n`;
    const size = Buffer.byteLength(line);
    if (this.bytes + this.reservedBytes + size > this.maxBytes) return Promise.reject(new SpoolFullError(`the spool holds ${this.bytes} of ${this.maxBytes} bytes`));
    this.reservedBytes += size;
    return new Promise((resolve, reject) => {
      this.pending.push({ line, events: rows.length, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** One write and one fsync for every append waiting: group commit. */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const text = batch.map((p) => p.line).join("");
      const size = Buffer.byteLength(text);
      try {
        if (!this.active || this.active.segment.bytes >= this.segmentBytes) await this.rotate();
        const { segment, handle } = this.active!;
        await handle.write(text);
        await handle.datasync();
        segment.bytes += size;
        segment.events += batch.reduce((sum, p) => sum + p.events, 0);
        segment.firstAt ??= Date.now();
        this.reservedBytes -= size;
        for (const p of batch) p.resolve();
      } catch (error) {
        this.reservedBytes -= size;
        for (const p of batch) p.reject(error as Error);
      }
    }
    this.flushing = undefined;
  }

  private async rotate(): Promise<void> {
    await this.active?.handle.close();
    const seq = (this.segments.at(-1)?.seq ?? 0) + 1;
    const file = path.join(this.dir, segmentName(seq));
    const handle = await open(file, "a", 0o600);
    syncDir(this.dir);
    const segment: Segment = { seq, bytes: 0, events: 0, firstAt: undefined };
    this.segments.push(segment);
    this.active = { segment, handle };
  }

  /**
   * The oldest segment's rows for replay, closing the active segment first when it is the only one
   * left, so appends continue in a new segment while this one is replayed. Undefined when empty.
   */
  async oldest(): Promise<{ seq: number; rows: EventRow[] } | undefined> {
    await this.flushing;
    const segment = this.segments[0];
    if (!segment) return undefined;
    if (this.active?.segment === segment) {
      await this.active.handle.close();
      this.active = undefined;
    }
    return { seq: segment.seq, rows: readSegment(path.join(this.dir, segmentName(segment.seq))).rows };
  }

  /** Deletes a replayed segment: call only after all its rows are committed. */
  remove(seq: number): void {
    const index = this.segments.findIndex((s) => s.seq === seq);
    if (index < 0) return;
    unlinkSync(path.join(this.dir, segmentName(seq)));
    syncDir(this.dir);
    this.segments.splice(index, 1);
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.active?.handle.close();
    this.active = undefined;
    try {
      unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }
}

function readSegment(file: string): { rows: EventRow[]; firstAt: number | undefined; torn: boolean } {
  const rows: EventRow[] = [];
  let firstAt: number | undefined;
  let torn = false;
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  // The text after the last newline is a write that did not finish: never acknowledged.
  if (lines.at(-1) !== "") torn = true;
  for (const line of lines.slice(0, -1)) {
    try {
      const record = JSON.parse(line) as { at: number; rows: EventRow[] };
      firstAt ??= record.at;
      rows.push(...record.rows);
    } catch {
      torn = true;
    }
  }
  return { rows, firstAt, torn };
}

function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
