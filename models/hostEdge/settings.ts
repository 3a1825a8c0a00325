/**
 * What the rendered host edge (nginx + cloud-init) reads from the stack config, the fixed names the
 * AWS side depends on, and the defaults decided once.
 *
 * Pure module: no Pulumi imports.
 */
import type { StackConfig } from "../../stacks/schema";

/** The slice of the stack config one ingestion host is rendered from. */
export interface HostEdgeSettings {
  nginx: StackConfig["nginx"];
  service: StackConfig["ingest"]["service"];
  /** The path the snippet POSTs events to (`StackConfig["cdn"]["collectorPath"]`): an ingest path. */
  collectorPath: string;
  datastore: Pick<StackConfig["datastore"], "poolSizePerHost">;
  /** The pinned host bundle (`StackConfig["ingest"]["bundle"]`); without one a host refuses to boot. */
  bundle?: StackConfig["ingest"]["bundle"];
  /** Seconds a host keeps serving after it is drained (`StackConfig["ingest"]["drainSeconds"]`). */
  drainSeconds: number;
  /** vCPUs of the instance type: nginx runs one worker per vCPU (worker_processes auto). */
  vcpus: number;
}

/** `/http-check` answers 404 while this file exists (incident 003: a host takes itself out of rotation). */
export const drainFile = "/var/run/edge/drain";
/** The path the target group's HTTP health check requests. */
export const healthCheckPath = "/http-check";
/** The service's readiness endpoint `/http-check` answers from (datastore writable, or spool below its high-water mark). */
export const serviceReadinessPath = "/readyz";
/** The service's JSON batch API: an ingest path, like the collector path. */
export const batchApiPath = "/v1/batch";
/** The port nginx listens on: what the NLB target group forwards to. */
export const nginxListenPort = 80;

/** Builds the settings of one host from the stack config and the instance type's vCPU count. */
export function hostEdgeSettings(config: StackConfig, vcpus: number): HostEdgeSettings {
  return {
    nginx: config.nginx,
    service: config.ingest.service,
    collectorPath: config.cdn.collectorPath,
    bundle: config.ingest.bundle,
    datastore: { poolSizePerHost: config.datastore.poolSizePerHost },
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
export function maxConnectionsPerHost(nginx: Pick<StackConfig["nginx"], "maxConnectionsPerHost" | "workerConnections">): number {
  return nginx.maxConnectionsPerHost ?? Math.floor((nginx.workerConnections / slotsPerRequest) * 0.9);
}

/**
 * Descriptors a worker holds besides its connections: the error and access logs, the listen
 * socket, epoll, the channel to the master and its siblings, the config's resolver and spares.
 */
export const workerDescriptorMargin = 64;

/**
 * Descriptors one worker needs at most (`worker_rlimit_nofile` and the unit's `LimitNOFILE`): every
 * `worker_connections` slot, a temp file for each request whose body is above
 * `client_body_buffer_size` (at most one per request, so per two slots), and the margin. Below it a
 * worker fails with EMFILE before `limit_conn` sheds with 503 (Debian's unit gives 1,024).
 */
export function workerDescriptorLimit(nginx: Pick<StackConfig["nginx"], "workerConnections">): number {
  return nginx.workerConnections + Math.ceil(nginx.workerConnections / slotsPerRequest) + workerDescriptorMargin;
}

/** An nginx size (`512`, `1k`, `8k`, `1m`) in bytes. */
export function nginxSizeBytes(size: string): number {
  const match = /^(\d+)([km]?)$/i.exec(size.trim());
  if (!match) throw new Error(`expected an nginx size such as 1k or 8k, got "${size}"`);
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === "k" ? 1024 : unit === "m" ? 1024 * 1024 : 1);
}
