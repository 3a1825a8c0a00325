/**
 * Group commit against a real PostgreSQL: requests that arrive while inserts run share the next
 * insert (one statement, one commit), each is answered only after its group committed or, when the
 * datastore fails, after its own rows are fsync'd in the spool; duplicates behave as with lone
 * inserts. A BEFORE INSERT trigger (like the game day's delivery audit) records the transaction of
 * every row proposed, so the commits are counted, not inferred from timing.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "./support/load";
import { Postgres, postgresInstalled, startPostgres } from "../../harness/postgres";
import { skipWithout } from "../../harness/requirements";
import { batchBody, datastoreEnv, removeServiceTempDirs, request, RunningService, serviceFile, startService } from "../../harness/service";
import { mountTmpfs } from "../../harness/tmpfs";

const running: RunningService[] = [];
async function service(env: Record<string, string> = {}, spoolDir?: string): Promise<RunningService> {
  const started = await startService({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_DB_RECONNECT_INTERVAL_MS: "200", ...env }, spoolDir });
  running.push(started);
  // The table exists once the service has migrated (at its first connect, started by the replayer).
  await until(async () => (await db.query("SELECT to_regclass('events') AS t"))[0]!.t !== null, 20_000, "the events table");
  return started;
}

let db: Postgres;

async function metrics(port: number): Promise<Record<string, number>> {
  return JSON.parse((await request(port, "GET", "/metrics")).body);
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Records each proposed row's transaction (BEFORE INSERT sees duplicates too, as the game day's audit does). */
async function installAudit(): Promise<void> {
  await db.query("CREATE TABLE IF NOT EXISTS commit_audit (xid bigint NOT NULL, insert_id text NOT NULL)");
  await db.query("CREATE OR REPLACE FUNCTION commit_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO commit_audit VALUES (txid_current(), NEW.insert_id); RETURN NEW; END $$");
  await db.query("CREATE OR REPLACE TRIGGER commit_audit BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION commit_audit_row()");
}

/** Rows proposed per committed transaction, largest first. */
async function groups(): Promise<number[]> {
  const rows = await db.query<{ n: string }>("SELECT count(*) AS n FROM commit_audit GROUP BY xid ORDER BY count(*) DESC");
  return rows.map((r) => Number(r.n));
}

const holds: pg.Client[] = [];

/** Holds a SHARE lock on the events table, so every insert waits (in flight) until `release` (or the test's end). */
async function holdInserts(): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ host: "127.0.0.1", port: db.port, user: "ingest", password: "secret", database: "edge" });
  client.on("error", () => undefined); // the datastore is killed under it in one test
  await client.connect();
  holds.push(client);
  await client.query("BEGIN");
  await client.query("LOCK TABLE events IN SHARE MODE");
  return { release: () => (holds.splice(holds.indexOf(client), 1), client.end().catch(() => undefined)) };
}

/** The service's inserts waiting on the lock, and its open connections. */
async function backends(port: number): Promise<{ waiting: number; connections: number }> {
  const rows = await db.query<{ waiting: string; connections: string }>(
    "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting, count(*) AS connections FROM pg_stat_activity WHERE application_name = $1",
    [`edge-ingest:${port}`],
  );
  return { waiting: Number(rows[0]!.waiting), connections: Number(rows[0]!.connections) };
}

const post = (port: number, body: string) => request(port, "POST", "/track", body, {}, 20_000);

/** `inFlight` requests holding the lock's waiting inserts, then `queued` bodies posted behind them; resolves once all are queued. */
async function formGroup(svc: RunningService, inFlight: number, queued: string[]) {
  const first = Array.from({ length: inFlight }, () => batchBody(1));
  const firstAnswers = first.map((b) => post(svc.port, b.body));
  await until(async () => (await backends(svc.port)).waiting === inFlight, 10_000, "the first inserts to wait on the lock");
  const answers = queued.map((body) => post(svc.port, body));
  const events = queued.reduce((sum, body) => sum + (JSON.parse(body) as { events: unknown[] }).events.length, 0);
  await until(async () => (await metrics(svc.port)).pendingEvents === events, 10_000, `${events} events to queue`);
  return { first, firstAnswers, answers };
}

async function storedIds(): Promise<string[]> {
  return (await db.query<{ insert_id: string }>("SELECT insert_id FROM events")).map((r) => r.insert_id);
}

describe.skipIf(skipWithout([postgresInstalled]))("ingestion service: group commit", () => {
  beforeAll(async () => {
    serviceFile();
    db = await startPostgres();
  });
  afterEach(async () => {
    for (const client of holds.splice(0)) await client.end().catch(() => undefined);
    for (const s of running.splice(0)) await s.kill();
    try {
      db.start();
    } catch {
      // already running
    }
    await db.query("DROP TABLE IF EXISTS commit_audit").catch(() => undefined);
    await db.query("DROP TRIGGER IF EXISTS commit_audit ON events").catch(() => undefined);
    await db.query("TRUNCATE events").catch(() => undefined);
  });
  afterAll(async () => {
    for (const s of running.splice(0)) await s.kill();
    await db?.stop();
    removeServiceTempDirs();
  });

  it("requests arriving while inserts run share the next insert and its commit, on no more connections than groups in flight", async () => {
    const svc = await service({ INGEST_GROUPS_IN_FLIGHT: "2" });
    await installAudit();
    const hold = await holdInserts();
    const queued = Array.from({ length: 30 }, () => batchBody(2));
    const { first, firstAnswers, answers } = await formGroup(
      svc,
      2,
      queued.map((b) => b.body),
    );
    // A service at its pool's size (8 here) would have opened a connection per waiting request.
    expect((await backends(svc.port)).connections).toBeLessThanOrEqual(2);
    await hold.release();
    for (const answer of await Promise.all([...firstAnswers, ...answers])) expect(answer.status).toBe(200);
    // 32 requests, 3 commits: the two that went at once, then the 30 that waited, as one.
    expect(await groups()).toEqual([60, 1, 1]);
    const stored = new Set(await storedIds());
    expect([...first, ...queued].flatMap((b) => b.ids).filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(62);
  }, 60_000);

  it("under a closed loop of 32 clients: fewer commits than requests, every acknowledged id stored once", async () => {
    await service();
    await installAudit();
    const svc = running[0]!;
    const result = await runLoad({ port: () => svc.port, batches: 400, concurrency: 32, eventsPerBatch: 1, deadlineMs: 60_000 });
    expect(result.unacked).toBe(0);
    const stored = await storedIds();
    expect(stored.length).toBe(new Set(stored).size);
    expect(new Set(stored)).toEqual(result.acked);
    const commits = (await groups()).length;
    expect(commits).toBeLessThan(400 / 2);
  }, 90_000);

  it("duplicates inside one group and across groups: every request answered 200, each id stored once, duplicates counted", async () => {
    const svc = await service({ INGEST_GROUPS_IN_FLIGHT: "1" });
    await installAudit();
    const earlier = batchBody(3);
    expect((await post(svc.port, earlier.body)).status).toBe(200);
    const hold = await holdInserts();
    const fresh = batchBody(4);
    // One group: a new batch twice (inside the group) and the earlier one again (across groups).
    const { first, firstAnswers, answers } = await formGroup(svc, 1, [fresh.body, fresh.body, earlier.body]);
    await hold.release();
    for (const answer of await Promise.all([...firstAnswers, ...answers])) expect(answer.status).toBe(200);
    expect(await groups()).toEqual([11, 3, 1]);
    const stored = await storedIds();
    expect(stored.sort()).toEqual([...earlier.ids, ...fresh.ids, ...first[0]!.ids].sort());
    expect((await metrics(svc.port)).duplicates).toBe(4 + 3);
  }, 60_000);

  it("the datastore stops under a group in flight: every request of the group and of the next is spooled and answered only then; replay stores each once", async () => {
    const svc = await service({ INGEST_GROUPS_IN_FLIGHT: "1" });
    const hold = await holdInserts();
    const queued = Array.from({ length: 20 }, () => batchBody(3));
    const { first, firstAnswers, answers } = await formGroup(
      svc,
      1,
      queued.map((b) => b.body),
    );
    const all = [...first, ...queued];
    // Each answer is checked when it arrives: its rows are in the spool already.
    const spooledWhenAnswered = [...firstAnswers, ...answers].map((answer, i) =>
      answer.then((a) => {
        const spool = readdirSync(svc.spoolDir)
          .filter((f) => f.endsWith(".spool"))
          .map((f) => readFileSync(path.join(svc.spoolDir, f), "utf8"))
          .join("");
        return { status: a.status, inSpool: all[i]!.ids.every((id) => spool.includes(id)) };
      }),
    );
    db.kill();
    await hold.release();
    for (const answer of await Promise.all(spooledWhenAnswered)) expect(answer).toEqual({ status: 200, inSpool: true });
    expect((await metrics(svc.port)).spoolDepth).toBe(1 + 60);
    db.start();
    await until(async () => (await metrics(svc.port)).spoolDepth === 0, 30_000, "the spool to replay");
    const stored = await storedIds();
    expect(stored.sort()).toEqual(all.flatMap((b) => b.ids).sort());
  }, 60_000);

  it("the datastore stops under a group and the spool's disk is full: no request of the group is acknowledged", async () => {
    const disk = mountTmpfs(1024 * 1024, "edge-group-spool-");
    try {
      const svc = await service({ INGEST_GROUPS_IN_FLIGHT: "1" }, path.join(disk.dir, "spool"));
      const hold = await holdInserts();
      const { firstAnswers, answers } = await formGroup(
        svc,
        1,
        Array.from({ length: 10 }, () => batchBody(8, 2000).body),
      );
      // The rest of the disk, as another writer would take it: no spool line fits.
      writeFileSync(path.join(disk.dir, "filler"), Buffer.alloc(1024 * 1024 - 8 * 1024));
      db.kill();
      await hold.release();
      const statuses = (await Promise.all([...firstAnswers, ...answers])).map((a) => a.status);
      expect(statuses.slice(1)).toEqual(Array(10).fill(503));
      expect((await metrics(svc.port)).spoolDepth).toBe(statuses[0] === 200 ? 1 : 0);
    } finally {
      for (const s of running.splice(0)) await s.kill();
      disk.unmount();
    }
  }, 60_000);
});
