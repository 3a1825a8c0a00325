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
import type { NginxLimits } from "./settings";
import { maxConnectionsPerHost, nginxSizeBytes } from "./settings";

/**
 * Constants calibrated against Debian's nginx 1.22.1 (nginx-light, glibc malloc, x86_64, 2 vCPUs)
 * by test/models/hostEdge/nginxMemory.real.spec.ts. Measured 2026-11-23 (sum of VmRSS):
 *
 *   worker_connections   master     each worker (idle)   per idle conn   per busy conn (+ upstream)
 *   128                  7.11 MB    3.87-4.01 MB         642 B           114.5 kB
 *   512                  7.11 MB    4.05-4.12 MB         532 B           116.6 kB
 *   4096                 7.06 MB    5.60-5.68 MB         573 B           116.6 kB
 *   16384                7.08 MB    10.76-10.83 MB       614 B           117.9 kB
 *
 * A worker grows by ~421 B per `worker_connections` slot (128 → 16384). A busy connection here is
 * the worst case the config allows: 4 large header buffers filled, a 16 KiB body, the response
 * started (proxy buffers in use) and held by the upstream. Levels of N idle + N busy (N = 40, 80,
 * 160, worker_connections 512) cost 113 kB per pair. Each constant is rounded up (predictions 6-12% above the
 * measurement) so the prediction never falls below it.
 */
export const nginxMemoryConstants = {
  /** VmRSS of the master process (measured 7.06-7.11 MB). */
  masterBytes: 8 * 1024 * 1024,
  /** VmRSS of a worker before it serves anything, besides its connection slots (measured ~3.9 MB). */
  workerBaseBytes: 3.875 * 1024 * 1024,
  /** One preallocated `worker_connections` slot: ngx_connection_t plus its read and write events (measured ~421 B). */
  slotBytes: 448,
  /** An open connection without a request in progress: connection pool and http connection state (measured 532-642 B). */
  idleConnectionBytes: 1024,
  /** A busy request's pools and bookkeeping beyond the buffers counted explicitly (fitted: busy total ~120 kB). */
  requestOverheadBytes: 14 * 1024,
} as const;

/**
 * What the memory model reads: the nginx limits (from the stack config, or read back from rendered
 * user data with `readRenderedNginxLimits` in `models/capacity/declared.ts`) and the vCPU count. Any {@link HostEdgeSettings} fits.
 */
export interface NginxMemoryInput {
  nginx: NginxLimits;
  vcpus: number;
}

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
export function busyConnectionBytes(nginx: NginxLimits): number {
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
export function predictNginxBytes(settings: NginxMemoryInput, load: { busy: number; idle: number }): number {
  const e = estimateNginxMemory(settings);
  return e.fixedBytes + e.workers * e.perWorkerBytes + load.busy * e.perConnectionBytes + load.idle * e.idleConnectionBytes;
}

/**
 * Worst-case memory of nginx on one host: every worker at its slots, `limit_conn`'s limit of busy
 * requests (each also holds an upstream slot), every other slot an idle connection. The request
 * body stays within `client_body_buffer_size` or goes to disk; it is counted per busy connection.
 */
export function estimateNginxMemory(settings: NginxMemoryInput): NginxMemoryEstimate {
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
