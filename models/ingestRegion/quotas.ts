/**
 * AWS account quotas a stack config can exceed, with AWS's default values, and what a config needs
 * of each. A deploy that hits a quota stops halfway (an Elastic IP or a load balancer refused after
 * the region's other resources exist), so the config is refused before.
 *
 * Pure module: no Pulumi imports.
 */

export interface AccountQuotas {
  /** Elastic IP addresses per region (EC2 quota L-0263D0A3, default 5). */
  elasticIpsPerRegion: number;
  /** Network load balancers per region (Elastic Load Balancing quota L-69A177A2, default 50). */
  networkLoadBalancersPerRegion: number;
  /** Route 53 health checks per account (default 200). */
  route53HealthChecksPerAccount: number;
}

/**
 * AWS's default quotas: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html#limits-api-entities-health-checks
 */
export const defaultAccountQuotas: AccountQuotas = {
  elasticIpsPerRegion: 5,
  networkLoadBalancersPerRegion: 50,
  route53HealthChecksPerAccount: 200,
};

/** What one stack declares against each quota. */
export function quotaUsage(shape: { regions: number; availabilityZones: number }): AccountQuotas {
  return {
    // One Elastic IP per zone on the region's load balancer; a replaced load balancer is deleted first, so never two sets.
    elasticIpsPerRegion: shape.availabilityZones,
    networkLoadBalancersPerRegion: 1,
    // One health check per region behind the ingest name's latency records.
    route53HealthChecksPerAccount: shape.regions,
  };
}

export interface QuotaProblem {
  quota: keyof AccountQuotas;
  message: string;
}

/** Every quota the stack needs more of than the account has. */
export function quotaProblems(usage: AccountQuotas, quotas: AccountQuotas): QuotaProblem[] {
  const what: Record<keyof AccountQuotas, string> = {
    elasticIpsPerRegion: "Elastic IPs per region (one per availability zone)",
    networkLoadBalancersPerRegion: "network load balancers per region",
    route53HealthChecksPerAccount: "Route 53 health checks (one per region)",
  };
  return (Object.keys(what) as (keyof AccountQuotas)[])
    .filter((quota) => usage[quota] > quotas[quota])
    .map((quota) => ({
      quota,
      message: `the stack needs ${usage[quota]} ${what[quota]}, the account's quota is ${quotas[quota]}: the deploy would stop halfway. Smallest fix: raise the quota in Service Quotas and set the new value here, or declare fewer`,
    }));
}
