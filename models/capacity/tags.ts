/**
 * The tags an `IngestRegion` writes on its launch template and autoscaling group so the capacity
 * policies can judge the resources as declared (not the YAML): a hand-edited resource is judged too.
 * One table, read by the component, the policies and the plan's capacity report.
 *
 * Pure module: no Pulumi imports.
 */
export const capacityTagKeys = {
  /** `dev` or `prod`: which rules apply (incident 002: prod runs in two independent regions). */
  environment: "edge:environment",
  /** The EC2 instance type the hosts run on (also the launch template's `instanceType`). */
  instanceType: "edge:capacity:instance-type",
  /** Observed peak events/s of all regions together. */
  peakEventsPerSecond: "edge:capacity:peak-events-per-second",
  /** Spike over the peak the fleet must absorb (incident 000: 8x). */
  burstFactor: "edge:capacity:burst-factor",
  /** Events/s one host sustains. */
  eventsPerHostPerSecond: "edge:capacity:events-per-host-per-second",
  /** The datastore the region's hosts write to (`datastoreIdentity`): regions naming the same one share its connections. */
  datastore: "edge:capacity:datastore",
  /** Connections the region's datastore accepts in all (incident 002). */
  datastoreMaxConnections: "edge:capacity:datastore-max-connections",
  /** Datastore connection pool of the ingestion service on each host, shared by its processes (incident 002). */
  poolSizePerHost: "edge:capacity:pool-size-per-host",
  /** Processes on each host that open a datastore pool (the service's main and backup). */
  processesPerHost: "edge:capacity:processes-per-host",
  /** Memory, in MiB, the ingestion service needs beside nginx. */
  serviceReserveMiB: "edge:capacity:service-reserve-mib",
} as const;

export type CapacityTagKey = keyof typeof capacityTagKeys;

/** The figures behind each capacity tag, as the stack config gives them. */
export type CapacityFigures = Record<CapacityTagKey, string | number>;

/** The capacity tags (tag key to value) of a fleet with these figures. */
export function capacityTags(figures: CapacityFigures): Record<string, string> {
  return Object.fromEntries((Object.keys(capacityTagKeys) as CapacityTagKey[]).map((key) => [capacityTagKeys[key], String(figures[key])]));
}
