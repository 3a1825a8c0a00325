/**
 * The worst-case memory of nginx on an ingestion host (incident 000: both proxies ran out of memory
 * under an 8x spike and swapped). The model counts what the rendered config lets nginx allocate:
 *
 *   total = fixed (master) + workers × perWorker + busy × perConnection + idle × idleConnection
 *
 * perWorker covers a worker's own pages plus its preallocated `worker_connections` slots; a busy
 * connection holds the request's pools, the client header buffer, every large header buffer, the
 * copy of the header sent upstream and the proxy buffers; an idle (keep-alive or silent)
 * connection holds its connection pool only. Memory is counted as the sum of VmRSS of master and
 * workers (shared pages counted in every process, which errs on the safe side).
 *
 * Pure module: no Pulumi imports.
 */
import { clientBodyBufferBytes, proxyBuffers } from "./buffers";
import { HostEdgeSettings, maxConnectionsPerHost, nginxSizeBytes } from "./settings";

/**
 * Constants calibrated against Debian's nginx 1.22.1 (nginx-light, glibc malloc, x86_64) by
 * test/models/hostEdge/realNginx.spec.ts; see the measurements recorded there.
 */
export const nginxMemoryConstants = {
  /** VmRSS of the master process. */
  masterBytes: 4 * 1024 * 1024,
  /** VmRSS of a worker before it serves anything, besides its connection slots. */
  workerBaseBytes: 3 * 1024 * 1024,
  /** One preallocated `worker_connections` slot: ngx_connection_t plus its read and write events. */
  slotBytes: 512,
  /** An open connection without a request in progress: connection pool and http connection state. */
  idleConnectionBytes: 2 * 1024,
  /** A request's pool and bookkeeping beyond the buffers counted explicitly. */
  requestOverheadBytes: 8 * 1024,
} as const;

export interface NginxMemoryEstimate {
  /** Worker processes (one per vCPU). */
  workers: number;
  /** Bytes one busy connection (a request being proxied) can hold. */
  perConnectionBytes: number;
  /** Bytes of the master process. */
  fixedBytes: number;
  /** Bytes of one worker with its preallocated connection slots, serving nothing. */
  perWorkerBytes: number;
  /** Bytes of nginx in all (worst case: the busy limit reached and every other slot idle). */
  totalBytes: number;
  /** Busy connections in the worst case: the `limit_conn` limit, beyond which nginx answers 503. */
  busyConnections: number;
  /** Idle connections in the worst case: every remaining slot (a busy request takes 2 slots). */
  idleConnections: number;
  /** Bytes of one idle connection. */
  idleConnectionBytes: number;
}

/** Bytes one busy connection can hold, by the rendered buffer sizes. */
export function busyConnectionBytes(nginx: HostEdgeSettings["nginx"]): number {
  const c = nginxMemoryConstants;
  const largeHeaders = nginx.largeClientHeaderBuffers.count * nginxSizeBytes(nginx.largeClientHeaderBuffers.size);
  return (
    c.idleConnectionBytes +
    c.requestOverheadBytes +
    nginxSizeBytes(nginx.clientHeaderBufferSize) +
    largeHeaders + // the client's header, in the large buffers
    largeHeaders + // the same header, copied into the request sent upstream
    proxyBuffers.bufferSize +
    proxyBuffers.count * proxyBuffers.size +
    c.idleConnectionBytes // the upstream connection's own pool
  );
}

/** Predicted nginx memory (sum of VmRSS) with `busy` requests in progress and `idle` open connections. */
export function predictNginxBytes(settings: HostEdgeSettings, load: { busy: number; idle: number }): number {
  const e = estimateNginxMemory(settings);
  return e.fixedBytes + e.workers * e.perWorkerBytes + load.busy * e.perConnectionBytes + load.idle * e.idleConnectionBytes;
}

/**
 * Worst-case memory of nginx on one host: every worker at its slots, `limit_conn`'s limit of busy
 * requests (each also holds an upstream slot), every other slot an idle connection. The request
 * body stays within `client_body_buffer_size` or goes to disk; it is counted per busy connection.
 */
export function estimateNginxMemory(settings: HostEdgeSettings): NginxMemoryEstimate {
  const c = nginxMemoryConstants;
  const workers = Math.max(1, Math.floor(settings.vcpus));
  const slots = workers * settings.nginx.workerConnections;
  const busyConnections = Math.min(maxConnectionsPerHost(settings.nginx), Math.floor(slots / 2));
  const idleConnections = Math.max(0, slots - 2 * busyConnections);
  const perConnectionBytes = busyConnectionBytes(settings.nginx) + clientBodyBufferBytes;
  const perWorkerBytes = c.workerBaseBytes + settings.nginx.workerConnections * c.slotBytes;
  const fixedBytes = c.masterBytes;
  return {
    workers,
    perConnectionBytes,
    fixedBytes,
    perWorkerBytes,
    busyConnections,
    idleConnections,
    idleConnectionBytes: c.idleConnectionBytes,
    totalBytes: fixedBytes + workers * perWorkerBytes + busyConnections * perConnectionBytes + idleConnections * c.idleConnectionBytes,
  };
}
