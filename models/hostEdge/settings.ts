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
  datastore: Pick<StackConfig["datastore"], "poolSizePerHost">;
  /** Seconds a host keeps serving after it is drained (`StackConfig["ingest"]["drainSeconds"]`). */
  drainSeconds: number;
  /** vCPUs of the instance type: nginx runs one worker per vCPU (worker_processes auto). */
  vcpus: number;
}

/** `/http-check` answers 404 while this file exists (incident 003: a host takes itself out of rotation). */
export const drainFile = "/var/run/edge/drain";
/** The path the target group's HTTP health check requests. */
export const healthCheckPath = "/http-check";
/** The port nginx listens on: what the NLB target group forwards to. */
export const nginxListenPort = 80;

/** Builds the settings of one host from the stack config and the instance type's vCPU count. */
export function hostEdgeSettings(config: StackConfig, vcpus: number): HostEdgeSettings {
  return {
    nginx: config.nginx,
    service: config.ingest.service,
    datastore: { poolSizePerHost: config.datastore.poolSizePerHost },
    drainSeconds: config.ingest.drainSeconds,
    vcpus,
  };
}

/**
 * Requests nginx serves at once on a host before it sheds load with 503 (`limit_conn`):
 * `nginx.maxConnectionsPerHost`, else 90% of `worker_connections`. Incident 000: refusing early
 * with a 503 keeps memory bounded; running out of memory and swapping took both proxies down.
 */
export function maxConnectionsPerHost(nginx: Pick<StackConfig["nginx"], "maxConnectionsPerHost" | "workerConnections">): number {
  return nginx.maxConnectionsPerHost ?? Math.floor(nginx.workerConnections * 0.9);
}

/** An nginx size (`512`, `1k`, `8k`, `1m`) in bytes. */
export function nginxSizeBytes(size: string): number {
  const match = /^(\d+)([km]?)$/i.exec(size.trim());
  if (!match) throw new Error(`expected an nginx size such as 1k or 8k, got "${size}"`);
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === "k" ? 1024 : unit === "m" ? 1024 * 1024 : 1);
}
