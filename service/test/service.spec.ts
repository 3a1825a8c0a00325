/**
 * The ingestion service against a real PostgreSQL on loopback (Debian `postgresql`): what a client
 * is told is stored is stored, once, through crashes of the service and of the datastore, a hung
 * datastore, a graceful stop, and hostile input.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "./support/load";
import { Postgres, postgresInstalled, startPostgres } from "../../harness/postgres";
import { skipWithout } from "../../harness/requirements";
import { batchBody, datastoreEnv, newSpoolDir, removeServiceTempDirs, request, RunningService, serviceFile, startService } from "../../harness/service";
import { ingestReadTimeoutSeconds, readinessCollectorPathHeader } from "../../models/hostEdge";
import { mountTmpfs } from "../../harness/tmpfs";

// The build and the spools the harness made: nothing stays in the run's temp dir.
afterAll(removeServiceTempDirs);

const running: RunningService[] = [];
async function service(...args: Parameters<typeof startService>): Promise<RunningService> {
  const started = await startService(...args);
  running.push(started);
  return started;
}

async function storedIds(db: Postgres): Promise<string[]> {
  return (await db.query<{ insert_id: string }>("SELECT insert_id FROM events")).map((r) => r.insert_id);
}

async function metrics(port: number): Promise<Record<string, number>> {
  return JSON.parse((await request(port, "GET", "/metrics")).body);
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A CA and a server certificate for `name` (only), installed in the cluster with ssl on; returns the CA file. */
async function enableTls(db: Postgres, name: string): Promise<{ ca: string }> {
  const file = (f: string) => path.join(db.dir, f);
  const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  writeFileSync(file("san.ext"), `subjectAltName=DNS:${name}\n`);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=edge test CA", "-keyout", file("ca.key"), "-out", file("ca.crt")]);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${name}`, "-keyout", file("server.key"), "-out", file("server.csr")]);
  openssl(["x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "1", "-extfile", file("san.ext"), "-out", file("server.crt")]);
  const { uid, gid } = statSync(db.dir);
  for (const f of ["server.key", "server.crt"]) chownSync(file(f), uid, gid);
  chmodSync(file("server.key"), 0o600);
  await db.query(`ALTER SYSTEM SET ssl_cert_file = '${file("server.crt")}'`);
  await db.query(`ALTER SYSTEM SET ssl_key_file = '${file("server.key")}'`);
  await db.query("ALTER SYSTEM SET ssl = on");
  await db.query("SELECT pg_reload_conf()");
  return { ca: file("ca.crt") };
}

/** Every acknowledged id stored exactly once, and nothing stored that no client sent. */
function expectExactlyAcked(stored: string[], acked: Set<string>): void {
  const storedSet = new Set(stored);
  expect(stored.length).toBe(storedSet.size);
  expect([...acked].filter((id) => !storedSet.has(id))).toEqual([]);
  expect(stored.length).toBe(acked.size);
}

describe.skipIf(skipWithout([postgresInstalled]))("ingestion service with a real PostgreSQL", () => {
  let db: Postgres;
  beforeAll(async () => {
    serviceFile();
    db = await startPostgres();
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.kill();
    try {
      db.start();
    } catch {
      // already running
    }
    await db.query("TRUNCATE events").catch(() => undefined);
  });
  afterAll(async () => {
    for (const s of running.splice(0)) await s.kill();
    await db?.stop();
  });

  it("refuses malformed, oversized and id-less input with a clear 4xx and stores nothing", async () => {
    const svc = await service({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_MAX_BODY_BYTES: "4096", INGEST_MAX_EVENTS_PER_BATCH: "5", INGEST_MAX_EVENT_BYTES: "1024" } });
    const event = (extra: object) => ({ insertId: "abcdefghijklmnop", name: "click", time: 1, ...extra });
    const cases: [string, number, string][] = [
      ["{not json", 400, "body"],
      ['"a string"', 400, "body"],
      [JSON.stringify({ events: "x" }), 400, "events"],
      [JSON.stringify({ events: [] }), 422, "events"],
      [JSON.stringify({ events: Array.from({ length: 6 }, (_, i) => event({ insertId: `abcdefghijklmno${i}` })) }), 422, "events"],
      [JSON.stringify({ events: [event({ insertId: undefined })] }), 422, "events[0].insertId"],
      [JSON.stringify({ events: [event({ insertId: "short" })] }), 422, "events[0].insertId"],
      [JSON.stringify({ events: [event({ time: "yesterday" })] }), 422, "events[0].time"],
      [JSON.stringify({ events: [event({ properties: { big: "x".repeat(2000) } })] }), 422, "events[0]"],
      [JSON.stringify({ events: [event({ name: "a\u0000b" })] }), 422, "body"],
      [JSON.stringify({ events: [event({ properties: { big: "x".repeat(5000) } })] }), 413, "body"],
    ];
    for (const [body, status, field] of cases) {
      const answer = await request(svc.port, "POST", "/v1/batch", body, { "Content-Type": "application/json", Origin: "https://shop.example.com" });
      expect({ body: body.slice(0, 40), status: answer.status }).toEqual({ body: body.slice(0, 40), status });
      const parsed = JSON.parse(answer.body);
      expect(parsed.field).toBe(field);
      expect(parsed.error.length).toBeGreaterThan(10);
      expect(answer.headers["access-control-allow-origin"]).toBe("*");
    }
    expect(await storedIds(db)).toEqual([]);
    expect((await metrics(svc.port)).rejected).toBe(cases.length);
    expect((await request(svc.port, "GET", "/track")).status).toBe(405);
    expect((await request(svc.port, "POST", "/elsewhere", "{}")).status).toBe(404);
  });

  it("answers CORS for the configured origins only and exposes Retry-After", async () => {
    const svc = await service({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_ALLOWED_ORIGINS: "https://shop.example.com" } });
    const preflight = await request(svc.port, "OPTIONS", "/track", undefined, { Origin: "https://shop.example.com", "Access-Control-Request-Method": "POST" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://shop.example.com");
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    const { body, ids } = batchBody(2);
    const ok = await request(svc.port, "POST", "/track", body, { Origin: "https://shop.example.com", "X-Forwarded-For": "203.0.113.77" });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ accepted: 2 });
    expect(ok.headers["access-control-expose-headers"]).toBe("Retry-After");
    const other = await request(svc.port, "POST", "/track", batchBody(1).body, { Origin: "https://evil.example.net" });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    // The stored event keeps the client's network, not its address, and no user agent.
    const rows = await db.query<{ insert_id: string; client_network: string }>("SELECT insert_id, client_network FROM events WHERE insert_id = ANY($1)", [ids]);
    expect(rows.map((r) => r.client_network)).toEqual(["203.0.113.0/24", "203.0.113.0/24"]);
  });

  it("refuses to start with a pool larger than its share of the host's budget", async () => {
    const svc = await service({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_POOL_SIZE: "16", INGEST_PROCESSES_PER_HOST: "2", INGEST_POOL_MAX: "9" }, waitListening: false });
    const { code } = await svc.exited;
    expect(code).toBe(2);
    expect(svc.lines.join("\n")).toContain("INGEST_POOL_MAX: expected at most this process's share of the host's pool, 8 (INGEST_POOL_SIZE 16 / INGEST_PROCESSES_PER_HOST 2)");
  });

  it("SIGKILLed mid-load and restarted: every acknowledged id is stored exactly once", async () => {
    const env = datastoreEnv(`127.0.0.1:${db.port}`);
    let svc = await service({ env });
    const port = svc.port;
    let restarted: Promise<void> | undefined;
    const load = runLoad({
      port: () => port,
      batches: 300,
      concurrency: 8,
      eventsPerBatch: 10,
      deadlineMs: 60_000,
      onAck: (n) => {
        if (n === 80 && !restarted) {
          restarted = (async () => {
            await svc.kill();
            await new Promise((r) => setTimeout(r, 300));
            svc = await service({ env, port, spoolDir: svc.spoolDir });
          })();
        }
      },
    });
    const result = await load;
    await restarted;
    expect(result.unacked).toBe(0);
    expect(result.retries).toBeGreaterThan(0);
    expect(result.acked.size).toBe(3000);
    expectExactlyAcked(await storedIds(db), result.acked);
  });

  it("datastore killed mid-load: events spool, then replay once it is back, each stored once", async () => {
    const svc = await service({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_DB_RECONNECT_INTERVAL_MS: "200" } });
    let killedAt = -1;
    const result = await runLoad({
      port: () => svc.port,
      batches: 200,
      concurrency: 4,
      eventsPerBatch: 10,
      deadlineMs: 60_000,
      onAck: (n) => {
        if (n === 40) {
          db.kill();
          killedAt = n;
        }
      },
    });
    expect(killedAt).toBe(40);
    expect(result.unacked).toBe(0);
    const during = await metrics(svc.port);
    expect(during.spooled).toBeGreaterThan(0);
    expect(during.spoolDepth).toBeGreaterThan(0);
    expect((await request(svc.port, "GET", "/readyz")).status).toBe(200); // spool below high water
    db.start();
    await until(async () => (await metrics(svc.port)).spoolDepth === 0, 30_000, "the spool to replay");
    expectExactlyAcked(await storedIds(db), result.acked);
  });

  it("readiness probes the path nginx routes events to: a service that takes events elsewhere is not ready", async () => {
    const env = datastoreEnv(`127.0.0.1:${db.port}`);
    const svc = await service({ env });
    const ready = await request(svc.port, "GET", "/readyz", undefined, { [readinessCollectorPathHeader]: "/track" });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true, collectorPath: "/track", datastore: "writable" });
    // A release whose env file moved the collector path: nginx still sends events to /track.
    const moved = await service({ env: { ...env, INGEST_COLLECTOR_PATH: "/v2/collect" } });
    expect((await request(moved.port, "POST", "/track", batchBody(1).body)).status).toBe(404);
    expect((await request(moved.port, "GET", "/wp-login.php")).status).toBe(404);
    // The event's 404 is counted against the release (its instance refresh rolls back); a crawler's GET is not.
    expect((await metrics(moved.port)).errorAnswers).toBe(1);
    const notReady = await request(moved.port, "GET", "/readyz", undefined, { [readinessCollectorPathHeader]: "/track" });
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body).reason).toMatch(/^an event posted to \/track would be answered 404/);
    // Without nginx's header, readiness probes the service's own path.
    expect((await request(moved.port, "GET", "/readyz")).status).toBe(200);
  });

  it("spool on a full disk while the datastore is down: 503 with Retry-After and not ready, never a torn acknowledgement; every acknowledged id is stored after replay", async () => {
    const disk = mountTmpfs(1024 * 1024, "edge-spool-disk-");
    try {
      // What else the host writes to that disk (nginx's access log): freed later, as logrotate does.
      writeFileSync(path.join(disk.dir, "access.log"), Buffer.alloc(512 * 1024));
      const svc = await service({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_DB_RECONNECT_INTERVAL_MS: "200", INGEST_MAX_BODY_BYTES: "65536" }, spoolDir: path.join(disk.dir, "spool") });
      db.kill();
      const acked = new Set<string>();
      const shed: { retryAfter: string | undefined }[] = [];
      for (let i = 0; i < 200 && shed.length < 5; i++) {
        const { body, ids } = batchBody(8, 2000);
        const answer = await request(svc.port, "POST", "/track", body);
        if (answer.status === 200) for (const id of ids) acked.add(id);
        else if (answer.status === 503) shed.push({ retryAfter: answer.headers["retry-after"] });
        else throw new Error(`unexpected ${answer.status}: ${answer.body}`);
      }
      expect(acked.size).toBeGreaterThan(0);
      expect(shed.length).toBe(5);
      for (const answer of shed) expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      const readyz = await request(svc.port, "GET", "/readyz");
      expect(readyz.status).toBe(503);
      expect(JSON.parse(readyz.body).reason).toMatch(/the spool cannot take a request/);
      // Room again: later requests are acknowledged and must replay with the rest.
      rmSync(path.join(disk.dir, "access.log"));
      for (let i = 0; i < 5; i++) {
        const { body, ids } = batchBody(4, 500);
        expect((await request(svc.port, "POST", "/track", body)).status).toBe(200);
        for (const id of ids) acked.add(id);
      }
      expect((await request(svc.port, "GET", "/readyz")).status).toBe(200);
      db.start();
      await until(async () => (await metrics(svc.port)).spoolDepth === 0, 30_000, "the spool to replay");
      const stored = new Set(await storedIds(db));
      expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
      await svc.kill();
    } finally {
      disk.unmount();
    }
  });

  it("replays a spool left behind as spooled; a row the datastore refuses and a line corrupted on disk are logged and dropped, every other row stored once", async () => {
    const spoolDir = newSpoolDir();
    const row = (id: string, properties: Record<string, unknown> = { path: "/" }) => ({ insert_id: id, name: "page_view", time: 1, properties, page: null, client_network: null, received: 1 });
    const line = (rows: object[]) => `${JSON.stringify({ at: 1, events: rows.length, rows })}\n`;
    const good = ["spooled-good-0000", "spooled-good-0001", "spooled-good-0002", "spooled-good-0003"];
    writeFileSync(
      path.join(spoolDir, "000000000001.spool"),
      line([row(good[0]!), row(good[1]!)]) +
        // jsonb refuses \u0000 in text (22P05): the batch fails, then that row alone.
        line([row("spooled-refused-0", { text: "\u0000" })]) +
        '{"at":1,"events":1,"rows":[{"insert_id":"spooled-corrupt"\u0000\u0000]}\n' +
        line([row(good[2]!), row(good[3]!), row(good[0]!)]),
    );
    const svc = await service({ env: datastoreEnv(`127.0.0.1:${db.port}`), spoolDir });
    await until(async () => (await metrics(svc.port)).spoolDepth === 0, 30_000, "the spool to replay");
    expect((await storedIds(db)).sort()).toEqual(good);
    expect(svc.lines.some((l) => l.includes("the datastore refused a spooled event; dropped") && l.includes("spooled-refused-0"))).toBe(true);
    expect(svc.lines.some((l) => l.includes("spool line is not JSON (corrupted on disk); it is skipped"))).toBe(true);
    expect((await metrics(svc.port)).duplicates).toBe(1);
  });

  it("datastore hung: the connect times out in about 1 s, the next candidate takes the writes; with none, events spool", async () => {
    const second = await startPostgres();
    try {
      process.kill(db.pid(), "SIGSTOP");
      const t0 = Date.now();
      const svc = await service({ env: datastoreEnv(`127.0.0.1:${db.port},127.0.0.1:${second.port}`) });
      const startMs = Date.now() - t0;
      expect(svc.lines.join("\n")).toMatch(/datastore candidate not writable.*timeout/i);
      expect(svc.lines.some((l) => l.includes('"msg":"writing to datastore primary"') && l.includes(`"port":${second.port}`))).toBe(true);
      expect(startMs).toBeLessThan(10_000);
      const { body, ids } = batchBody(5);
      expect((await request(svc.port, "POST", "/track", body)).status).toBe(200);
      expect((await storedIds(second)).sort()).toEqual([...ids].sort());

      const alone = await service({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_DB_RECONNECT_INTERVAL_MS: "200" } });
      const spooled = batchBody(5);
      expect((await request(alone.port, "POST", "/track", spooled.body)).status).toBe(200);
      expect((await metrics(alone.port)).spoolDepth).toBe(5);
      process.kill(db.pid(), "SIGCONT");
      await until(async () => (await metrics(alone.port)).spoolDepth === 0, 30_000, "the spool to replay after the datastore woke");
      expect((await storedIds(db)).sort()).toEqual([...spooled.ids].sort());
    } finally {
      process.kill(db.pid(), "SIGCONT");
      await second.stop();
    }
  });

  it("datastore frozen mid-operation (every process stopped): the batch is spooled and answered within nginx's ingest read timeout", async () => {
    const svc = await service({ env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_DB_RECONNECT_INTERVAL_MS: "200" } });
    expect((await request(svc.port, "POST", "/track", batchBody(2).body)).status).toBe(200);
    db.signalAll("SIGSTOP");
    try {
      const { body, ids } = batchBody(3);
      const t0 = Date.now();
      const answer = await request(svc.port, "POST", "/track", body, {}, 15_000);
      expect(answer.status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(ingestReadTimeoutSeconds * 1000);
      expect((await metrics(svc.port)).spoolDepth).toBe(3);
      db.signalAll("SIGCONT");
      await until(async () => (await metrics(svc.port)).spoolDepth === 0, 30_000, "the spool to replay after the datastore thawed");
      expect(await db.query("SELECT insert_id FROM events WHERE insert_id = ANY($1)", [ids])).toHaveLength(3);
    } finally {
      db.signalAll("SIGCONT");
    }
  });

  it("datastore frozen under load: requests queued behind the hung inserts are spooled and answered within nginx's ingest read timeout too", async () => {
    // The shipped timers, and two candidates that are both the frozen server: the search for a
    // writable one meets a connect timeout at each.
    const svc = await service({ env: datastoreEnv(`127.0.0.1:${db.port},127.0.0.1:${db.port}`) });
    // Every insert in flight has its connection open before the freeze, as under steady load.
    const warm = await Promise.all(Array.from({ length: 8 }, () => request(svc.port, "POST", "/track", batchBody(2).body)));
    expect(warm.map((a) => a.status)).toEqual(Array(8).fill(200));
    const answers: { status: number; ms: number }[] = [];
    const acked: string[] = [];
    db.signalAll("SIGSTOP");
    try {
      // More clients than inserts in flight, for longer than one hung insert: some wait in the queue.
      const deadline = Date.now() + 8_000;
      const client = async () => {
        for (let sent = 0; sent < 2_000 && Date.now() < deadline; sent++) {
          const { body, ids } = batchBody(3);
          const t0 = Date.now();
          const answer = await request(svc.port, "POST", "/track", body, {}, 15_000);
          answers.push({ status: answer.status, ms: Date.now() - t0 });
          if (answer.status === 200) acked.push(...ids);
        }
      };
      await Promise.all(Array.from({ length: 8 }, client));
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(ingestReadTimeoutSeconds * 1000);
      db.signalAll("SIGCONT");
      await until(async () => (await metrics(svc.port)).spoolDepth === 0, 30_000, "the spool to replay after the datastore thawed");
      expect(await db.query("SELECT insert_id FROM events WHERE insert_id = ANY($1)", [acked])).toHaveLength(acked.length);
    } finally {
      db.signalAll("SIGCONT");
    }
  });

  it("skips a read-only replica listed first and writes to the primary after it", async () => {
    const replica = await startPostgres(db);
    try {
      expect((await replica.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"))[0]!.r).toBe(true);
      const svc = await service({ env: datastoreEnv(`127.0.0.1:${replica.port},127.0.0.1:${db.port}`) });
      expect(svc.lines.some((l) => l.includes("read-only replica") && l.includes(`"port":${replica.port}`))).toBe(true);
      const { body, ids } = batchBody(3);
      expect((await request(svc.port, "POST", "/track", body)).status).toBe(200);
      expect((await storedIds(db)).sort()).toEqual([...ids].sort());
      // With only the replica, nothing is written there: the events spool.
      const alone = await service({ env: datastoreEnv(`127.0.0.1:${replica.port}`) });
      expect((await request(alone.port, "POST", "/track", batchBody(2).body)).status).toBe(200);
      expect((await metrics(alone.port)).spoolDepth).toBe(2);
    } finally {
      await replica.stop();
    }
  });

  it("main and backup migrate the same empty database together, once, and retention deletes old rows", async () => {
    await db.query("DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS events_migrations");
    const env = { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_RETENTION_DAYS: "1" };
    const started = await Promise.all([service({ env }), service({ env })]);
    expect(started.map((s) => s.lines.filter((l) => l.includes('"msg":"migrated the events table"')).length).sort()).toEqual([0, 1]);
    expect(await db.query("SELECT version FROM events_migrations")).toEqual([{ version: 1 }]);
    await db.query("INSERT INTO events (insert_id, name, event_time, properties, received_at) VALUES ('old-event-0000000001', 'x', now(), '{}', now() - interval '3 days')");
    const restarted = await service({ env });
    await until(async () => (await db.query("SELECT 1 FROM events WHERE insert_id = 'old-event-0000000001'")).length === 0, 20_000, "retention to delete the old row");
    expect(restarted.lines.some((l) => l.includes("migrated"))).toBe(false);
  });

  it("verify-full: writes over TLS to a datastore whose certificate names the candidate, spools for one that does not", async () => {
    const { ca } = await enableTls(db, "localhost");
    try {
      const env = { ...datastoreEnv(`localhost:${db.port}`), INGEST_DB_SSLMODE: "verify-full", INGEST_DB_SSL_ROOT_CERT: ca, INGEST_DB_RECONNECT_INTERVAL_MS: "60000" };
      const good = await service({ env });
      const { body, ids } = batchBody(2);
      expect((await request(good.port, "POST", "/track", body)).status).toBe(200);
      expect((await storedIds(db)).sort()).toEqual([...ids].sort());
      const ssl = await db.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE ssl AND application_name LIKE 'edge-ingest:%'");
      expect(Number(ssl[0]!.n)).toBeGreaterThan(0);
      // The same server dialled by an address its certificate does not name: refused, so the events spool.
      const wrongName = await service({ env: { ...env, INGEST_DB_HOSTS: `127.0.0.1:${db.port}` } });
      expect(wrongName.lines.join("\n")).toMatch(/not writable.*(IP: 127\.0\.0\.1 is not in the cert's list|does not match)/);
      expect((await request(wrongName.port, "POST", "/track", batchBody(2).body)).status).toBe(200);
      expect((await metrics(wrongName.port)).spoolDepth).toBe(2);
    } finally {
      await db.query("ALTER SYSTEM RESET ssl");
      await db.query("SELECT pg_reload_conf()");
    }
  });

  it("SIGTERM mid-batch: requests in flight are answered after they are stored, then it exits 0", async () => {
    // A lock on the table holds the inserts in flight when the signal arrives.
    const svc = await service({ env: datastoreEnv(`127.0.0.1:${db.port}`) });
    const lock = new pg.Client({ host: "127.0.0.1", port: db.port, user: "ingest", password: "secret", database: "edge" });
    await lock.connect();
    await lock.query("BEGIN");
    await lock.query("LOCK TABLE events IN SHARE MODE");
    const batches = Array.from({ length: 20 }, () => batchBody(10));
    const answers = batches.map((b) =>
      request(svc.port, "POST", "/track", b.body).then(
        (a) => a.status,
        () => 0,
      ),
    );
    await until(async () => (await metrics(svc.port)).pendingEvents > 0, 10_000, "requests to wait behind the inserts in flight");
    svc.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    await lock.query("COMMIT");
    await lock.end();
    const statuses = await Promise.all(answers);
    const { code } = await svc.exited;
    expect(code).toBe(0);
    const stored = new Set(await storedIds(db));
    const acked = batches.filter((_, i) => statuses[i] === 200).flatMap((b) => b.ids);
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    await expect(request(svc.port, "GET", "/healthz")).rejects.toThrow();
  });
});
