/**
 * The event-ingestion edge. `pulumi up` runs this program; so does the offline plan
 * (`npm run plan`) under Pulumi's mock runtime.
 */
import { DnsZones } from "./components/dnsZones";
import { declaredRecords } from "./models/dns/record";
import { readStackConfig } from "./stacks/pulumiConfig";

const config = readStackConfig();

const dns = new DnsZones("dns", { domain: config.domain, records: declaredRecords(config) });

export const primaryZoneId = dns.primaryZoneId;
export const primaryNameServers = dns.primaryNameServers;
