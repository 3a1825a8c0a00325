/**
 * Every alarm threshold of the edge, decided once: the metric it reads, its direction, its sane
 * range, the warning and critical defaults and why. The stack schema (`edge:alarms.thresholds`),
 * the alarm set, the threshold policy and docs/reference/alarms.md all read this table.
 *
 * Incident 000: "as we've grown our server count to over 200, properly setting these thresholds
 * have fallen by the wayside"; both load balancers ran out of memory and swapped before anyone
 * was told. Every numeric metric here has a warning and a critical level, each emailed.
 *
 * Pure module: no Pulumi imports.
 */

export type Severity = "warning" | "critical";
export const severities: readonly Severity[] = ["warning", "critical"];

/**
 * Which way is worse. `above`: the alarm fires when the metric rises past the threshold, so the
 * warning threshold sits below the critical one; `below`: the reverse.
 */
export type Direction = "above" | "below";

export interface ThresholdSpec {
  /** What is measured, in the alarm reference's words. */
  title: string;
  /** Unit of the warning and critical values. */
  unit: string;
  direction: Direction;
  /** Sane range of a configured value, inclusive (a percentage lies within 0-100). */
  range: { min: number; max: number };
  /** Default warning level; undefined where the first level is already critical. */
  warning?: number;
  critical: number;
  /** Why these defaults, and the incident they answer. */
  why: string;
  /** The alarm fires AT the threshold too (`>=` / `<=`), where reaching it is the event. Defaults to strict. */
  inclusive?: boolean;
}

export const thresholdTable = {
  memoryUsedPercent: {
    title: "Host memory used (CWAgent mem_used_percent, per ASG, max)",
    unit: "%",
    direction: "above",
    range: { min: 0, max: 100 },
    warning: 80,
    critical: 90,
    why: "Incident 000: both load balancers ran out of memory and began swapping; warn while there is room to scale.",
  },
  swapUsedPercent: {
    title: "Host swap used (CWAgent swap_used_percent, per ASG, max)",
    unit: "%",
    direction: "above",
    range: { min: 0, max: 100 },
    critical: 0,
    why: "Incident 000: swapping is how the outage started. Any swap (above 0 %) is critical; there is no warning level.",
  },
  cpuUtilization: {
    title: "Host CPU (AWS/EC2 CPUUtilization, per ASG, average)",
    unit: "%",
    direction: "above",
    range: { min: 0, max: 100 },
    warning: 70,
    critical: 90,
    why: "Above the target-tracking set point the fleet is not keeping up with a spike (incident 000: 8x traffic).",
  },
  diskUsedPercent: {
    title: "Host root disk used (CWAgent disk_used_percent, per ASG, max)",
    unit: "%",
    direction: "above",
    range: { min: 0, max: 100 },
    warning: 80,
    critical: 90,
    why: "A full disk stops nginx logging and buffering; hosts are replaceable, so act before it is full.",
  },
  unhealthyHosts: {
    title: "Unhealthy targets (AWS/NetworkELB UnHealthyHostCount, max)",
    unit: "hosts",
    direction: "above",
    range: { min: 0, max: 1000 },
    warning: 0,
    critical: 1,
    why: "One unhealthy host is a warning; more than one means a fault beyond a single instance (incident 000: both balancers failed together).",
  },
  healthyHostsOfMinimum: {
    title: "Healthy targets below the ASG minimum (AWS/NetworkELB HealthyHostCount, min)",
    unit: "% of ASG min",
    direction: "below",
    range: { min: 0, max: 100 },
    warning: 100,
    critical: 50,
    why: "Below the planned minimum the region has lost its headroom; below half of it, the survivors carry double load (incident 000).",
  },
  targetResets: {
    title: "TCP resets from targets (AWS/NetworkELB TCP_Target_Reset_Count, sum per minute)",
    unit: "resets/min",
    direction: "above",
    range: { min: 0, max: 1e9 },
    warning: 100,
    critical: 1000,
    why: "nginx resetting connections is the edge refusing events: the target's connection errors (incident 003).",
  },
  balancerResets: {
    title: "TCP resets by the balancer (AWS/NetworkELB TCP_ELB_Reset_Count, sum per minute)",
    unit: "resets/min",
    direction: "above",
    range: { min: 0, max: 1e9 },
    warning: 500,
    critical: 5000,
    why: "The balancer resets flows whose target is gone or timed out: response errors seen by clients (incident 003).",
  },
  inServiceOfMaximum: {
    title: "ASG in service at its maximum (AWS/AutoScaling GroupInServiceInstances, max)",
    unit: "% of ASG max",
    direction: "above",
    range: { min: 0, max: 100 },
    warning: 80,
    critical: 100,
    inclusive: true,
    why: "At its ceiling the fleet cannot absorb the next spike: review the capacity plan (incident 000: long-term capacity planning).",
  },
  ingestAnomalyBand: {
    title: "Ingestion volume below its anomaly band (ANOMALY_DETECTION_BAND of NewFlowCount, sum per 5 min)",
    unit: "standard deviations",
    direction: "above",
    range: { min: 0.5, max: 10 },
    warning: 2,
    critical: 3,
    why: "Incident 001: an anomalous, steep decline in ingestion volume was the first sign of the DNS attack. A wider band is a steeper, rarer drop, so critical is the wider one.",
  },
  ingestFloor: {
    title: "Ingestion volume hard floor (AWS/NetworkELB NewFlowCount, sum per minute)",
    unit: "flows/min",
    direction: "below",
    range: { min: 0, max: 1e9 },
    warning: 60,
    critical: 6,
    why: "Incident 001: a region that stops receiving events is failing even when the band has learned a quiet night.",
  },
  healthCheckHealthy: {
    title: "Route 53 health checkers reporting healthy (AWS/Route53 HealthCheckPercentageHealthy, min)",
    unit: "%",
    direction: "below",
    range: { min: 0, max: 100 },
    warning: 90,
    critical: 50,
    why: "Incident 001: DNS decides where events go; a region failing its health check is about to be failed over.",
  },
  cdn5xxErrorRate: {
    title: "CDN 5xx error rate (AWS/CloudFront 5xxErrorRate, Region=Global, average)",
    unit: "%",
    direction: "above",
    range: { min: 0, max: 100 },
    warning: 1,
    critical: 5,
    why: "Incident 000: the snippet timed out on customer pages; it must stay near 100 % available.",
  },
  cdnTotalErrorRate: {
    title: "CDN total error rate (AWS/CloudFront TotalErrorRate, Region=Global, average)",
    unit: "%",
    direction: "above",
    range: { min: 0, max: 100 },
    warning: 5,
    critical: 15,
    why: "4xx included: a broken snippet path or origin permission shows here before 5xx does (incident 000).",
  },
  certificateDaysToExpiry: {
    title: "Certificate days to expiry (AWS/CertificateManager DaysToExpiry, min)",
    unit: "days",
    direction: "below",
    range: { min: 0, max: 397 },
    warning: 30,
    critical: 14,
    why: "ACM renews 60 days ahead; under 30 days renewal has failed (a validation record is missing) and TLS will break on ingest or CDN.",
  },
  serviceAcceptedFloor: {
    title: "Events the ingestion service stored (Edge/Ingest EventsAccepted, per region, sum per minute)",
    unit: "events/min",
    direction: "below",
    range: { min: 0, max: 1_000_000_000 },
    warning: 60,
    critical: 6,
    why: "Incident 001: the first sign of the outage was a steep fall in ingested volume; this counts events stored, so it also falls when the load balancer still sees traffic that the hosts cannot store.",
  },
  serviceRejectedEvents: {
    title: "Requests the ingestion service refused with 4xx (Edge/Ingest EventsRejected, per region, sum per minute)",
    unit: "requests/min",
    direction: "above",
    range: { min: 0, max: 1_000_000_000 },
    warning: 100,
    critical: 1000,
    why: "A snippet release that sends what the collector refuses, or a flood of junk: either way events are being lost at the client.",
  },
  serviceErrorAnswers: {
    title: "Requests the ingestion service answered with an error of its own: 404/405 to an event, 5xx other than shed (Edge/Ingest ErrorAnswers, per region, sum per minute)",
    unit: "requests/min",
    direction: "above",
    range: { min: 0, max: 1_000_000_000 },
    warning: 10,
    critical: 100,
    why: "A release that answers events 404 (a moved collector route) or fails them: an older snippet dropped those events for good; an instance refresh that trips the critical level rolls back.",
  },
  serviceSpooledEvents: {
    title: "Events spooled to host disk because no writable datastore answered (Edge/Ingest EventsSpooled, per region, sum per minute)",
    unit: "events/min",
    direction: "above",
    range: { min: 0, max: 1_000_000_000 },
    warning: 0,
    critical: 10000,
    why: "Incident 003: the datastore failed over; any spooled event means the primary is not taking writes, and the spool is bounded.",
  },
  serviceSpoolDepth: {
    title: "Events waiting in the hosts' spools (Edge/Ingest SpoolDepthEvents, per region, max)",
    unit: "events",
    direction: "above",
    range: { min: 0, max: 1_000_000_000 },
    warning: 10000,
    critical: 500000,
    why: "Acknowledged events not yet in the datastore; at the spool's bound (1 GiB a process by default, about a million 1 KiB events) the hosts shed and clients must hold their events.",
  },
  serviceReplayLagSeconds: {
    title: "Age of the oldest spooled event (Edge/Ingest ReplayLagSeconds, per region, max)",
    unit: "s",
    direction: "above",
    range: { min: 0, max: 604800 },
    warning: 60,
    critical: 600,
    why: "How far the datastore is behind what clients were told is stored (incident 002: a downstream that is down must not lose events).",
  },
  serviceDatastoreErrors: {
    title: "Datastore errors of the ingestion service (Edge/Ingest DatastoreErrors, per region, sum per minute)",
    unit: "errors/min",
    direction: "above",
    range: { min: 0, max: 1_000_000_000 },
    warning: 10,
    critical: 100,
    why: "Incident 002 and 003: failed connects, timeouts and read-only primaries come before the datastore falls over or fails over.",
  },
  datastoreConnectionsOfMaximum: {
    title: "Datastore connections (the configured metric, max)",
    unit: "% of the first region's datastore maxConnections",
    direction: "above",
    range: { min: 0, max: 100 },
    warning: 70,
    critical: 90,
    why: "Incident 002: connections to the datastore grew unseen for a day until it failed.",
  },
} as const satisfies Record<string, ThresholdSpec>;

export type ThresholdKey = keyof typeof thresholdTable;
export const thresholdKeys = Object.keys(thresholdTable) as ThresholdKey[];

/** Warning and critical levels of one key after overrides; warning undefined where there is none. */
export interface Levels {
  warning?: number;
  critical: number;
}

export type ThresholdOverrides = Partial<Record<ThresholdKey, { warning?: number; critical?: number }>>;

/** The levels of one key: the stack's override, else the table's default. */
export function levelsFor(key: ThresholdKey, overrides: ThresholdOverrides = {}): Levels {
  const spec: ThresholdSpec = thresholdTable[key];
  const override = overrides[key] ?? {};
  const warning = spec.warning === undefined ? undefined : (override.warning ?? spec.warning);
  return { warning, critical: override.critical ?? spec.critical };
}

/**
 * Why a level can never fire, or undefined when it can: every metric here is at least 0, and a
 * percentage at most 100, so a strict "below 0" or "above 100 %" alarm never fires (a hard floor
 * of 0 flows/min watches nothing, incident 001). Levels beyond those bounds are refused by `range`.
 */
export function neverFiresProblem(key: ThresholdKey, level: number): string | undefined {
  const spec: ThresholdSpec = thresholdTable[key];
  if (spec.inclusive) return undefined;
  const bound = spec.direction === "below" ? 0 : spec.unit.startsWith("%") ? 100 : undefined;
  if (bound === undefined || level !== bound) return undefined;
  const side = spec.direction === "below" ? "above" : "below";
  return `${level} ${spec.unit} can never fire: the alarm fires ${spec.direction} it and the metric never goes ${spec.direction} ${bound}; set a level ${side} ${bound}`;
}

/** Whether `value` is past `threshold` in the worse direction (warning fires before critical). */
export function isBefore(direction: Direction, warning: number, critical: number): boolean {
  return direction === "above" ? warning < critical : warning > critical;
}
