/**
 * The per-request buffer sizes nginx is rendered with besides the header buffers from config. They
 * are fixed here, in one table, so the rendered config and the memory model cannot disagree.
 * Incident 000: unbounded buffers × connections ran both proxies out of memory.
 *
 * Pure module: no Pulumi imports.
 */
import { maxConnectionsPerHost, NginxSettings } from "./settings";

export const proxyBuffers = {
  /** `proxy_buffer_size`: the upstream response header. */
  bufferSize: 4096,
  /** `proxy_buffers <count> <size>`: the upstream response body held in memory. */
  count: 4,
  size: 4096,
  /** `proxy_busy_buffers_size`: at most count × size minus one buffer. */
  busySize: 8192,
  /** `proxy_max_temp_file_size`: 0, the rest streams to the client instead of piling up on disk. */
  maxTempFileSize: 0,
} as const;

/** `client_body_buffer_size` in bytes: a request body above it goes to a temp file, not memory. */
export const clientBodyBufferBytes = 16 * 1024;
/** `client_max_body_size`: tracking events are small; larger bodies are refused with 413. */
export const clientMaxBodySize = "1m";

/**
 * `max_headers`: header lines nginx accepts in one request before it answers 494 (Debian's
 * nginx 1.22.1 carries the directive as a backport, 1,000 when unset). nginx keeps every line in
 * the request's pool (a list element and a lower-cased copy of its name), so each is paid for
 * until the header ends; a browser sends about 20. Incident 000.
 */
export const maxHeaderLines = 64;

/**
 * The client connections' sockets, set on the `listen` socket, which every accepted connection
 * inherits (socket(7): SO_RCVBUF/SO_SNDBUF, doubled by the kernel and no longer autotuned):
 * - `rcvbuf`: what a client's data beyond its request can fill while nginx proxies and reads no
 *   more of it; at the kernel default a connection holds ~100 KiB (tcp_rmem's 128 KiB).
 * - `sndbuf`: what an answer the client does not read can fill.
 */
export const clientSocket = { rcvbufBytes: 16 * 1024, sndbufBytes: 16 * 1024 } as const;

/**
 * `lingering_time`, seconds: how long nginx keeps reading (and discarding) what a client still
 * sends after nginx answered it without reading its body (a 413, or a 503 from limit_conn or
 * limit_req). Such a connection is outside `limit_conn` (it is counted only while proxied), so it
 * ends with the client timeouts instead of nginx's 30 s default.
 */
export const lingeringSeconds = 10;

/**
 * `/http-check` requests nginx proxies to the service's readiness at once (`limit_conn` of its own
 * zone, so a flood of probes neither takes slots from events nor goes unbounded). The load
 * balancer and Route 53 probe a host a few times a second, each answered in milliseconds.
 */
export const healthCheckConnections = 32;

/** The shallowest accept queue a host gets: the kernel's own `somaxconn` since Linux 5.4. */
export const minListenBacklog = 4096;

/**
 * `listen backlog`: connections the kernel completes and queues before nginx accepts them, at
 * least the requests nginx serves at once (limit_conn of events and health checks), beyond which
 * it answers 503 at once. nginx's default is 511: a connect storm past it waits out SYN
 * retransmits (1 s, then 3 s, 7 s) instead of getting nginx's answer. `net.core.somaxconn` is
 * raised to match (models/hostEdge/kernel.ts).
 */
export function listenBacklog(nginx: Pick<NginxSettings, "workerConnections" | "maxConnectionsPerHost">): number {
  return Math.max(minListenBacklog, maxConnectionsPerHost(nginx) + healthCheckConnections);
}
/** `keepalive` idle connections each worker keeps to the local ingestion service. */
export const upstreamKeepalive = 32;

/**
 * Shared memory zones, bytes: `limit_conn_zone` (requests per host, and health checks per host),
 * `limit_req_zone` (rate per client address) and the upstream's `zone` (peer state). The memory model counts each once, full.
 */
export const sharedZones = {
  connections: { name: "edge_host", bytes: 1024 * 1024 },
  healthChecks: { name: "edge_health", bytes: 64 * 1024 },
  clientRate: { name: "edge_client", bytes: 10 * 1024 * 1024 },
  upstream: { name: "ingest", bytes: 64 * 1024 },
} as const;

/** A size in bytes as nginx reads it (`1m`, `64k`): a zone, a socket buffer. */
export function nginxSize(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)}m` : `${bytes / 1024}k`;
}
