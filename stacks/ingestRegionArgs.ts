/**
 * The stack config, mapped to the arguments of one `IngestRegion`: the one place that decides
 * which config key feeds which part of a region.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { IngestRegionArgs } from "../components/ingestRegion";
import { refreshRollbackAlarmNames } from "../models/alarms/alarmSet";
import { capacityTags, datastoreIdentity, instanceTypeSpec } from "../models/capacity";
import { fqdn } from "../models/dns/record";
import { hostEdgeSettings, ingestProcessesPerHost, renderUserData } from "../models/hostEdge";
import { regionVpcCidr } from "./networkSchema";
import { datastoreMaxConnections, StackConfig } from "./schema";

/** vCPUs assumed for an unknown instance type: it still renders (`worker_processes auto` on the host); the proxy-memory policy refuses it. */
const unknownTypeVcpus = 2;

export function ingestRegionArgs(config: StackConfig, region: string, regionIndex: number, primaryZoneId: pulumi.Input<string>, alarmNamePrefix: string): IngestRegionArgs {
  const { ingest, datastore } = config;
  // The schema requires every region's datastore once the edge is built (delegated phase).
  const endpoint = datastore.endpoints[region]!;
  const vcpus = instanceTypeSpec(ingest.instanceType)?.vcpus ?? unknownTypeVcpus;
  return {
    region,
    cidrBlock: regionVpcCidr(config, region, regionIndex),
    // The schema refuses a config without these pins for a listed region.
    availabilityZoneIds: ingest.availabilityZoneIds[region]!,
    datastoreCidrBlocks: endpoint.cidrs,
    datastorePort: endpoint.port,
    datastoreRoute: endpoint.route,
    imageId: ingest.imageIds[region]!,
    rollbackAlarmNames: refreshRollbackAlarmNames(alarmNamePrefix, region),
    domainName: fqdn(config.dns.ingestName, config.domain),
    primaryZoneId,
    instanceType: ingest.instanceType,
    minHosts: ingest.minHostsPerRegion,
    maxHosts: ingest.maxHostsPerRegion,
    minHealthyPercentage: ingest.minHealthyPercentage,
    drainSeconds: ingest.drainSeconds,
    userData: renderUserData(hostEdgeSettings(config, vcpus, region)),
    datastorePasswordParameter: endpoint.passwordParameter,
    bundle: ingest.bundle,
    environment: config.environment,
    capacityTags: capacityTags({
      environment: config.environment,
      instanceType: ingest.instanceType,
      peakEventsPerSecond: ingest.peakEventsPerSecond,
      burstFactor: ingest.burstFactor,
      eventsPerHostPerSecond: ingest.eventsPerHostPerSecond,
      datastore: datastoreIdentity(endpoint.hosts, endpoint.port),
      datastoreMaxConnections: datastoreMaxConnections(datastore, region),
      poolSizePerHost: datastore.poolSizePerHost,
      processesPerHost: ingestProcessesPerHost,
      serviceReserveMiB: ingest.service.memoryReserveMiB,
    }),
  };
}
