/** The service's pure parts: settings, the request body, the client's network, the spool's order and bound. */
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config";
import { encodeRow, EventRow, parseBatch, RequestError, truncateAddress } from "../src/events";
import { emfRecord } from "../src/metrics";
import { ingestMetrics } from "../../models/ingestMetrics";
import { Spool, spooledRows, SpoolFullError } from "../src/spool";
import { mountTmpfs } from "../../harness/tmpfs";

/** Appends rows as the pipeline does: each row's JSON made once, as `parseBatch` makes it. */
const append = (spool: Spool, rows: EventRow[]) => spool.append(rows.map(encodeRow));

const base = { INGEST_DB_HOSTS: "db-1.internal,db-2.internal:6432", INGEST_DB_PASSWORD: "x", INGEST_DB_SSLMODE: "disable", INGEST_POOL_SIZE: "16" };
const listen = ["--listen", "127.0.0.1:8080"];

describe("readConfig", () => {
  it("takes the candidates in order and gives each process half the host's pool", () => {
    const config = readConfig(base, listen);
    expect(config.dbHosts).toEqual([
      { host: "db-1.internal", port: 5432 },
      { host: "db-2.internal", port: 6432 },
    ]);
    expect(config.poolMax).toBe(8);
    expect(config.connectTimeoutMs).toBe(1000);
    expect(config.collectorPath).toBe("/track");
    expect(config.spoolDir).toBe("/var/lib/edge-ingest/spool-8080");
  });

  it.each([
    [{ INGEST_POOL_MAX: "9" }, "INGEST_POOL_MAX: expected at most this process's share of the host's pool, 8"],
    [{ INGEST_POOL_SIZE: "1" }, "INGEST_POOL_SIZE: expected at least INGEST_PROCESSES_PER_HOST (2) connections"],
    [{ INGEST_POOL_SIZE: "many" }, 'INGEST_POOL_SIZE: expected a whole number from 1 to 10000, got "many"'],
    [{ INGEST_DB_HOSTS: "db 1" }, 'INGEST_DB_HOSTS: expected host[:port], e.g. db-1.internal:5432, got "db 1"'],
    [{ INGEST_DB_SSLMODE: "verify-full" }, "INGEST_DB_SSL_ROOT_CERT: expected the CA bundle"],
    [{ INGEST_DB_PASSWORD: "" }, "INGEST_DB_PASSWORD_PARAMETER: expected the SSM parameter (SecureString)"],
    [{ INGEST_ALLOWED_ORIGINS: "shop.example.com" }, "INGEST_ALLOWED_ORIGINS: expected * or a comma-separated list of origins"],
  ])("refuses %o naming the variable, the value and the fix", (override, message) => {
    expect(() => readConfig({ ...base, ...override }, listen)).toThrow(ConfigError);
    expect(() => readConfig({ ...base, ...override }, listen)).toThrow(message);
  });

  it("refuses a missing or malformed --listen", () => {
    expect(() => readConfig(base, [])).toThrow("INGEST_LISTEN: expected HOST:PORT, e.g. 127.0.0.1:8080, got nothing");
    expect(() => readConfig(base, ["--listen", "8080"])).toThrow('--listen: expected HOST:PORT, e.g. 127.0.0.1:8080, got "8080"');
  });
});

describe("parseBatch", () => {
  const limits = { maxEventsPerBatch: 3, maxEventBytes: 512 };
  const event = { insertId: "0123456789abcdef", name: "click", time: 1700000000000, properties: { a: 1 } };

  it("makes rows that keep the network, the page and the received time", () => {
    const encoded = parseBatch(JSON.stringify({ events: [event], page: "https://shop.example.com/" }), limits, "198.51.100.0/24", 5);
    const rows = encoded.map((e) => e.row);
    // Serialised once, when parsed: the JSON the size limit measured is the row's, byte for byte.
    expect(encoded.map((e) => e.json)).toEqual(rows.map((row) => JSON.stringify(row)));
    expect(rows).toEqual([{ insert_id: event.insertId, name: "click", time: event.time, properties: { a: 1 }, page: "https://shop.example.com/", client_network: "198.51.100.0/24", received: 5 }]);
  });

  it.each([
    [{ events: [event, event, event, event] }, 422, "events", "a batch holds at most 3 events, got 4"],
    [{ events: [{ ...event, insertId: "a b" }] }, 422, "events[0].insertId", 'got "a b"'],
    [{ events: [{ ...event, properties: [1] }] }, 422, "events[0].properties", "expected an object"],
    [{ events: [{ ...event, properties: { pad: "x".repeat(600) } }] }, 422, "events[0]", "an event is at most 512 bytes"],
    [{ events: [event], page: 7 }, 422, "page", "expected a URL"],
  ])("refuses %j", (body, status, field, message) => {
    try {
      parseBatch(JSON.stringify(body), limits, null, 0);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RequestError);
      expect({ status: (error as RequestError).status, field: (error as RequestError).field }).toEqual({ status, field });
      expect((error as Error).message).toContain(message);
    }
  });
});

describe("truncateAddress", () => {
  it.each([
    ["203.0.113.77", "203.0.113.0/24"],
    ["::ffff:203.0.113.77", "203.0.113.0/24"],
    ["2001:db8:abcd:12::1", "2001:db8:abcd::/48"],
    ["2001:db8::1", "2001:db8:0::/48"],
    ["not an address", null],
    [undefined, null],
  ])("%s keeps %s", (address, network) => {
    expect(truncateAddress(address)).toBe(network);
  });
});

describe("emfRecord", () => {
  it("declares every metric of the table and carries its value", () => {
    const record = JSON.parse(
      emfRecord(
        "Edge/Ingest",
        "eu-west-1",
        { accepted: 5, rejected: 1, errorAnswers: 4, shed: 0, spooled: 2, duplicates: 0, datastoreErrors: 3 },
        { spoolDepth: 2, replayLagSeconds: 1.5, datastoreErrors: 3 },
        1000,
      ),
    );
    expect(record._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name).sort()).toEqual(
      Object.values(ingestMetrics)
        .map((m) => m.name)
        .sort(),
    );
    for (const metric of Object.values(ingestMetrics)) expect(typeof record[metric.name]).toBe("number");
    expect(record.Region).toBe("eu-west-1");
    expect(record.EventsAccepted).toBe(5);
    expect(record.ReplayLagSeconds).toBe(1.5);
  });
});

describe("Spool", () => {
  /** Runs `test` in a fresh spool directory, removed after it also on failure. */
  async function inSpoolDir(test: (dir: string) => Promise<void>): Promise<void> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "edge-spool-unit-"));
    try {
      await test(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const row = (id: string): EventRow => ({ insert_id: id, name: "n", time: 1, properties: {}, page: null, client_network: null, received: 1 });

  it("replays in the order it spooled, across segments and a restart, and skips a torn last line", () =>
    inSpoolDir(async (dir) => {
      const spool = new Spool(dir, 1024 * 1024, 64 * 1024);
      const ids = Array.from({ length: 300 }, (_, i) => `id-${String(i).padStart(5, "0")}-${"p".repeat(400)}`);
      for (const id of ids) await append(spool, [row(id)]);
      expect(spool.depth).toBe(300);
      await spool.close();
      const segments = readdirSync(dir)
        .filter((n) => n.endsWith(".spool"))
        .sort();
      expect(segments.length).toBeGreaterThan(1);
      appendFileSync(path.join(dir, segments.at(-1)!), '{"at":1,"events":1,"rows":[{"insert_id":"torn');

      const reopened = new Spool(dir, 1024 * 1024, 64 * 1024);
      expect(reopened.depth).toBe(300);
      const replayed: string[] = [];
      for (let segment = await reopened.oldest(); segment; segment = await reopened.oldest()) {
        for (const batch of segment.batches(7)) {
          const rows = JSON.parse(batch.json.toString()) as EventRow[];
          expect(rows.length).toBe(batch.events);
          expect(batch.events).toBeLessThanOrEqual(7);
          replayed.push(...rows.map((r) => r.insert_id));
        }
        reopened.remove(segment.seq);
      }
      expect(replayed).toEqual(ids);
      expect(reopened.depth).toBe(0);
      await reopened.close();
    }));

  it("replays a line longer than its read buffer, and lines around it, in order", () =>
    inSpoolDir(async (dir) => {
      const spool = new Spool(dir, 8 * 1024 * 1024, 4 * 1024 * 1024);
      const long = { ...row("long-line-000000"), properties: { pad: "p".repeat(3 * 1024 * 1024) } };
      await append(spool, [row("before-00000000"), row("before-00000001")]);
      await append(spool, [long]);
      await append(spool, [row("after-000000000")]);
      const oldest = (await spool.oldest())!;
      const replayed: string[][] = [];
      // A batch is valid until the next is taken: each is read as it comes.
      for (const batch of oldest.batches(2)) replayed.push((JSON.parse(batch.json.toString()) as EventRow[]).map((r) => r.insert_id));
      expect(replayed).toEqual([
        ["before-00000000", "before-00000001"],
        ["long-line-000000", "after-000000000"],
      ]);
      await spool.close();
    }));

  it("hands out a line corrupted on disk whole, and spooledRows skips it while keeping its batch's other rows", () =>
    inSpoolDir(async (dir) => {
      const spool = new Spool(dir, 1024 * 1024, 64 * 1024);
      await append(spool, [row("good-before-0000"), row("good-before-0001")]);
      await spool.close();
      const [segment] = readdirSync(dir).filter((n) => n.endsWith(".spool"));
      appendFileSync(path.join(dir, segment!), '{"at":1,"events":1,"rows":[{"insert_id":\u0000\u0000]}\n');
      const reopened = new Spool(dir, 1024 * 1024, 64 * 1024);
      await append(reopened, [row("good-after-00000")]);
      const oldest = (await reopened.oldest())!;
      const taken = oldest.batches(100);
      const batch = taken.next().value!;
      expect(batch.events).toBe(3);
      expect(() => JSON.parse(batch.json.toString())).toThrow();
      expect(spooledRows(batch, oldest.seq).map((r) => r.insert_id)).toEqual(["good-before-0000", "good-before-0001"]);
      expect(taken.next().done).toBe(true);
      await reopened.close();
    }));

  /** Every id of every batch the spool hands out, segment by segment, as replay reads them. */
  async function replayedIds(spool: Spool): Promise<string[]> {
    const ids: string[] = [];
    for (let segment = await spool.oldest(); segment; segment = await spool.oldest()) {
      for (const batch of segment.batches(100)) ids.push(...spooledRows(batch, segment.seq).map((r) => r.insert_id));
      spool.remove(segment.seq);
    }
    return ids;
  }

  it("on a real file system that fills mid-write, replays every append it acknowledged, also those after the failed one", async () => {
    const disk = mountTmpfs(512 * 1024, "edge-spool-full-");
    try {
      // Something else on the disk (an access log): freed once the disk is full, as logrotate would.
      writeFileSync(path.join(disk.dir, "ballast"), Buffer.alloc(256 * 1024));
      const dir = path.join(disk.dir, "spool");
      const spool = new Spool(dir, 64 * 1024 * 1024, 4 * 1024 * 1024);
      const acknowledged: string[] = [];
      const big = (i: number) => ({ ...row(`big-${String(i).padStart(12, "0")}`), properties: { pad: "p".repeat(9000) } });
      let refused: Error | undefined;
      for (let i = 0; i < 200 && !refused; i++) {
        await append(spool, [big(i)]).then(
          () => acknowledged.push(big(i).insert_id),
          (error: Error) => (refused = error),
        );
      }
      expect((refused as NodeJS.ErrnoException | undefined)?.code).toBe("ENOSPC");
      // Room again: the next appends (some together, as concurrent requests group-commit) are acknowledged.
      rmSync(path.join(disk.dir, "ballast"));
      const after = Array.from({ length: 6 }, (_, i) => row(`after-full-${String(i).padStart(6, "0")}`));
      await append(spool, [after[0]!]);
      await Promise.all(after.slice(1).map((r) => append(spool, [r])));
      acknowledged.push(...after.map((r) => r.insert_id));
      await spool.close();

      const reopened = new Spool(dir, 64 * 1024 * 1024, 4 * 1024 * 1024);
      expect(reopened.depth).toBe(acknowledged.length);
      const replayed = await replayedIds(reopened);
      expect(acknowledged.filter((id) => !replayed.includes(id))).toEqual([]);
      expect(replayed).toEqual(acknowledged);
      await reopened.close();
    } finally {
      disk.unmount();
    }
  });

  it("refuses appends past its bound, and a second process on the same directory", () =>
    inSpoolDir(async (dir) => {
      const spool = new Spool(dir, 1024 * 1024, 64 * 1024);
      const big = row("x".repeat(600 * 1024));
      await append(spool, [big]);
      await expect(append(spool, [big])).rejects.toBeInstanceOf(SpoolFullError);
      await spool.close();
      writeFileSync(path.join(dir, "lock"), "1"); // pid 1 is alive and is not us
      expect(() => new Spool(dir, 1024 * 1024, 64 * 1024)).toThrow("give each process (main, backup) its own spool directory");
    }));
});
