/**
 * The ingestion service's datastore timeouts when its env file sets none: the service reads them
 * (`service/src/config.ts`) and the recovery-time model judges them, from this one copy.
 *
 * Pure module: no Pulumi imports.
 */
export const datastoreTimeoutDefaults = {
  /** `INGEST_DB_CONNECT_TIMEOUT_MS`: a candidate that does not accept a connection this soon is skipped. */
  connectTimeoutMs: 1_000,
  /** `INGEST_DB_STATEMENT_TIMEOUT_MS`: an insert that has not committed this soon is spooled instead. */
  statementTimeoutMs: 5_000,
  /** `INGEST_DB_RECONNECT_INTERVAL_MS`: how often the service looks for a writable candidate again. */
  reconnectIntervalMs: 1_000,
} as const;
