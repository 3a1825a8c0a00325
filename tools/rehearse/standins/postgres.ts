/**
 * The datastore as RDS for PostgreSQL 15 presents it to the hosts: Debian's PostgreSQL 15 with TLS
 * (a server certificate from the rehearsal's test CA naming the datastore's host names), every TCP
 * connection required to use TLS and a SCRAM password, and the service's role made the way a DBA
 * makes it on RDS.
 *
 * Followed:
 * - RDS User Guide, "Using SSL with a PostgreSQL DB instance" → "Requiring an SSL connection"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html):
 *   `rds.force_ssl` is 1 by default from RDS for PostgreSQL 15, and then pg_hba admits `hostssl`
 *   only; a connection without TLS gets `no pg_hba.conf entry for host …, no encryption`. Here:
 *   only `hostssl … scram-sha-256` lines, `ssl = on`.
 * - RDS User Guide, "Master user account privileges": the master user is no superuser (it has
 *   CREATEDB and CREATEROLE through `rds_superuser`); it owns the database it creates and makes
 *   the application's roles. Here every DBA statement runs under `SET ROLE <admin>` where the
 *   admin has CREATEDB and CREATEROLE and nothing more, so a grant that needs a superuser fails
 *   here as on RDS.
 * - PostgreSQL 15 release notes: PUBLIC no longer has CREATE on schema `public`; the schema is
 *   owned by `pg_database_owner` (the database's owner).
 * The bootstrap superuser exists only on the cluster's own socket (RDS's `rdsadmin`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, copyFileSync, chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { datastoreGrantSql } from "../../../models/ingestService";
import { postgresAvailable, postgresBinDir, runAsPostgres, signalCluster } from "../../../harness/postgres";
import type { TlsFiles } from "./standIn";

export interface RdsPostgresOptions {
  /** Addresses it listens on (the datastore endpoint's addresses in the rehearsal's namespace). */
  addresses: string[];
  /** 0 picks a free port on the first address. */
  port: number;
  /** Its server certificate and key (testCa.ts), naming the host names the service dials. */
  tls: TlsFiles;
  database: string;
  /** The master user: CREATEDB and CREATEROLE, no superuser; owns `database`. */
  adminUser: string;
  adminPassword: string;
  /** The service's role: LOGIN with a password, nothing else. */
  serviceUser: string;
  servicePassword: string;
  /** Whether the DBA has run {@link datastoreGrantSql} for the service's role. */
  grant: boolean;
}

export interface RdsPostgres {
  port: number;
  dir: string;
  /** Runs `sql` as the master user in the service's database (over the cluster's socket, with the master user's privileges only). */
  asAdmin(sql: string): Promise<void>;
  /** Runs the service's grants as the master user (what `grant: true` does at start). */
  grant(): Promise<void>;
  /** Whether `table` of the service's database holds a row with `insert_id` = `insertId` (read over the socket, as the cluster's own superuser). */
  hasEvent(table: string, insertId: string): Promise<boolean>;
  /** Runs `sql` in the service's database as the cluster's own superuser, over its socket (the twin's counts and audit trigger). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Sends `signal` to the postmaster and every backend: SIGSTOP hangs the datastore mid-operation, SIGCONT thaws it. */
  signalAll(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

const uid = (flag: "-u" | "-g") => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }));

async function freePortOn(address: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, address, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function startRdsPostgres(options: RdsPostgresOptions): Promise<RdsPostgres> {
  if (!postgresAvailable) throw new Error("PostgreSQL is not installed: apt-get install postgresql (listed in .ci/apt-packages.txt)");
  for (const [field, name] of [
    ["adminUser", options.adminUser],
    ["serviceUser", options.serviceUser],
    ["database", options.database],
  ] as const) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${field}: expected a PostgreSQL identifier, got ${JSON.stringify(name)}`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-rehearsal-pg-"));
  chownSync(dir, uid("-u"), uid("-g"));
  const data = path.join(dir, "data");
  const port = options.port || (await freePortOn(options.addresses[0]!));
  const pgCtl = (...args: string[]) => runAsPostgres([path.join(postgresBinDir, "pg_ctl"), "-D", data, ...args]);
  const stopServer = () => {
    if (existsSync(path.join(data, "postmaster.pid")))
      spawnSync("runuser", ["-u", "postgres", "--", path.join(postgresBinDir, "pg_ctl"), "-D", data, "-m", "fast", "-w", "-t", "30", "stop"], { stdio: "ignore" });
  };
  /** A statement as the bootstrap superuser, over the socket, with the master user's privileges (SET ROLE). */
  const asAdminIn = async (database: string, sql: string) => {
    const client = new pg.Client({ host: dir, port, user: "postgres", database });
    await client.connect();
    try {
      await client.query(`SET ROLE "${options.adminUser}"`);
      await client.query(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    runAsPostgres([path.join(postgresBinDir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    for (const [file, source] of [
      ["server.crt", options.tls.certFile],
      ["server.key", options.tls.keyFile],
    ] as const) {
      copyFileSync(source, path.join(data, file));
      chownSync(path.join(data, file), uid("-u"), uid("-g"));
      chmodSync(path.join(data, file), 0o600);
    }
    writeFileSync(
      path.join(data, "pg_hba.conf"),
      [
        "# As RDS for PostgreSQL 15 with rds.force_ssl=1: TCP only over TLS, SCRAM passwords.",
        "local   all  postgres                trust",
        "hostssl all  all       0.0.0.0/0     scram-sha-256",
        "hostssl all  all       ::/0          scram-sha-256",
        "",
      ].join("\n"),
    );
    const settings = [`-p ${port}`, `-k ${dir}`, `-c listen_addresses=${options.addresses.join(",")}`, "-c ssl=on", "-c ssl_min_protocol_version=TLSv1.2", "-c password_encryption=scram-sha-256"];
    pgCtl("-o", settings.join(" "), "-l", path.join(dir, "log"), "-w", "-t", "30", "start");
    const bootstrap = new pg.Client({ host: dir, port, user: "postgres", database: "postgres" });
    await bootstrap.connect();
    try {
      await bootstrap.query(`CREATE ROLE "${options.adminUser}" LOGIN CREATEDB CREATEROLE PASSWORD ${literal(options.adminPassword)}`);
    } finally {
      await bootstrap.end();
    }
    await asAdminIn("postgres", `CREATE DATABASE "${options.database}"`);
    await asAdminIn("postgres", `CREATE ROLE "${options.serviceUser}" LOGIN PASSWORD ${literal(options.servicePassword)}`);
    if (options.grant) await asAdminIn(options.database, datastoreGrantSql(options.serviceUser, options.database).join("\n"));
  } catch (error) {
    stopServer();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    dir,
    asAdmin: (sql) => asAdminIn(options.database, sql),
    grant: () => asAdminIn(options.database, datastoreGrantSql(options.serviceUser, options.database).join("\n")),
    async hasEvent(table, insertId) {
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`hasEvent: table: expected a lower-case table name, got ${JSON.stringify(table)}`);
      const client = new pg.Client({ host: dir, port, user: "postgres", database: options.database });
      await client.connect();
      try {
        const exists = await client.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
        if (!exists.rows[0]?.present) return false;
        return (await client.query(`SELECT 1 FROM "${table}" WHERE insert_id = $1`, [insertId])).rowCount === 1;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async query(sql, params) {
      const client = new pg.Client({ host: dir, port, user: "postgres", database: options.database });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    signalAll: (signal) => void signalCluster(data, signal),
    async stop() {
      stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
