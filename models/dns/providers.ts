/**
 * The DNS providers as renderers of the neutral record model, with a capability table in
 * DNSControl's manner: what each provider cannot do (with the reason, and whether the zone rules
 * refuse it or the program works around it), its quirks (with the date they were last verified),
 * the TTLs it accepts, and how it fills a UDP answer. The zone rules (`zoneRules.ts`), the
 * wire-size model and the capability matrix of docs/reference/dns-capabilities.md (`npm run docs`) all read this one table.
 *
 * Pure module: no Pulumi imports.
 */
import { shownValue } from "../shownValue";
import type { ProviderName } from "./compare";

/** How a server fills a UDP answer without EDNS when the answer grows toward 512 bytes. */
export type ResponseBehaviour =
  /** Authority NS (and additional records) are always sent: an answer that does not fit with them is truncated (TC). */
  | "always-authority"
  /** Authority and additional are dropped when they do not fit; only an answer section that does not fit is truncated (NSD). */
  | "drop-authority-when-full";

/** What a declared record may ask of a provider; the zone rules test each record against these. */
export type Feature = "apexCname" | "latencyRouting" | "txtStringOver255" | "multiSignerDnssec";

/** A neutral record as the features read it (relative name, `@` the apex). */
interface FeatureSubject {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

export const features: Record<Feature, { title: string; needs: (record: FeatureSubject) => boolean }> = {
  apexCname: { title: "CNAME at the zone apex", needs: (r) => r.type === "CNAME" && r.name === "@" },
  latencyRouting: { title: "latency-routed, health-checked answers", needs: () => false },
  txtStringOver255: { title: "a TXT character-string over 255 bytes", needs: () => false },
  // No record asks for it: the zone is signed by resources (keys, DS), which the DNSSEC policy judges.
  multiSignerDnssec: { title: "a zone signed together with another provider (multi-signer DNSSEC, RFC 8901)", needs: () => false },
};

export interface Limitation {
  /** Why, in the provider's terms. */
  reason: string;
  /** `refused`: a record that needs it is a config error. Otherwise how the program works around it. */
  handling: "refused" | { workaround: string };
}

export interface Capability {
  /** Display name in messages and the docs. */
  title: string;
  /** What the provider cannot do; a feature absent here is supported. */
  cannot: Partial<Record<Feature, Limitation>>;
  /** Provider behaviour the model relies on, each with its source and when it was last verified. */
  quirks: { behaviour: string; source: string; lastVerified: string }[];
  /** How its UDP answers are filled; the response-size policy assumes this. */
  responses: ResponseBehaviour;
  /** Whether the model knows the behaviour exactly or takes the worst case of what is documented. */
  certainty: "documented" | "worst-case";
  /** Shortest TTL the provider accepts, in seconds (besides its own special values). */
  minTtlSeconds: number;
  /** Longest TTL the provider accepts, in seconds. */
  maxTtlSeconds: number;
  /** The SOA record it publishes (mailbox and timers; the first name server is the primary) and its apex NS TTL. */
  soa: { mailbox: string; timers: string; ttl: number; nsTtl: number };
  /** Record types whose in-zone targets' A/AAAA records it appends in the additional section. */
  additionalFor: string[];
}

export const providerCapabilities: Record<ProviderName, Capability> = {
  route53: {
    title: "Route 53",
    cannot: {
      apexCname: {
        reason: "a CNAME cannot sit at the zone apex beside SOA and NS (RFC 1034 §3.6.2); Route 53 offers alias records there",
        handling: "refused",
      },
      latencyRouting: {
        reason: "a latency record answers with its whole record set; it cannot return a subset of the region's addresses (incident 001)",
        handling: { workaround: "one latency record set per region, each guarded by a health check" },
      },
      multiSignerDnssec: {
        reason:
          "Route 53 has no DNSKEY record type, so it cannot publish the other signer's zone-signing key beside its own, which both RFC 8901 models need; it signs only with its own keys (AWS Route 53 developer guide, 'Supported DNS record types' and 'Configuring DNSSEC signing')",
        handling: { workaround: "DNSSEC stays off while both providers serve the zone (policy disallow-half-signed-zone)" },
      },
      txtStringOver255: {
        reason: "each character-string of a TXT value holds at most 255 bytes (RFC 1035 §3.3); Route 53 refuses a longer one (CharacterStringTooLong)",
        handling: { workaround: 'a longer value is sent as several strings of 255 bytes, `"…""…"` as the aws_route53_record docs describe' },
      },
    },
    quirks: [
      {
        behaviour: "every positive answer carries the zone's apex NS records in the authority section (its four; six in active-active, where the apex lists both providers' name servers)",
        source: "dig against Route 53 name servers; AWS Route 53 developer guide, 'NS and SOA records that Route 53 creates'",
        lastVerified: "2026-11-23",
      },
      {
        // RFC 2181 §9 lets a server omit additional data rather than truncate; AWS does not say which
        // Route 53 does, so the size guard assumes the worse: additional records count, and an answer
        // that does not fit with them is refused as truncated.
        behaviour:
          "for successful queries the authority section holds the zone's NS records, for NXDOMAIN the SOA; the additional section holds the A/AAAA records of in-zone targets of MX, CNAME, NS and SRV records in the answer: sized as always sent (whether it truncates or drops them is not documented)",
        source: "AWS Route 53 developer guide, 'DNS constraints and behaviors' (authoritative and additional section processing)",
        lastVerified: "2026-12-01",
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
    // RFC 2181 §8: a TTL is an unsigned 31-bit number; the Route 53 API takes 0 to 2147483647.
    maxTtlSeconds: 2147483647,
    soa: { mailbox: "awsdns-hostmaster.amazon.com", timers: "1 7200 900 1209600 86400", ttl: 900, nsTtl: 172800 },
    additionalFor: ["MX", "CNAME", "NS", "SRV"],
  },
  cloudflare: {
    title: "Cloudflare",
    cannot: {
      apexCname: {
        reason: "an apex CNAME is flattened: served as the A/AAAA records of its target, never as a CNAME, so the providers would answer differently",
        handling: "refused",
      },
      latencyRouting: {
        reason: "DNS-only records have no latency or health-checked routing without the Load Balancing add-on (incident 001)",
        handling: { workaround: "every region's addresses are published; the response-size policy sizes that answer" },
      },
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
      {
        // "Setting to 1 means 'automatic'. Value must be between 60 and 86400, with the minimum
        // reduced to 30 for Enterprise zones." Route 53 would serve a TTL of 1 as 1 s.
        behaviour: "TTL 1 means 'automatic' (served as 300 s, where Route 53 serves 1 s); other TTLs are 60 to 86,400 s on non-Enterprise zones",
        source: "Cloudflare API v4, DNS records, schema `dns-records_ttl`",
        lastVerified: "2026-12-01",
      },
    ],
    responses: "always-authority",
    certainty: "worst-case",
    minTtlSeconds: 60,
    maxTtlSeconds: 86400,
    soa: { mailbox: "dns.cloudflare.com", timers: "2000000000 10000 2400 604800 1800", ttl: 1800, nsTtl: 86400 },
    // Not documented: sized as Route 53 does it, the larger of the two.
    additionalFor: ["MX", "CNAME", "NS", "SRV"],
  },
};

/** Cloudflare's TTL 1 means "automatic", which Cloudflare serves as 300 s. */
export const cloudflareAutomaticTtl = { value: 1, servedSeconds: 300 };

/** A/AAAA records assumed for an answer the model cannot see (an alias to CloudFront, a flattened outside CNAME). */
export const unknownAddressSetSize = 8;

const providerNames = Object.keys(providerCapabilities) as ProviderName[];

/** The TTL range, in seconds, every provider accepts and serves alike: the schema's bounds for every record TTL. */
export const sharedTtlRange = {
  min: Math.max(...providerNames.map((p) => providerCapabilities[p].minTtlSeconds)),
  max: Math.min(...providerNames.map((p) => providerCapabilities[p].maxTtlSeconds)),
};

/** Why a TTL is outside {@link sharedTtlRange}, naming the value, the provider's bound and the fix; undefined inside it. */
export function ttlProblem(ttl: number): string | undefined {
  const { min, max } = sharedTtlRange;
  if (ttl >= min && ttl <= max) return undefined;
  const bound = ttl < min ? "minTtlSeconds" : "maxTtlSeconds";
  const by = providerNames.find((p) => providerCapabilities[p][bound] === (ttl < min ? min : max))!;
  const automatic = ttl === cloudflareAutomaticTtl.value ? ` (Cloudflare reads 1 as 'automatic' and serves 300 s, Route 53 would serve 1 s)` : "";
  const shown = shownValue(ttl);
  return ttl < min
    ? `TTL ${shown} s is below ${min} s, the shortest ${providerCapabilities[by].title} accepts${automatic}; both zones serve the same TTL: set ${min} or more`
    : `TTL ${shown} s is above ${max} s, the longest ${providerCapabilities[by].title} accepts; set ${max} or less`;
}

/** Every refused limitation a record runs into, one line each: `Route 53 cannot hold a CNAME at the zone apex: …`. */
export function refusedFeatures(record: FeatureSubject): string[] {
  const out: string[] = [];
  for (const [feature, { title, needs }] of Object.entries(features) as [Feature, (typeof features)[Feature]][]) {
    if (!needs(record)) continue;
    for (const capability of Object.values(providerCapabilities)) {
      const limitation = capability.cannot[feature];
      if (limitation?.handling === "refused") out.push(`${capability.title} cannot serve ${title}: ${limitation.reason}`);
    }
  }
  return out;
}
