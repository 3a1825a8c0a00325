/**
 * The event-ingestion edge. `pulumi up` runs this program; so does the offline plan
 * (`npm run plan`) under Pulumi's mock runtime.
 *
 * The program is an async function (Pulumi awaits it and takes the stack's outputs from what it
 * returns) so that it can give the event loop a turn between regions and between batches of
 * records: see `components/pacing.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Alarms } from "./components/alarms";
import { DnsQueryLog } from "./components/dnsQueryLog";
import { DnsRecords } from "./components/dnsRecords";
import { DnsZones } from "./components/dnsZones";
import { IngestRegion } from "./components/ingestRegion";
import { ingestRegionArgs } from "./stacks/ingestRegionArgs";
import { nextTurn } from "./components/pacing";
import { SnippetCdn } from "./components/snippetCdn";
import { alarmNamePrefix } from "./models/alarms/alarmSet";
import { delegationSteps } from "./models/dns/delegation";
import { zoneRecords } from "./models/dns/hygiene";
import { fqdn } from "./models/dns/record";
import { decideReplicaRegion } from "./models/snippet/snippet";
import { readConfiguredFile, readStackConfig } from "./stacks/pulumiConfig";
import { datastoreMaxConnections } from "./stacks/schema";

export = async () => {
  const config = readStackConfig();

  // Zones first: the ingestion regions and the CDN validate their certificates through the primary zone.
  const dns = new DnsZones("dns", {
    domain: config.domain,
    existingZoneId: config.dns.primary.existingZoneId,
    secondary: config.dns.secondary,
  });
  // Every query Route 53 answers is logged from the zone's first day (incident 001).
  new DnsQueryLog("dns-queries", { zoneId: dns.primaryZoneId, domain: config.domain });
  const delegation = {
    phase: config.dns.delegation,
    primaryZoneId: dns.primaryZoneId,
    primaryNameServers: dns.primaryNameServers,
    secondaryNameServers: dns.secondaryNameServers,
    registrarNameServers: dns.registrarNameServers,
    delegationSteps: dns.registrarNameServers.apply((servers) =>
      delegationSteps({ domain: config.domain, phase: config.dns.delegation, registrarNameServers: servers, adoptedZone: dns.delegationSetId === undefined }),
    ),
  };
  // Until the registrar delegates to the zones, nothing that validates a certificate through them
  // can finish: the first deploy stops here (models/dns/delegation.ts).
  if (config.dns.delegation === "pending") {
    // The zones carry their own records from the start (CAA before any certificate exists, the
    // domain's mail policy, the declared records); the ingest and CDN names come with the edge.
    await DnsRecords.create("dns", {
      zones: dns,
      ingest: [],
      addressesPerRegion: config.ingest.availabilityZones,
      ingestName: config.dns.ingestName,
      ttl: config.dns.ttl,
      declared: zoneRecords(config),
      maxCnameChainLength: config.dns.maxCnameChainLength,
    });
    return delegation;
  }

  /** One ingestion region per configured region (incident 002: independent regions). */
  const ingestRegions: IngestRegion[] = [];
  for (const [regionIndex, region] of config.regions.entries()) {
    ingestRegions.push(new IngestRegion(`ingest-${region}`, ingestRegionArgs(config, region, regionIndex, dns.primaryZoneId, alarmNamePrefix(pulumi.getStack()))));
    await nextTurn();
  }

  const cdn = new SnippetCdn("cdn", {
    hostname: fqdn(config.cdn.hostname, config.domain),
    originRegion: config.regions[0],
    replicaRegion: decideReplicaRegion(config.regions, config.cdn.replicaRegion),
    primaryZoneId: dns.primaryZoneId,
    sources: {
      loader: readConfiguredFile(["cdn", "snippetFile"], config.cdn.snippetFile),
      library: readConfiguredFile(["cdn", "libraryFile"], config.cdn.libraryFile),
    },
    collectorUrl: `https://${fqdn(config.dns.ingestName, config.domain)}${config.cdn.collectorPath}`,
    loadTimeoutMs: config.cdn.loadTimeoutMs,
    namePrefix: alarmNamePrefix(pulumi.getStack()),
  });

  // Records last: they point at the endpoints the regions and the CDN produce.
  const records = await DnsRecords.create("dns", {
    zones: dns,
    ingest: ingestRegions,
    addressesPerRegion: config.ingest.availabilityZones,
    ingestName: config.dns.ingestName,
    ttl: config.dns.ttl,
    cdn: cdn.endpoint,
    cdnName: config.cdn.hostname,
    declared: zoneRecords(config),
    maxCnameChainLength: config.dns.maxCnameChainLength,
  });

  // Every load balancer, autoscaling group, health check and distribution gets a warning and a critical alarm.
  const alarms = await Alarms.create("alarms", {
    namePrefix: alarmNamePrefix(pulumi.getStack()),
    regions: config.regions,
    emails: config.alarms.emails,
    webhookUrl: config.alarms.webhookUrl,
    thresholds: config.alarms.thresholds,
    ingest: ingestRegions,
    cdn: cdn.endpoint,
    healthChecks: records.ingestHealthChecks,
    datastore: config.datastore.connectionsMetric && {
      metric: config.datastore.connectionsMetric,
      maxConnections: datastoreMaxConnections(config.datastore, config.regions[0]!),
      region: config.regions[0],
    },
  });

  return {
    ...delegation,
    ingestHealthCheckIds: records.ingestHealthChecks.map((h) => h.healthCheckId),
    cdnDistributionId: cdn.distributionId,
    cdnDomainName: cdn.distributionDomainName,
    snippetUrl: cdn.snippetUrl,
    /** Per region: static addresses, load balancer, autoscaling group and target group. */
    ingest: Object.fromEntries(
      ingestRegions.map((r) => [
        r.region,
        { staticIps: r.staticIps, nlbDnsName: r.nlbDnsName, asgName: r.asgName, targetGroupArn: r.targetGroupArn, minHosts: r.minHosts, maxHosts: r.maxHosts },
      ]),
    ),
    alarmDashboardName: alarms.dashboardName,
  };
};
