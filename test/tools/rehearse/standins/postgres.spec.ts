/**
 * The datastore stand-in: PostgreSQL 15 as RDS presents it (TLS required, SCRAM, a master user
 * that is no superuser), and the service's role with and without the grants the service's docs
 * name (datastoreGrantSql): the service's own migration and its own datastore client decide.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datastoreGrantSql } from "../../../../models/ingestService";
import { readConfig } from "../../../../service/src/config";
import { Datastore } from "../../../../service/src/datastore";
import { migrate } from "../../../../service/src/migrations";
import { encodeRow } from "../../../../service/src/events";
import { type RdsPostgres, startRdsPostgres } from "../../../../tools/rehearse/standins/postgres";
import { createTestCa, issueServerCertificate } from "../../../../tools/rehearse/standins/testCa";

const dbHost = "edge-dev.cluster-abc123.us-east-1.rds.amazonaws.com";

describe("PostgreSQL 15 as RDS", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-standins-pg-"));
  const ca = createTestCa(path.join(dir, "ca"));
  // The name the service dials, and the address the tests dial (the service checks the address it dials, as libpq's verify-full does).
  const cert = issueServerCertificate(ca, "datastore", [dbHost, "127.0.0.1"]);
  const caPem = readFileSync(ca.certFile, "utf8");
  let rds: RdsPostgres;

  beforeAll(async () => {
    rds = await startRdsPostgres({
      addresses: ["127.0.0.1"],
      port: 0,
      tls: cert,
      database: "edge",
      adminUser: "edge_admin",
      adminPassword: "admin password 1",
      serviceUser: "ingest",
      servicePassword: "service password 1",
      grant: false,
    });
  });
  afterAll(async () => {
    await rds?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A client that verifies the server as the service does: the test CA, and the name it was told to expect. */
  const serviceClient = (expectName = dbHost, user = "ingest", password = "service password 1") =>
    new pg.Client({
      host: "127.0.0.1",
      port: rds.port,
      user,
      password,
      database: "edge",
      connectionTimeoutMillis: 30_000,
      ssl: { ca: caPem, rejectUnauthorized: true, checkServerIdentity: (_name, c) => tls.checkServerIdentity(expectName, c) },
    });
  const failure = async (client: pg.Client, sql?: string) => {
    try {
      await client.connect();
      if (sql) await client.query(sql);
      return undefined;
    } catch (error) {
      return error as Error & { code?: string };
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it("the twin's own reads run as the cluster's superuser over its socket, and signalAll freezes every process of the cluster until SIGCONT", async () => {
    expect(await rds.query<{ db: string }>("SELECT current_database() AS db")).toEqual([{ db: "edge" }]);
    const state = () => /^State:\s+(\w)/m.exec(readFileSync(`/proc/${readFileSync(path.join(rds.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]}/status`, "utf8"))?.[1];
    /** The postmaster's state once it is `wanted` or 10 s passed (a signal is delivered, not awaited). */
    const settled = async (wanted: (s: string | undefined) => boolean) => {
      for (let i = 0; i < 100 && !wanted(state()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      return state();
    };
    rds.signalAll("SIGSTOP");
    try {
      expect(await settled((s) => s === "T")).toBe("T");
    } finally {
      rds.signalAll("SIGCONT");
    }
    expect(await settled((s) => s !== "T")).not.toBe("T");
    expect(await rds.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("refuses a connection without TLS, as RDS with rds.force_ssl=1 does", async () => {
    const plain = new pg.Client({ host: "127.0.0.1", port: rds.port, user: "ingest", password: "service password 1", database: "edge", ssl: false, connectionTimeoutMillis: 30_000 });
    const error = await failure(plain);
    expect(error?.code).toBe("28000");
    expect(error?.message).toBe('no pg_hba.conf entry for host "127.0.0.1", user "ingest", database "edge", no encryption');
  });

  it("TLS verified against the test CA works for the datastore's name; another name, or no trust in the CA, fails; a wrong password fails", async () => {
    const ok = serviceClient();
    await ok.connect();
    try {
      expect((await ok.query<{ ssl: boolean; superuser: string }>("SELECT ssl, current_setting('is_superuser') AS superuser FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).rows).toEqual([
        { ssl: true, superuser: "off" },
      ]);
    } finally {
      await ok.end();
    }
    expect((await failure(serviceClient("edge-prod.cluster-abc123.us-east-1.rds.amazonaws.com")))?.message).toMatch(/Hostname\/IP does not match certificate's altnames/);
    const untrusted = new pg.Client({
      host: "127.0.0.1",
      port: rds.port,
      user: "ingest",
      password: "service password 1",
      database: "edge",
      ssl: { rejectUnauthorized: true },
      connectionTimeoutMillis: 30_000,
    });
    expect((await failure(untrusted))?.message).toMatch(/unable to verify the first certificate|self[- ]signed/);
    expect((await failure(serviceClient(dbHost, "ingest", "wrong password")))?.code).toBe("28P01");
  });

  it("without the grants the service's migration is refused (42501) and its datastore client finds no writable datastore; with them both succeed", async () => {
    const spool = mkdtempSync(path.join(os.tmpdir(), "edge-standins-pg-spool-"));
    const config = readConfig(
      {
        INGEST_POOL_SIZE: "2",
        INGEST_DB_HOSTS: `127.0.0.1:${rds.port}`,
        INGEST_DB_NAME: "edge",
        INGEST_DB_USER: "ingest",
        INGEST_DB_PASSWORD: "service password 1",
        INGEST_DB_SSL_ROOT_CERT: ca.certFile,
        INGEST_DB_RECONNECT_INTERVAL_MS: "50",
        INGEST_DB_CONNECT_TIMEOUT_MS: "10000",
        INGEST_SPOOL_DIR: spool,
      },
      ["--listen", "127.0.0.1:8080"],
    );
    const datastore = new Datastore(config, "service password 1");
    try {
      const before = serviceClient();
      await before.connect();
      try {
        await expect(migrate(before as unknown as pg.PoolClient, "events")).rejects.toMatchObject({ code: "42501", message: "permission denied for schema public" });
      } finally {
        await before.end();
      }
      expect(await datastore.writablePool()).toBeUndefined();

      await rds.grant();
      await new Promise((r) => setTimeout(r, 100));
      expect(await datastore.writablePool()).toBeDefined();
      expect(await datastore.insert([encodeRow({ insert_id: "a1", name: "page_view", time: Date.now(), properties: {}, page: null, client_network: null, received: Date.now() })])).toEqual({
        inserted: 1,
        duplicates: 0,
      });
      const after = serviceClient();
      await after.connect();
      try {
        expect((await after.query("SELECT insert_id FROM events")).rows).toEqual([{ insert_id: "a1" }]);
        expect((await after.query("SELECT tableowner FROM pg_tables WHERE tablename = 'events'")).rows).toEqual([{ tableowner: "ingest" }]);
      } finally {
        await after.end();
      }
    } finally {
      await datastore.close();
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it("the service's role and the master user are no superusers: no database, no ALTER SYSTEM", async () => {
    expect((await failure(serviceClient(), "CREATE DATABASE other"))?.code).toBe("42501");
    await expect(rds.asAdmin("ALTER SYSTEM SET work_mem = '64MB'")).rejects.toMatchObject({ code: "42501" });
    expect(datastoreGrantSql("ingest", "edge")).toEqual(['GRANT CONNECT ON DATABASE "edge" TO "ingest";', 'GRANT USAGE, CREATE ON SCHEMA public TO "ingest";']);
    expect(() => datastoreGrantSql("ingest; DROP", "edge")).toThrow('role: expected a PostgreSQL identifier (letters, digits, _), got "ingest; DROP"');
  });
});
