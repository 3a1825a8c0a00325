/**
 * Reads nginx's settings back from a host's rendered user data (what models/hostEdge/nginxConfig.ts
 * renders), so the capacity and recovery models judge what a launch template really carries, a
 * hand-edited one too.
 *
 * Pure module: no Pulumi imports.
 */
import type { NginxMemoryLimits } from "./memory";
import { readHostTcpSettings } from "./kernel";
import { healthCheckPath, nginxSizeBytes } from "./settings";
import { decodeUserData, readRenderedEnv } from "./userData";

/**
 * The nginx limits in a host's rendered user data: the three the memory model cannot do without
 * (`worker_connections`, `client_header_buffer_size`, `large_client_header_buffers`), or the ones
 * it lacks, and every other limit it prices, each at nginx's or the kernel's own default where the
 * text sets none. The one reader of rendered limits: the capacity policies and the plan's capacity
 * report judge what a launch template really carries, a hand-edited one too (incident 000).
 */
export function readRenderedNginxLimits(userData: string): { limits: NginxMemoryLimits } | { missing: string[] } {
  const text = decodeUserData(userData);
  const workerConnections = /\bworker_connections\s+(\d+)\s*;/.exec(text);
  const headerBuffer = /\bclient_header_buffer_size\s+(\d+[kKmM]?)\s*;/.exec(text);
  const largeBuffers = /\blarge_client_header_buffers\s+(\d+)\s+(\d+[kKmM]?)\s*;/.exec(text);
  const missing = [workerConnections ? undefined : "worker_connections", headerBuffer ? undefined : "client_header_buffer_size", largeBuffers ? undefined : "large_client_header_buffers"].filter(
    (d): d is string => d !== undefined,
  );
  if (missing.length) return { missing };
  const size = (name: string, fallback: string) => nginxSizeBytes(new RegExp(`\\b${name}\\s+(\\d+[kKmM]?)\\s*;`).exec(text)?.[1] ?? fallback);
  const proxyBuffers = /\bproxy_buffers\s+(\d+)\s+(\d+[kKmM]?)\s*;/.exec(text);
  const listen = /^\s*listen\s+([^;]*);/m.exec(text)?.[1] ?? "";
  const listenOption = (name: string) => new RegExp(`\\b${name}=(\\d+[kKmM]?)\\b`).exec(listen)?.[1];
  const rcvbuf = listenOption("rcvbuf");
  const sndbuf = listenOption("sndbuf");
  const limits = readLimitConn(text);
  return {
    limits: {
      workerConnections: Number(workerConnections![1]),
      clientHeaderBufferSize: headerBuffer![1]!,
      largeClientHeaderBuffers: { count: Number(largeBuffers![1]), size: largeBuffers![2]! },
      maxConnectionsPerHost: limits.requests,
      // Debian's backport counts 1,000 header lines when the config sets no max_headers.
      maxHeaders: Number(/\bmax_headers\s+(\d+)\s*;/.exec(text)?.[1] ?? 1000),
      // nginx's defaults on x86_64 (ngx_http_core_module, ngx_http_proxy_module): two pages, one page, 8 × one page.
      clientBodyBufferBytes: size("client_body_buffer_size", "8k"),
      proxyBufferBytes: size("proxy_buffer_size", "4k") + (proxyBuffers ? Number(proxyBuffers[1]) * nginxSizeBytes(proxyBuffers[2]!) : 8 * 4096),
      healthCheckConnections: limits.healthChecks,
      // nginx's listen backlog on Linux is 511 (NGX_LISTEN_BACKLOG) unless `backlog=` sets one.
      listen: {
        backlog: Number(listenOption("backlog") ?? 511),
        ...(rcvbuf === undefined ? {} : { rcvbufBytes: nginxSizeBytes(rcvbuf) }),
        ...(sndbuf === undefined ? {} : { sndbufBytes: nginxSizeBytes(sndbuf) }),
      },
      tcp: readHostTcpSettings(text),
    },
  };
}

/** Each `location` block of an nginx config: its argument and its body (nested blocks included). */
function locationBlocks(text: string): { path: string; body: string }[] {
  const blocks: { path: string; body: string }[] = [];
  for (const match of text.matchAll(/\blocation\s+([^{]*?)\s*\{/g)) {
    let depth = 1;
    let end = match.index! + match[0].length;
    while (depth > 0 && end < text.length) {
      if (text[end] === "{") depth++;
      else if (text[end] === "}") depth--;
      end++;
    }
    blocks.push({ path: match[1]!.replace(/^=\s*/, ""), body: text.slice(match.index! + match[0].length, end - 1) });
  }
  return blocks;
}

/**
 * The requests nginx may proxy at once, from its `limit_conn` directives: `requests`, those of the
 * event and query paths, and `healthChecks`, those of `/http-check` when it has a zone of its own.
 * A proxying location without `limit_conn` (its own or the server's) is unbounded: nothing sheds
 * load before every slot is busy, so that worst case is judged.
 */
function readLimitConn(text: string): { requests: number; healthChecks: number } {
  const limitOf = (body: string) => {
    const match = /\blimit_conn\s+([A-Za-z0-9_$]+)\s+(\d+)\s*;/.exec(body);
    return match ? { zone: match[1]!, limit: Number(match[2]) } : undefined;
  };
  const locations = locationBlocks(text);
  const outside = locations.reduce((rest, block) => rest.replace(block.body, ""), text);
  const inherited = limitOf(outside);
  const proxying = locations.filter((l) => /\bproxy_pass\b/.test(l.body)).map((l) => ({ path: l.path, limit: limitOf(l.body) ?? inherited }));
  const unbounded = Number.MAX_SAFE_INTEGER;
  const health = proxying.filter((l) => l.path === healthCheckPath);
  const others = proxying.filter((l) => l.path !== healthCheckPath);
  const most = (ls: typeof proxying) => (ls.some((l) => !l.limit) ? unbounded : Math.max(0, ...ls.map((l) => l.limit!.limit)));
  const sharesZone = health.every((h) => h.limit && others.some((o) => o.limit?.zone === h.limit!.zone));
  return { requests: others.length ? most(others) : unbounded, healthChecks: health.length === 0 || sharesZone ? 0 : most(health) };
}

/** An nginx time (`5s`, `1500ms`, `1m`, a bare number of seconds) in seconds. */
export function nginxTimeSeconds(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new Error(`expected an nginx time such as 5s or 1500ms, got "${value}"`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * factor;
}

/** How nginx on a host gives up on its ingestion service, as the rendered user data declares it. */
export interface RenderedUpstream {
  /** `proxy_connect_timeout` of the event path, in seconds. */
  connectTimeoutSeconds: number;
  /** `proxy_read_timeout` of the event path, in seconds. */
  readTimeoutSeconds: number;
  /** `proxy_next_upstream_tries` of the event path (0: unlimited, read as 2 processes). */
  tries: number;
  /** The primary server's `max_fails` and `fail_timeout` (seconds). */
  maxFails: number;
  failTimeoutSeconds: number;
  /** True when `/http-check` is proxied to the service's readiness (a frozen service fails the probe). */
  deepHealthCheck: boolean;
  /** The event path whose location was read. */
  eventPath: string;
}

/**
 * nginx's failover settings on the event path of rendered user data (the location of
 * `INGEST_COLLECTOR_PATH`, else `location /`), or the directives it lacks. Read back, like
 * {@link readRenderedNginxLimits}, so a hand-edited template is judged as it is.
 */
export function readRenderedUpstream(userData: string): { upstream: RenderedUpstream } | { missing: string[] } {
  const text = decodeUserData(userData);
  const eventPath = readRenderedEnv(text, "INGEST_COLLECTOR_PATH") ?? "/";
  const escaped = eventPath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const block = new RegExp(`location\\s+(?:=\\s+)?${escaped}\\s*\\{([^}]*)\\}`).exec(text)?.[1];
  // The health location holds a nested `if { }`: read up to the next location.
  const health = /location\s+=\s+\/http-check\s*\{([\s\S]*?)(?=\blocation\b|$)/.exec(text)?.[1] ?? "";
  const primary = /upstream\s+ingest\s*\{[^}]*?\bserver\s+\S+((?:\s+(?!backup)[a-z_]+=\S+)*)\s*;/.exec(text)?.[1] ?? "";
  const directive = (name: string) => (block ? new RegExp(`\\b${name}\\s+([^;\\s]+)\\s*;`).exec(block)?.[1] : undefined);
  // A value that is not an nginx time (a hand edit) counts as missing: nginx would refuse it too.
  const time = (value: string | undefined) => (value !== undefined && /^\d+(?:\.\d+)?(ms|s|m|h)?$/.test(value) ? value : undefined);
  const connect = time(directive("proxy_connect_timeout"));
  const read = time(directive("proxy_read_timeout"));
  const missing = [block ? undefined : `location ${eventPath}`, connect ? undefined : "proxy_connect_timeout", read ? undefined : "proxy_read_timeout"].filter((d): d is string => d !== undefined);
  if (missing.length) return { missing };
  const tries = Number(directive("proxy_next_upstream_tries") ?? 0);
  // nginx's defaults when the server line sets none: max_fails=1, fail_timeout=10s (ngx_http_upstream_module).
  const maxFails = /max_fails=(\d+)/.exec(primary)?.[1];
  const failTimeout = time(/fail_timeout=([^\s;]+)/.exec(primary)?.[1]);
  return {
    upstream: {
      connectTimeoutSeconds: nginxTimeSeconds(connect!),
      readTimeoutSeconds: nginxTimeSeconds(read!),
      tries: tries === 0 ? 2 : tries,
      maxFails: maxFails === undefined ? 1 : Number(maxFails),
      failTimeoutSeconds: failTimeout === undefined ? 10 : nginxTimeSeconds(failTimeout),
      deepHealthCheck: /\bproxy_pass\b/.test(health),
      eventPath,
    },
  };
}
