/**
 * How long the twin waits for its hosts: a new host entering service, a refresh of one host, the
 * fault's delay. Shared by every scenario file (kept apart from the scenario list, which imports
 * those files).
 */
import type { GamedayOptions } from "./scenarios";
import type { Twin, TwinHost } from "./twin";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long after the load starts a scenario injects its fault (ms). */
export const faultDelayMs = 4000;

/** How long a new host may take to enter service: the balancer's healthy threshold of checks, twice over (ms, scaled). */
export function healthyWaitMs(options: GamedayOptions, region: number): number {
  const check = options.shape.regions[region]!.healthCheck;
  return 2 * check.healthyThreshold * check.intervalMs + check.timeoutMs + 5000;
}

/** Seconds a refresh of one host takes in the twin: a new host in service, the old one's drain, then `after`. */
export function refreshSeconds(options: GamedayOptions, region: number, after = 0): number {
  return faultDelayMs / 1000 + healthyWaitMs(options, region) / 1000 + options.shape.regions[region]!.drainSeconds + after;
}

/** Waits until the region's balancer counts `host` healthy, at most `timeoutMs`; false when it never did. */
export async function inService(twin: Twin, host: TwinHost, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (twin.healthy(host.region).includes(host.address)) return true;
    await sleep(100);
  }
  return false;
}
