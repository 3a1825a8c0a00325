/**
 * Plan sections of the ingestion regions: what each region declares (load balancer, static
 * addresses, hosts and their rendered config) and the capacity headroom the capacity policies judge,
 * read back from the declared resources with the same model and the same bounds the policies use
 * (the plan's policy config, each bound at its default where it sets none).
 */
import {
  datastoreGroups,
  decodeUserData,
  hostMemory,
  hostMemorySubject,
  poolPerProcess,
  readDeclaredFleets,
  readRenderedNginxLimits,
  regionLossCapacity,
  TaggedDatastoreFleet,
} from "../../../models/capacity";
import { userDataLimitBytes } from "../../../models/hostEdge";
import { packBounds } from "../../../policies/config";
import { datastoreBudgetBounds, enforceDatastoreBudget } from "../../../policies/capacity/enforceDatastoreBudget";
import { enforceProxyMemory, proxyMemoryBounds } from "../../../policies/capacity/enforceProxyMemory";
import type { PlannedResource } from "../evaluate";
import type { Plan } from "../plan";
import type { PlanSection } from "./index";
import { resourceTypes } from "../../../models/resourceTypes";

const ingestComponent = "edge:ingest:IngestRegion";

/** The resources an `IngestRegion` owns in `region`, by type token. */
function regionResources(plan: Plan, region: string, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type && r.region === region && r.urn.includes(`${ingestComponent}$`));
}

function props(r: PlannedResource | undefined): Record<string, any> {
  return (r?.outputs ?? {}) as Record<string, any>;
}

function ingestRegions(plan: Plan): string[] {
  const regions = plan.resources.filter((r) => r.type === resourceTypes.autoscalingGroup && r.urn.includes(`${ingestComponent}$`)).map((r) => r.region ?? "");
  return [...new Set(regions)];
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const padStart = (s: string | number, n: number) => String(s).padStart(n);

export const ingestRegionsSection: PlanSection = {
  title: "Ingestion regions",
  render(plan) {
    const lines: string[] = [];
    for (const region of ingestRegions(plan)) {
      const nlb = props(regionResources(plan, region, resourceTypes.lbLoadBalancer)[0]);
      const ips = regionResources(plan, region, resourceTypes.ec2Eip).map((r) => props(r).publicIp);
      const group = props(regionResources(plan, region, resourceTypes.autoscalingGroup)[0]);
      const target = props(regionResources(plan, region, resourceTypes.lbTargetGroup)[0]);
      const template = props(regionResources(plan, region, resourceTypes.ec2LaunchTemplate)[0]);
      const hook = props(regionResources(plan, region, resourceTypes.autoscalingLifecycleHook)[0]);
      const zoneIds = regionResources(plan, region, resourceTypes.ec2Subnet).map((r) => props(r).availabilityZoneId);
      const rollback = group.instanceRefresh?.preferences?.alarmSpecification?.alarms ?? [];
      const userData = decodeUserData(template.userData ?? "");
      const limits = readRenderedNginxLimits(template.userData ?? "");
      lines.push(`${region}`);
      lines.push(`  load balancer  ${nlb.dnsName} (cross-zone ${nlb.enableCrossZoneLoadBalancing ? "on" : "off"})`);
      lines.push(`  zones          ${zoneIds.join(", ")} (by AZ ID; a changed list replaces subnets and the load balancer)`);
      lines.push(`  static IPs     ${ips.join(", ")} (one per zone; a replaced load balancer is deleted first: a regional outage)`);
      lines.push(
        `  hosts          ${group.name}: ${group.minSize}–${group.maxSize} × ${template.instanceType}, ` +
          `instance refresh ≥ ${group.instanceRefresh?.preferences?.minHealthyPercentage}% healthy, drain hook ${hook.heartbeatTimeout} s`,
      );
      lines.push(`  image          ${template.imageId} (pinned)`);
      lines.push(`  refresh        ${group.instanceRefresh?.preferences?.autoRollback ? `rolls back on ${rollback.length} critical alarms: ${rollback.join(", ")}` : "no automatic rollback"}`);
      lines.push(
        `  target group   ${target.protocol} ${target.port}, health check ${target.healthCheck?.protocol} ${target.healthCheck?.path}, ` + `deregistration delay ${target.deregistrationDelay} s`,
      );
      const nginx =
        "limits" in limits
          ? `worker_connections ${limits.limits.workerConnections}, client_header_buffer_size ${limits.limits.clientHeaderBufferSize}, ` +
            `large_client_header_buffers ${limits.limits.largeClientHeaderBuffers.count} ${limits.limits.largeClientHeaderBuffers.size}, ` +
            `limit_conn ${limits.limits.maxConnectionsPerHost}`
          : `nginx directives missing: ${limits.missing.join(", ")}`;
      const sent = Buffer.from(template.userData ?? "", "base64").length;
      lines.push(`  host config    cloud-init ${(Buffer.byteLength(userData) / 1024).toFixed(1)} KiB, ${(sent / 1024).toFixed(1)} KiB gzip of EC2's ${userDataLimitBytes / 1024} KiB; nginx ${nginx}`);
    }
    return lines;
  },
};

export const capacitySection: PlanSection = {
  title: "Capacity",
  render(plan) {
    // The plan's outputs hold the inputs the program declared, as the provider echoes them.
    const fleets = readDeclaredFleets(plan.resources.map((r) => ({ type: r.type, urn: r.urn, inputs: props(r) })));
    if (fleets.length === 0) return [];
    const memoryShare = packBounds(plan.policyConfig, enforceProxyMemory.name, proxyMemoryBounds).maxMemoryPercent;
    const lines = [`${pad("region", 16)}${pad("hosts", 8)}${pad("instance", 12)}${padStart("events/s at max", 16)}   host memory: nginx worst case + reserve (limit ${memoryShare}%)`];
    for (const fleet of fleets) {
      const template = plan.resources.find((r) => r.type === resourceTypes.ec2LaunchTemplate && r.region === fleet.region && r.urn.includes(`${ingestComponent}$`));
      const read = template ? hostMemory(hostMemorySubject(props(template)), memoryShare / 100) : undefined;
      const m = read && "memory" in read ? read.memory : undefined;
      const memory = !m
        ? "not judged"
        : m.known
          ? `${Math.round(m.nginxMiB)} + ${m.serviceReserveMiB} = ${Math.round(m.totalMiB)} MiB of ${m.instanceMiB} MiB (${Math.round(m.usedPercent)}%, headroom ${Math.round(m.limitMiB - m.totalMiB)} MiB)`
          : `unknown instance type ${m.instanceType}`;
      const capacity = fleet.maxHosts * (fleet.eventsPerHostPerSecond ?? 0);
      lines.push(`${pad(fleet.region, 16)}${pad(`${fleet.minHosts}–${fleet.maxHosts}`, 8)}${pad(fleet.instanceType ?? "?", 12)}${padStart(capacity, 16)}   ${memory}`);
    }
    // The same worst case the policy judges: the highest demand any group declares.
    const most = (values: (number | undefined)[]) => (values.every((v) => v !== undefined) ? Math.max(...(values as number[])) : undefined);
    const peak = most(fleets.map((f) => f.peakEventsPerSecond));
    const burst = most(fleets.map((f) => f.burstFactor));
    if (peak !== undefined && burst !== undefined && fleets.every((f) => f.eventsPerHostPerSecond !== undefined)) {
      const loss = regionLossCapacity(
        fleets.map((f) => ({ region: f.region, maxHosts: f.maxHosts, eventsPerHostPerSecond: f.eventsPerHostPerSecond! })),
        { peakEventsPerSecond: peak, burstFactor: burst },
      );
      const lost = loss.lostRegion ? `with ${loss.lostRegion} (the largest) lost` : "one region, none to lose";
      lines.push(
        `fleet: peak ${peak} × burst ${burst} = ${loss.requiredEventsPerSecond} events/s; ` + `${lost}: ${loss.survivingEventsPerSecond} events/s (headroom ${signed(loss.headroomPercent)}%)`,
      );
    }
    // The same budgets the policy judges: one per datastore, every region that writes to it counted.
    if (fleets.every((f) => f.datastore !== undefined && f.datastoreMaxConnections !== undefined && f.poolSizePerHost !== undefined && f.processesPerHost !== undefined)) {
      const share = packBounds(plan.policyConfig, enforceDatastoreBudget.name, datastoreBudgetBounds).maxDatastorePercent;
      for (const { fleets: writers, maxConnections, budget } of datastoreGroups(fleets as TaggedDatastoreFleet[], share / 100)) {
        lines.push(
          `datastore of ${writers.map((f) => f.region).join(", ")}: ${writers.map((f) => `${f.maxHosts} × ${f.processesPerHost} × ${poolPerProcess(f)}`).join(" + ")} ` +
            `(max hosts × processes × pool) = ${budget.fleetConnections} of ${maxConnections} connections (${Math.round(budget.usedPercent)}%; ` +
            `limit ${share}% = ${budget.limitConnections}, headroom ${budget.limitConnections - budget.fleetConnections})`,
        );
      }
    }
    return lines;
  },
};

function signed(n: number): string {
  const r = Math.round(n);
  return r >= 0 ? `+${r}` : `${r}`;
}
