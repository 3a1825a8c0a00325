/**
 * enforce-alarm-coverage — mandatory, stack policy.
 *
 * Every network load balancer, autoscaling group, Route 53 health check and CloudFront
 * distribution in the stack is watched by at least one warning and one critical alarm. An alarm
 * watches a resource when one of the metrics it reads carries the resource's dimension value
 * (`LoadBalancer` = the balancer's ARN suffix, `AutoScalingGroupName`, `HealthCheckId`,
 * `DistributionId`); its severity is its `edge:severity` tag. Lesson `alarmsUncovered` of incident
 * 000 (models/incidents.ts): a region added without alarms is that failure again.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { serviceAlarmKeys } from "../../models/alarms/alarmSet";
import { severities, Severity } from "../../models/alarms/thresholds";
import { ingestMetrics, ingestMetricsDimension, ingestMetricsNamespace } from "../../models/ingestMetrics";
import { alarmSubject, AlarmSubject, metricAlarmType } from "./alarmSubject";
import { incidentNote } from "../../models/incidents";
import { resourceTypes } from "../../models/resourceTypes";

type Props = Record<string, any>;

/** The last path segment of an ARN: the id of a health check or distribution. */
function arnId(arn: unknown): string | undefined {
  return typeof arn === "string" && arn.includes("/") ? arn.slice(arn.lastIndexOf("/") + 1) : undefined;
}

/** Resource types that must be watched, and the dimension that names them in their metrics. */
export const watchedTypes: Record<string, { what: string; dimension: string; value: (props: Props) => string | undefined }> = {
  [resourceTypes.lbLoadBalancer]: { what: "load balancer", dimension: "LoadBalancer", value: (p) => p.arnSuffix },
  [resourceTypes.autoscalingGroup]: { what: "autoscaling group", dimension: "AutoScalingGroupName", value: (p) => p.name },
  [resourceTypes.route53HealthCheck]: { what: "health check", dimension: "HealthCheckId", value: (p) => p.id ?? arnId(p.arn) },
  [resourceTypes.cloudfrontDistribution]: { what: "distribution", dimension: "DistributionId", value: (p) => p.id ?? arnId(p.arn) },
};

export interface WatchedResource {
  urn: string;
  type: string;
  name: string;
  dimension: string;
  value: string;
}

/** One finding per resource missing a severity: `{ urn, message }`. */
export function judgeCoverage(watched: WatchedResource[], alarms: AlarmSubject[]): { urn: string; message: string }[] {
  const findings: { urn: string; message: string }[] = [];
  for (const r of watched) {
    const watching = alarms.filter((a) => a.dimensions.some((d) => d[r.dimension] === r.value));
    const count = (s: Severity) => watching.filter((a) => a.severity === s).length;
    const missing = severities.filter((s) => count(s) === 0);
    if (missing.length === 0) continue;
    const what = watchedTypes[r.type]?.what ?? r.type;
    findings.push({
      urn: r.urn,
      message:
        `${what} ${r.name} (${r.dimension}=${r.value}) is not watched by a ${missing.join(" or a ")} alarm: ` +
        `${count("warning")} warning and ${count("critical")} critical alarms read its metrics; at least 1 of each. ` +
        `Pass it to the Alarms component (components/alarms.ts), which gives it both severities with actions. ` +
        incidentNote("alarmsUncovered"),
    });
  }
  return findings;
}

/**
 * One finding per autoscaling group whose region lacks a warning or a critical alarm on one of the
 * ingestion service's metrics (`models/ingestMetrics.ts`, the `serviceAlarmKeys` of the alarm
 * set): the load balancer sees connections, only the service sees events refused, spooled or
 * never stored.
 */
export function judgeServiceCoverage(groups: { urn: string; name: string; region: string }[], alarms: AlarmSubject[]): { urn: string; message: string }[] {
  const findings: { urn: string; message: string }[] = [];
  for (const group of groups) {
    const missing: string[] = [];
    for (const metricKey of Object.keys(serviceAlarmKeys) as (keyof typeof serviceAlarmKeys)[]) {
      const metric = ingestMetrics[metricKey].name;
      const watching = alarms.filter((a) => a.metricNames.includes(metric) && a.dimensions.some((d) => d[ingestMetricsDimension] === group.region));
      for (const s of severities) if (!watching.some((a) => a.severity === s)) missing.push(`${s} ${ingestMetricsNamespace} ${metric}`);
    }
    if (missing.length === 0) continue;
    findings.push({
      urn: group.urn,
      message:
        `the ingestion service of autoscaling group ${group.name} (${ingestMetricsDimension}=${group.region}) has no ${missing.join(", no ")} alarm: ` +
        `${missing.length} of ${Object.keys(serviceAlarmKeys).length * severities.length} service alarms missing; at least a warning and a critical alarm per metric. ` +
        `Pass the region to the Alarms component (components/alarms.ts), which declares them. ` +
        incidentNote("alarmsUncovered"),
    });
  }
  return findings;
}

export const enforceAlarmCoverage: StackValidationPolicy = {
  name: "enforce-alarm-coverage",
  description: "Every load balancer, autoscaling group, health check and distribution, and the ingestion service's metrics in every region, have a warning and a critical alarm (incident 000).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const alarms = args.resources.filter((r) => r.type === metricAlarmType).map((r) => alarmSubject(r.props, r.name));
    const watched: WatchedResource[] = [];
    for (const r of args.resources) {
      const kind = watchedTypes[r.type];
      if (!kind) continue;
      const value = kind.value(r.props);
      // Unknown until created (a preview): nothing to match yet, judged again on update.
      if (typeof value !== "string") continue;
      watched.push({ urn: r.urn, type: r.type, name: r.name, dimension: kind.dimension, value });
    }
    for (const f of judgeCoverage(watched, alarms)) reportViolation(f.message, f.urn);
    const groups = args.resources
      .filter((r) => r.type === resourceTypes.autoscalingGroup && typeof r.props.region === "string")
      .map((r) => ({ urn: r.urn, name: String(r.props.name ?? r.name), region: r.props.region as string }));
    for (const f of judgeServiceCoverage(groups, alarms)) reportViolation(f.message, f.urn);
  },
};
