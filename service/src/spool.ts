/**
 * The local spool: where accepted events wait while no writable datastore answers (incident 003),
 * bounded in bytes, every append fsync'd before the request is answered.
 *
 * Layout: `DIR/<12-digit sequence>.spool` segments, each a JSON line per append
 * `{"at":<ms spooled>,"events":<rows>,"rows":[...]}`. Appends go to the newest segment, replay reads
 * the oldest first, so events replay in the order they were spooled. A segment is deleted only
 * after every row in it is committed; a crash between the two replays it again, and the insert id
 * stores each event once (incident 002). A torn last line (a crash mid-write) was never
 * acknowledged: it is skipped and logged.
 *
 * Replay streams: a segment is read a chunk at a time and handed out as batches of at most the
 * insert's event count, each the rows' JSON exactly as spooled (the bytes between a line's
 * `"rows":[` and its `]}`), never parsed into objects and serialised again. Memory held by a replay
 * is one batch and one read chunk, whatever the spool's size; the churn of parsing a whole segment
 * and re-serialising it is what pushed the process's RSS past its bound during a full spool's replay.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, unlinkSync, writeFileSync } from "node:fs";
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
  line: Buffer;
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
      let events = 0;
      let firstAt: number | undefined;
      for (const line of segmentLines(path.join(dir, name), name)) {
        events += line.events;
        firstAt ??= line.at;
      }
      if (events === 0 && statSync(path.join(dir, name)).size === 0) {
        unlinkSync(path.join(dir, name));
        continue;
      }
      this.segments.push({ seq, bytes: statSync(path.join(dir, name)).size, events, firstAt });
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
    const line = Buffer.from(`${JSON.stringify({ at: Date.now(), events: rows.length, rows })}\n`);
    const size = line.length;
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
      const lines = batch.map((p) => p.line);
      const size = lines.reduce((sum, line) => sum + line.length, 0);
      try {
        if (!this.active || this.active.segment.bytes >= this.segmentBytes) await this.rotate();
        const { segment, handle } = this.active!;
        await writeAll(handle, lines);
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
   * The oldest segment for replay, closing the active segment first when it is the only one left,
   * so appends continue in a new segment while this one is replayed. Undefined when empty.
   */
  async oldest(): Promise<{ seq: number; events: number; batches: (maxEvents: number) => Generator<SpooledBatch> } | undefined> {
    await this.flushing;
    const segment = this.segments[0];
    if (!segment) return undefined;
    if (this.active?.segment === segment) {
      await this.active.handle.close();
      this.active = undefined;
    }
    const name = segmentName(segment.seq);
    return { seq: segment.seq, events: segment.events, batches: (maxEvents) => batches(segmentLines(path.join(this.dir, name), name), maxEvents) };
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

/** Spooled rows ready to insert: `events` rows, as the bytes they were spooled as. */
export interface SpooledBatch {
  events: number;
  /** Each line's rows array without its brackets: joined with commas inside `[...]`, a JSON array. */
  rows: Buffer[];
  /** The lines they came from, for `spooledRows` when the datastore refuses the batch. */
  lines: Buffer[];
}

interface SpooledLine {
  at: number;
  events: number;
  /** The line's rows array without its brackets. */
  rows: Buffer;
  line: Buffer;
}

const readChunkBytes = 1 << 20;
const lineHead = /^\{"at":(\d+),"events":(\d+),"rows":\[/;
const newline = 0x0a;

/**
 * The well-formed lines of a segment, read a chunk at a time. The text after the last newline is a
 * write that did not finish (never acknowledged), and a line not of the spool's shape cannot be
 * replayed: both are logged and skipped.
 */
function* segmentLines(file: string, name: string): Generator<SpooledLine> {
  const fd = openSync(file, "r");
  try {
    let carry: Buffer = Buffer.alloc(0);
    for (;;) {
      // A fresh chunk per read: the lines handed out are views of it, held by a batch until it is inserted.
      const chunk = Buffer.allocUnsafe(readChunkBytes);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let end = data.indexOf(newline, start); end >= 0; end = data.indexOf(newline, start)) {
        const line = decodeLine(data.subarray(start, end));
        if (line) yield line;
        else log("warn", "spool line is not a spooled append; it is skipped", { segment: name, bytes: end - start });
        start = end + 1;
      }
      carry = data.subarray(start);
    }
    if (carry.length) log("warn", "spool segment ends in a torn line (a crash mid-write, never acknowledged); it is skipped", { segment: name, bytes: carry.length });
  } finally {
    closeSync(fd);
  }
}

function decodeLine(line: Buffer): SpooledLine | undefined {
  const head = lineHead.exec(line.toString("latin1", 0, 64));
  // `]}` closes the rows array and the line: what JSON.stringify wrote for this shape.
  if (!head || line.length < head[0].length + 2 || line[line.length - 2] !== 0x5d || line[line.length - 1] !== 0x7d) return undefined;
  const events = Number(head[2]);
  if (events === 0) return undefined;
  return { at: Number(head[1]), events, rows: line.subarray(head[0].length, line.length - 2), line };
}

/** Lines grouped into batches of at most `maxEvents` events (a longer line is a batch alone). */
function* batches(lines: Iterable<SpooledLine>, maxEvents: number): Generator<SpooledBatch> {
  let batch: SpooledBatch = { events: 0, rows: [], lines: [] };
  for (const line of lines) {
    if (batch.events && batch.events + line.events > maxEvents) {
      yield batch;
      batch = { events: 0, rows: [], lines: [] };
    }
    batch.events += line.events;
    batch.rows.push(line.rows);
    batch.lines.push(line.line);
  }
  if (batch.events) yield batch;
}

/** The rows of a batch's lines, parsed; a line that is not JSON (corrupted on disk) is logged and skipped. */
export function spooledRows(batch: SpooledBatch, segment: number): EventRow[] {
  return batch.lines.flatMap((line) => {
    try {
      return (JSON.parse(line.toString("utf8")) as { rows: EventRow[] }).rows;
    } catch (error) {
      log("error", "spool line is not JSON (corrupted on disk); it is skipped", { segment, error: (error as Error).message, text: line.toString("utf8", 0, 200) });
      return [];
    }
  });
}

/** writev until every byte is written: a short write leaves the rest to write. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length) {
    let { bytesWritten } = await handle.writev(rest);
    while (rest.length && bytesWritten >= rest[0]!.length) bytesWritten -= rest.shift()!.length;
    if (rest.length && bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
  }
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
