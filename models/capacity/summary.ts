/**
 * The capacity figures a reviewer compares between two plans: hosts × instance type per region,
 * free host memory after nginx's worst case and the service's reserve, and the events/s the
 * fleet carries with its largest region lost (incidents 000 and 002).
 * Pure module: no Pulumi imports.
 */
import type { NginxMemoryLimits } from "../hostEdge";
import { readDeclaredFleets, readRenderedNginxLimits, tagMap } from "./declared";
import { survivingCapacity } from "./fleet";
import { ProxyMemory, proxyMemory } from "./proxyMemory";
import { capacityTagKeys } from "./tags";
import type { DeclaredResource } from "../declaredResource";
import { resourceTypes } from "../resourceTypes";

export interface RegionCapacitySummary {
  region: string;
  minHosts: number;
  maxHosts: number;
  instanceType: string;
  /** Instance memory minus nginx's worst case and the service's reserve, MiB; undefined when the launch template's limits cannot be read. */
  freeMemoryMiB?: number;
}

export interface CapacitySummary {
  regions: RegionCapacitySummary[];
  /** The largest region, whose loss is modelled; undefined with one region. */
  lostRegion?: string;
  /** Events/s the other regions carry at their maximum size; undefined without per-host throughput tags. */
  survivingEventsPerSecond?: number;
}

/** What a launch template declares about its hosts' memory: type, rendered user data, the service's reserve. */
export interface HostMemorySubject {
  instanceType: string;
  /** The launch template's user data (base64, gzip or plain). */
  userData: string;
  serviceReserveMiB: number;
}

/** The subject of a launch template's inputs as declared (its capacity tags carry the reserve). */
export function hostMemorySubject(inputs: Record<string, any> | undefined): HostMemorySubject {
  return {
    instanceType: String(inputs?.instanceType ?? "(none)"),
    userData: String(inputs?.userData ?? ""),
    serviceReserveMiB: Number(tagMap(inputs?.tags)[capacityTagKeys.serviceReserveMiB] ?? 0),
  };
}

/**
 * nginx's worst case plus the service's reserve on the hosts of one launch template, read from the
 * nginx limits its user data renders: what the memory policy, the plan and the PR summary all judge.
 */
export function hostMemory(subject: HostMemorySubject, maxShare: number): { limits: NginxMemoryLimits; memory: ProxyMemory } | { missing: string[] } {
  const read = readRenderedNginxLimits(subject.userData);
  if ("missing" in read) return read;
  return { limits: read.limits, memory: proxyMemory({ instanceType: subject.instanceType, settings: { nginx: read.limits }, serviceReserveMiB: subject.serviceReserveMiB, maxShare }) };
}

/** The summary of a plan's custom resources (`inputs` as declared). */
export function capacitySummary(resources: DeclaredResource[]): CapacitySummary {
  const fleets = readDeclaredFleets(resources);
  const regions = fleets.map((fleet): RegionCapacitySummary => {
    const template = resources.find((r) => r.type === resourceTypes.ec2LaunchTemplate && r.region === fleet.region);
    const instanceType = String(template?.inputs.instanceType ?? fleet.instanceType ?? "unknown");
    const read = hostMemory({ ...hostMemorySubject(template?.inputs), instanceType }, 1);
    const m = "memory" in read ? read.memory : undefined;
    const freeMemoryMiB = m?.known ? Math.round(m.instanceMiB - m.totalMiB) : undefined;
    return { region: fleet.region, minHosts: fleet.minHosts, maxHosts: fleet.maxHosts, instanceType, ...(freeMemoryMiB === undefined ? {} : { freeMemoryMiB }) };
  });
  const measured = fleets.every((f) => f.eventsPerHostPerSecond !== undefined);
  const loss = measured && fleets.length > 0 ? survivingCapacity(fleets.map((f) => ({ region: f.region, maxHosts: f.maxHosts, eventsPerHostPerSecond: f.eventsPerHostPerSecond! }))) : undefined;
  return {
    regions: regions.sort((a, b) => a.region.localeCompare(b.region)),
    ...(loss?.lostRegion ? { lostRegion: loss.lostRegion } : {}),
    ...(loss ? { survivingEventsPerSecond: loss.survivingEventsPerSecond } : {}),
  };
}
