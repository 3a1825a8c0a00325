/**
 * enforce-failover-ttl — mandatory.
 *
 * Records that traffic fails over through (A, AAAA, CNAME, and so Route 53 latency and weighted
 * sets) must have a TTL within bounds: short enough that a DNS change moves traffic in minutes,
 * long enough that resolvers do not hammer the provider. NS and SOA records, when a stack declares
 * them, stay within their own documented sane bounds (RFC 1912 §2.2; Route 53 creates NS at
 * 172800 s and SOA at 900 s). Lesson `failoverTtl` of incident 000 (models/incidents.ts); NS and
 * SOA: lesson `nsTtl` of incident 001.
 *
 * Route 53 alias records carry no TTL of their own (the target's applies) and are skipped. A Route 53
 * record guarded by a health check (a region's latency set) has its ceiling from
 * enforce-recovery-time, which adds the health check's detection to the TTL and names the binding
 * bound: judged here it would get a second, looser fix (300 s where 84 s binds). Its floor is
 * judged here.
 * Cloudflare's TTL 1 means "automatic", which Cloudflare serves as 300 s; any other Cloudflare TTL
 * outside 60-86,400 s is refused by non-Enterprise plans.
 */
import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { normalizeName } from "../../models/dns/compare";
import { ofType, validateResourceOfTypes } from "../resourceTypes";
import { providerCapabilities, cloudflareAutomaticTtl } from "../../models/dns/providers";
import { failoverRecordTypes } from "../../models/dns/record";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { incidentNote } from "../../models/incidents";
import { isAcmValidation } from "./enforceProviderParity";

export const failoverTtlBounds = {
  maxTtlSeconds: {
    default: 300,
    minimum: 1,
    description: "Longest TTL, in seconds, of a record traffic fails over through.",
  },
  minTtlSeconds: {
    default: 30,
    minimum: 1,
    description: "Shortest TTL, in seconds, of a record traffic fails over through.",
  },
  maxNsTtlSeconds: {
    default: 172800,
    minimum: 1,
    description: "Longest TTL, in seconds, of NS and SOA records (two days, Route 53's NS default).",
  },
  minNsTtlSeconds: {
    default: 300,
    minimum: 1,
    description: "Shortest TTL, in seconds, of NS and SOA records.",
  },
} satisfies Record<string, NumberBound>;

/** Cloudflare serves a TTL of 1 ("automatic") as 300 seconds. */
export const cloudflareAutomaticTtlSeconds = cloudflareAutomaticTtl.servedSeconds;

export interface TtlSubject {
  /** A Route 53 set behind a health check: its ceiling is enforce-recovery-time's (detection + TTL within the region-lost bound). */
  healthChecked?: boolean;
  /** Fully qualified record name. */
  name: string;
  type: string;
  provider: "route53" | "cloudflare";
  ttl: number;
  /** The record's values (names without the trailing dot), to tell an ACM validation record apart. */
  values?: string[];
}

/**
 * The smallest fix of a TTL out of bounds. Most records take edge:dns.ttl; an ACM validation
 * record's TTL is a constant of the program, so that key would not move it.
 */
function ttlFix(subject: TtlSubject, target: string, ceiling = false): string {
  if (isAcmValidation({ type: subject.type, name: subject.name, values: subject.values ?? [] })) {
    return (
      `This is a certificate's DNS validation record: its TTL is a constant of the program (certificateValidationTtlSeconds in ` +
      `models/ingestRegion/layout.ts; SnippetCdn's validationTtl), not edge:dns.ttl. Change that constant to ${target}, or this policy's bounds in policies/config/<stack>.json.`
    );
  }
  const binds = ceiling ? "; where enforce-recovery-time also reports edge:dns.ttl (on the health-checked ingest records), the lower bound it names binds" : "";
  return `Set edge:dns.ttl (or this record's ttl) to ${target}${binds}.`;
}

type Bounds = Record<keyof typeof failoverTtlBounds, number>;

/** The violation message for one record, or undefined when its TTL is within bounds. */
export function judgeFailoverTtl(subject: TtlSubject, bounds: Bounds): string | undefined {
  const where = `${subject.name} ${subject.type} (${subject.provider})`;
  if (subject.type === "NS" || subject.type === "SOA") {
    const { maxNsTtlSeconds: max, minNsTtlSeconds: min } = bounds;
    if (subject.ttl > max || subject.ttl < min) {
      return `${where} has TTL ${subject.ttl} s, outside the ${min}-${max} s bounds for NS and SOA records. ` + `Set its ttl within them. ${incidentNote("nsTtl")}`;
    }
    return undefined;
  }
  if (!failoverRecordTypes.has(subject.type)) return undefined;
  const { maxTtlSeconds, minTtlSeconds } = bounds;
  if (subject.ttl > maxTtlSeconds && !subject.healthChecked) {
    return (
      `${where} has TTL ${subject.ttl} s, above the ${maxTtlSeconds} s limit for records traffic fails over through. ` +
      `${ttlFix(subject, `${maxTtlSeconds} or less`, true)} ` +
      incidentNote("failoverTtl")
    );
  }
  if (subject.ttl < minTtlSeconds) {
    return `${where} has TTL ${subject.ttl} s, below the ${minTtlSeconds} s floor: resolvers would re-query on almost every request. ` + ttlFix(subject, `at least ${minTtlSeconds}`);
  }
  return undefined;
}

/**
 * Cloudflare's own rule, both bounds from the provider table (`models/dns/providers.ts`): TTL 1
 * (automatic), or 60 to 86,400 s on non-Enterprise plans. A TTL outside them is refused by
 * Cloudflare's API, so the record is never created.
 */
export function judgeCloudflareTtl(name: string, type: string, ttl: number): string | undefined {
  const { minTtlSeconds: floor, maxTtlSeconds: ceiling } = providerCapabilities.cloudflare;
  if (ttl === cloudflareAutomaticTtl.value || (ttl >= floor && ttl <= ceiling)) return undefined;
  const fix = ttl > ceiling ? `${ceiling} or less` : `${floor} or more`;
  return (
    `${name} ${type} (cloudflare) has TTL ${ttl} s: Cloudflare accepts 1 (automatic) or ${floor} to ${ceiling} s on non-Enterprise plans, ` +
    `so the secondary would refuse the record and drift from the primary. Set edge:dns.ttl (or this record's ttl) to ${fix}. ` +
    incidentNote("secondaryParity")
  );
}

export const enforceFailoverTtl: ResourceValidationPolicy = {
  name: "enforce-failover-ttl",
  description: "Records that traffic fails over through (A, AAAA, CNAME) keep their TTL within bounds, NS and SOA within theirs (incident 000).",
  enforcementLevel: "mandatory",
  configSchema: numberBoundsSchema(failoverTtlBounds),
  validateResource: validateResourceOfTypes(
    ofType(aws.route53.Record, (record, args, reportViolation) => {
      if (record.ttl === undefined || record.aliases?.length) return;
      const message = judgeFailoverTtl(
        { name: record.name, type: record.type, provider: "route53", ttl: record.ttl, values: (record.records ?? []).map((v) => normalizeName(v)), healthChecked: record.healthCheckId !== undefined },
        resolveBounds(failoverTtlBounds, args.getConfig()),
      );
      if (message) reportViolation(message);
    }),
    ofType(cloudflare.DnsRecord, (record, args, reportViolation) => {
      const accepted = judgeCloudflareTtl(record.name, record.type, record.ttl);
      if (accepted) reportViolation(accepted);
      const ttl = record.ttl === cloudflareAutomaticTtl.value ? cloudflareAutomaticTtlSeconds : record.ttl;
      const message = judgeFailoverTtl(
        { name: record.name, type: record.type, provider: "cloudflare", ttl, values: record.content ? [normalizeName(record.content)] : [] },
        resolveBounds(failoverTtlBounds, args.getConfig()),
      );
      if (message) reportViolation(message);
    }),
  ),
};
