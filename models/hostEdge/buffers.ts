/**
 * The per-request buffer sizes nginx is rendered with besides the header buffers from config. They
 * are fixed here, in one table, so the rendered config and the memory model cannot disagree.
 * Incident 000: unbounded buffers × connections ran both proxies out of memory.
 *
 * Pure module: no Pulumi imports.
 */
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
/** `keepalive` idle connections each worker keeps to the local ingestion service. */
export const upstreamKeepalive = 32;

/**
 * Shared memory zones, bytes: `limit_conn_zone` (requests per host), `limit_req_zone` (rate per
 * client address) and the upstream's `zone` (peer state). The memory model counts each once, full.
 */
export const sharedZones = {
  connections: { name: "edge_host", bytes: 1024 * 1024 },
  clientRate: { name: "edge_client", bytes: 10 * 1024 * 1024 },
  upstream: { name: "ingest", bytes: 64 * 1024 },
} as const;

/** A zone size as nginx reads it (`1m`, `64k`). */
export function nginxZoneSize(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)}m` : `${bytes / 1024}k`;
}
