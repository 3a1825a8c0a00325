/**
 * The worst-case memory of nginx on an ingestion host (incident 000: both proxies ran out of memory
 * under an 8x spike and swapped). An upper bound under every client nginx accepts: each
 * connection state is priced at the most nginx's allocation rules let it hold at the rendered
 * config's limits (header buffers, `max_headers`, pools, body buffer, proxy buffers, the sockets'
 * buffers as `listen` and the host's sysctls set them), and every `worker_connections` slot of
 * every worker at the costliest state it can reach:
 *
 *   total = master + zones + workers × (base + slots × slotBytes)
 *         + proxied × (proxiedRequest + its sockets)   (limit_conn's limits; a request holds 2 slots)
 *         + (all other slots) × unlimitedConnection     (a header still arriving, or an answer nginx
 *                                                        gave itself, lingering: limit_conn counts
 *                                                        neither, only worker_connections bounds them)
 *         + backlog × queuedConnection                  (completed, not yet accepted)
 *
 * Processes are the sum of VmRSS of master and workers (shared pages counted in every process,
 * which errs on the safe side); kernel socket memory is what TCP charges to each of nginx's sockets
 * (`ss -m`: receive queue + send queue + forward allocation) plus the socket structures themselves.
 * See docs/nginx-memory.md for each rule and its measurement.
 *
 * Pure module: no Pulumi imports.
 */
import { clientBodyBufferBytes, clientSocket, healthCheckConnections, listenBacklog, maxHeaderLines, proxyBuffers, sharedZones } from "./buffers";
import { HostTcpSettings, hostTcpSettings } from "./kernel";
import type { NginxLimits } from "./settings";
import { maxConnectionsPerHost, nginxSizeBytes, slotsPerRequest } from "./settings";

/**
 * What nginx 1.22.1 allocates besides the buffers the config sizes (Debian's nginx-light, glibc
 * malloc, x86_64), each from its allocation rule and rounded up over what test/models/hostEdge/
 * nginxMemory.real.spec.ts and `npm run bench` (bench/fidelity/nginx.ts) measured.
 */
export const nginxMemoryConstants = {
  /** VmRSS of the master process (measured 7.06-7.11 MB). */
  masterBytes: 8 * 1024 * 1024,
  /** VmRSS of a worker before it serves anything, besides its connection slots (measured ~3.9 MB). */
  workerBaseBytes: 3.875 * 1024 * 1024,
  /** One preallocated `worker_connections` slot: ngx_connection_t plus its read and write events (measured ~421 B). */
  slotBytes: 448,
  /** A connection's own pool (`connection_pool_size`, 512 B blocks) and state (measured 0.5-1.3 KiB for a silent one). */
  connectionBytes: 1536,
  /**
   * A request's pool before its header lines: the 4 KiB first block (`request_pool_size`) holding
   * ngx_http_request_t, module contexts, variables and the first header list part, and the next
   * block they spill into (measured: 9.6 KiB a connection with a small header, 1 KiB buffer and its pool included).
   */
  requestBytes: 8 * 1024,
  /** One header line in the request's list: a 48 B ngx_table_elt_t, a 20th of a list part's header, alignment. */
  headerLineBytes: 64,
  /**
   * Pool blocks are 4 KiB and an allocation that does not fit the room left starts a new one, so a
   * pool may hold up to twice what is allocated in it: the lower-cased copy of every header name
   * (`h->lowcase_key`), a URI with escapes, a Host to normalize. All of them are parts of the header,
   * so at most the header buffers' bytes, twice over (measured: 16 names of 2,033 B cost 66 KiB).
   */
  poolWasteFactor: 2,
  /** nginx's answer: its header list entries, the header buffer it writes, the body chain (an error page or the service's answer). */
  answerBytes: 2 * 1024,
  /** A proxied request's upstream state: ngx_http_upstream_t, the proxy context, the peer, the upstream answer's header list, output chains. */
  upstreamBytes: 4 * 1024,
  /** Kernel: the skbs of an answer nginx sent and the client has not read, when it sends nothing else (one small answer). */
  unreadAnswerBytes: 4 * 1024,
  /**
   * Kernel: what a socket's queue may hold beyond its buffer size. TCP charges memory a page at a
   * time (a page forward-allocated), and a sender adds a segment while its queue is still below
   * the send buffer, so a send queue may pass it by one segment of up to 64 KiB (the GSO size of
   * loopback and of EC2's ENA) (Linux net/ipv4/tcp.c, `tcp_sendmsg_locked`, `sk_stream_memory_free`).
   */
  pageBytes: 4 * 1024,
  segmentBytes: 64 * 1024,
  /**
   * Kernel: one TCP socket's own structures besides its buffers (Linux 6.x slab objects: TCP 2,368 B,
   * sock_inode_cache 832 B, filp and dentry 192 B each, eventpoll_epi 128 B, and more).
   */
  socketBytes: 4 * 1024,
} as const;

/**
 * Everything the memory model reads from a host's config: the limits of `edge:nginx` and those
 * rendered beside them ({@link renderedNginxLimits}), or read back from rendered user data with
 * `readRenderedNginxLimits` (a hand-edited template is judged as it is).
 */
export interface NginxMemoryLimits extends NginxLimits {
  /** `max_headers`. */
  maxHeaders: number;
  /** `client_body_buffer_size`, bytes. */
  clientBodyBufferBytes: number;
  /** `proxy_buffer_size` plus `proxy_buffers` count × size, bytes. */
  proxyBufferBytes: number;
  /** `limit_conn` of `/http-check` (its own zone); `Number.MAX_SAFE_INTEGER` without one. */
  healthCheckConnections: number;
  /** The `listen` socket's options: `backlog`, and `rcvbuf`/`sndbuf` (bytes) when set (else the kernel autotunes). */
  listen: { backlog: number; rcvbufBytes?: number; sndbufBytes?: number };
  /** The host's TCP sysctls (models/hostEdge/kernel.ts). */
  tcp: HostTcpSettings;
}

/** The limits the rendered config and user data give `nginx` (models/hostEdge/nginxConfig.ts, kernel.ts). */
export function renderedNginxLimits(nginx: NginxLimits): NginxMemoryLimits {
  return {
    workerConnections: nginx.workerConnections,
    clientHeaderBufferSize: nginx.clientHeaderBufferSize,
    largeClientHeaderBuffers: nginx.largeClientHeaderBuffers,
    maxConnectionsPerHost: maxConnectionsPerHost(nginx),
    maxHeaders: maxHeaderLines,
    clientBodyBufferBytes,
    proxyBufferBytes: proxyBuffers.bufferSize + proxyBuffers.count * proxyBuffers.size,
    healthCheckConnections,
    listen: { backlog: listenBacklog(nginx), rcvbufBytes: clientSocket.rcvbufBytes, sndbufBytes: clientSocket.sndbufBytes },
    tcp: hostTcpSettings(listenBacklog(nginx)),
  };
}

/** What the memory model reads: the host's nginx limits and its vCPU count (nginx runs a worker per vCPU). */
export interface NginxMemoryInput {
  nginx: NginxMemoryLimits;
  vcpus: number;
}

/** The model's input for rendered host settings (any `HostEdgeSettings` fits). */
export function nginxMemoryInput(settings: { nginx: NginxLimits; vcpus: number }): NginxMemoryInput {
  return { nginx: renderedNginxLimits(settings.nginx), vcpus: settings.vcpus };
}

/** Connections in each state, for {@link predictNginxMemory}. */
export interface NginxLoad {
  /** Requests proxied and held (each also holds an upstream connection). */
  busy?: number;
  /** Connections whose header is still arriving. */
  headerPhase?: number;
  /** Requests nginx answered itself without reading their body (413, or 503 from a limit), lingering. */
  answered?: number;
  /** Open connections kept alive after a request. */
  keptAlive?: number;
  /** Connected, nothing sent yet. */
  waiting?: number;
  /** Completed by the kernel and queued on the listen socket, not yet accepted. */
  queued?: number;
}

/** The price of one connection (or proxied request) in a state. */
export interface StatePrice {
  /** Bytes of nginx's processes. */
  processBytes: number;
  /** Bytes of its sockets' buffers in the kernel. */
  bufferBytes: number;
  /** Bytes of its sockets' own kernel structures. */
  socketBytes: number;
}

const total = (p: StatePrice) => p.processBytes + p.bufferBytes + p.socketBytes;

/** Bytes of the client header buffer and every large header buffer. */
export function headerBuffersBytes(nginx: NginxLimits): number {
  return nginxSizeBytes(nginx.clientHeaderBufferSize) + nginx.largeClientHeaderBuffers.count * nginxSizeBytes(nginx.largeClientHeaderBuffers.size);
}

/**
 * What a client socket's receive queue may hold: twice `listen rcvbuf` (socket(7)), else what the
 * kernel autotunes to; the sender keeps within the window it advertises, and a page is forward-allocated.
 */
function clientReceiveBytes(nginx: NginxMemoryLimits): number {
  return (nginx.listen.rcvbufBytes !== undefined ? 2 * nginx.listen.rcvbufBytes : kernelAutotunedReceiveBytes) + nginxMemoryConstants.pageBytes;
}

/**
 * What a client socket's send queue may hold: twice `listen sndbuf` (else `tcp_wmem`'s max), and
 * the segment that passes it, at most the answer nginx writes in one go (its proxy buffers).
 */
function clientSendBytes(nginx: NginxMemoryLimits): number {
  const c = nginxMemoryConstants;
  return (nginx.listen.sndbufBytes !== undefined ? 2 * nginx.listen.sndbufBytes : nginx.tcp.wmem[2]) + Math.min(c.segmentBytes, nginx.proxyBufferBytes) + c.pageBytes;
}

/**
 * What nginx's socket to the service may hold when the service stops reading: `tcp_wmem`'s max
 * (nobody sets its buffer), one segment past it, and a page (measured: 82 KiB with a 64 KiB max).
 */
function upstreamSendBytes(nginx: NginxMemoryLimits): number {
  const c = nginxMemoryConstants;
  return nginx.tcp.wmem[2] + c.segmentBytes + c.pageBytes;
}

/** `tcp_rmem`'s max on Debian 12 (6 MiB): where a receive buffer nobody sets can grow. */
export const kernelAutotunedReceiveBytes = 6 * 1024 * 1024;

/**
 * The price of each connection state on `nginx`'s limits:
 * - header phase: its connection, every header buffer filled, the request's pool with
 *   `max_headers` lines and twice the header's bytes of copies (pool waste);
 * - answered: the same header and nginx's own answer (lingering close keeps the request);
 * - busy (per proxied request, two slots): the header, the body buffer, the header copy sent
 *   upstream (one buffer of the header's bytes and the lines nginx sets; `$proxy_add_x_forwarded_for`
 *   copies the client's own header into the pool, within the pool's twice the header), the proxy
 *   buffers, the upstream state and connection; kernel: the client's data behind the request filling its
 *   receive buffer, and either an answer the client does not read or a request a stopped service
 *   does not read (one or the other: a service that answers has read the request);
 * - kept alive: what the request held, as much as the allocator may keep of it;
 * - queued: the data a client sends before nginx accepts it.
 */
export function statePrices(nginx: NginxMemoryLimits): Record<keyof NginxLoad, StatePrice> {
  const c = nginxMemoryConstants;
  const buffers = headerBuffersBytes(nginx);
  const headerProcess = c.connectionBytes + buffers + c.requestBytes + nginx.maxHeaders * c.headerLineBytes + c.poolWasteFactor * buffers;
  // A socket that has received anything may keep a page forward-allocated.
  const headerPhase = { processBytes: headerProcess, bufferBytes: c.pageBytes, socketBytes: c.socketBytes };
  const answered = { processBytes: headerProcess + c.answerBytes, bufferBytes: c.unreadAnswerBytes, socketBytes: c.socketBytes };
  const busy = {
    processBytes: headerProcess + c.answerBytes + nginx.clientBodyBufferBytes + (buffers + 1024) + nginx.proxyBufferBytes + c.upstreamBytes + c.connectionBytes,
    bufferBytes: clientReceiveBytes(nginx) + Math.max(clientSendBytes(nginx), upstreamSendBytes(nginx)),
    socketBytes: slotsPerRequest * c.socketBytes,
  };
  return {
    headerPhase,
    answered,
    busy,
    keptAlive: { processBytes: headerProcess, bufferBytes: c.pageBytes, socketBytes: c.socketBytes },
    waiting: { processBytes: c.connectionBytes, bufferBytes: c.pageBytes, socketBytes: c.socketBytes },
    queued: { processBytes: 0, bufferBytes: clientReceiveBytes(nginx), socketBytes: c.socketBytes },
  };
}

/** Predicted memory of nginx: its processes (sum of VmRSS), its sockets' buffers and their structures. */
export interface NginxMemoryPrediction {
  processBytes: number;
  /** Kernel socket memory: buffers plus socket structures. */
  kernelBytes: number;
  /** Of the kernel's, the sockets' buffers (what `ss -m` shows). */
  bufferBytes: number;
  totalBytes: number;
}

function fixedAndWorkers(settings: NginxMemoryInput): { workers: number; fixedBytes: number; perWorkerBytes: number } {
  const c = nginxMemoryConstants;
  const workers = Math.max(1, Math.floor(settings.vcpus));
  const zones = Object.values(sharedZones).reduce((sum, zone) => sum + zone.bytes, 0);
  return { workers, fixedBytes: c.masterBytes + zones, perWorkerBytes: c.workerBaseBytes + settings.nginx.workerConnections * c.slotBytes };
}

/** Predicted memory of nginx for a given load. */
export function predictNginxMemory(settings: NginxMemoryInput, load: NginxLoad): NginxMemoryPrediction {
  const { workers, fixedBytes, perWorkerBytes } = fixedAndWorkers(settings);
  const prices = statePrices(settings.nginx);
  let processBytes = fixedBytes + workers * perWorkerBytes;
  let bufferBytes = 0;
  let socketBytes = 0;
  for (const [state, count] of Object.entries(load) as [keyof NginxLoad, number | undefined][]) {
    processBytes += (count ?? 0) * prices[state].processBytes;
    bufferBytes += (count ?? 0) * prices[state].bufferBytes;
    socketBytes += (count ?? 0) * prices[state].socketBytes;
  }
  const kernelBytes = bufferBytes + socketBytes;
  return { processBytes, kernelBytes, bufferBytes, totalBytes: processBytes + kernelBytes };
}

export interface NginxMemoryEstimate extends NginxMemoryPrediction {
  /** Worker processes (one per vCPU). */
  workers: number;
  /** Bytes of the master process and the shared zones. */
  fixedBytes: number;
  /** Bytes of one worker with its preallocated connection slots, serving nothing. */
  perWorkerBytes: number;
  /** Bytes one proxied request can hold, its sockets included. */
  busyRequestBytes: number;
  /** Bytes one connection outside limit_conn can hold (its header arriving, or answered and lingering), its socket included. */
  unlimitedConnectionBytes: number;
  /** Proxied requests in the worst case: the `limit_conn` limits (events and health checks), beyond which nginx answers 503. */
  busyRequests: number;
  /** Connections outside limit_conn in the worst case: every slot the proxied requests leave. */
  unlimitedConnections: number;
  /** Connections the kernel queues for nginx to accept (the listen backlog, at most `somaxconn`). */
  queuedConnections: number;
  /** Bytes of the header buffers of every connection outside limit_conn: what smaller buffers save. */
  headerBufferBytes: number;
}

/** Requests nginx proxies at once on a host: `limit_conn` of the event and query paths, plus that of `/http-check`. */
export function proxiedRequestLimit(nginx: NginxMemoryLimits): number {
  return Math.min(Number.MAX_SAFE_INTEGER, (nginx.maxConnectionsPerHost ?? Number.MAX_SAFE_INTEGER) + nginx.healthCheckConnections);
}

/**
 * Worst-case memory of nginx on one host: the proxied requests `limit_conn` admits (each holding
 * {@link slotsPerRequest} slots), every other slot of every worker at the costliest state outside
 * limit_conn (or, where that costs more per slot, no proxied request at all), and a full accept queue.
 */
export function estimateNginxMemory(settings: NginxMemoryInput): NginxMemoryEstimate {
  const { nginx } = settings;
  const { workers, fixedBytes, perWorkerBytes } = fixedAndWorkers(settings);
  const prices = statePrices(nginx);
  const slots = workers * nginx.workerConnections;
  const unlimited = (["answered", "headerPhase", "keptAlive", "waiting"] as const).reduce((a, b) => (total(prices[b]) > total(prices[a]) ? b : a));
  const mostBusy = Math.min(proxiedRequestLimit(nginx), Math.floor(slots / slotsPerRequest));
  // The total is linear in the busy count: the worst case is at one end.
  const busyRequests = total(prices.busy) >= slotsPerRequest * total(prices[unlimited]) ? mostBusy : 0;
  const unlimitedConnections = slots - slotsPerRequest * busyRequests;
  const queuedConnections = Math.min(nginx.listen.backlog, nginx.tcp.somaxconn);
  const prediction = predictNginxMemory(settings, { busy: busyRequests, [unlimited]: unlimitedConnections, queued: queuedConnections });
  return {
    ...prediction,
    workers,
    fixedBytes,
    perWorkerBytes,
    busyRequestBytes: total(prices.busy),
    unlimitedConnectionBytes: total(prices[unlimited]),
    busyRequests,
    unlimitedConnections,
    queuedConnections,
    headerBufferBytes: unlimitedConnections * headerBuffersBytes(nginx),
  };
}
