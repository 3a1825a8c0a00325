/**
 * The DNS providers as renderers of the neutral record model, with a capability table in
 * DNSControl's manner: what each provider cannot do (with the reason) and its quirks (with the date
 * they were last verified), and how each one builds a UDP answer, which the wire-size model uses.
 *
 * Pure module: no Pulumi imports.
 */
import type { ProviderName } from "./compare";

/** How a server fills a UDP answer without EDNS when the answer grows toward 512 bytes. */
export type ResponseBehaviour =
  /** Authority NS (and additional records) are always sent: an answer that does not fit with them is truncated (TC). */
  | "always-authority"
  /** Authority and additional are dropped when they do not fit; only an answer section that does not fit is truncated (NSD). */
  | "drop-authority-when-full";

export interface Capability {
  /** What the provider cannot do, each with the reason; the model refuses or works around it. */
  cannot: Record<string, string>;
  /** Provider behaviour the model relies on, each with its source and when it was last verified. */
  quirks: { behaviour: string; source: string; lastVerified: string }[];
  /** How its UDP answers are filled; the response-size policy assumes this. */
  responses: ResponseBehaviour;
  /** Whether the model knows the behaviour exactly or takes the worst case of what is documented. */
  certainty: "documented" | "worst-case";
  /** Shortest TTL the provider accepts, in seconds (besides its own special values). */
  minTtlSeconds: number;
}

export const providerCapabilities: Record<ProviderName, Capability> = {
  route53: {
    cannot: {
      "apex CNAME": "a CNAME cannot sit at the zone apex beside SOA and NS; use an alias A record instead",
      "health-checked subsets": "a latency record answers with its whole record set; it cannot return a subset of the region's addresses (incident 001)",
    },
    quirks: [
      {
        behaviour: "every positive answer carries the zone's four NS records in the authority section",
        source: "dig against Route 53 name servers; AWS Route 53 developer guide, 'NS and SOA records that Route 53 creates'",
        lastVerified: "2026-11-23",
      },
      {
        behaviour: "a CNAME to a name in the same hosted zone is followed and the target's records are answered too",
        source: "AWS Route 53 developer guide, 'Choosing between alias and non-alias records'",
        lastVerified: "2026-11-23",
      },
      {
        behaviour: "a latency record set answers with the records of one region (the one nearest the resolver), so its size is the largest region's",
        source: "AWS Route 53 developer guide, 'Latency-based routing'",
        lastVerified: "2026-11-23",
      },
      {
        behaviour: "an alias to CloudFront answers with CloudFront's addresses (usually 4 A records, not documented): sized as 8",
        source: "observed answers of cloudfront.net names",
        lastVerified: "2026-11-23",
      },
    ],
    responses: "always-authority",
    certainty: "documented",
    minTtlSeconds: 0,
  },
  cloudflare: {
    cannot: {
      "latency routing": "DNS-only records have no latency or health-checked routing without the Load Balancing add-on: every region's addresses are published (incident 001)",
      "TTL below 60 s": "non-Enterprise plans accept TTL 1 (automatic, served as 300 s) or 60 s and more",
      "apex CNAME": "an apex CNAME is flattened: served as the A/AAAA records of its target, never as a CNAME",
    },
    quirks: [
      {
        behaviour: "whether positive answers carry the zone's NS records in authority is not documented: sized at the worst case (both NS records always present)",
        source: "Cloudflare DNS docs, 'DNS record TTL' and 'CNAME flattening'",
        lastVerified: "2026-11-23",
      },
      {
        behaviour: "an apex CNAME to an outside name is flattened to addresses the model cannot know: sized as 8 A records",
        source: "Cloudflare DNS docs, 'CNAME flattening'",
        lastVerified: "2026-11-23",
      },
    ],
    responses: "always-authority",
    certainty: "worst-case",
    minTtlSeconds: 60,
  },
};

/** Cloudflare's TTL 1 means "automatic", which Cloudflare serves as 300 s. */
export const cloudflareAutomaticTtl = { value: 1, servedSeconds: 300 };

/** A/AAAA records assumed for an answer the model cannot see (an alias to CloudFront, a flattened outside CNAME). */
export const unknownAddressSetSize = 8;
