/**
 * The alarm set of the edge as data: which metric, which dimensions, which threshold and severity,
 * how missing data counts. The `Alarms` component turns each spec into a CloudWatch alarm; tests
 * and the docs read the same specs.
 *
 * Dimension values are a type parameter: the component passes Pulumi outputs, tests pass strings.
 * Pure module: no Pulumi imports.
 */
import { hostMetrics, hostMetricsDimension, hostMetricsNamespace } from "../hostMetrics";
import { IngestMetric, ingestMetrics, ingestMetricsDimension, ingestMetricsNamespace } from "../ingestMetrics";
import { levelsFor, Severity, thresholdTable, ThresholdKey, ThresholdOverrides } from "./thresholds";

/** Route 53 health-check and CloudFront metrics exist only in us-east-1. */
export const globalMetricsRegion = "us-east-1";

/**
 * Tags on every alarm, so a policy can tell what it watches and how severe it is: the threshold
 * key, the severity, the component, and the configured level (in the key's unit, before scaling
 * to a host or connection count).
 */
export const alarmTags = { key: "edge:alarm", severity: "edge:severity", component: "edge:component", level: "edge:level" } as const;

/** What an alarm watches, for the plan report and the dashboard. */
export type AlarmComponent = "hosts" | "balancer" | "autoscaling" | "ingestion" | "service" | "dns" | "cdn" | "certificate" | "datastore";

/** How CloudWatch treats a period without data. */
export type TreatMissingData = "breaching" | "notBreaching" | "ignore" | "missing";

export interface MetricRef<V> {
  namespace: string;
  metricName: string;
  statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  dimensions: Record<string, V>;
}

export interface AlarmSpec<V> {
  /** Unique in its region and readable: `<subject>-<key>-<severity>`. */
  id: string;
  key: ThresholdKey;
  severity: Severity;
  component: AlarmComponent;
  /** Region the alarm (and its topic) lives in. */
  region: string;
  metric: MetricRef<V>;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold" | "LessThanLowerThreshold";
  /** The alarm threshold in the metric's unit; for an anomaly alarm, the band width in standard deviations. */
  threshold: number;
  /** The configured level the threshold comes from, in the threshold table's unit. */
  level: number;
  /** Compare the metric with `ANOMALY_DETECTION_BAND(m1, threshold)` instead of a fixed threshold. */
  anomalyBand: boolean;
  treatMissingData: TreatMissingData;
  description: string;
}

interface Template<V> {
  key: ThresholdKey;
  component: AlarmComponent;
  subject: string;
  region: string;
  metric: MetricRef<V>;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  /** Configured level (a percentage of something, or the metric's own unit) to alarm threshold. Defaults to identity. */
  scale?: (level: number) => number;
  anomalyBand?: boolean;
}

/** One warning and one critical alarm (critical only where the table has no warning level). */
function bothSeverities<V>(t: Template<V>, overrides: ThresholdOverrides): AlarmSpec<V>[] {
  const spec = thresholdTable[t.key];
  const levels = levelsFor(t.key, overrides);
  const out: AlarmSpec<V>[] = [];
  for (const severity of ["warning", "critical"] as const) {
    const level = levels[severity];
    if (level === undefined) continue;
    const threshold = t.scale ? t.scale(level) : level;
    const inclusive = "inclusive" in spec && spec.inclusive;
    const comparisonOperator = t.anomalyBand
      ? "LessThanLowerThreshold"
      : spec.direction === "above"
        ? inclusive
          ? "GreaterThanOrEqualToThreshold"
          : "GreaterThanThreshold"
        : inclusive
          ? "LessThanOrEqualToThreshold"
          : "LessThanThreshold";
    const word = spec.direction === "above" ? "above" : "below";
    out.push({
      id: `${t.subject}-${t.key}-${severity}`,
      key: t.key,
      severity,
      component: t.component,
      region: t.region,
      metric: t.metric,
      periodSeconds: t.periodSeconds,
      evaluationPeriods: t.evaluationPeriods,
      datapointsToAlarm: t.datapointsToAlarm,
      comparisonOperator,
      threshold,
      level,
      anomalyBand: t.anomalyBand ?? false,
      treatMissingData: t.treatMissingData,
      description: t.anomalyBand
        ? `${severity}: ${spec.title} in ${t.subject} (${t.region}) fell below its ${level}-standard-deviation band. ${spec.why}`
        : `${severity}: ${spec.title} in ${t.subject} (${t.region}) ${word} ${level} ${spec.unit}. ${spec.why}`,
    });
  }
  return out;
}

/** The alarms' name prefix of a stack: `edge-<stack>`. */
export function alarmNamePrefix(stack: string): string {
  return `edge-${stack}`;
}

/** An alarm's CloudWatch name: a plain string, so a resource can name an alarm declared after it. */
export function alarmName(namePrefix: string, spec: { region: string; id: string }): string {
  return `${namePrefix}-${spec.region}-${spec.id}`;
}

/**
 * Threshold keys whose critical alarm rolls an instance refresh back: what a bad image or host
 * bundle trips within the refresh's warmup: hosts failing their health check, fewer healthy than
 * the minimum, memory exhausted (incidents 000 and 003), and a release that is healthy yet cannot
 * ingest: the stored-events rate falls, or events are answered 4xx (refused) or 404/405/5xx (the
 * service's own error).
 */
export const refreshRollbackKeys: readonly ThresholdKey[] = ["unhealthyHosts", "healthyHostsOfMinimum", "memoryUsedPercent", "serviceAcceptedFloor", "serviceRejectedEvents", "serviceErrorAnswers"];

/**
 * An instance refresh's alarm specification takes at most 10 alarm names of 1–255 characters each
 * (EC2 Auto Scaling API reference, AlarmSpecification: "You can specify up to 10 alarms").
 */
export const refreshAlarmLimits = { maxAlarms: 10, maxNameLength: 255 } as const;

/** Why EC2 Auto Scaling would refuse these rollback alarm names, or undefined when it takes them. */
export function refreshAlarmNamesProblem(names: readonly string[]): string | undefined {
  const outOfRange = names.filter((n) => n.length < 1 || n.length > refreshAlarmLimits.maxNameLength);
  if (names.length <= refreshAlarmLimits.maxAlarms && outOfRange.length === 0) return undefined;
  return (
    `an instance refresh's alarm specification takes at most ${refreshAlarmLimits.maxAlarms} alarm names of 1-${refreshAlarmLimits.maxNameLength} characters, ` +
    `got ${names.length}${outOfRange.length ? ` (${outOfRange.map((n) => JSON.stringify(n.slice(0, 40))).join(", ")} out of range)` : ""}: roll back on fewer alarms or shorten the stack name`
  );
}

/** Names of the critical ingest alarms of `region` that roll an instance refresh back. */
export function refreshRollbackAlarmNames(namePrefix: string, region: string): string[] {
  const ids = { region, nlbArnSuffix: "", targetGroupArnSuffix: "", asgName: "", certificateArn: "", minHosts: 1, maxHosts: 1 };
  return ingestAlarms(ids)
    .filter((spec) => spec.severity === "critical" && refreshRollbackKeys.includes(spec.key))
    .map((spec) => alarmName(namePrefix, spec));
}

/** One region's ingestion endpoint, with its metric dimensions resolved to `V`. */
export interface IngestIds<V> {
  region: string;
  nlbArnSuffix: V;
  targetGroupArnSuffix: V;
  asgName: V;
  certificateArn: V;
  minHosts: number;
  maxHosts: number;
}

/** A metric of `namespace` with its statistic and dimensions. */
function metricOf<V>(namespace: string, metricName: string, statistic: MetricRef<V>["statistic"], dimensions: Record<string, V>): MetricRef<V> {
  return { namespace, metricName, statistic, dimensions };
}

/**
 * One alarm of a table, read left to right: threshold key, component, metric, its window
 * (`[period seconds, evaluation periods, datapoints to alarm]`), how missing data counts, and a
 * scale or anomaly band where the key needs one.
 */
type AlarmRow<V> = [
  key: ThresholdKey,
  component: AlarmComponent,
  metric: MetricRef<V>,
  window: [number, number, number],
  treatMissingData: TreatMissingData,
  extra?: Pick<Template<V>, "scale" | "anomalyBand">,
];

function templateOf<V>(subject: string, region: string, [key, component, metric, [periodSeconds, evaluationPeriods, datapointsToAlarm], treatMissingData, extra]: AlarmRow<V>): Template<V> {
  return { subject, region, key, component, metric, periodSeconds, evaluationPeriods, datapointsToAlarm, treatMissingData, ...extra };
}

/** Hosts, balancer, autoscaling, ingestion volume and the listener certificate of one region. */
export function ingestAlarms<V>(ids: IngestIds<V>, overrides: ThresholdOverrides = {}): AlarmSpec<V>[] {
  const { region } = ids;
  const asg = { [hostMetricsDimension]: ids.asgName };
  const balancer = { LoadBalancer: ids.nlbArnSuffix };
  const target = { TargetGroup: ids.targetGroupArnSuffix, LoadBalancer: ids.nlbArnSuffix };
  const host = (metricName: string) => metricOf(hostMetricsNamespace, metricName, "Maximum", asg);
  const nlb = (metricName: string, statistic: MetricRef<V>["statistic"], dimensions: Record<string, V>) => metricOf("AWS/NetworkELB", metricName, statistic, dimensions);
  const rows: AlarmRow<V>[] = [
    // Agent metrics aggregated per ASG: silence means every agent of the group stopped reporting,
    // the blindness of incident 000, so missing data breaches.
    ["memoryUsedPercent", "hosts", host(hostMetrics.memoryUsedPercent), [60, 5, 3], "breaching"],
    ["swapUsedPercent", "hosts", host(hostMetrics.swapUsedPercent), [60, 2, 2], "breaching"],
    ["diskUsedPercent", "hosts", host(hostMetrics.diskUsedPercent), [300, 3, 2], "breaching"],
    // EC2 basic monitoring reports every 5 minutes and can skip one; the agent alarms above
    // already catch silent hosts, so a gap here is not a failure of its own.
    ["cpuUtilization", "hosts", metricOf("AWS/EC2", "CPUUtilization", "Average", asg), [300, 3, 2], "missing"],
    // The balancer publishes host counts every minute while it exists; no unhealthy count is no news.
    ["unhealthyHosts", "balancer", nlb("UnHealthyHostCount", "Maximum", target), [60, 3, 3], "notBreaching"],
    // No healthy-host count means no targets registered at all: breaching.
    ["healthyHostsOfMinimum", "balancer", nlb("HealthyHostCount", "Minimum", target), [60, 3, 3], "breaching", { scale: (pct) => (ids.minHosts * pct) / 100 }],
    // Reset counts are published only when there are resets: missing is zero.
    ["targetResets", "balancer", nlb("TCP_Target_Reset_Count", "Sum", balancer), [60, 5, 3], "notBreaching"],
    ["balancerResets", "balancer", nlb("TCP_ELB_Reset_Count", "Sum", balancer), [60, 5, 3], "notBreaching"],
    // Group metrics need metrics collection on the ASG; a gap keeps the last state rather than
    // paging about a ceiling nobody measured.
    ["inServiceOfMaximum", "autoscaling", metricOf("AWS/AutoScaling", "GroupInServiceInstances", "Maximum", asg), [60, 10, 10], "missing", { scale: (pct) => (ids.maxHosts * pct) / 100 }],
    // Missing request metrics on an ingestion edge are a failure, not "ok" (incident 001).
    ["ingestAnomalyBand", "ingestion", nlb("NewFlowCount", "Sum", balancer), [300, 3, 2], "breaching", { anomalyBand: true }],
    ["ingestFloor", "ingestion", nlb("NewFlowCount", "Sum", balancer), [60, 5, 5], "breaching"],
    // DaysToExpiry is published once a day: a day without a point keeps the last state.
    ["certificateDaysToExpiry", "certificate", metricOf("AWS/CertificateManager", "DaysToExpiry", "Minimum", { CertificateArn: ids.certificateArn }), [86400, 1, 1], "ignore"],
  ];
  const templates = [...rows.map((row) => templateOf("ingest", region, row)), ...serviceTemplates<V>(region)];
  return templates.flatMap((t) => bothSeverities(t, overrides));
}

/** The threshold of each ingestion-service metric the region's alarms watch. */
export const serviceAlarmKeys = {
  accepted: "serviceAcceptedFloor",
  rejected: "serviceRejectedEvents",
  errorAnswers: "serviceErrorAnswers",
  spooled: "serviceSpooledEvents",
  spoolDepth: "serviceSpoolDepth",
  replayLag: "serviceReplayLagSeconds",
  datastoreErrors: "serviceDatastoreErrors",
} as const satisfies Partial<Record<keyof typeof ingestMetrics, ThresholdKey>>;

/**
 * The ingestion service's own metrics in one region (every host's EMF records carry the region),
 * so a failure the load balancer cannot see (events refused, spooled or not stored) still pages.
 */
function serviceTemplates<V>(region: string): Template<V>[] {
  const metric = (m: IngestMetric): MetricRef<V> => ({
    namespace: ingestMetricsNamespace,
    metricName: m.name,
    statistic: m.statistic,
    dimensions: { [ingestMetricsDimension]: region as V },
  });
  return Object.entries(serviceAlarmKeys).map(([metricKey, key]) => ({
    key,
    component: "service" as const,
    subject: "ingest",
    region,
    metric: metric(ingestMetrics[metricKey as keyof typeof serviceAlarmKeys]),
    periodSeconds: 60,
    evaluationPeriods: key === "serviceAcceptedFloor" ? 5 : 3,
    datapointsToAlarm: key === "serviceAcceptedFloor" ? 5 : 2,
    // The service sends every metric each interval while it runs: silence means no host of the
    // region is storing anything, which the floor must call out; for the others it is no news.
    treatMissingData: key === "serviceAcceptedFloor" ? "breaching" : "notBreaching",
  }));
}

/** The health check guarding one region's DNS answer; its metrics live in us-east-1. */
export function healthCheckAlarms<V>(check: { region: string; healthCheckId: V }, overrides: ThresholdOverrides = {}): AlarmSpec<V>[] {
  return bothSeverities(
    {
      key: "healthCheckHealthy",
      component: "dns",
      subject: `healthcheck-${check.region}`,
      region: globalMetricsRegion,
      metric: { namespace: "AWS/Route53", metricName: "HealthCheckPercentageHealthy", statistic: "Minimum", dimensions: { HealthCheckId: check.healthCheckId } },
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      // Checkers report every 30 s; silence means the check no longer exists.
      treatMissingData: "breaching",
    },
    overrides,
  );
}

/** The snippet CDN's error rates and certificate, in us-east-1 (Region=Global). */
export function cdnAlarms<V>(cdn: { distributionId: V; certificateArn: V }, overrides: ThresholdOverrides = {}): AlarmSpec<V>[] {
  const base = { component: "cdn" as const, subject: "cdn", region: globalMetricsRegion, periodSeconds: 300, evaluationPeriods: 2, datapointsToAlarm: 2 };
  const dimensions = { DistributionId: cdn.distributionId, Region: "Global" as V };
  return [
    // CloudFront publishes error rates only for periods with requests: no requests, no errors.
    ...bothSeverities(
      { ...base, key: "cdn5xxErrorRate", metric: { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", statistic: "Average", dimensions }, treatMissingData: "notBreaching" },
      overrides,
    ),
    ...bothSeverities(
      { ...base, key: "cdnTotalErrorRate", metric: { namespace: "AWS/CloudFront", metricName: "TotalErrorRate", statistic: "Average", dimensions }, treatMissingData: "notBreaching" },
      overrides,
    ),
    ...bothSeverities(
      {
        ...base,
        component: "certificate",
        key: "certificateDaysToExpiry",
        metric: { namespace: "AWS/CertificateManager", metricName: "DaysToExpiry", statistic: "Minimum", dimensions: { CertificateArn: cdn.certificateArn } },
        periodSeconds: 86400,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "ignore",
      },
      overrides,
    ),
  ];
}

export interface DatastoreMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

/** The datastore's connection count against its limit (incident 002), in the primary region. */
export function datastoreAlarms<V>(metric: DatastoreMetric, maxConnections: number, region: string, overrides: ThresholdOverrides = {}): AlarmSpec<V>[] {
  return bothSeverities(
    {
      key: "datastoreConnectionsOfMaximum",
      component: "datastore",
      subject: "datastore",
      region,
      metric: { namespace: metric.namespace, metricName: metric.name, statistic: "Maximum", dimensions: metric.dimensions as Record<string, V> },
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      // Incident 002: the count grew unseen for a day; a metric that stops is the same blindness.
      treatMissingData: "breaching",
      scale: (pct) => (maxConnections * pct) / 100,
    },
    overrides,
  );
}
