/** Bounds the capacity policies share: a share of a resource in percent, 80% unless configured. */
import type { NumberBound } from "../config";

/** Headroom the capacity policies keep by default: 20% of memory or connections stays free for what the model misses. */
export const defaultSharePercent = 80;

export function sharePercentBound(description: string): NumberBound {
  return { default: defaultSharePercent, minimum: 1, maximum: 100, description };
}
