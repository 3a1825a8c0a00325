/**
 * The ingestion service's datastore timeouts when its env file sets none: the service reads them
 * (`service/src/config.ts`) and the recovery-time model judges them, from this one copy.
 *
 * Pure module: no Pulumi imports.
 */
import { ingestReadTimeoutSeconds } from "./hostEdge/nginxConfig";

const connectTimeoutMs = 1_000;
/** What the service leaves itself, after a timed-out insert, to fsync the batch to its spool and answer. */
const spoolAnswerMarginMs = 1_000;

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

/**
 * What the datastore's administrator runs once per datastore, as its master user connected to the
 * events' database, so the service's role can create and write its tables and nothing else. The
 * service is not a superuser and its role owns no database: PostgreSQL 15 (and Amazon RDS and
 * Aurora PostgreSQL 15 and later) no longer grant CREATE on schema `public` to PUBLIC (PostgreSQL
 * 15 release notes, "Remove PUBLIC creation permission on the public schema"), so without the
 * grant the service's first migration fails with `42501 permission denied for schema public`.
 * The password is the SSM parameter's value.
 */
export function datastoreGrantSql(role: string, database: string): string {
  return [
    `CREATE ROLE ${role} LOGIN PASSWORD '<the value of the SSM parameter>';`,
    `GRANT CONNECT ON DATABASE ${database} TO ${role};`,
    `GRANT USAGE, CREATE ON SCHEMA public TO ${role};`,
  ].join("\n");
}
