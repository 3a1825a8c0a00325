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
