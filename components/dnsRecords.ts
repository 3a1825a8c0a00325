import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { cloudflareValueSuffix, recordValueToCloudflare } from "../models/dns/cloudflare";
import { DeclaredRecord, DnsRecord, fqdn, recordSlug } from "../models/dns/record";
import { recordValueToRoute53 } from "../models/dns/route53";
import { describePath, zoneProblems } from "../models/dns/zoneRules";
import type { DnsZones } from "./dnsZones";
import type { CdnEndpoint, IngestEndpoint, RegionHealthCheck } from "./endpoints";
import { inBatches } from "./pacing";
import { ingestHealthCheck } from "../models/ingestRegion/layout";

export interface DnsRecordsArgs {
  /** The zones to render into (Route 53 primary, Cloudflare secondary). */
  zones: DnsZones;
  /** Ingestion regions: each answers the ingest name in Route 53 (latency, health-checked); Cloudflare lists all. */
  ingest: IngestEndpoint[];
  /** Static addresses per region (one per availability zone): Cloudflare holds one record per address, so the count is needed before the addresses exist. Defaults to 0 when `ingest` is empty. */
  addressesPerRegion: number;
  /** Name of the ingestion endpoint relative to the zone, e.g. `api`. */
  ingestName: string;
  /** TTL of the ingest and CDN records, in seconds (edge:dns.ttl). */
  ttl: number;
  /** The snippet CDN; its hostname points at the distribution in both providers. Defaults to none. */
  cdn?: CdnEndpoint;
  /** The CDN's name relative to the zone, e.g. `cdn`. Required with `cdn`. */
  cdnName?: string;
  /** Records from config (aliases, extra records, and the CAA and mail records of `models/dns/hygiene.ts`), served by both providers. */
  declared: DeclaredRecord[];
  /** Longest in-zone CNAME chain the declared records may form (edge:dns.maxCnameChainLength). */
  maxCnameChainLength: number;
}

/** A record both zones serve: declared in config, or the CDN name pointing at the distribution. */
type ServedRecord = Omit<DnsRecord, "values"> & { values: pulumi.Input<string>[] };

/**
 * Every served record, rendered record for record to both zones. Route 53 answers the ingest name
 * with one latency record per region (that region's static addresses, guarded by a health check, so
 * a dead region leaves the answer); Cloudflare, a DNS-only standby (proxy off), publishes the static
 * addresses of all regions: its answer is the larger one (incident 001, sized by the wire-size model
 * and guarded by the response-size policy). Declared records and the CDN name exist in both.
 *
 * Created with `await DnsRecords.create(...)`: a zone holds thousands of records, declared in batches
 * (see `pacing.ts`).
 */
export class DnsRecords extends pulumi.ComponentResource {
  /** One health check per ingestion region (the alarms watch them). */
  readonly ingestHealthChecks: RegionHealthCheck[];

  /** The component with every served record declared. */
  static async create(name: string, args: DnsRecordsArgs, opts: pulumi.ComponentResourceOptions = {}): Promise<DnsRecords> {
    const records = new DnsRecords(name, args, opts);
    const served: ServedRecord[] = [...args.declared];
    if (args.cdn && args.cdnName) {
      served.push({ name: args.cdnName, type: "CNAME", ttl: args.ttl, values: [args.cdn.domainName] });
    }
    await inBatches(served, (record) => records.serve(name, record, args.zones));
    records.registerOutputs({ ingestHealthChecks: records.ingestHealthChecks });
    return records;
  }

  /** Checks the arguments and declares the ingest name's records; `create` declares the rest. */
  private constructor(name: string, args: DnsRecordsArgs, opts: pulumi.ComponentResourceOptions) {
    super("edge:dns:DnsRecords", name, {}, opts);
    // The schema's zone rules, checked again for callers that build args without the schema.
    const problems = zoneProblems({
      domain: args.zones.domain,
      ingestName: args.ingestName,
      cdnName: args.cdn ? args.cdnName : undefined,
      declared: args.declared,
      maxCnameChainLength: args.maxCnameChainLength,
      regions: args.ingest.map((endpoint) => endpoint.region),
      addressesPerRegion: args.addressesPerRegion,
    }).map((p) => `${describePath(p.path)}: ${p.message}`);
    if (args.cdn && !args.cdnName) problems.push("cdnName is required with cdn");
    if (args.ingest.length > 0 && args.addressesPerRegion < 1) problems.push("addressesPerRegion must be at least 1 with ingest endpoints");
    if (problems.length > 0) throw new Error(`DnsRecords ${name}: ${problems.join("; ")}`);

    const { zones } = args;
    const ingestFqdn = fqdn(args.ingestName, zones.domain);

    this.ingestHealthChecks = args.ingest.map((endpoint) => {
      const healthCheck = new aws.route53.HealthCheck(
        `${name}-health-${endpoint.region}`,
        {
          ...ingestHealthCheck,
          fqdn: endpoint.nlbDnsName,
          measureLatency: false,
          tags: { Name: `${ingestFqdn} ${endpoint.region}` },
        },
        { parent: this },
      );
      new aws.route53.Record(
        `${name}-route53-a-${args.ingestName}-${endpoint.region}`,
        {
          zoneId: zones.primaryZoneId,
          name: ingestFqdn,
          type: "A",
          ttl: args.ttl,
          records: endpoint.staticIps,
          setIdentifier: endpoint.region,
          latencyRoutingPolicies: [{ region: endpoint.region }],
          healthCheckId: healthCheck.id,
        },
        { parent: this },
      );
      for (let i = 0; i < args.addressesPerRegion; i++) {
        new cloudflare.DnsRecord(
          `${name}-cloudflare-a-${args.ingestName}-${endpoint.region}-${i + 1}`,
          {
            zoneId: zones.secondaryZoneId,
            name: ingestFqdn,
            type: "A",
            ttl: args.ttl,
            content: endpoint.staticIps.apply((ips) => {
              if (ips.length !== args.addressesPerRegion) {
                throw new Error(`${endpoint.region} has ${ips.length} static addresses, DnsRecords was told ${args.addressesPerRegion}`);
              }
              return ips[i];
            }),
            proxied: false,
            comment: `Standby answer for ${endpoint.region} (Route 53 answers by latency)`,
          },
          { parent: this },
        );
      }
      return { region: endpoint.region, healthCheckId: healthCheck.id };
    });
  }

  /**
   * One record in both zones: Route 53 holds it as one record set, Cloudflare as one record per
   * value. A set's Cloudflare records are named by their value, so reordering the values renames
   * nothing; `aliases` carry over the resources of the names by position a stack may still hold.
   */
  private serve(name: string, record: ServedRecord, zones: DnsZones): void {
    const slug = recordSlug(record);
    const route53Values = record.values.map((v) => (typeof v === "string" ? recordValueToRoute53(record.type, v) : pulumi.output(v).apply((x) => recordValueToRoute53(record.type, x))));
    new aws.route53.Record(
      `${name}-route53-${slug}`,
      { zoneId: zones.primaryZoneId, name: fqdn(record.name, zones.domain), type: record.type, ttl: record.ttl, records: route53Values },
      { parent: this },
    );
    record.values.forEach((value, i) => {
      // Declared values are plain and rendered here; an output (the CDN's target) once it resolves.
      const rendered = typeof value === "string" ? recordValueToCloudflare(record.type, value) : pulumi.output(value).apply((v) => recordValueToCloudflare(record.type, v));
      const several = record.values.length > 1;
      if (several && typeof value !== "string") throw new Error(`DnsRecords ${name}: ${record.type} ${record.name} has several values, one not known yet: a set is named by its values`);
      new cloudflare.DnsRecord(
        several ? `${name}-cloudflare-${slug}-${cloudflareValueSuffix(record.type, value as string)}` : `${name}-cloudflare-${slug}`,
        {
          zoneId: zones.secondaryZoneId,
          name: fqdn(record.name, zones.domain),
          type: record.type,
          ttl: record.ttl,
          content: rendered.content,
          priority: rendered.priority,
          data: rendered.data,
          proxied: false,
        },
        { parent: this, aliases: several ? [{ name: `${name}-cloudflare-${slug}-${i + 1}` }] : [] },
      );
    });
  }
}
