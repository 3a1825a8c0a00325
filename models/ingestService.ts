/**
 * The ingestion service's datastore timeouts when its env file sets none: the service reads them
 * (`service/src/config.ts`) and the recovery-time model judges them, from this one copy.
 *
 * Pure module: no Pulumi imports.
 */
import { ingestReadTimeoutSeconds } from "./hostEdge/nginxConfig";

const connectTimeoutMs = 1_000;
/**
 * What the service leaves itself, after a timed-out insert, to fsync the batch to its spool and
 * answer: a bound on a group commit's write and fdatasync on the root volume (gp3 EBS answers I/O in
 * single-digit milliseconds, EBS User Guide "Amazon EBS volume types") with the queueing behind
 * other requests' commits; the edge twin measures about 0.1 s.
 */
export const spoolAnswerMarginMs = 1_000;

/** The spool's bounds when the env file sets none (the service reads them, the recovery model judges them). */
export const spoolDefaults = {
  /** `INGEST_SPOOL_MAX_BYTES` of each process. */
  maxBytes: 1024 ** 3,
  /** `INGEST_SPOOL_HIGH_WATER_PERCENT`: readiness fails above it while no datastore is writable. */
  highWaterPercent: 80,
  /** `INGEST_MAX_EVENT_BYTES`: the largest event the service takes, the worst case of a spooled row. */
  maxEventBytes: 32 * 1024,
} as const;

export const datastoreTimeoutDefaults = {
  /** `INGEST_DB_CONNECT_TIMEOUT_MS`: a candidate that does not accept a connection this soon is skipped (incident 003). */
  connectTimeoutMs,
  /**
   * `INGEST_DB_STATEMENT_TIMEOUT_MS`: an insert that has not committed this soon is spooled instead.
   * Connect + statement + the spool's margin stay within nginx's ingest read timeout, so a hung
   * datastore gets the batch spooled and answered 200 before nginx gives up on the process (and,
   * after the backup hangs the same way, answers 503 to a client that only retries into the same
   * hung datastore). Thousands of rows commit in milliseconds; seconds of waiting mean a hung primary.
   */
  statementTimeoutMs: ingestReadTimeoutSeconds * 1000 - connectTimeoutMs - spoolAnswerMarginMs,
  /** `INGEST_DB_RECONNECT_INTERVAL_MS`: how often the service looks for a writable candidate again. */
  reconnectIntervalMs: 1_000,
} as const;

const sqlIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const quoteIdentifier = (name: string, field: string): string => {
  if (!sqlIdentifier.test(name)) throw new Error(`${field}: expected a PostgreSQL identifier (letters, digits, _), got ${JSON.stringify(name)}`);
  return `"${name}"`;
};

/**
 * The grants the ingestion service's role needs in its database, run once by the database's owner
 * (on RDS, the master user) connected to `database`, after `CREATE ROLE <role> LOGIN PASSWORD …`.
 * The service creates and owns its tables (the events table and its migrations table) at start,
 * so it needs CREATE on the schema: PostgreSQL 15 no longer grants CREATE on `public` to every
 * role (release notes 15, "Remove PUBLIC creation permission on the public schema"; RDS and
 * Aurora PostgreSQL 15+ alike), and the service's first migration then fails with SQLSTATE 42501
 * ("permission denied for schema public"). CONNECT is PUBLIC's by default; granted here too so a
 * database that revoked it from PUBLIC still admits the service. Names are quoted, as the service
 * sends them (`INGEST_DB_USER`, `INGEST_DB_NAME`).
 */
export function datastoreGrantSql(role: string, database: string): string[] {
  const r = quoteIdentifier(role, "role");
  const d = quoteIdentifier(database, "database");
  return [`GRANT CONNECT ON DATABASE ${d} TO ${r};`, `GRANT USAGE, CREATE ON SCHEMA public TO ${r};`];
}
