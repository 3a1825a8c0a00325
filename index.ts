/**
 * The event-ingestion edge. `pulumi up` runs this program; so does the offline plan
 * (`npm run plan`) under Pulumi's mock runtime.
 *
 * Composition only: which config key feeds which component is decided in the mappers of
 * `stacks/componentArgs.ts` and `stacks/ingestRegionArgs.ts`.
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
import { nextTurn } from "./components/pacing";
import { SnippetCdn } from "./components/snippetCdn";
import { alarmNamePrefix } from "./models/alarms/alarmSet";
import { alarmsArgs, awaitsDelegation, delegationOutputs, dnsQueryLogArgs, dnsRecordsArgs, dnsZonesArgs, ingestRegionsArgs, snippetCdnArgs } from "./stacks/componentArgs";
import { readStackConfig } from "./stacks/pulumiConfig";

export = async () => {
  const config = readStackConfig();
  const namePrefix = alarmNamePrefix(pulumi.getStack());

  // Zones first: the ingestion regions and the CDN validate their certificates through the primary zone.
  const dns = new DnsZones("dns", dnsZonesArgs(config));
  // Every query Route 53 answers is logged from the zone's first day (incident 001).
  new DnsQueryLog("dns-queries", dnsQueryLogArgs(config, dns.primaryZoneId));
  const delegation = delegationOutputs(config, dns);
  // Until the registrar delegates to the zones, nothing that validates a certificate through them
  // can finish: the first deploy stops here (models/dns/delegation.ts).
  if (awaitsDelegation(config)) {
    // The zones carry their own records from the start (CAA before any certificate exists, the
    // domain's mail policy, the declared records); the ingest and CDN names come with the edge.
    await DnsRecords.create("dns", dnsRecordsArgs(config, dns));
    return delegation;
  }

  /** One ingestion region per configured region (incident 002: independent regions). */
  const ingestRegions: IngestRegion[] = [];
  for (const { region, args } of ingestRegionsArgs(config, dns.primaryZoneId, namePrefix)) {
    ingestRegions.push(new IngestRegion(`ingest-${region}`, args));
    await nextTurn();
  }

  const cdn = new SnippetCdn("cdn", snippetCdnArgs(config, dns.primaryZoneId, namePrefix));

  // Records last: they point at the endpoints the regions and the CDN produce.
  const records = await DnsRecords.create("dns", dnsRecordsArgs(config, dns, { ingest: ingestRegions, cdn: cdn.endpoint }));

  // Every load balancer, autoscaling group, health check and distribution gets a warning and a critical alarm.
  const alarms = await Alarms.create("alarms", alarmsArgs(config, namePrefix, { ingest: ingestRegions, cdn: cdn.endpoint, healthChecks: records.ingestHealthChecks }));

  return {
    ...delegation,
    ingestHealthCheckIds: records.ingestHealthChecks.map((h) => h.healthCheckId),
    cdnDistributionId: cdn.distributionId,
    cdnDomainName: cdn.distributionDomainName,
    snippetUrl: cdn.snippetUrl,
    /** Per region: static addresses, load balancer, autoscaling group and target group. */
    ingest: Object.fromEntries(
      ingestRegions.map((r) => [r.region, { staticIps: r.staticIps, nlbDnsName: r.nlbDnsName, asgName: r.asgName, targetGroupArn: r.targetGroupArn, minHosts: r.minHosts, maxHosts: r.maxHosts }]),
    ),
    alarmDashboardName: alarms.dashboardName,
  };
};
