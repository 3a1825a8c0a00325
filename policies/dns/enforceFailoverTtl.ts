/**
 * enforce-failover-ttl — mandatory.
 *
 * Records that traffic fails over through (A, AAAA, CNAME) must have a TTL within bounds: short
 * enough that a DNS change moves traffic in minutes, long enough that resolvers do not hammer the
 * provider. Incident 000: a one-day TTL on the API name made it impossible to move traffic off two
 * swapping load balancers; the outage lasted four hours.
 *
 * Route 53 alias records carry no TTL of their own (the target's applies) and are skipped.
 * Cloudflare's TTL 1 means "automatic", which Cloudflare serves as 300 s.
 */
import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { failoverRecordTypes } from "../../models/dns/record";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";

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
} satisfies Record<string, NumberBound>;

/** Cloudflare serves a TTL of 1 ("automatic") as 300 seconds. */
export const cloudflareAutomaticTtlSeconds = 300;

export interface TtlSubject {
  /** Fully qualified record name. */
  name: string;
  type: string;
  provider: "route53" | "cloudflare";
  ttl: number;
}

/** The violation message for one record, or undefined when its TTL is within bounds. */
export function judgeFailoverTtl(subject: TtlSubject, bounds: Record<keyof typeof failoverTtlBounds, number>): string | undefined {
  if (!failoverRecordTypes.has(subject.type)) return undefined;
  const { maxTtlSeconds, minTtlSeconds } = bounds;
  const where = `${subject.name} ${subject.type} (${subject.provider})`;
  if (subject.ttl > maxTtlSeconds) {
    return (
      `${where} has TTL ${subject.ttl} s, above the ${maxTtlSeconds} s limit for records traffic fails over through. ` +
      `Set edge:dns.ttl (or this record's ttl) to ${maxTtlSeconds} or less. ` +
      `Incident 000: a one-day TTL made it impossible to move traffic off failing load balancers.`
    );
  }
  if (subject.ttl < minTtlSeconds) {
    return (
      `${where} has TTL ${subject.ttl} s, below the ${minTtlSeconds} s floor: resolvers would re-query on almost every request. ` +
      `Set edge:dns.ttl (or this record's ttl) to at least ${minTtlSeconds}.`
    );
  }
  return undefined;
}

export const enforceFailoverTtl: ResourceValidationPolicy = {
  name: "enforce-failover-ttl",
  description: "Records that traffic fails over through (A, AAAA, CNAME) keep their TTL within bounds (incident 000).",
  enforcementLevel: "mandatory",
  configSchema: numberBoundsSchema(failoverTtlBounds),
  validateResource: [
    validateResourceOfType(aws.route53.Record, (record, args, reportViolation) => {
      if (record.ttl === undefined || record.aliases?.length) return;
      const message = judgeFailoverTtl(
        { name: record.name, type: record.type, provider: "route53", ttl: record.ttl },
        resolveBounds(failoverTtlBounds, args.getConfig()),
      );
      if (message) reportViolation(message);
    }),
    validateResourceOfType(cloudflare.DnsRecord, (record, args, reportViolation) => {
      const ttl = record.ttl === 1 ? cloudflareAutomaticTtlSeconds : record.ttl;
      const message = judgeFailoverTtl(
        { name: record.name, type: record.type, provider: "cloudflare", ttl },
        resolveBounds(failoverTtlBounds, args.getConfig()),
      );
      if (message) reportViolation(message);
    }),
  ],
};
