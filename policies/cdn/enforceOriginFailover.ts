/**
 * enforce-cdn-origin-failover — mandatory.
 *
 * Every CloudFront distribution has an origin group of exactly two S3 bucket origins in two
 * different regions, failing over on the status codes AWS documents for S3 failover (403, 404,
 * 500, 502, 503, 504), and every cache behavior targets that group rather than one bucket.
 * Lesson `snippetOnApiHosts` of incident 000 (models/incidents.ts), whose post-mortem says "there is
 * no reason why we cannot get virtually 100% uptime for a single snippet of JS": one bucket in one
 * region is one region's outage away from hung pages again.
 *
 * A stack policy: an origin's region is its bucket's, found by the bucket's regional domain name
 * among the stack's buckets (or read from a `<bucket>.s3.<region>.amazonaws.com` name). An origin
 * whose domain is not known yet (a preview before the bucket exists) is not judged on region.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { originFailoverStatusCodes, s3RegionalDomainRegion } from "../../models/snippet/snippet";
import { incidentNote } from "../../models/incidents";

export interface FailoverSubject {
  /** The distribution's resource name. */
  name: string;
  origins: { originId: string; domainName?: string }[];
  originGroups: { originId: string; memberIds: string[]; statusCodes: number[] }[];
  /** `default` or path pattern → the origin id it targets. */
  behaviors: { label: string; targetOriginId?: string }[];
}

const fix = "Set edge:cdn.replicaRegion to a region other than the first of edge:regions (SnippetCdn builds the group).";

/** Every problem of one distribution's failover; `regionOf` answers a bucket domain's region. */
export function judgeOriginFailover(subject: FailoverSubject, regionOf: (domainName: string) => string | undefined): string[] {
  const where = `Distribution ${subject.name}`;
  if (subject.originGroups.length === 0) {
    return [
      `${where} has 0 origin groups and ${subject.origins.length} origin(s); required is an origin group of 2 S3 origins in 2 different regions. ` +
        `Add the replica bucket as a second origin and an origin group over both. ${fix} ${incidentNote("snippetOnApiHosts")} ${cite("enforce-cdn-origin-failover", "originGroup")}`,
    ];
  }
  const problems: string[] = [];
  for (const group of subject.originGroups) {
    const members = group.memberIds.map((id) => subject.origins.find((o) => o.originId === id));
    if (members.length !== 2 || members.some((m) => m === undefined)) {
      problems.push(
        `${where}: origin group ${group.originId} has ${members.filter(Boolean).length} resolvable member origin(s); required are 2 S3 origins in 2 different regions. ` +
          `${fix} ${incidentNote("snippetOnApiHosts")}`,
      );
      continue;
    }
    const regions = members.map((m) => (m!.domainName === undefined ? undefined : (regionOf(m!.domainName) ?? "not an S3 bucket")));
    if (regions.includes("not an S3 bucket")) {
      problems.push(
        `${where}: origin group ${group.originId} has an origin that is not an S3 bucket of this stack (${members.map((m) => m!.domainName).join(", ")}); ` +
          `required are 2 S3 bucket origins in 2 different regions. ${fix} ${incidentNote("snippetOnApiHosts")}`,
      );
    } else if (regions[0] !== undefined && regions[0] === regions[1]) {
      problems.push(`${where}: both origins of origin group ${group.originId} are in ${regions[0]}; required are 2 different regions. ${fix} ${incidentNote("snippetOnApiHosts")}`);
    }
    const missing = originFailoverStatusCodes.filter((code) => !group.statusCodes.includes(code));
    if (missing.length > 0) {
      problems.push(
        `${where}: origin group ${group.originId} does not fail over on ${missing.join(", ")}; required are ${originFailoverStatusCodes.join(", ")}. ` +
          `Add them to failoverCriteria.statusCodes. ${incidentNote("snippetOnApiHosts")}`,
      );
    }
  }
  const groupIds = new Set(subject.originGroups.map((g) => g.originId));
  for (const behavior of subject.behaviors) {
    if (!groupIds.has(behavior.targetOriginId ?? "")) {
      problems.push(
        `${where}: the ${behavior.label} cache behavior targets ${behavior.targetOriginId ?? "(unset)"}, a single origin; required is the origin group ` +
          `(${[...groupIds].join(", ")}). Set its targetOriginId to the group. ${incidentNote("snippetOnApiHosts")}`,
      );
    }
  }
  return problems;
}

export const enforceOriginFailover: StackValidationPolicy = {
  name: "enforce-cdn-origin-failover",
  description: "CloudFront serves the snippet from an origin group of two S3 buckets in two regions (incident 000).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const bucketRegions = new Map<string, string>();
    for (const r of args.resources) {
      const bucket = r.asType(aws.s3.Bucket);
      if (bucket?.bucketRegionalDomainName && bucket.region) bucketRegions.set(bucket.bucketRegionalDomainName, bucket.region);
    }
    const regionOf = (domainName: string) => bucketRegions.get(domainName) ?? s3RegionalDomainRegion(domainName);
    for (const r of args.resources) {
      const distribution = r.asType(aws.cloudfront.Distribution);
      if (!distribution) continue;
      const subject: FailoverSubject = {
        name: r.name,
        origins: (distribution.origins ?? []).map((o) => ({ originId: o.originId, domainName: o.domainName })),
        originGroups: (distribution.originGroups ?? []).map((g) => ({
          originId: g.originId,
          memberIds: (g.members ?? []).map((m) => m.originId),
          statusCodes: g.failoverCriteria?.statusCodes ?? [],
        })),
        behaviors: [
          { label: "default", targetOriginId: distribution.defaultCacheBehavior?.targetOriginId },
          ...(distribution.orderedCacheBehaviors ?? []).map((b) => ({ label: b.pathPattern, targetOriginId: b.targetOriginId })),
        ],
      };
      for (const message of judgeOriginFailover(subject, regionOf)) reportViolation(message, r.urn);
    }
  },
};
