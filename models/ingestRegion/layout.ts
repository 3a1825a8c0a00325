/**
 * The defaults an `IngestRegion` decides, each once, as small pure functions (tested without Pulumi).
 * Pure module: no Pulumi imports.
 */
import { healthCheckPath } from "../hostEdge/settings";
import { isNetworkAddress, parseIpv4Cidr, subBlock } from "../network/cidr";

/**
 * A region's VPC when `edge:network.baseCidr` does not name one: `10.<index>.0.0/16`, so the
 * regions of one stack never overlap. Every stack takes the same blocks this way: stacks that share
 * a transit gateway set their own (`edge:network.baseCidr`).
 */
export function regionCidrBlock(regionIndex: number): string {
  if (!Number.isInteger(regionIndex) || regionIndex < 0 || regionIndex > 255) {
    throw new Error(`region index ${regionIndex} is outside 0–255: a region's VPC is 10.<index>.0.0/16`);
  }
  return `10.${regionIndex}.0.0/16`;
}

/** A VPC takes /16 to /24 here: AWS allows /16–/28, and each zone's subnet is 4 bits smaller, at most a /28. */
export const vpcPrefixRange = { min: 16, max: 24 } as const;
/** Bits a subnet adds to its VPC's prefix: 16 slots, one per AZ number 1–16. */
export const subnetSlotBits = 4;

/** What is wrong with `cidr` as a VPC block, or undefined. */
export function vpcCidrProblem(cidr: string): string | undefined {
  const block = parseIpv4Cidr(cidr);
  if (!block || !isNetworkAddress(cidr)) return `${cidr} is not a network address in CIDR notation (e.g. 10.32.0.0/16)`;
  if (block.bits < vpcPrefixRange.min || block.bits > vpcPrefixRange.max) {
    return `${cidr} is a /${block.bits}: a VPC here is a /${vpcPrefixRange.min} to a /${vpcPrefixRange.max} (each zone's subnet is ${subnetSlotBits} bits smaller, at most the /28 AWS allows)`;
  }
  return undefined;
}

/** The number of an AZ ID (`use1-az4` → 4), or undefined for another shape. */
export function availabilityZoneNumber(zoneId: string): number | undefined {
  const m = /-az(\d+)$/.exec(zoneId);
  return m ? Number(m[1]) : undefined;
}

/**
 * The subnet of one zone: slot `n - 1` of the VPC for AZ ID `…-az<n>`, a block 4 bits smaller than
 * the VPC (`10.0.0.0/16`, `use1-az4` → `10.0.48.0/20`). Derived from the zone, not its position in
 * the list: a zone replaced by another gets a block no other zone holds, so the new subnet is
 * created before the old one is deleted without `InvalidSubnet.Conflict`, and reordering the list
 * moves nothing.
 */
export function subnetCidrBlock(vpcCidrBlock: string, zoneId: string): string {
  const problem = vpcCidrProblem(vpcCidrBlock);
  if (problem) throw new Error(problem);
  const n = availabilityZoneNumber(zoneId);
  const slots = 2 ** subnetSlotBits;
  if (n === undefined || n < 1 || n > slots) throw new Error(`${zoneId}: a subnet's block comes from its AZ number, 1–${slots}; this AZ ID has none in that range`);
  return subBlock(vpcCidrBlock, parseIpv4Cidr(vpcCidrBlock)!.bits + subnetSlotBits, n - 1);
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

/**
 * How a region's hosts reach their datastore's networks: a transit gateway or a VPC peering
 * connection the route table sends them to (declared outside this program: the gateway or the
 * peering is shared with the datastore's account), or `sameVpc` when the datastore lives in the
 * region's own VPC, reached by its local route.
 */
export type DatastoreRoute = { transitGatewayId: string } | { vpcPeeringConnectionId: string } | "sameVpc";
