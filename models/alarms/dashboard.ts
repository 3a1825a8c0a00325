/**
 * The stack's CloudWatch dashboard: one row per ingestion region (hosts, balancer, volume against
 * its anomaly band, autoscaling), then a global row (health checks, CDN error rates). The same
 * metrics the alarms watch, so the person paged sees what fired.
 *
 * Pure module: no Pulumi imports.
 */
import { hostMetrics, hostMetricsDimension, hostMetricsNamespace } from "../hostMetrics";
import { globalMetricsRegion } from "./alarmSet";

export interface DashboardRegion {
  region: string;
  nlbArnSuffix: string;
  targetGroupArnSuffix: string;
  asgName: string;
  maxHosts: number;
}

export interface DashboardInput {
  regions: DashboardRegion[];
  healthChecks: { region: string; healthCheckId: string }[];
  distributionId?: string;
}

/** Widgets are 24 units wide; four per row. */
const width = 6;
const height = 6;

type Metric = (string | number | Record<string, unknown>)[];

interface Widget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

function metricWidget(x: number, y: number, region: string, title: string, metrics: Metric[], extra: Record<string, unknown> = {}): Widget {
  return { type: "metric", x, y, width, height, properties: { title, region, view: "timeSeries", stat: "Average", period: 60, metrics, ...extra } };
}

/** The dashboard body (CloudWatch's JSON), rows top to bottom. */
export function dashboardBody(input: DashboardInput): string {
  const widgets: Widget[] = [];
  let y = 0;
  for (const r of input.regions) {
    widgets.push({ type: "text", x: 0, y, width: 24, height: 1, properties: { markdown: `## Ingestion ${r.region}` } });
    y += 1;
    const asg = [hostMetricsDimension, r.asgName];
    const lb = ["LoadBalancer", r.nlbArnSuffix];
    widgets.push(
      metricWidget(
        0,
        y,
        r.region,
        "Hosts: memory, swap, disk, CPU (%)",
        [
          [hostMetricsNamespace, hostMetrics.memoryUsedPercent, ...asg, { stat: "Maximum" }],
          [hostMetricsNamespace, hostMetrics.swapUsedPercent, ...asg, { stat: "Maximum" }],
          [hostMetricsNamespace, hostMetrics.diskUsedPercent, ...asg, { stat: "Maximum" }],
          ["AWS/EC2", "CPUUtilization", ...asg],
        ],
        { yAxis: { left: { min: 0, max: 100 } } },
      ),
      metricWidget(6, y, r.region, "Ingestion: new flows and expected band", [
        ["AWS/NetworkELB", "NewFlowCount", ...lb, { id: "m1", stat: "Sum", period: 300 }],
        [{ expression: "ANOMALY_DETECTION_BAND(m1, 2)", id: "band", label: "expected" }],
      ]),
      metricWidget(12, y, r.region, "Targets: healthy, unhealthy, resets", [
        ["AWS/NetworkELB", "HealthyHostCount", "TargetGroup", r.targetGroupArnSuffix, ...lb, { stat: "Minimum" }],
        ["AWS/NetworkELB", "UnHealthyHostCount", "TargetGroup", r.targetGroupArnSuffix, ...lb, { stat: "Maximum" }],
        ["AWS/NetworkELB", "TCP_Target_Reset_Count", ...lb, { stat: "Sum", yAxis: "right" }],
        ["AWS/NetworkELB", "TCP_ELB_Reset_Count", ...lb, { stat: "Sum", yAxis: "right" }],
      ]),
      metricWidget(18, y, r.region, `Autoscaling: in service (max ${r.maxHosts})`, [["AWS/AutoScaling", "GroupInServiceInstances", ...asg, { stat: "Maximum" }]], {
        annotations: { horizontal: [{ label: "ASG max", value: r.maxHosts }] },
      }),
    );
    y += height;
  }
  const global: Widget[] = [];
  if (input.healthChecks.length > 0) {
    global.push(
      metricWidget(
        0,
        y + 1,
        globalMetricsRegion,
        "DNS: health checkers reporting healthy (%)",
        input.healthChecks.map((c) => ["AWS/Route53", "HealthCheckPercentageHealthy", "HealthCheckId", c.healthCheckId, { label: c.region, stat: "Minimum" }]),
      ),
    );
  }
  if (input.distributionId) {
    global.push(
      metricWidget(6, y + 1, globalMetricsRegion, "CDN: error rates (%)", [
        ["AWS/CloudFront", "5xxErrorRate", "DistributionId", input.distributionId, "Region", "Global"],
        ["AWS/CloudFront", "TotalErrorRate", "DistributionId", input.distributionId, "Region", "Global"],
      ]),
    );
  }
  if (global.length > 0) widgets.push({ type: "text", x: 0, y, width: 24, height: 1, properties: { markdown: "## Global (us-east-1)" } }, ...global);
  if (widgets.length === 0) {
    widgets.push({ type: "text", x: 0, y: 0, width: 24, height: 2, properties: { markdown: "Nothing is watched yet: no ingestion region, health check or CDN was given." } });
  }
  return JSON.stringify({ widgets });
}
