/**
 * The worst-case memory of nginx on an ingestion host (incident 000: both proxies ran out of memory
 * under an 8x spike and swapped). An upper bound: every `worker_connections` slot of every worker is
 * priced at the costliest state the rendered config lets it reach, plus the shared zones and the
 * kernel's socket buffers:
 *
 *   total = master + zones + workers × (base + slots × slotBytes)
 *         + busy × busyRequest                  (limit_conn's limit; a request holds 2 slots)
 *         + (all other slots) × headerPhase     (connections still sending their header:
 *                                                limit_conn does not count them, only
 *                                                worker_connections bounds them)
 *
 * A busy request holds the request's pools, the client header buffer, every large header buffer,
 * the copy of the header sent upstream, the body buffer, the proxy buffers and its sockets' kernel
 * buffers. A connection still sending its header can fill the client header buffer and every large
 * header buffer (then nginx answers 400 or 494); `client_header_timeout` ends it. Memory is the sum
 * of VmRSS of master and workers (shared pages counted in every process, which errs on the safe
 * side) plus the TCP memory of `/proc/net/sockstat`.
 *
 * Pure module: no Pulumi imports.
 */
import { clientBodyBufferBytes, proxyBuffers, sharedZones } from "./buffers";
import type { NginxLimits } from "./settings";
import { maxConnectionsPerHost, nginxSizeBytes, slotsPerRequest } from "./settings";

/**
 * Constants calibrated against Debian's nginx 1.22.1 (nginx-light, glibc malloc, x86_64) by
 * test/models/hostEdge/nginxMemory.real.spec.ts and `npm run bench` (bench/fidelity/nginx.ts), each
 * rounded up so the prediction is never below a measurement. Measured (sum of VmRSS, per connection):
 *
 *   state                                              measured          model (1k + 4 x 8k headers)
 *   master                                             7.06-7.11 MB      8 MiB
 *   worker, serving nothing                            ~3.9 MB           3.875 MiB + 448 B per slot
 *   connected, silent                                  0.5-1.3 KiB       1.5 KiB
 *   kept alive after a request (what the allocator     ~9.5 KiB          12 KiB
 *   keeps of the request's pools; 1,000 -> 2,000 held)
 *   header in progress, small                          ~9.4 KiB          (the large-header price)
 *   header in progress, 4 large buffers filled         ~42 KiB          43.5 KiB
 *   busy request (4 large buffers, 16 KiB body held,   ~117 KiB          133 KiB + 32 KiB kernel
 *   response started, held by the upstream)
 *   kernel TCP memory per busy request, both ends      ~19-28 KiB        32 KiB
 *   (5,000-7,400 busy: 136-202 MiB)
 */
export const nginxMemoryConstants = {
  /** VmRSS of the master process (measured 7.06-7.11 MB). */
  masterBytes: 8 * 1024 * 1024,
  /** VmRSS of a worker before it serves anything, besides its connection slots (measured ~3.9 MB). */
  workerBaseBytes: 3.875 * 1024 * 1024,
  /** One preallocated `worker_connections` slot: ngx_connection_t plus its read and write events (measured ~421 B). */
  slotBytes: 448,
  /** A connection's own pool and read buffer, on its own or beside a request (measured 0.5-1.3 KiB for a silent one). */
  connectionBytes: 1536,
  /**
   * An open connection kept alive after a request: its own pool plus what glibc's allocator keeps
   * of the finished request's pools (measured ~9.5 KiB a connection, the growth from 1,000 to 2,000
   * of them; a silent connection costs less).
   */
  keptAliveConnectionBytes: 12 * 1024,
  /** A request's pools and state besides its buffers while its header is read (fitted: 9.4 KiB small, 42 KiB large). */
  headerRequestBytes: 10 * 1024,
  /** A busy request's pools and bookkeeping beyond the buffers counted explicitly (fitted: busy total ~117 KiB). */
  requestOverheadBytes: 14 * 1024,
  /** Kernel TCP buffers of a busy request's sockets, client and upstream (measured 19-28 KiB). */
  kernelRequestBytes: 32 * 1024,
} as const;

/**
 * What the memory model reads: the nginx limits (from the stack config, or read back from rendered
 * user data with `readNginxLimits`) and the vCPU count. Any {@link HostEdgeSettings} fits.
 */
export interface NginxMemoryInput {
  nginx: NginxLimits;
  vcpus: number;
}

/** Connections in each state, for {@link predictNginxBytes}. */
export interface NginxLoad {
  /** Requests proxied and held (each also holds an upstream connection). */
  busy?: number;
  /** Connections whose header is still arriving, at worst with every header buffer filled. */
  headerPhase?: number;
  /** Open connections without a request: silent, or kept alive after one (priced as kept alive, the costlier). */
  idle?: number;
}

export interface NginxMemoryEstimate {
  /** Worker processes (one per vCPU). */
  workers: number;
  /** Bytes of the master process and the shared zones. */
  fixedBytes: number;
  /** Bytes of one worker with its preallocated connection slots, serving nothing. */
  perWorkerBytes: number;
  /** Bytes one busy request can hold, kernel socket buffers included. */
  busyRequestBytes: number;
  /** Bytes one connection still sending its header can hold. */
  headerPhaseBytes: number;
  /** Busy requests in the worst case: the `limit_conn` limit, beyond which nginx answers 503. */
  busyRequests: number;
  /** Connections in their header phase in the worst case: every slot the busy requests leave. */
  headerPhaseConnections: number;
  /** Bytes of the header buffers of every header-phase connection: what smaller buffers save. */
  headerBufferBytes: number;
  /** Bytes of nginx in all, worst case. */
  totalBytes: number;
}

function headerBuffersBytes(nginx: NginxLimits): number {
  return nginxSizeBytes(nginx.clientHeaderBufferSize) + nginx.largeClientHeaderBuffers.count * nginxSizeBytes(nginx.largeClientHeaderBuffers.size);
}

/** Bytes one connection can hold while its header arrives: its pools and every header buffer filled. */
export function headerPhaseBytes(nginx: NginxLimits): number {
  const c = nginxMemoryConstants;
  return c.connectionBytes + c.headerRequestBytes + headerBuffersBytes(nginx);
}

/** Bytes of nginx's processes one busy request can hold, by the rendered buffer sizes (kernel buffers apart). */
export function busyRequestBytes(nginx: NginxLimits): number {
  const c = nginxMemoryConstants;
  const largeHeaders = nginx.largeClientHeaderBuffers.count * nginxSizeBytes(nginx.largeClientHeaderBuffers.size);
  return (
    c.connectionBytes +
    c.requestOverheadBytes +
    headerBuffersBytes(nginx) + // the client's header
    largeHeaders + // the same header, copied into the request sent upstream
    clientBodyBufferBytes +
    proxyBuffers.bufferSize +
    proxyBuffers.count * proxyBuffers.size +
    c.connectionBytes // the upstream connection's own pool
  );
}

function fixedAndWorkers(settings: NginxMemoryInput): { workers: number; fixedBytes: number; perWorkerBytes: number } {
  const c = nginxMemoryConstants;
  const workers = Math.max(1, Math.floor(settings.vcpus));
  const zones = Object.values(sharedZones).reduce((sum, zone) => sum + zone.bytes, 0);
  return { workers, fixedBytes: c.masterBytes + zones, perWorkerBytes: c.workerBaseBytes + settings.nginx.workerConnections * c.slotBytes };
}

/** Predicted memory of nginx for a given load: its processes (sum of VmRSS) and the kernel's socket buffers. */
export function predictNginxMemory(settings: NginxMemoryInput, load: NginxLoad): { processBytes: number; kernelBytes: number; totalBytes: number } {
  const { workers, fixedBytes, perWorkerBytes } = fixedAndWorkers(settings);
  const processBytes =
    fixedBytes +
    workers * perWorkerBytes +
    (load.busy ?? 0) * busyRequestBytes(settings.nginx) +
    (load.headerPhase ?? 0) * headerPhaseBytes(settings.nginx) +
    (load.idle ?? 0) * nginxMemoryConstants.keptAliveConnectionBytes;
  const kernelBytes = (load.busy ?? 0) * nginxMemoryConstants.kernelRequestBytes;
  return { processBytes, kernelBytes, totalBytes: processBytes + kernelBytes };
}

/**
 * Worst-case memory of nginx on one host: `limit_conn`'s limit of busy requests (each holding
 * {@link slotsPerRequest} slots) and every other slot of every worker a connection still sending
 * its header with every header buffer filled (or, where that costs more per slot, no busy request
 * at all and every slot in its header phase).
 */
export function estimateNginxMemory(settings: NginxMemoryInput): NginxMemoryEstimate {
  const { workers, fixedBytes, perWorkerBytes } = fixedAndWorkers(settings);
  const slots = workers * settings.nginx.workerConnections;
  const busyPrice = busyRequestBytes(settings.nginx) + nginxMemoryConstants.kernelRequestBytes;
  const headerPrice = headerPhaseBytes(settings.nginx);
  const mostBusy = Math.min(maxConnectionsPerHost(settings.nginx), Math.floor(slots / slotsPerRequest));
  // The total is linear in the busy count: the worst case is at one end.
  const busyRequests = busyPrice >= slotsPerRequest * headerPrice ? mostBusy : 0;
  const headerPhaseConnections = slots - slotsPerRequest * busyRequests;
  return {
    workers,
    fixedBytes,
    perWorkerBytes,
    busyRequestBytes: busyPrice,
    headerPhaseBytes: headerPrice,
    busyRequests,
    headerPhaseConnections,
    headerBufferBytes: headerPhaseConnections * headerBuffersBytes(settings.nginx),
    totalBytes: predictNginxMemory(settings, { busy: busyRequests, headerPhase: headerPhaseConnections }).totalBytes,
  };
}
