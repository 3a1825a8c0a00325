/**
 * The stack config, mapped to the arguments of each component the program composes (the ingestion
 * regions' in `ingestRegionArgs.ts`): the one place that decides which config key feeds which
 * component, so `index.ts` composes and reads no key itself.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmsArgs } from "../components/alarms";
import type { DnsQueryLogArgs } from "../components/dnsQueryLog";
import type { DnsRecordsArgs } from "../components/dnsRecords";
import type { DnsZones, DnsZonesArgs } from "../components/dnsZones";
import type { IngestRegionArgs } from "../components/ingestRegion";
import type { SnippetCdnArgs } from "../components/snippetCdn";
import { delegationSteps } from "../models/dns/delegation";
import { zoneRecords } from "../models/dns/hygiene";
import { fqdn } from "../models/dns/record";
import { decideReplicaRegion } from "../models/snippet/snippet";
import { ingestRegionArgs } from "./ingestRegionArgs";
import { readConfiguredFile } from "./pulumiConfig";
import { datastoreMaxConnections, StackConfig } from "./schema";

export function dnsZonesArgs(config: StackConfig): DnsZonesArgs {
  return {
    domain: config.domain,
    existingZoneId: config.dns.primary.existingZoneId,
    secondary: config.dns.secondary,
  };
}

export function dnsQueryLogArgs(config: StackConfig, zoneId: DnsQueryLogArgs["zoneId"]): DnsQueryLogArgs {
  return { zoneId, domain: config.domain };
}

/** True until the registrar delegates to the zones: the first deploy stops after the zones' own records (models/dns/delegation.ts). */
export function awaitsDelegation(config: StackConfig): boolean {
  return config.dns.delegation === "pending";
}

/** The stack outputs that say where delegation stands and what to do next. */
export function delegationOutputs(config: StackConfig, dns: DnsZones) {
  return {
    phase: config.dns.delegation,
    primaryZoneId: dns.primaryZoneId,
    primaryNameServers: dns.primaryNameServers,
    secondaryNameServers: dns.secondaryNameServers,
    registrarNameServers: dns.registrarNameServers,
    delegationSteps: dns.registrarNameServers.apply((servers) =>
      delegationSteps({ domain: config.domain, phase: config.dns.delegation, registrarNameServers: servers, adoptedZone: dns.delegationSetId === undefined }),
    ),
  };
}

/** Each configured region's name and `IngestRegion` arguments, computed one region at a time. */
export function* ingestRegionsArgs(config: StackConfig, primaryZoneId: pulumi.Input<string>, alarmNamePrefix: string): Generator<{ region: string; args: IngestRegionArgs }> {
  for (const [regionIndex, region] of config.regions.entries()) {
    yield { region, args: ingestRegionArgs(config, region, regionIndex, primaryZoneId, alarmNamePrefix) };
  }
}

export function snippetCdnArgs(config: StackConfig, primaryZoneId: SnippetCdnArgs["primaryZoneId"], namePrefix: string): SnippetCdnArgs {
  return {
    hostname: fqdn(config.cdn.hostname, config.domain),
    originRegion: config.regions[0],
    replicaRegion: decideReplicaRegion(config.regions, config.cdn.replicaRegion),
    primaryZoneId,
    sources: {
      loader: readConfiguredFile(["cdn", "snippetFile"], config.cdn.snippetFile),
      library: readConfiguredFile(["cdn", "libraryFile"], config.cdn.libraryFile),
    },
    collectorUrl: `https://${fqdn(config.dns.ingestName, config.domain)}${config.cdn.collectorPath}`,
    loadTimeoutMs: config.cdn.loadTimeoutMs,
    namePrefix,
  };
}

/** The records of the zones: before delegation their own only (no `ingest`, no `cdn`), then the edge's endpoints too. */
export function dnsRecordsArgs(config: StackConfig, zones: DnsZones, endpoints: Pick<DnsRecordsArgs, "ingest" | "cdn"> = { ingest: [] }): DnsRecordsArgs {
  return {
    zones,
    ingest: endpoints.ingest,
    addressesPerRegion: config.ingest.availabilityZones,
    ingestName: config.dns.ingestName,
    ttl: config.dns.ttl,
    ...(endpoints.cdn === undefined ? {} : { cdn: endpoints.cdn, cdnName: config.cdn.hostname }),
    declared: zoneRecords(config),
    maxCnameChainLength: config.dns.maxCnameChainLength,
  };
}

export function alarmsArgs(config: StackConfig, namePrefix: string, watched: Pick<AlarmsArgs, "ingest" | "cdn" | "healthChecks">): AlarmsArgs {
  return {
    namePrefix,
    regions: config.regions,
    emails: config.alarms.emails,
    webhookUrl: config.alarms.webhookUrl,
    thresholds: config.alarms.thresholds,
    ingest: watched.ingest,
    cdn: watched.cdn,
    healthChecks: watched.healthChecks,
    datastore: config.datastore.connectionsMetric && {
      metric: config.datastore.connectionsMetric,
      maxConnections: datastoreMaxConnections(config.datastore, config.regions[0]!),
      region: config.regions[0],
    },
  };
}
