/**
 * A monthly cost estimate of the resources a plan declares, from the dated price table and
 * stated usage assumptions: what a pull request adds to the bill, before it is merged.
 *
 * Pure module: no Pulumi imports.
 */
import { instanceTypeSpec, readDeclaredFleet } from "../capacity";
import { resourceTypes as t } from "../resourceTypes";
import { CostAssumptions, defaultCostAssumptions, freeTypes, priceTable as p } from "./prices";
import { launchTemplateAssignsPublicIpv4 } from "../aws/flags";

export interface DeclaredResource {
  type: string;
  region: string | null;
  inputs: Record<string, unknown>;
}

export interface CostItem {
  /** `3 × c6i.xlarge hosts (minimum)`, `NLB hours + 1 LCU`, … */
  item: string;
  /** How many resources the item sums. */
  count: number;
  region: string;
  monthlyUsd: number;
}

export interface CostEstimate {
  monthlyUsd: number;
  /** Priced items, largest first. */
  items: CostItem[];
  /** Hosts the autoscaling groups keep running at their minimum, per region. */
  hosts: { region: string; count: number; instanceType: string }[];
  /** Declared types the table has no entry for (or resources that do not say enough, an autoscaling group without the edge's capacity tags): the estimate is low by their cost. */
  unpriced: string[];
  /** The price table's date. */
  date: string;
  assumptions: CostAssumptions;
}

/** A resource's monthly cost; undefined when the resource does not say enough to price it (it is listed as not priced). */
type Pricer = (r: DeclaredResource, a: CostAssumptions, region: string) => { item: string; monthlyUsd: number } | undefined;

const month = p.hoursPerMonth;
const factor = (region: string) => p.regionFactor[region] ?? 1;

/** On-demand price per hour of an instance type in us-east-1, or undefined when the table lacks it. */
export function ec2HourlyUsd(instanceType: string): number | undefined {
  if (p.ec2PerHour[instanceType] !== undefined) return p.ec2PerHour[instanceType];
  const perVcpu = p.ec2PerVcpuHour[instanceType.split(".")[0] ?? ""];
  const spec = instanceTypeSpec(instanceType);
  return perVcpu !== undefined && spec ? perVcpu * spec.vcpus : undefined;
}

function alarmMetrics(inputs: Record<string, unknown>): number {
  const queries = Array.isArray(inputs.metricQueries) ? (inputs.metricQueries as { metric?: unknown; expression?: string }[]) : [];
  if (queries.length === 0) return 1;
  const metrics = queries.filter((q) => q.metric).length;
  const bands = queries.filter((q) => /ANOMALY_DETECTION_BAND/.test(q.expression ?? "")).length;
  return metrics + 2 * bands;
}

/** Whether a launch template gives its instances a public IPv4 address, billed by the hour like an Elastic IP. */

/** Whether a Route 53 record set answers by latency, which Route 53 bills at its latency-query rate. */
const latencyRouted = (r: DeclaredResource) => r.type === t.route53Record && Array.isArray(r.inputs.latencyRoutingPolicies) && r.inputs.latencyRoutingPolicies.length > 0;

function healthCheckMonthly(inputs: Record<string, unknown>): number {
  const c = p.route53HealthCheckPerMonth;
  return c.base + (/HTTPS/.test(String(inputs.type ?? "")) ? c.https : 0) + (Number(inputs.requestInterval ?? 30) <= 10 ? c.fastInterval : 0) + (inputs.measureLatency ? c.latency : 0);
}

const loadBalancer: Pricer = (_r, a, region) => ({
  item: `NLB hours + ${a.lcuPerLoadBalancer} LCU`,
  monthlyUsd: (p.nlbPerHour + a.lcuPerLoadBalancer * p.nlbPerLcuHour) * month * factor(region),
});
const bucket: Pricer = (_r, a) => ({ item: `S3 bucket, ${a.s3GbPerBucket} GB`, monthlyUsd: a.s3GbPerBucket * p.s3PerGbMonth });

/** How each priced type costs. */
export const pricers: Record<string, Pricer> = {
  [t.autoscalingGroup]: (r, _a, region) => {
    const fleet = readDeclaredFleet(r.inputs);
    if (!fleet?.instanceType) return undefined;
    const instanceType = fleet.instanceType;
    const hourly = ec2HourlyUsd(instanceType);
    const count = fleet.minHosts;
    if (hourly === undefined) throw new Error(`models/cost: no EC2 price for ${instanceType}; add it to priceTable in models/cost/prices.ts`);
    return { item: `${count} × ${instanceType} hosts (minimum)`, monthlyUsd: count * hourly * month * factor(region) };
  },
  [t.lbLoadBalancer]: loadBalancer,
  [t.albLoadBalancer]: loadBalancer,
  [t.ec2Eip]: () => ({ item: "public IPv4 address", monthlyUsd: p.publicIpv4PerHour * month }),
  [t.route53Zone]: () => ({ item: "Route 53 hosted zone", monthlyUsd: p.route53ZonePerMonth }),
  [t.route53HealthCheck]: (r) => ({ item: "Route 53 health check", monthlyUsd: healthCheckMonthly(r.inputs) }),
  [t.cloudwatchMetricAlarm]: (r) => {
    const metrics = alarmMetrics(r.inputs);
    return { item: metrics === 3 ? "CloudWatch anomaly alarm (3 metrics)" : `CloudWatch alarm (${metrics} metric${metrics === 1 ? "" : "s"})`, monthlyUsd: metrics * p.cloudwatchAlarmPerMetricMonth };
  },
  [t.cloudwatchCompositeAlarm]: () => ({ item: "CloudWatch composite alarm", monthlyUsd: p.cloudwatchCompositeAlarmPerMonth }),
  [t.cloudwatchDashboard]: (_r, a) => ({ item: "CloudWatch dashboard", monthlyUsd: a.dashboardsBeyondFreeTier ? p.cloudwatchDashboardPerMonth : 0 }),
  [t.kmsKey]: (_r, a) => ({ item: "KMS key + requests", monthlyUsd: p.kmsKeyPerMonth + (a.kmsRequestsPerKey / 10_000) * p.kmsPer10kRequests }),
  [t.snsTopic]: () => ({ item: "SNS topic (alarm deliveries within the free tier)", monthlyUsd: 0 }),
  [t.cloudfrontDistribution]: (_r, a) => {
    const gb = (a.cdnMillionRequests * 1e6 * a.cdnKibPerRequest) / (1024 * 1024);
    return { item: `CloudFront, ${a.cdnMillionRequests} M requests × ${a.cdnKibPerRequest} KiB`, monthlyUsd: gb * p.cloudfrontPerGbOut + a.cdnMillionRequests * 100 * p.cloudfrontPer10kHttpsRequests };
  },
  [t.ec2Instance]: (r, _a, region) => {
    const hourly = ec2HourlyUsd(String(r.inputs.instanceType ?? ""));
    return hourly === undefined ? undefined : { item: `${r.inputs.instanceType} instance`, monthlyUsd: hourly * month * factor(region) };
  },
  // Vended-log delivery is billed per GB delivered; the estimate does not model log volume and says so.
  [t.ec2FlowLog]: () => ({ item: "VPC flow logs (per GB delivered: volume not estimated)", monthlyUsd: 0 }),
  "aws:cloudwatch/logDelivery:LogDelivery": () => ({ item: "log delivery (per GB delivered: volume not estimated)", monthlyUsd: 0 }),
  // Gateway endpoints (S3, DynamoDB) cost nothing; an interface endpoint is billed per zone-hour and
  // per GB, at us-east-1's rate here in every region (the table has no endpoint region factor; others are dearer).
  [t.ec2VpcEndpoint]: (r, a) => {
    if (r.inputs.vpcEndpointType !== "Interface") return { item: "VPC gateway endpoint (free)", monthlyUsd: 0 };
    const zones = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : undefined;
    if (!zones) return undefined;
    return {
      item: `VPC interface endpoint, ${zones} AZ + ${a.interfaceEndpointGb} GB`,
      monthlyUsd: zones * p.vpcInterfaceEndpointPerAzHour * month + a.interfaceEndpointGb * p.vpcInterfaceEndpointPerGb,
    };
  },
  [t.s3Bucket]: bucket,
  [t.s3BucketV2]: bucket,
  [t.cloudflareZone]: (r) => {
    const plan = typeof r.inputs.plan === "string" ? r.inputs.plan : "free";
    return { item: `Cloudflare ${plan} plan`, monthlyUsd: p.cloudflarePlanPerMonth[plan] ?? 0 };
  },
};

/** The estimate of `resources` (custom resources of one plan). */
export function estimateCost(resources: DeclaredResource[], assumptions: CostAssumptions = defaultCostAssumptions): CostEstimate {
  const byItem = new Map<string, CostItem>();
  const unpriced = new Set<string>();
  const hosts: CostEstimate["hosts"] = [];
  let zones = 0;
  const publicHostRegions = new Set(resources.filter((r) => r.type === t.ec2LaunchTemplate && launchTemplateAssignsPublicIpv4(r.inputs)).map((r) => r.region ?? "global"));
  for (const r of resources) {
    const region = r.region ?? "global";
    const pricer = pricers[r.type];
    if (!pricer) {
      if (!(r.type in freeTypes)) unpriced.add(r.type);
      continue;
    }
    const priced = pricer(r, assumptions, region);
    if (!priced) {
      unpriced.add(r.type);
      continue;
    }
    const { item, monthlyUsd } = priced;
    if (r.type === t.route53Zone) zones++;
    if (r.type === t.autoscalingGroup) {
      const fleet = readDeclaredFleet(r.inputs);
      hosts.push({ region, count: fleet!.minHosts, instanceType: fleet!.instanceType! });
    }
    const key = `${region}\u0000${item}`;
    const known = byItem.get(key);
    if (known) {
      known.monthlyUsd += monthlyUsd;
      known.count++;
    } else byItem.set(key, { item, count: 1, region, monthlyUsd });
  }
  for (const h of hosts.filter((h) => publicHostRegions.has(h.region))) {
    byItem.set(`${h.region}\u0000host addresses`, { item: `${h.count} host public IPv4 addresses (minimum)`, count: h.count, region: h.region, monthlyUsd: h.count * p.publicIpv4PerHour * month });
  }
  if (zones > 0) {
    // The assumed queries are the ingest name's: latency-routed where the stack routes it by latency.
    const latency = resources.some(latencyRouted);
    byItem.set("queries", {
      item: `Route 53 ${latency ? "latency-routed " : ""}queries, ${assumptions.route53MillionQueries} M`,
      count: 1,
      region: "global",
      monthlyUsd: assumptions.route53MillionQueries * (latency ? p.route53LatencyPerMillionQueries : p.route53PerMillionQueries),
    });
  }
  const items = [...byItem.values()].sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.item.localeCompare(b.item));
  return {
    monthlyUsd: items.reduce((sum, i) => sum + i.monthlyUsd, 0),
    items,
    hosts: hosts.sort((a, b) => a.region.localeCompare(b.region)),
    unpriced: [...unpriced].sort(),
    date: p.date,
    assumptions,
  };
}

const dollars = (usd: number) => `$${Math.round(Math.abs(usd)).toLocaleString("en-US")}`;

/** `+$412/month (+18%)`; `±$0/month` when nothing moved. */
export function formatCostDelta(base: CostEstimate, head: CostEstimate): string {
  const delta = head.monthlyUsd - base.monthlyUsd;
  if (Math.round(delta) === 0) return "±$0/month";
  const sign = delta > 0 ? "+" : "-";
  const percent = base.monthlyUsd > 0 ? ` (${sign}${Math.round((Math.abs(delta) / base.monthlyUsd) * 100)}%)` : "";
  return `${sign}${dollars(delta)}/month${percent}`;
}

/** The assumptions as one line a reviewer reads next to the estimate. */
export function describeAssumptions(estimate: CostEstimate): string {
  const a = estimate.assumptions;
  return (
    `list prices of ${estimate.date}, on-demand, 730 h/month; hosts at the groups' minimum; ${a.lcuPerLoadBalancer} LCU per NLB; ` +
    `${a.route53MillionQueries} M Route 53 queries; ${a.cdnMillionRequests} M snippet loads × ${a.cdnKibPerRequest} KiB; ${a.kmsRequestsPerKey.toLocaleString("en-US")} KMS requests per key; ` +
    `${a.s3GbPerBucket} GB per bucket; ${a.interfaceEndpointGb} GB per interface endpoint; dashboards ${a.dashboardsBeyondFreeTier ? "priced" : "within the free three"}`
  );
}

export { dollars as formatDollars };
