/**
 * What the services the edge relies on do that no resource declares (Route 53's probe timeouts,
 * Cloudflare's propagation, CloudFront's origin defaults, resolvers' per-server timeout, the
 * parent zone's NS TTL), each a named constant with its source.
 *
 * Pure module: no Pulumi imports.
 */

/**
 * Route 53 health checkers give up on an endpoint that does not accept a TCP connection within 4 s
 * or answer within 2 s more (Amazon Route 53 Developer Guide, "How Amazon Route 53 determines
 * whether a health check is healthy").
 */
export const route53ProbeTimeoutSeconds = 4 + 2;

/**
 * What the services do that no resource declares, as the model assumes it. A game day that scales
 * every timer (models then evaluated on a twin) passes its scaled copy; everything else uses
 * {@link serviceBehaviour}.
 */
export interface ServiceBehaviour {
  /** Seconds a Route 53 checker waits on one probe. Defaults to {@link route53ProbeTimeoutSeconds}. */
  route53ProbeTimeoutSeconds: number;
  /** Seconds the on-call takes from the page to a lost region withdrawn from Cloudflare. Defaults to {@link regionWithdrawalSeconds}. */
  regionWithdrawalSeconds?: number;
  /** Seconds Cloudflare takes to serve a changed record everywhere. Defaults to {@link cloudflarePropagationSeconds}. */
  cloudflarePropagationSeconds?: number;
}

/**
 * A lost region leaves Cloudflare's answer only by hand: Cloudflare runs no health check on
 * DNS-only records (its health-checked answers are the Load Balancing add-on), so the on-call,
 * paged by the region's health-check alarm, withdraws the region's records with the runbook's
 * command (docs/dns-region-loss.md). The response the runbook commits to: the page acknowledged
 * within 5 minutes, the records withdrawn within 10 more. A commitment, not a measurement: the
 * plan says so beside the figure.
 */
export const regionWithdrawalSeconds = 15 * 60;
/**
 * Cloudflare serves a record change from every location within about a minute ("global
 * propagation of changes tends to be 60 seconds or less": Cloudflare community, staff answer;
 * Cloudflare blog, "How we improved DNS record build speed by more than 4,000x").
 */
export const cloudflarePropagationSeconds = 60;

export const serviceBehaviour: ServiceBehaviour = { route53ProbeTimeoutSeconds, regionWithdrawalSeconds, cloudflarePropagationSeconds };
/**
 * CloudFront's origin defaults when a distribution's origin sets none: `connectionTimeout` 10 s,
 * `connectionAttempts` 3 (CloudFront Developer Guide, "Origin settings"; the Terraform provider's
 * `connection_timeout` and `connection_attempts` defaults).
 */
export const cloudfrontOriginDefaults = { connectionTimeout: 10, connectionAttempts: 3 } as const;
/**
 * The parent zone's NS TTL for the delegation (`.com` and `.net` publish 172,800 s, two days):
 * after a registrar change, a resolver may keep the old delegation this long (incident 001).
 */
export const parentNsTtlSeconds = 172_800;
/**
 * A recursive resolver's wait on one name server that does not answer before it asks another:
 * Unbound starts unknown servers at 376 ms and BIND at about 800 ms; 1 s bounds both.
 */
export const resolverServerTimeoutSeconds = 1;
/**
 * A recursive resolver drops its reply to a lookup it has worked on longer than this, and answers
 * the stub's resend from its cache instead: Unbound's `discard-timeout`, 1.9 s by default (Debian
 * 12's unbound 1.17.1, unbound.conf(5)). Seen on the edge twin with 4 of 6 delegated servers silent.
 */
export const resolverDiscardTimeoutSeconds = 1.9;
/** How long a stub resolver waits before it resends a lookup: glibc's resolv.conf `timeout:5` default (resolv.conf(5)). */
export const stubResendTimeoutSeconds = 5;
/**
 * Cloudflare assigns every zone's name servers under this suffix (Cloudflare docs, "Nameservers"):
 * the Route 53 apex NS record lists them exactly when the registrar lists both providers.
 */
export const cloudflareNameServerSuffix = ".ns.cloudflare.com";

/** Route 53 assigns every hosted zone (and delegation set) four name servers (Route 53 Developer Guide, "NS and SOA records"). */
export const route53NameServerCount = 4;
