/**
 * Writes to a writable PostgreSQL primary through one pool of at most `poolMax` connections (the
 * process's share of `edge:datastore.poolSizePerHost`, incident 002). A candidate is used only
 * after it answers `pg_is_in_recovery() = false` within the connect timeout (1 s, incident 003);
 * candidates are tried in the configured order. A streaming replica is read-only: writing there
 * fails, so the service spools instead (incident 003's "retry on the replica" is for reads).
 */
import { readFileSync } from "node:fs";
import tls from "node:tls";
import pg from "pg";
import type { DatastoreHost, ServiceConfig } from "./config";
import type { EncodedRow } from "./events";
import { datastoreGrantSql } from "../../models/ingestService";
import { errorText, log } from "./log";
import { migrate } from "./migrations";

export class DatastoreUnavailable extends Error {}

export interface InsertResult {
  inserted: number;
  duplicates: number;
}

/** PostgreSQL's "cannot execute INSERT in a read-only transaction": the primary became a replica. */
const readOnlyCode = "25006";
/** PostgreSQL's insufficient_privilege: the role lacks a grant, which no retry or failover mends. */
const insufficientPrivilegeCode = "42501";

/** The first byte of jsonb's binary input format. */
const jsonbVersion = 1;

export class Datastore {
  private pool: pg.Pool | undefined;
  private current: DatastoreHost | undefined;
  private finding: Promise<pg.Pool | undefined> | undefined;
  /** When the reconnect interval began: the last search for a writable candidate ended or the last insert failed. */
  private reconnectIntervalFrom = 0;
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly ca: string | undefined;
  /**
   * The insert as a named prepared statement: each connection parses and plans it once, not once per
   * batch (half the database's CPU for a one-event insert, docs/design/speed-targets.md). A
   * transaction-pooling proxy in front of the datastore would need the unnamed statement again.
   */
  private readonly insertStatement: { name: string; text: string };
  private jsonbParameter = Buffer.alloc(0);
  private jsonInsertDone: Promise<unknown> = Promise.resolve();
  errors = 0;

  constructor(
    private readonly config: ServiceConfig,
    private readonly password: string,
  ) {
    this.ca = config.sslMode === "verify-full" ? readFileSync(config.sslRootCert!, "utf8") : undefined;
    const t = config.dbTable;
    const text =
      `INSERT INTO ${t} (insert_id, name, event_time, properties, page, client_network, received_at) ` +
      `SELECT insert_id, name, to_timestamp(time / 1000.0), properties, page, client_network, to_timestamp(received / 1000.0) ` +
      `FROM jsonb_to_recordset($1::jsonb) AS r(insert_id text, name text, time double precision, properties jsonb, page text, client_network text, received double precision) ` +
      `ON CONFLICT (insert_id) DO NOTHING`;
    this.insertStatement = { name: `edge-insert-${t}`, text };
  }

  get writable(): boolean {
    return this.pool !== undefined;
  }

  get host(): DatastoreHost | undefined {
    return this.current;
  }

  private connection(host: DatastoreHost): pg.ClientConfig {
    const c = this.config;
    return {
      host: host.host,
      port: host.port,
      database: c.dbName,
      user: c.dbUser,
      password: this.password,
      // verify-full: the certificate chains to the configured CA and names the candidate dialled,
      // also when it is an address (pg names no server then, and Node would check "localhost").
      ssl: this.ca ? { ca: this.ca, rejectUnauthorized: true, checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host.host, cert) } : false,
      connectionTimeoutMillis: c.connectTimeoutMs,
      statement_timeout: c.statementTimeoutMs,
      // A backend that stops answering (a frozen host) is given up on shortly after the server would have.
      query_timeout: c.statementTimeoutMs + c.connectTimeoutMs,
      application_name: `edge-ingest:${c.listenPort}`,
    };
  }

  /**
   * The pool of the first writable candidate. A search starts at most one reconnect interval after
   * the last one ended or the last insert failed: in between, a caller gets no pool at once and
   * spools. So a request queued behind an insert that hangs is spooled when that insert fails, not
   * held for a search as well, and is answered within nginx's read timeout (the datastore figure,
   * models/recovery/datastoreFigures.ts).
   */
  async writablePool(): Promise<pg.Pool | undefined> {
    if (this.pool) return this.pool;
    if (this.finding) return this.finding;
    if (Date.now() - this.reconnectIntervalFrom < this.config.reconnectIntervalMs) return undefined;
    this.finding = this.findPrimary().finally(() => {
      this.finding = undefined;
      this.reconnectIntervalFrom = Date.now();
    });
    return this.finding;
  }

  private async findPrimary(): Promise<pg.Pool | undefined> {
    for (const host of this.config.dbHosts) {
      const pool = new pg.Pool({ ...this.connection(host), max: this.config.poolMax, idleTimeoutMillis: 60_000 });
      pool.on("error", (error) => log("warn", "idle datastore connection failed", { host: host.host, port: host.port, error: errorText(error) }));
      try {
        const client = await pool.connect();
        try {
          const { rows } = await client.query<{ recovery: boolean }>("SELECT pg_is_in_recovery() AS recovery");
          if (rows[0]!.recovery) {
            log("warn", "datastore candidate is a read-only replica; trying the next", { host: host.host, port: host.port });
            throw new Error("read-only replica");
          }
          const applied = await migrate(client, this.config.dbTable);
          if (applied.length) log("info", "migrated the events table", { table: this.config.dbTable, versions: applied });
        } finally {
          client.release();
        }
        this.pool = pool;
        this.current = host;
        log("info", "writing to datastore primary", { host: host.host, port: host.port, poolMax: this.config.poolMax });
        this.scheduleRetention();
        return pool;
      } catch (error) {
        this.errors++;
        if ((error as { code?: string }).code === insufficientPrivilegeCode) {
          // Retrying cannot help: every process of every host spools until an administrator grants it.
          log("error", "the datastore role lacks a grant: events are spooled, not stored, until an administrator runs the fix", {
            host: host.host,
            port: host.port,
            role: this.config.dbUser,
            error: errorText(error),
            fix: `as the database's owner (on RDS, the master user), connected to ${this.config.dbName}: ${datastoreGrantSql(this.config.dbUser, this.config.dbName).join(" ")}`,
          });
        } else {
          log("warn", "datastore candidate not writable", { host: host.host, port: host.port, error: errorText(error) });
        }
        pool.end().catch(() => undefined);
      }
    }
    log("error", "no writable datastore; spooling", { candidates: this.config.dbHosts.map((h) => `${h.host}:${h.port}`) });
    return undefined;
  }

  /**
   * Inserts rows in one statement; DatastoreUnavailable when no primary took them (nothing is known
   * stored). The rows go as the JSON each was given when parsed, joined into one array and sent as
   * jsonb's binary input (below), so no row is serialised again. Measured against a typed insert of
   * `unnest` arrays on PostgreSQL 15 (docs/design/speed-targets.md): as cheap for the database per
   * event, and cheaper for the service, which escapes nothing into array literals.
   */
  insert(rows: readonly EncodedRow[]): Promise<InsertResult> {
    let json = String.fromCharCode(jsonbVersion) + "[";
    for (let i = 0; i < rows.length; i++) json += i ? `,${rows[i]!.json}` : rows[i]!.json;
    return this.execute(Buffer.from(`${json}]`), rows.length);
  }

  /**
   * Inserts `events` rows given as a JSON array's UTF-8 bytes (the spool's, unparsed). They go as
   * jsonb's binary input, a version byte (1) then the JSON text (PostgreSQL's `jsonb_recv`), so the
   * bytes are sent as they are, never decoded into a string, through one parameter buffer reused by
   * every call: calls run one after another, each copying its rows once its predecessor is sent.
   */
  insertJson(json: Buffer, events: number): Promise<InsertResult> {
    const run = this.jsonInsertDone.then(() => {
      if (this.jsonbParameter.length < json.length + 1) this.jsonbParameter = Buffer.allocUnsafe(Math.max(json.length + 1, this.jsonbParameter.length * 2));
      this.jsonbParameter[0] = jsonbVersion;
      json.copy(this.jsonbParameter, 1);
      return this.execute(this.jsonbParameter.subarray(0, json.length + 1), events);
    });
    this.jsonInsertDone = run.catch(() => undefined);
    return run;
  }

  /** `jsonb` is jsonb's binary input (`jsonb_recv`): the version byte, then the rows' JSON array. */
  private async execute(jsonb: Buffer, events: number): Promise<InsertResult> {
    const pool = await this.writablePool();
    if (!pool) throw new DatastoreUnavailable("no writable datastore");
    try {
      const result = await pool.query({ ...this.insertStatement, values: [jsonb] });
      const inserted = result.rowCount ?? 0;
      return { inserted, duplicates: events - inserted };
    } catch (error) {
      this.errors++;
      const code = (error as { code?: string }).code;
      // Constraint or data errors are the rows' fault, not the datastore's: they are not spooled forever.
      if (code && /^(22|23)/.test(code)) throw error;
      log("warn", code === readOnlyCode ? "datastore primary became read-only" : "insert failed", { host: this.current?.host, error: errorText(error) });
      this.drop(pool);
      throw new DatastoreUnavailable(errorText(error));
    }
  }

  private drop(pool: pg.Pool): void {
    if (this.pool !== pool) return;
    this.pool = undefined;
    this.current = undefined;
    this.reconnectIntervalFrom = Date.now();
    pool.end().catch(() => undefined);
  }

  /** Deletes rows older than the retention, a bounded slice at a time, hourly. */
  private scheduleRetention(): void {
    if (this.retentionTimer) return;
    const run = async () => {
      const pool = this.pool;
      if (!pool) return;
      const t = this.config.dbTable;
      try {
        for (let slice = 0; slice < 100; slice++) {
          const { rowCount } = await pool.query(`DELETE FROM ${t} WHERE ctid IN (SELECT ctid FROM ${t} WHERE received_at < now() - make_interval(days => $1) LIMIT 10000)`, [
            this.config.retentionDays,
          ]);
          if (!rowCount) break;
        }
      } catch (error) {
        log("warn", "retention delete failed", { error: errorText(error) });
      }
    };
    void run();
    this.retentionTimer = setInterval(run, 3_600_000);
    this.retentionTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer);
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }
}
