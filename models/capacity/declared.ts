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
  datastoreMaxConnections?: number;
  poolSizePerHost?: number;
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
    datastoreMaxConnections: numberTag(tags, capacityTagKeys.datastoreMaxConnections),
    poolSizePerHost: numberTag(tags, capacityTagKeys.poolSizePerHost),
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
