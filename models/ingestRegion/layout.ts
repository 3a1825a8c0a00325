/**
 * The defaults an `IngestRegion` decides, each once, as small pure functions (tested without Pulumi).
 * Pure module: no Pulumi imports.
 */
import { healthCheckPath } from "../hostEdge/settings";

/** Each region's VPC gets its own /16 (`10.<index>.0.0/16`), so regions never overlap if ever peered. */
export function regionCidrBlock(regionIndex: number): string {
  if (!Number.isInteger(regionIndex) || regionIndex < 0 || regionIndex > 255) {
    throw new Error(`region index ${regionIndex} is outside 0–255: a region's VPC is 10.<index>.0.0/16`);
  }
  return `10.${regionIndex}.0.0/16`;
}

/** One /20 per availability zone inside a `10.x.0.0/16` (up to 16 zones; a region has at most 6). */
export function subnetCidrBlocks(vpcCidrBlock: string, zones: number): string[] {
  const match = /^10\.(\d+)\.0\.0\/16$/.exec(vpcCidrBlock);
  if (!match) throw new Error(`expected a VPC CIDR block of the form 10.<n>.0.0/16, got ${vpcCidrBlock}`);
  if (zones < 1 || zones > 16) throw new Error(`expected 1 to 16 subnets, got ${zones}`);
  return Array.from({ length: zones }, (_, i) => `10.${match[1]}.${i * 16}.0/20`);
}

/** The target group's health check of `/http-check`, which answers 404 while a host drains. */
export const targetHealthCheck = { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 3, unhealthyThreshold: 2 } as const;

/** Route 53 health check of a region's load balancer: HTTPS on 443, path `/http-check` (incident 003). */
export const ingestHealthCheck = { type: "HTTPS", port: 443, resourcePath: healthCheckPath, requestInterval: 10, failureThreshold: 3 } as const;

/**
 * Seconds the NLB may take, past the failed checks, to stop sending a target new flows. With real
 * nginx behind a health-checking stand-in at the 10 s interval, a drained host left the pool ~22 s
 * after the drain file appeared (2 s past interval × threshold); AWS documents no bound for its
 * own balancer, so this allows five times that.
 */
export const healthPropagationSeconds = 10;

/**
 * Seconds from the drain file's appearance until the load balancer has taken the host out of the
 * pool: the drain must last at least this long, or new requests still arrive after it ends and are
 * cut off (incident 003).
 */
export function drainVisibleSeconds(check: { intervalSeconds: number; unhealthyThreshold: number } = targetHealthCheck): number {
  return check.intervalSeconds * check.unhealthyThreshold + healthPropagationSeconds;
}

/** Lifecycle hooks allow heartbeats of 30 s to 7200 s. */
const heartbeatRange = { min: 30, max: 7200 } as const;
/** Margin over the drain for the host's watcher (it polls every 5 s) and nginx's shutdown. */
export const drainMarginSeconds = 30;

/**
 * Heartbeat of the termination lifecycle hook: longer than the drain, so a host finishes in-flight
 * requests before EC2 Auto Scaling terminates it (incident 003).
 */
export function lifecycleHeartbeatSeconds(drainSeconds: number): number {
  return Math.min(heartbeatRange.max, Math.max(heartbeatRange.min, drainSeconds + drainMarginSeconds));
}

/**
 * The termination hook's notification metadata: the drain the hook was made for, so the drain
 * policy judges the hook as declared, and whoever handles the notification sees it.
 */
export function drainHookMetadata(drainSeconds: number): string {
  return JSON.stringify({ drainSeconds });
}

/** The drain seconds in a termination hook's metadata, or undefined when it carries none. */
export function readDrainHookMetadata(metadata: unknown): number | undefined {
  if (typeof metadata !== "string") return undefined;
  try {
    const value = JSON.parse(metadata)?.drainSeconds;
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Instance refresh's upper bound: above 100% it launches replacements before it terminates, so a
 * group of one host keeps serving during a deploy (incident 003). AWS allows at most 200% and at
 * most 100 points above the minimum healthy percentage.
 */
export function maxHealthyPercentage(minHealthyPercentage: number): number {
  return Math.min(200, minHealthyPercentage + 100);
}

/** Seconds a new host needs before its metrics count for scaling and refresh (boot, packages, nginx). */
export const hostWarmupSeconds = 180;

/** Average CPU the target-tracking policy keeps the group at: half, leaving room for a spike while it scales. */
export const targetCpuPercent = 50;


/**
 * TTL of the listener certificate's validation record, in seconds. Fixed rather than `edge:dns.ttl`:
 * the record moves no traffic, and 60 s sits inside the failover-TTL policy's bounds, which judge
 * every CNAME.
 */
export const certificateValidationTtlSeconds = 60;
