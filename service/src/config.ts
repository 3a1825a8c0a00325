/**
 * The service's settings, read once at start from `INGEST_*` environment variables (the env file
 * the systemd units load) and `--listen HOST:PORT`. Every default is decided here; a bad value
 * stops the start with the variable, the given value and the fix (exit 2).
 *
 * `service/README.md` ("Settings") lists every name with its default; keep the two together.
 */
import path from "node:path";
import { ingestMetricsNamespace } from "../../models/ingestMetrics";
import { datastoreTimeoutDefaults, spoolDefaults } from "../../models/ingestService";

export class ConfigError extends Error {}

export interface DatastoreHost {
  host: string;
  port: number;
}

export interface ServiceConfig {
  listenHost: string;
  listenPort: number;
  collectorPath: string;
  /** `*` answers any origin; otherwise the exact origins allowed. */
  allowedOrigins: "*" | string[];
  maxBodyBytes: number;
  maxEventsPerBatch: number;
  maxEventBytes: number;
  /** Events queued for the datastore before new requests are shed with 503. */
  maxPendingEvents: number;
  keepAliveTimeoutMs: number;
  shutdownTimeoutMs: number;

  dbHosts: DatastoreHost[];
  dbName: string;
  dbUser: string;
  dbTable: string;
  /** SSM parameter (SecureString) holding the password; undefined when `INGEST_DB_PASSWORD` is given. */
  dbPasswordParameter?: string;
  dbPassword?: string;
  awsRegion?: string;
  sslMode: "disable" | "verify-full";
  sslRootCert?: string;
  /** Connections this process opens at most: its share of the host's budget. */
  poolMax: number;
  /** The host's connection budget (`edge:datastore.poolSizePerHost`). */
  hostPoolSize: number;
  processesPerHost: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** Least time between two attempts to find a writable primary while none answers. */
  reconnectIntervalMs: number;
  /** A group's bounds: the requests waiting join one insert up to these (a request larger goes alone). */
  batchMaxEvents: number;
  batchMaxBytes: number;
  /** Group inserts running at once (at most `poolMax`); the next group forms while they run. */
  groupsInFlight: number;
  retentionDays: number;

  spoolDir: string;
  spoolMaxBytes: number;
  spoolSegmentBytes: number;
  spoolHighWaterPercent: number;

  metricsIntervalMs: number;
  metricsNamespace: string;
  /** `udp://HOST:PORT` of the CloudWatch agent's EMF listener; undefined writes EMF records to stdout. */
  metricsEndpoint?: { host: string; port: number };
  region: string;
}

type Env = Record<string, string | undefined>;

function fail(name: string, value: string | undefined, expected: string): never {
  throw new ConfigError(`${name}: expected ${expected}, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
}

function integer(env: Env, name: string, fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === "") {
    if (fallback === undefined) fail(name, raw, `a whole number from ${min} to ${max} (required)`);
    return fallback;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) fail(name, raw, `a whole number from ${min} to ${max}`);
  return value;
}

function text(env: Env, name: string, fallback: string | undefined, pattern?: RegExp, expected = "a value"): string {
  const raw = env[name];
  if (raw === undefined || raw === "") {
    if (fallback === undefined) fail(name, raw, `${expected} (required)`);
    return fallback;
  }
  if (pattern && !pattern.test(raw)) fail(name, raw, expected);
  return raw;
}

/** `host[:port]` from a comma-separated list, in the order writes try them. */
export function parseHosts(name: string, raw: string | undefined, defaultPort: number): DatastoreHost[] {
  if (!raw) fail(name, raw, "a comma-separated list of datastore hosts, host[:port] (required)");
  return raw.split(",").map((item) => {
    const match = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(item.trim());
    if (!match || (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535))) fail(name, item, "host[:port], e.g. db-1.internal:5432");
    return { host: match[1]!, port: match[2] ? Number(match[2]) : defaultPort };
  });
}

function listen(argv: string[], env: Env): { host: string; port: number } {
  const index = argv.indexOf("--listen");
  const raw = index >= 0 ? argv[index + 1] : env.INGEST_LISTEN;
  const name = index >= 0 ? "--listen" : "INGEST_LISTEN";
  const match = /^([0-9.]+|\[[0-9a-fA-F:]+\]|localhost):(\d{1,5})$/.exec(raw ?? "");
  if (!match || Number(match[2]) > 65535) fail(name, raw, "HOST:PORT, e.g. 127.0.0.1:8080");
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port: Number(match[2]) };
}

export function readConfig(env: Env = process.env, argv: string[] = process.argv.slice(2)): ServiceConfig {
  const { host: listenHost, port: listenPort } = listen(argv, env);
  const origins = text(env, "INGEST_ALLOWED_ORIGINS", "*", /^(\*|https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*)$/, "* or a comma-separated list of origins such as https://shop.example.com");

  const hostPoolSize = integer(env, "INGEST_POOL_SIZE", undefined, 1, 10_000);
  const processesPerHost = integer(env, "INGEST_PROCESSES_PER_HOST", 2, 1, 16);
  const share = Math.floor(hostPoolSize / processesPerHost);
  if (share < 1) fail("INGEST_POOL_SIZE", env.INGEST_POOL_SIZE, `at least INGEST_PROCESSES_PER_HOST (${processesPerHost}) connections, one per process that connects`);
  const poolMax = integer(env, "INGEST_POOL_MAX", share, 1, 10_000);
  if (poolMax > share) {
    // Incident 002: every process that connects counts against the datastore's budget.
    fail(
      "INGEST_POOL_MAX",
      env.INGEST_POOL_MAX,
      `at most this process's share of the host's pool, ${share} (INGEST_POOL_SIZE ${hostPoolSize} / INGEST_PROCESSES_PER_HOST ${processesPerHost}); ` +
        "lower INGEST_POOL_MAX or raise edge:datastore.poolSizePerHost (incident 002)",
    );
  }

  const password = env.INGEST_DB_PASSWORD;
  const passwordParameter = env.INGEST_DB_PASSWORD_PARAMETER;
  if (!password && !passwordParameter) fail("INGEST_DB_PASSWORD_PARAMETER", passwordParameter, "the SSM parameter (SecureString) holding the datastore password, e.g. /edge/prod/datastore/password");
  const sslMode = text(env, "INGEST_DB_SSLMODE", "verify-full", /^(disable|verify-full)$/, "verify-full or disable") as ServiceConfig["sslMode"];
  const sslRootCert = env.INGEST_DB_SSL_ROOT_CERT || undefined;
  if (sslMode === "verify-full" && !sslRootCert) fail("INGEST_DB_SSL_ROOT_CERT", sslRootCert, "the CA bundle that signs the datastore's certificate when INGEST_DB_SSLMODE is verify-full");

  const endpoint = env.INGEST_METRICS_ENDPOINT;
  let metricsEndpoint: ServiceConfig["metricsEndpoint"];
  if (endpoint) {
    const match = /^udp:\/\/([0-9.]+|localhost):(\d{1,5})$/.exec(endpoint);
    if (!match) fail("INGEST_METRICS_ENDPOINT", endpoint, "udp://HOST:PORT of the CloudWatch agent's EMF listener, e.g. udp://127.0.0.1:25888");
    metricsEndpoint = { host: match[1]!, port: Number(match[2]) };
  }

  const dbPort = integer(env, "INGEST_DB_PORT", 5432, 1, 65535);
  // Long enough for a 1,000-row insert many times over, and with the connect timeout under the
  // snippet's 10 s request timeout: a hung datastore's batch is spooled and answered before the
  // browser gives up and resends it.
  const statementTimeoutMs = integer(env, "INGEST_DB_STATEMENT_TIMEOUT_MS", datastoreTimeoutDefaults.statementTimeoutMs, 100, 600_000);
  const spoolMaxBytes = integer(env, "INGEST_SPOOL_MAX_BYTES", spoolDefaults.maxBytes, 1024 * 1024);
  const maxBodyBytes = integer(env, "INGEST_MAX_BODY_BYTES", 256 * 1024, 1024, 16 * 1024 * 1024);
  return {
    listenHost,
    listenPort,
    collectorPath: text(env, "INGEST_COLLECTOR_PATH", "/track", /^\/[A-Za-z0-9._~/-]*$/, "a URL path starting with /"),
    allowedOrigins: origins === "*" ? "*" : origins.split(","),
    maxBodyBytes,
    maxEventsPerBatch: integer(env, "INGEST_MAX_EVENTS_PER_BATCH", 500, 1, 10_000),
    maxEventBytes: integer(env, "INGEST_MAX_EVENT_BYTES", spoolDefaults.maxEventBytes, 256, maxBodyBytes),
    maxPendingEvents: integer(env, "INGEST_MAX_PENDING_EVENTS", 50_000, 100),
    keepAliveTimeoutMs: integer(env, "INGEST_KEEPALIVE_TIMEOUT_MS", 75_000, 1000, 3_600_000),
    shutdownTimeoutMs: integer(env, "INGEST_SHUTDOWN_TIMEOUT_MS", 20_000, 100, 600_000),

    dbHosts: parseHosts("INGEST_DB_HOSTS", env.INGEST_DB_HOSTS, dbPort),
    dbName: text(env, "INGEST_DB_NAME", "edge", /^[A-Za-z_][A-Za-z0-9_]*$/, "a database name"),
    dbUser: text(env, "INGEST_DB_USER", "ingest", /^[A-Za-z_][A-Za-z0-9_]*$/, "a role name"),
    dbTable: text(env, "INGEST_DB_TABLE", "events", /^[a-z_][a-z0-9_]{0,40}$/, "a lower-case table name of at most 41 characters"),
    dbPasswordParameter: password ? undefined : passwordParameter,
    dbPassword: password || undefined,
    awsRegion: env.INGEST_AWS_REGION || env.AWS_REGION || undefined,
    sslMode,
    sslRootCert,
    poolMax,
    hostPoolSize,
    processesPerHost,
    connectTimeoutMs: integer(env, "INGEST_DB_CONNECT_TIMEOUT_MS", datastoreTimeoutDefaults.connectTimeoutMs, 100, 30_000),
    statementTimeoutMs,
    reconnectIntervalMs: integer(env, "INGEST_DB_RECONNECT_INTERVAL_MS", datastoreTimeoutDefaults.reconnectIntervalMs, 50, 60_000),
    batchMaxEvents: integer(env, "INGEST_BATCH_MAX_EVENTS", 1000, 1, 10_000),
    batchMaxBytes: integer(env, "INGEST_BATCH_MAX_BYTES", 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    groupsInFlight: integer(env, "INGEST_GROUPS_IN_FLIGHT", 2, 1, 10_000),
    retentionDays: integer(env, "INGEST_RETENTION_DAYS", 30, 1, 36_500),

    spoolDir: path.resolve(text(env, "INGEST_SPOOL_DIR", `/var/lib/edge-ingest/spool-${listenPort}`)),
    spoolMaxBytes,
    spoolSegmentBytes: integer(env, "INGEST_SPOOL_SEGMENT_BYTES", 4 * 1024 * 1024, 64 * 1024, spoolMaxBytes),
    spoolHighWaterPercent: integer(env, "INGEST_SPOOL_HIGH_WATER_PERCENT", spoolDefaults.highWaterPercent, 1, 100),

    metricsIntervalMs: integer(env, "INGEST_METRICS_INTERVAL_MS", 60_000, 100, 3_600_000),
    metricsNamespace: text(env, "INGEST_METRICS_NAMESPACE", ingestMetricsNamespace),
    metricsEndpoint,
    region: text(env, "INGEST_REGION", env.AWS_REGION ?? "local"),
  };
}
