/**
 * Reads the capacity figures back from resources as declared (launch template and autoscaling group
 * properties, in the engine's shape), so the policies and the plan's capacity report judge what
 * will be deployed, hand edits included, rather than the YAML.
 * Pure module: no Pulumi imports.
 */
import { decodeUserData, type NginxLimits } from "../hostEdge";

/** Launch template user data as text; decoded where the hosts' own model encodes it. */
export { decodeUserData };
import { capacityTagKeys } from "./tags";
import { resourceTypes } from "../resourceTypes";

/** An autoscaling group's tags come as `[{ key, value, propagateAtLaunch }]`; a launch template's as a map. */
export function tagMap(tags: unknown): Record<string, string> {
  if (Array.isArray(tags)) {
    const out: Record<string, string> = {};
    for (const tag of tags) {
      if (tag && typeof tag.key === "string" && tag.value !== undefined) out[tag.key] = String(tag.value);
    }
    return out;
  }
  if (tags && typeof tags === "object") {
    return Object.fromEntries(Object.entries(tags as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  return {};
}

function numberTag(tags: Record<string, string>, key: string): number | undefined {
  const value = tags[key];
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** One region's ingestion fleet as its autoscaling group declares it. */
export interface DeclaredFleet {
  region: string;
  environment?: string;
  minHosts: number;
  maxHosts: number;
  instanceType?: string;
  peakEventsPerSecond?: number;
  burstFactor?: number;
  eventsPerHostPerSecond?: number;
  datastore?: string;
  datastoreMaxConnections?: number;
  poolSizePerHost?: number;
  processesPerHost?: number;
}

/** The fleet an autoscaling group declares, or undefined for a group without the edge's capacity tags. */
export function readDeclaredFleet(props: Record<string, any>): DeclaredFleet | undefined {
  const tags = tagMap(props.tags);
  if (!Object.values(capacityTagKeys).some((key) => key in tags)) return undefined;
  return {
    region: typeof props.region === "string" ? props.region : "(provider default)",
    environment: tags[capacityTagKeys.environment],
    minHosts: Number(props.minSize ?? 0),
    maxHosts: Number(props.maxSize ?? 0),
    instanceType: tags[capacityTagKeys.instanceType],
    peakEventsPerSecond: numberTag(tags, capacityTagKeys.peakEventsPerSecond),
    burstFactor: numberTag(tags, capacityTagKeys.burstFactor),
    eventsPerHostPerSecond: numberTag(tags, capacityTagKeys.eventsPerHostPerSecond),
    datastore: tags[capacityTagKeys.datastore] || undefined,
    datastoreMaxConnections: numberTag(tags, capacityTagKeys.datastoreMaxConnections),
    poolSizePerHost: numberTag(tags, capacityTagKeys.poolSizePerHost),
    processesPerHost: numberTag(tags, capacityTagKeys.processesPerHost),
  };
}


/**
 * The nginx limits in a host's rendered user data (`worker_connections`, `client_header_buffer_size`,
 * `large_client_header_buffers`, the `limit_conn` limit), or the directives it lacks. The one
 * reader of rendered limits: the capacity policies and the plan's capacity report judge what a
 * launch template really carries, a hand-edited one too (incident 000).
 */
export function readRenderedNginxLimits(userData: string): { limits: NginxLimits } | { missing: string[] } {
  const text = decodeUserData(userData);
  const workerConnections = /\bworker_connections\s+(\d+)\s*;/.exec(text);
  const headerBuffer = /\bclient_header_buffer_size\s+(\d+[kKmM]?)\s*;/.exec(text);
  const largeBuffers = /\blarge_client_header_buffers\s+(\d+)\s+(\d+[kKmM]?)\s*;/.exec(text);
  const limitConn = /\blimit_conn\s+[A-Za-z0-9_$]+\s+(\d+)\s*;/.exec(text);
  const missing = [
    workerConnections ? undefined : "worker_connections",
    headerBuffer ? undefined : "client_header_buffer_size",
    largeBuffers ? undefined : "large_client_header_buffers",
  ].filter((d): d is string => d !== undefined);
  if (missing.length) return { missing };
  return {
    limits: {
      workerConnections: Number(workerConnections![1]),
      clientHeaderBufferSize: headerBuffer![1]!,
      largeClientHeaderBuffers: { count: Number(largeBuffers![1]), size: largeBuffers![2]! },
      // Without a `limit_conn`, nothing sheds load before every slot is busy: judge that worst case.
      maxConnectionsPerHost: limitConn ? Number(limitConn[1]) : Number.MAX_SAFE_INTEGER,
    },
  };
}


/** Every ingestion fleet among declared resources (autoscaling groups with the capacity tags), with its URN. */
export function readDeclaredFleets(resources: { type: string; urn: string; props: Record<string, any> }[]): (DeclaredFleet & { urn: string })[] {
  return resources.flatMap((r) => {
    if (r.type !== resourceTypes.autoscalingGroup) return [];
    const fleet = readDeclaredFleet(r.props);
    return fleet ? [{ ...fleet, urn: r.urn }] : [];
  });
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
  const missing = [block ? undefined : `location ${eventPath}`, connect ? undefined : "proxy_connect_timeout", read ? undefined : "proxy_read_timeout"].filter(
    (d): d is string => d !== undefined,
  );
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

/** A `NAME=value` line of an env file rendered into user data, or undefined. */
export function readRenderedEnv(userData: string, name: string): string | undefined {
  const match = new RegExp(`^\\s*${name}=(.*)$`, "m").exec(decodeUserData(userData));
  return match ? match[1]!.trim() : undefined;
}

/** Seconds the rendered drain script serves after it creates the drain file (its `sleep`), or undefined without one. */
export function readRenderedDrainSeconds(userData: string): number | undefined {
  const match = /\btouch\s+\S+\s*\n\s*sleep\s+(\d+)/.exec(decodeUserData(userData));
  return match ? Number(match[1]) : undefined;
}
