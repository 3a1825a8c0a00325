/**
 * What the rendered host edge (nginx + cloud-init) reads from the stack config, the fixed names the
 * AWS side depends on, and the defaults decided once.
 *
 * Pure module: no Pulumi imports.
 */

/** nginx's limits on one host, as `edge:nginx` gives them (the schema documents each key and its default). */
export interface NginxSettings {
  /** `worker_connections`: connection slots per worker. */
  workerConnections: number;
  /** `client_header_buffer_size`, an nginx size such as `1k`. */
  clientHeaderBufferSize: string;
  /** `large_client_header_buffers`: how many, and each one's nginx size such as `8k`. */
  largeClientHeaderBuffers: { count: number; size: string };
  /** `proxy_connect_timeout`, in seconds. */
  connectTimeoutSeconds: number;
  /** `proxy_read_timeout`, in seconds. */
  readTimeoutSeconds: number;
  /** Requests served at once before 503 (`limit_conn`); unset: see {@link maxConnectionsPerHost}. */
  maxConnectionsPerHost?: number;
  /** Requests per second one client address may sustain before 503s (`limit_req`). */
  requestsPerSecondPerClient: number;
}

/** The limits the memory model reads: what the capacity policies read back from rendered user data. */
export type NginxLimits = Pick<NginxSettings, "workerConnections" | "clientHeaderBufferSize" | "largeClientHeaderBuffers" | "maxConnectionsPerHost">;

/** The ingestion service behind nginx, as `edge:ingest.service` gives it. */
export interface IngestServiceSettings {
  /** Command its systemd unit runs. */
  command: string;
  /** Local port it listens on. */
  port: number;
  /** Local port of the standby process nginx fails over to (incident 003). */
  backupPort: number;
  /** Memory it needs beside nginx, in MiB. */
  memoryReserveMiB: number;
}

/**
 * The pinned host bundle (`edge:ingest.bundle`, models/hostEdge/bundle.ts): an S3 bucket (`{region}`
 * is the host's region at boot), the tarball's key and its sha256.
 */
export interface HostBundle {
  bucket: string;
  key: string;
  sha256: string;
}

/** What one ingestion host is rendered from. */
export interface HostEdgeSettings {
  nginx: NginxSettings;
  service: IngestServiceSettings;
  /** The path the snippet POSTs events to (`edge:cdn.collectorPath`): an ingest path. */
  collectorPath: string;
  /** The pinned host bundle; without one a host refuses to boot. */
  bundle?: HostBundle;
  /** Datastore connection pool of the service on each host (incident 002), and the region's datastore. */
  datastore: { poolSizePerHost: number; endpoint?: DatastoreEndpoint };
  /** Seconds a host keeps serving after it is drained (incident 003). */
  drainSeconds: number;
  /** vCPUs of the instance type: nginx runs one worker per vCPU (worker_processes auto). */
  vcpus: number;
}

/** The datastore one region's hosts write to (`edge:datastore.endpoints.<region>`). */
export interface DatastoreEndpoint {
  /** Candidates `host[:port]`, tried in order; the first writable primary takes the writes. */
  hosts: string[];
  port: number;
  database: string;
  user: string;
  /** SSM SecureString the host role reads the password from at start. */
  passwordParameter: string;
  /** CA bundle path on the host for `sslmode=verify-full`. */
  caBundle: string;
}

/** The config keys a host is rendered from, in the shape the stack config has them. */
export interface HostEdgeSource {
  nginx: NginxSettings;
  ingest: { service: IngestServiceSettings; drainSeconds: number; bundle?: HostBundle };
  datastore: { poolSizePerHost: number; endpoints?: Partial<Record<string, DatastoreEndpoint>> };
  cdn: { collectorPath: string };
}

/** `/http-check` answers 404 while this file exists (incident 003: a host takes itself out of rotation). */
export const drainFile = "/var/run/edge/drain";
/** The path the target group's HTTP health check requests. */
export const healthCheckPath = "/http-check";
/** The service's readiness endpoint `/http-check` answers from: would an event posted now be stored. */
export const serviceReadinessPath = "/readyz";
/** The header `/http-check` tells readiness the collector path with: the route nginx sends events to. */
export const readinessCollectorPathHeader = "X-Edge-Collector-Path";
/** The service's JSON batch API: an ingest path, like the collector path. */
export const batchApiPath = "/v1/batch";
/** The port nginx listens on: what the NLB target group forwards to. */
export const nginxListenPort = 80;

/**
 * Builds the settings of one host from the stack config, the instance type's vCPU count and the
 * host's region (which picks its datastore).
 */
export function hostEdgeSettings(config: HostEdgeSource, vcpus: number, region?: string): HostEdgeSettings {
  return {
    nginx: config.nginx,
    service: config.ingest.service,
    collectorPath: config.cdn.collectorPath,
    bundle: config.ingest.bundle,
    datastore: { poolSizePerHost: config.datastore.poolSizePerHost, endpoint: region === undefined ? undefined : config.datastore.endpoints?.[region] },
    drainSeconds: config.ingest.drainSeconds,
    vcpus,
  };
}

/**
 * `worker_connections` slots one proxied request holds: the client's connection and the upstream
 * connection to the service (nginx counts both against `worker_connections`).
 */
export const slotsPerRequest = 2;

/**
 * Requests nginx serves at once on a host before it sheds load with 503 (`limit_conn`):
 * `nginx.maxConnectionsPerHost`, else 90% of the requests one worker's slots can hold
 * (`worker_connections / 2`). The limit is host-wide while nginx does not spread connections
 * evenly over workers, so one worker must be able to hold every request it admits; beyond that it
 * drops connections instead of answering 503. Incident 000: refusing early with a 503 keeps memory
 * bounded; running out of memory and swapping took both proxies down.
 */
export function maxConnectionsPerHost(nginx: Pick<NginxSettings, "maxConnectionsPerHost" | "workerConnections">): number {
  return nginx.maxConnectionsPerHost ?? Math.floor((nginx.workerConnections / slotsPerRequest) * 0.9);
}

/**
 * Descriptors a worker holds besides its connections: the error and access logs, the listen
 * socket, epoll, the channel to the master and its siblings, and spares.
 */
export const workerDescriptorMargin = 64;

/**
 * Descriptors one worker needs at most (`worker_rlimit_nofile` and the unit's `LimitNOFILE`): every
 * `worker_connections` slot, a temp file for each request whose body is above
 * `client_body_buffer_size` (at most one per request, so per two slots), and the margin. Below it a
 * worker fails with EMFILE before `limit_conn` sheds with 503 (Debian's unit gives 1,024).
 */
export function workerDescriptorLimit(nginx: Pick<NginxSettings, "workerConnections">): number {
  return nginx.workerConnections + Math.ceil(nginx.workerConnections / slotsPerRequest) + workerDescriptorMargin;
}

/** An nginx size (`512`, `1k`, `8k`, `1m`) in bytes. */
export function nginxSizeBytes(size: string): number {
  const match = /^(\d+)([km]?)$/i.exec(size.trim());
  if (!match) throw new Error(`expected an nginx size such as 1k or 8k, got "${size}"`);
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === "k" ? 1024 : unit === "m" ? 1024 * 1024 : 1);
}
