/**
 * The event-ingestion edge. `pulumi up` runs this program; so does the offline plan
 * (`npm run plan`) under Pulumi's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { Alarms } from "./components/alarms";
import { DnsZones } from "./components/dnsZones";
import { declaredRecords } from "./models/dns/record";
import { readStackConfig } from "./stacks/pulumiConfig";

const config = readStackConfig();

const dns = new DnsZones("dns", { domain: config.domain, records: declaredRecords(config) });

export const primaryZoneId = dns.primaryZoneId;
export const primaryNameServers = dns.primaryNameServers;

// Ingestion regions, the CDN and the DNS health checks join `ingest`, `cdn` and `healthChecks`
// as their components land; until then every region gets its alarm topics.
const alarms = new Alarms("alarms", {
  namePrefix: `edge-${pulumi.getStack()}`,
  regions: config.regions,
  emails: config.alarms.emails,
  webhookUrl: config.alarms.webhookUrl,
  thresholds: config.alarms.thresholds,
  datastore: config.datastore.connectionsMetric && {
    metric: config.datastore.connectionsMetric,
    maxConnections: config.datastore.maxConnections,
    region: config.regions[0],
  },
});

export const alarmDashboardName = alarms.dashboardName;
