/**
 * The event-ingestion edge. `pulumi up` runs this program; so does the offline plan
 * (`npm run plan`) under Pulumi's mock runtime.
 */
import { DnsZones } from "./components/dnsZones";
import { IngestRegion } from "./components/ingestRegion";
import { declaredRecords } from "./models/dns/record";
import { readStackConfig } from "./stacks/pulumiConfig";

const config = readStackConfig();

const dns = new DnsZones("dns", { domain: config.domain, records: declaredRecords(config) });

/** One ingestion region per configured region (incident 002: independent regions). */
const ingestRegions = config.regions.map(
  (region, regionIndex) => new IngestRegion(`ingest-${region}`, { region, regionIndex, config, primaryZoneId: dns.primaryZoneId }),
);

export const primaryZoneId = dns.primaryZoneId;
export const primaryNameServers = dns.primaryNameServers;
/** Per region: static addresses, load balancer, autoscaling group and target group. */
export const ingest = Object.fromEntries(
  ingestRegions.map((r) => [
    r.region,
    { staticIps: r.staticIps, nlbDnsName: r.nlbDnsName, asgName: r.asgName, targetGroupArn: r.targetGroupArn, minHosts: r.minHosts, maxHosts: r.maxHosts },
  ]),
);
