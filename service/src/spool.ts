/**
 * The local spool: where accepted events wait while no writable datastore answers (incident 003),
 * bounded in bytes, every append fsync'd before the request is answered.
 *
 * Layout: `DIR/<12-digit sequence>.spool` segments, each a JSON line per append
 * `{"at":<ms spooled>,"events":<rows>,"rows":[...]}`. Appends go to the newest segment, replay reads
 * the oldest first, so events replay in the order they were spooled. A segment is deleted only
 * after every row in it is committed; a crash between the two replays it again, and the insert id
 * stores each event once (incident 002). A torn last line (a crash mid-write) was never
 * acknowledged: it is skipped and logged. A write that fails (a full disk, an I/O error) is cut
 * back before the next one, and a restart appends to a new segment, so a torn line is only ever a
 * segment's last: no acknowledged line is ever written after one.
 *
 * Replay streams: a segment is read through one buffer and handed out as batches of at most the
 * insert's event count, each the rows' JSON exactly as spooled (the bytes between a line's
 * `"rows":[` and its `]}`), copied into one reused batch buffer: never parsed into objects and
 * serialised again, and nothing allocated per batch. A replay holds a read buffer and a batch
 * buffer, whatever the spool's size. Parsing whole segments and re-serialising them, with fresh
 * buffers for every batch, is garbage that V8 collects late: it raised the process's RSS during a
 * full spool's replay by more than the spool's size.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statfsSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { open, FileHandle } from "node:fs/promises";
import path from "node:path";
import type { EncodedRow, EventRow } from "./events";
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
    for (const name of readdirSync(dir)
      .filter((n) => /^\d{12}\.spool$/.test(n))
      .sort()) {
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

  /**
   * Whether the spool's disk takes a request now: undefined when a small write is fsync'd and at
   * least `requestBytes` (one largest request) stay free, else what fails (a full disk, a file
   * system remounted read-only after an I/O error). Readiness asks it while no datastore is
   * writable, so a host whose spool cannot take events leaves service instead of answering 503.
   */
  probe(requestBytes: number): string | undefined {
    try {
      const { bavail, bsize } = statfsSync(this.dir);
      const free = bavail * bsize;
      if (free < requestBytes) return `its file system has ${free} bytes free, less than one request's ${requestBytes}`;
      const fd = openSync(path.join(this.dir, "ready-probe"), "w", 0o600);
      try {
        writeSync(fd, String(Date.now()));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Appends rows and resolves once they are on disk (fsync'd); SpoolFullError past the bound. */
  append(rows: readonly EncodedRow[]): Promise<void> {
    // The rows' JSON as made when they were parsed: the line JSON.stringify({ at, events, rows }) would write.
    const line = Buffer.from(`{"at":${Date.now()},"events":${rows.length},"rows":[${rows.map((r) => r.json).join(",")}]}\n`);
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
        try {
          await writeAll(handle, lines);
          await handle.datasync();
        } catch (error) {
          await this.undoWrite();
          throw error;
        }
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

  /**
   * A write or fsync that failed (ENOSPC, EIO) may have left part of its lines in the segment: cut
   * the segment back to its last acknowledged byte, so the next append starts on a line boundary.
   * Were it left, the next acknowledged line would be written after the torn one and replay would
   * read the two as one malformed line and skip both. When even the truncate fails, the segment
   * is closed where it is: its torn tail is its last line (replay skips it) and the next append
   * goes to a new segment.
   */
  private async undoWrite(): Promise<void> {
    const { segment, handle } = this.active!;
    try {
      await handle.truncate(segment.bytes);
      await handle.datasync();
    } catch (error) {
      log("error", "could not cut a failed spool write back; the next append starts a new segment", { segment: segment.seq, error: (error as Error).message });
      this.active = undefined;
      await handle.close().catch(() => undefined);
    }
  }

  private async rotate(): Promise<void> {
    const previous = this.active;
    this.active = undefined;
    await previous?.handle.close();
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

/**
 * Spooled rows ready to insert, as the bytes they were spooled as. Its buffers are reused for the
 * next batch: valid until the next one is taken from the generator.
 */
export interface SpooledBatch {
  events: number;
  /** A JSON array of the rows: each line's rows array joined with commas inside `[...]`. */
  json: Buffer;
  /** Each line's rows, without brackets, for `spooledRows` when the datastore refuses the batch. */
  lineRows: Buffer[];
}

interface SpooledLine {
  at: number;
  events: number;
  /** The line's rows array without its brackets. */
  rows: Buffer;
}

const readChunkBytes = 1 << 20;
const lineHead = /^\{"at":(\d+),"events":(\d+),"rows":\[/;
const newline = 0x0a;
const [openBracket, comma, closeBracket] = [0x5b, 0x2c, 0x5d];

/** `buffer` holding at least `bytes`, its first `used` bytes kept: the same buffer while it is large enough. */
function withRoom(buffer: Buffer, used: number, bytes: number): Buffer {
  if (buffer.length >= bytes) return buffer;
  const larger = Buffer.allocUnsafe(Math.max(bytes, buffer.length * 2));
  buffer.copy(larger, 0, 0, used);
  return larger;
}

/**
 * The well-formed lines of a segment, read through one buffer (grown only for a line longer than
 * it); each line is a view of that buffer, valid until the next. The text after the last newline
 * is a write that did not finish (never acknowledged), and a line not of the spool's shape cannot
 * be replayed: both are logged and skipped.
 */
function* segmentLines(file: string, name: string): Generator<SpooledLine> {
  const fd = openSync(file, "r");
  try {
    let buffer: Buffer = Buffer.allocUnsafe(readChunkBytes);
    let start = 0;
    let end = 0;
    for (;;) {
      const data = buffer.subarray(0, end);
      for (let nl = data.indexOf(newline, start); nl >= 0; nl = data.indexOf(newline, start)) {
        const line = decodeLine(data.subarray(start, nl));
        if (line) yield line;
        else log("warn", "spool line is not a spooled append; it is skipped", { segment: name, bytes: nl - start });
        start = nl + 1;
      }
      // The unfinished line moves to the front; the buffer grows when it fills the buffer alone.
      buffer.copy(buffer, 0, start, end);
      end -= start;
      start = 0;
      buffer = withRoom(buffer, end, end + 1);
      const read = readSync(fd, buffer, end, buffer.length - end, null);
      if (read === 0) break;
      end += read;
    }
    if (end > 0) log("warn", "spool segment ends in a torn line (a crash mid-write, never acknowledged); it is skipped", { segment: name, bytes: end });
  } finally {
    closeSync(fd);
  }
}

function decodeLine(line: Buffer): SpooledLine | undefined {
  const head = lineHead.exec(line.toString("latin1", 0, 64));
  // `]}` closes the rows array and the line: what JSON.stringify wrote for this shape.
  if (!head || line.length < head[0].length + 2 || line[line.length - 2] !== closeBracket || line[line.length - 1] !== 0x7d) return undefined;
  const events = Number(head[2]);
  if (events === 0) return undefined;
  return { at: Number(head[1]), events, rows: line.subarray(head[0].length, line.length - 2) };
}

/** Lines copied into one reused buffer as batches of at most `maxEvents` events (a longer line is a batch alone). */
function* batches(lines: Iterable<SpooledLine>, maxEvents: number): Generator<SpooledBatch> {
  let buffer: Buffer = Buffer.allocUnsafe(readChunkBytes);
  let length = 0;
  let events = 0;
  let ranges: [number, number][] = [];
  const batch = (): SpooledBatch => {
    buffer[length] = closeBracket;
    return { events, json: buffer.subarray(0, length + 1), lineRows: ranges.map(([from, to]) => buffer.subarray(from, to)) };
  };
  for (const line of lines) {
    if (events && events + line.events > maxEvents) {
      yield batch();
      [length, events, ranges] = [0, 0, []];
    }
    buffer = withRoom(buffer, length, length + line.rows.length + 2);
    buffer[length++] = events ? comma : openBracket;
    line.rows.copy(buffer, length);
    ranges.push([length, length + line.rows.length]);
    length += line.rows.length;
    events += line.events;
  }
  if (events) yield batch();
}

/** The rows of a batch's lines, parsed; a line that is not JSON (corrupted on disk) is logged and skipped. */
export function spooledRows(batch: SpooledBatch, segment: number): EventRow[] {
  return batch.lineRows.flatMap((rows) => {
    const text = `[${rows.toString("utf8")}]`;
    try {
      return JSON.parse(text) as EventRow[];
    } catch (error) {
      log("error", "spool line is not JSON (corrupted on disk); it is skipped", { segment, error: (error as Error).message, text: text.slice(0, 200) });
      return [];
    }
  });
}

/** writev until every byte is written: a short write leaves the rest to write. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  const rest = buffers;
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
