/**
 * The event-ingestion edge. `pulumi up` runs this program; so does the offline plan
 * (`npm run plan`) under Pulumi's mock runtime.
 */
import { DnsRecords } from "./components/dnsRecords";
import { DnsZones } from "./components/dnsZones";
import { declaredRecords } from "./models/dns/record";
import { readStackConfig } from "./stacks/pulumiConfig";

const config = readStackConfig();

// Zones first: the ingestion regions and the CDN validate their certificates through the primary zone.
const dns = new DnsZones("dns", { domain: config.domain, secondary: config.dns.secondary });

// Records last: they point at the endpoints the regions and the CDN produce.
const records = new DnsRecords("dns", {
  zones: dns,
  ingest: [],
  addressesPerRegion: config.ingest.availabilityZones,
  ingestName: config.dns.ingestName,
  ttl: config.dns.ttl,
  declared: declaredRecords(config),
});

export const primaryZoneId = dns.primaryZoneId;
export const primaryNameServers = dns.primaryNameServers;
export const secondaryNameServers = dns.secondaryNameServers;
export const registrarNameServers = dns.registrarNameServers;
export const ingestHealthCheckIds = records.ingestHealthChecks.map((h) => h.healthCheckId);
