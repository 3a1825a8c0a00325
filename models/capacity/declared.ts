/**
 * Reads the capacity figures back from resources as declared (launch template and autoscaling group
 * properties, in the engine's shape), so the policies and the plan's capacity report judge what
 * will be deployed, hand edits included, rather than the YAML.
 * Pure module: no Pulumi imports.
 */
import { decodeUserData } from "../hostEdge";

/** Launch template user data as text; decoded where the hosts' own model encodes it. */
export { decodeUserData };
/** The readers of rendered user data live beside their renderers (models/hostEdge/); the capacity model reads them through here. */
export { nginxTimeSeconds, readRenderedNginxLimits, readRenderedUpstream, type RenderedUpstream } from "../hostEdge/nginxConfigReader";
export { readRenderedDrainSeconds, readRenderedEnv } from "../hostEdge/userData";
import { capacityTagKeys } from "./tags";
import { resourceTypes } from "../resourceTypes";
import type { DeclaredResource } from "../declaredResource";

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

/** Every ingestion fleet among declared resources (autoscaling groups with the capacity tags), with its URN. */
export function readDeclaredFleets(resources: readonly DeclaredResource[]): (DeclaredFleet & { urn: string })[] {
  return resources.flatMap((r) => {
    if (r.type !== resourceTypes.autoscalingGroup) return [];
    const fleet = readDeclaredFleet(r.inputs);
    return fleet ? [{ ...fleet, urn: r.urn }] : [];
  });
}
