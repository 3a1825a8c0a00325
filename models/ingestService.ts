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
