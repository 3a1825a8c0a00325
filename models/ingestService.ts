/**
 * The ingestion service's datastore timeouts when its env file sets none: the service reads them
 * (`service/src/config.ts`) and the recovery-time model judges them, from this one copy.
 *
 * Pure module: no Pulumi imports.
 */
export const datastoreTimeoutDefaults = {
  /** `INGEST_DB_CONNECT_TIMEOUT_MS`: a candidate that does not accept a connection this soon is skipped. */
  connectTimeoutMs: 1_000,
  /**
   * `INGEST_DB_STATEMENT_TIMEOUT_MS`: an insert that has not committed this soon is spooled instead.
   * With the connect timeout (the client's query timeout is their sum, 4 s) it stays below nginx's
   * 5 s event-path `proxy_read_timeout`, so a hung primary's batch is spooled and answered 200
   * before nginx gives up on the process, counts it against `max_fails` and answers 503.
   */
  statementTimeoutMs: 3_000,
  /** `INGEST_DB_RECONNECT_INTERVAL_MS`: how often the service looks for a writable candidate again. */
  reconnectIntervalMs: 1_000,
} as const;
