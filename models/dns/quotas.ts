/**
 * The DNS providers' quotas on a zone, beside the AWS account quotas (`models/ingestRegion/quotas.ts`),
 * and what a stack puts in each zone. A push past a quota stops partway: the provider refuses the
 * records beyond it, so the secondary serves less than the primary (incident 001) and the deploy
 * fails with resources half made. The config is refused before.
 *
 * Pure module: no Pulumi imports.
 */
import type { cloudflarePlans } from "./delegation";
import type { DeclaredRecord } from "./record";

export type CloudflarePlan = (typeof cloudflarePlans)[number];

/**
 * DNS records a Cloudflare zone may hold, by plan (Cloudflare DNS docs, "FAQ", "Is there a limit to
 * the number of DNS records?"; last verified 2026-12-08): free zones made on or after 2024-09-01
 * hold 200 (made before: 1,000), Pro, Business and Enterprise 3,500 (Enterprise can ask for more).
 * Each value is one Cloudflare record.
 */
export const cloudflareRecordsPerZone: Record<CloudflarePlan, number> = { free: 200, pro: 3500, business: 3500, enterprise: 3500 };

/**
 * Records (record sets: one name, type and set identifier) a Route 53 hosted zone may hold by
 * default, SOA and NS included (Route 53 developer guide, "Quotas", quotas on records;
 * GetHostedZoneLimit `MAX_RRSETS_BY_ZONE`). A higher quota is asked of AWS.
 */
export const route53RecordsPerZone = 10_000;

/** What a stack puts in the zones, besides the declared records. */
export interface ZoneShape {
  /** Declared records and the hygiene records, merged (`zoneRecords`). */
  declared: Pick<DeclaredRecord, "values">[];
  regions: number;
  /** Static addresses per region: one Cloudflare record each. */
  addressesPerRegion: number;
  /** Active-active: Cloudflare holds Route 53's four name servers as NS records at the apex. */
  activeActive: boolean;
}

/** Route 53: SOA and NS, the ACM validation CNAMEs of the ingest and CDN names, and the CDN name; Cloudflare: the CDN name. */
const route53ProgramRecords = 2 + 2 + 1;
const cloudflareProgramRecords = 1;
/** Route 53 assigns four name servers; active-active publishes them in Cloudflare too. */
const route53NameServers = 4;

export interface ZoneRecordUsage {
  route53: number;
  cloudflare: number;
}

/** Records each zone holds once the edge is deployed (the delegated phase: every record). */
export function zoneRecordUsage(shape: ZoneShape): ZoneRecordUsage {
  return {
    route53: route53ProgramRecords + shape.declared.length + shape.regions,
    cloudflare: cloudflareProgramRecords + shape.declared.reduce((sum, r) => sum + r.values.length, 0) + shape.regions * shape.addressesPerRegion + (shape.activeActive ? route53NameServers : 0),
  };
}

export interface ZoneQuotas {
  route53RecordsPerZone: number;
  /** The zone's quota; defaults to its plan's. */
  cloudflareRecordsPerZone?: number;
  cloudflarePlan: CloudflarePlan;
}

/** Every zone the stack fills past its quota, with the numbers and the smallest fix. */
export function zoneQuotaProblems(shape: ZoneShape, quotas: ZoneQuotas): string[] {
  const usage = zoneRecordUsage(shape);
  const problems: string[] = [];
  const n = (x: number) => x.toLocaleString("en-US");
  const cloudflareLimit = quotas.cloudflareRecordsPerZone ?? cloudflareRecordsPerZone[quotas.cloudflarePlan];
  if (usage.cloudflare > cloudflareLimit) {
    const larger = (Object.entries(cloudflareRecordsPerZone) as [CloudflarePlan, number][]).find(([, limit]) => limit >= usage.cloudflare);
    problems.push(
      `the Cloudflare zone would hold ${n(usage.cloudflare)} records (one per value), above the ${n(cloudflareLimit)} ` +
        `${quotas.cloudflareRecordsPerZone === undefined ? `Cloudflare allows a zone on the ${quotas.cloudflarePlan} plan` : "of edge:quotas.cloudflareRecordsPerZone"}: ` +
        `the deploy would stop partway, the secondary missing records the primary serves (incident 001). Smallest fix: declare ${n(usage.cloudflare - cloudflareLimit)} fewer values` +
        `${larger ? `, or edge:dns.secondary.plan ${larger[0]} (${n(larger[1])} records)` : ""}; a zone Cloudflare allows more sets edge:quotas.cloudflareRecordsPerZone`,
    );
  }
  if (usage.route53 > quotas.route53RecordsPerZone) {
    problems.push(
      `the Route 53 zone would hold ${n(usage.route53)} records (record sets), above its quota of ${n(quotas.route53RecordsPerZone)} (edge:quotas.route53RecordsPerZone): ` +
        `the deploy would stop partway. Smallest fix: declare ${n(usage.route53 - quotas.route53RecordsPerZone)} fewer records, or ask AWS for a higher quota ` +
        `(\`aws route53 get-hosted-zone-limit --type MAX_RRSETS_BY_ZONE\`) and set edge:quotas.route53RecordsPerZone`,
    );
  }
  return problems;
}
