/**
 * A monthly cost estimate of the resources a plan declares, from the dated price table and
 * stated usage assumptions: what a pull request adds to the bill, before it is merged.
 *
 * Pure module: no Pulumi imports.
 */
import { instanceTypeSpec, readDeclaredFleet } from "../capacity";
import { resourceTypes as t } from "../resourceTypes";
import { CostAssumptions, defaultCostAssumptions, freeTypes, priceTable as p, RegionalPrice } from "./prices";
import { launchTemplateAssignsPublicIpv4 } from "../aws/flags";
import type { DeclaredResource } from "../declaredResource";

/** What the estimate reads of a declared resource. */
export type PricedResource = Pick<DeclaredResource, "type" | "region" | "inputs">;

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
  /** Rates no source confirms in the region they are billed in (`c6i.xlarge hours in eu-west-1`), priced at us-east-1's times a guessed factor: the estimate is uncertain by their share. */
  unconfirmed: string[];
  /** The part of `monthlyUsd` priced at those rates. */
  unconfirmedUsd: number;
  /** The price table's date. */
  date: string;
  assumptions: CostAssumptions;
}

/**
 * A resource's monthly cost, with the rate it guessed when the table has none for its region
 * (`unconfirmed`, e.g. `c6i.xlarge hours`); undefined when the resource does not say enough to
 * price it (it is listed as not priced).
 */
type Pricer = (r: PricedResource, a: CostAssumptions, region: string) => { item: string; monthlyUsd: number; unconfirmed?: string } | undefined;

const month = p.hoursPerMonth;

/** A rate in a region: its own, else us-east-1's times the region's unconfirmed factor (`guessed`); undefined when us-east-1 has none either. */
function regional(rateIn: (region: string) => number | undefined, region: string): { rate: number; guessed: boolean } | undefined {
  const own = rateIn(region);
  if (own !== undefined) return { rate: own, guessed: false };
  const base = rateIn("us-east-1");
  return base === undefined ? undefined : { rate: base * (p.unconfirmedRegionFactor[region] ?? 1), guessed: true };
}
const regionalPrice = (price: RegionalPrice, region: string) => regional((r) => price[r], region)!;

/** On-demand price per hour of an instance type in a region (`guessed` from us-east-1's where the table lacks the region's), or undefined when the table lacks the type. */
export function ec2HourlyUsd(instanceType: string, region: string): { rate: number; guessed: boolean } | undefined {
  const spec = instanceTypeSpec(instanceType);
  return regional((r) => {
    const perHour = p.ec2PerHour[r]?.[instanceType];
    if (perHour !== undefined) return perHour;
    const perVcpu = p.ec2PerVcpuHour[r]?.[instanceType.split(".")[0] ?? ""];
    return perVcpu !== undefined && spec ? perVcpu * spec.vcpus : undefined;
  }, region);
}

function alarmMetrics(inputs: Record<string, unknown>): number {
  const queries = Array.isArray(inputs.metricQueries) ? (inputs.metricQueries as { metric?: unknown; expression?: string }[]) : [];
  if (queries.length === 0) return 1;
  const metrics = queries.filter((q) => q.metric).length;
  const bands = queries.filter((q) => /ANOMALY_DETECTION_BAND/.test(q.expression ?? "")).length;
  return metrics + 2 * bands;
}

/** An alarm evaluating any metric over less than 60 s is a high-resolution alarm, billed at the higher rate per metric. */
function alarmRatePerMetric(inputs: Record<string, unknown>): { rate: number; highResolution: boolean } {
  const queries = Array.isArray(inputs.metricQueries) ? (inputs.metricQueries as { metric?: { period?: unknown } }[]) : [];
  const periods = [inputs.period, ...queries.map((q) => q.metric?.period)].map(Number).filter((s) => Number.isFinite(s) && s > 0);
  return periods.some((s) => s < 60) ? { rate: p.cloudwatchHighResolutionAlarmPerMetricMonth, highResolution: true } : { rate: p.cloudwatchAlarmPerMetricMonth, highResolution: false };
}

/** Whether a launch template gives its instances a public IPv4 address, billed by the hour like an Elastic IP. */

/** Whether a Route 53 record set answers by latency, which Route 53 bills at its latency-query rate. */
const latencyRouted = (r: PricedResource) => r.type === t.route53Record && Array.isArray(r.inputs.latencyRoutingPolicies) && r.inputs.latencyRoutingPolicies.length > 0;

function healthCheckMonthly(inputs: Record<string, unknown>): number {
  const c = p.route53HealthCheckPerMonth;
  return c.base + (/HTTPS/.test(String(inputs.type ?? "")) ? c.https : 0) + (Number(inputs.requestInterval ?? 30) <= 10 ? c.fastInterval : 0) + (inputs.measureLatency ? c.latency : 0);
}

const loadBalancer: Pricer = (_r, a, region) => {
  const hour = regionalPrice(p.nlbPerHour, region);
  const lcu = regionalPrice(p.nlbPerLcuHour, region);
  return {
    item: `NLB hours + ${a.lcuPerLoadBalancer} LCU`,
    monthlyUsd: (hour.rate + a.lcuPerLoadBalancer * lcu.rate) * month,
    unconfirmed: hour.guessed || lcu.guessed ? "NLB hours and LCU" : undefined,
  };
};
const bucket: Pricer = (_r, a, region) => {
  const storage = regionalPrice(p.s3PerGbMonth, region);
  return { item: `S3 bucket, ${a.s3GbPerBucket} GB`, monthlyUsd: a.s3GbPerBucket * storage.rate, unconfirmed: storage.guessed ? "S3 storage" : undefined };
};
/** An instance type's hours in a region; throws when the table has no price for the type at all. */
function hostHours(instanceType: string, region: string, count: number, item: string): ReturnType<Pricer> {
  const hourly = ec2HourlyUsd(instanceType, region);
  if (hourly === undefined) throw new Error(`models/cost: no EC2 price for ${instanceType}; add it to priceTable in models/cost/prices.ts`);
  return { item, monthlyUsd: count * hourly.rate * month, unconfirmed: hourly.guessed ? `${instanceType} hours` : undefined };
}

/** How each priced type costs. */
export const pricers: Record<string, Pricer> = {
  [t.autoscalingGroup]: (r, _a, region) => {
    const fleet = readDeclaredFleet(r.inputs);
    if (!fleet?.instanceType) return undefined;
    return hostHours(fleet.instanceType, region, fleet.minHosts, `${fleet.minHosts} × ${fleet.instanceType} hosts (minimum)`);
  },
  [t.lbLoadBalancer]: loadBalancer,
  [t.albLoadBalancer]: loadBalancer,
  [t.ec2Eip]: () => ({ item: "public IPv4 address", monthlyUsd: p.publicIpv4PerHour * month }),
  [t.route53Zone]: () => ({ item: "Route 53 hosted zone", monthlyUsd: p.route53ZonePerMonth }),
  [t.route53HealthCheck]: (r) => ({ item: "Route 53 health check", monthlyUsd: healthCheckMonthly(r.inputs) }),
  [t.cloudwatchMetricAlarm]: (r) => {
    const metrics = alarmMetrics(r.inputs);
    const { rate, highResolution } = alarmRatePerMetric(r.inputs);
    const kind = `CloudWatch ${highResolution ? "high-resolution " : ""}${metrics === 3 ? "anomaly " : ""}alarm`;
    return { item: `${kind} (${metrics} metric${metrics === 1 ? "" : "s"})`, monthlyUsd: metrics * rate };
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
    const instanceType = String(r.inputs.instanceType ?? "");
    return ec2HourlyUsd(instanceType, region) === undefined ? undefined : hostHours(instanceType, region, 1, `${instanceType} instance`);
  },
  // Vended-log delivery is billed per GB delivered; the estimate does not model log volume and says so.
  [t.ec2FlowLog]: () => ({ item: "VPC flow logs (per GB delivered: volume not estimated)", monthlyUsd: 0 }),
  [t.cloudwatchLogDelivery]: () => ({ item: "log delivery (per GB delivered: volume not estimated)", monthlyUsd: 0 }),
  [t.cloudwatchLogGroup]: () => ({ item: "log group (per GB ingested and stored: volume not estimated)", monthlyUsd: 0 }),
  // Gateway endpoints (S3, DynamoDB) cost nothing; an interface endpoint is billed per zone-hour and per GB.
  [t.ec2VpcEndpoint]: (r, a, region) => {
    if (r.inputs.vpcEndpointType !== "Interface") return { item: "VPC gateway endpoint (free)", monthlyUsd: 0 };
    const zones = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : undefined;
    if (!zones) return undefined;
    const hour = regionalPrice(p.vpcInterfaceEndpointPerAzHour, region);
    const gb = regionalPrice(p.vpcInterfaceEndpointPerGb, region);
    return {
      item: `VPC interface endpoint, ${zones} AZ + ${a.interfaceEndpointGb} GB`,
      monthlyUsd: zones * hour.rate * month + a.interfaceEndpointGb * gb.rate,
      unconfirmed: hour.guessed || gb.guessed ? "interface endpoint hours and GB" : undefined,
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
export function estimateCost(resources: PricedResource[], assumptions: CostAssumptions = defaultCostAssumptions): CostEstimate {
  const byItem = new Map<string, CostItem>();
  const unpriced = new Set<string>();
  const unconfirmed = new Set<string>();
  let unconfirmedUsd = 0;
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
    if (priced.unconfirmed) {
      unconfirmed.add(`${priced.unconfirmed} in ${region}`);
      unconfirmedUsd += monthlyUsd;
    }
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
    unconfirmed: [...unconfirmed].sort(),
    unconfirmedUsd,
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
