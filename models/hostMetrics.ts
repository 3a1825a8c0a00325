/**
 * The host metrics the ingestion hosts publish (CloudWatch agent, rendered into their user data)
 * and the alarms watch. One table, so the agent config and the alarms cannot drift apart.
 *
 * Incident 000: both load balancers ran out of memory and swapped before anyone was told; memory
 * and swap must be measured on every host to be alarmed on.
 */
export const hostMetricsNamespace = "CWAgent";

/** Every host metric is also aggregated per autoscaling group under this dimension. */
export const hostMetricsDimension = "AutoScalingGroupName";

export const hostMetrics = {
  /** Percent of memory in use (agent `mem_used_percent`). */
  memoryUsedPercent: "mem_used_percent",
  /** Percent of swap in use (agent `swap_used_percent`); any swap is critical. */
  swapUsedPercent: "swap_used_percent",
  /** Percent of the root filesystem in use (agent `disk_used_percent`, path `/`). */
  diskUsedPercent: "disk_used_percent",
} as const;
