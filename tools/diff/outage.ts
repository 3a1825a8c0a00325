/**
 * What a change does to serving, from the deploy's real order: which regions stop serving, whether
 * they stop together, what the other regions carry meanwhile, and which hosts an instance refresh
 * replaces.
 *
 * The deploy (`.github/workflows/deploy.yml`) applies a stack with ONE `pulumi up`, and the engine
 * runs the steps of resources that do not depend on each other in parallel ("--parallel: Allow P
 * resource operations to run in parallel at once ... Defaults to unbounded",
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_up/). The regions share no resource on the
 * serving path, so nothing orders them: a change that takes down the serving path of two regions
 * takes them down at the same time, and Route 53's failover has no healthy region left. That is a
 * global outage, refused whatever the review; the sequence that works is one region per change.
 *
 * Pure module: no Pulumi imports.
 */
import { readDeclaredFleets } from "../../models/capacity/declared";
import { resourceTypes as t } from "../../models/resourceTypes";
import type { PlanJson } from "../plan/planJson";
import type { ResourceChange, Risk } from "./planDiff";

/** Resources a region's traffic passes through: the load balancer, its addresses and listener, the hosts' group. */
const servingTypes = new Set<string>([t.lbLoadBalancer, t.albLoadBalancer, t.lbListener, t.albListener, t.ec2Eip, t.autoscalingGroup]);

/**
 * Whether this change stops its region serving: a serving-path resource deleted while its region
 * stays, or replaced where the old and the new cannot both serve (the replace's outage, or the old
 * one deleted first).
 */
function stopsServing(r: ResourceChange, headRegions: ReadonlySet<string>): boolean {
  if (!servingTypes.has(r.type) || !headRegions.has(r.region)) return false;
  if (r.op === "delete") return true;
  return r.op === "replace" && (!!r.replace?.outage || r.replace?.mode === "delete-before-replace");
}

export interface RegionOutage {
  region: string;
  /** The changes that stop it serving. */
  causes: ResourceChange[];
}

/** The regions a change stops serving, in the order the head declares its regions. */
export function regionOutages(head: PlanJson, resources: ResourceChange[]): RegionOutage[] {
  const order = [...new Set(head.resources.map((r) => r.region).filter((r): r is string => !!r))];
  const headRegions = new Set(order);
  const byRegion = new Map<string, ResourceChange[]>();
  for (const r of resources) if (stopsServing(r, headRegions)) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
  return order.filter((region) => byRegion.has(region)).map((region) => ({ region, causes: byRegion.get(region)! }));
}

const number = (n: number) => n.toLocaleString("en-US");

function cause(r: ResourceChange): string {
  if (r.op === "delete") return `${r.name} deleted`;
  return `${r.name} replaced (${r.replaceReasons.join(", ")} changed, ${r.replace?.mode ?? "create-before-delete"})`;
}

/** What the regions other than `down` carry while it serves nothing, from the head's declared fleets. */
function othersCarry(head: PlanJson, down: string[]): string {
  const fleets = readDeclaredFleets(head.resources.filter((r) => r.custom && r.type === t.autoscalingGroup));
  const others = fleets.filter((f) => !down.includes(f.region));
  if (others.length === 0) return "no other region serves: the whole edge is down";
  const names = others.map((f) => f.region).join(", ");
  if (others.some((f) => f.eventsPerHostPerSecond === undefined)) return `${names} carry its traffic (their per-host throughput is not declared)`;
  const at = (hosts: (f: (typeof others)[number]) => number) => others.reduce((sum, f) => sum + hosts(f) * f.eventsPerHostPerSecond!, 0);
  const maxHosts = others.reduce((s, f) => s + f.maxHosts, 0);
  const minHosts = others.reduce((s, f) => s + f.minHosts, 0);
  const demand = fleets.find((f) => f.peakEventsPerSecond !== undefined && f.burstFactor !== undefined);
  const required = demand ? demand.peakEventsPerSecond! * demand.burstFactor! : undefined;
  const atMax = at((f) => f.maxHosts);
  const verdict =
    required === undefined
      ? ""
      : atMax >= required
        ? ` (peak × burst ${number(required)}: ${Math.round((atMax / required - 1) * 100)}% headroom)`
        : ` — SHORT of peak × burst ${number(required)} by ${number(required - atMax)}`;
  return (
    `Route 53's health checks move its traffic to ${names}, which carry ${number(atMax)} events/s at their maximum ${maxHosts} hosts${verdict}, ` +
    `${number(at((f) => f.minHosts))} at their current minimum ${minHosts} until autoscaling adds hosts`
  );
}

/**
 * The outage risks of a change: one region down (it needs approval, with what the others carry),
 * or several at once (a global outage, refused, with the sequence that works).
 */
export function outageRisks(head: PlanJson, resources: ResourceChange[]): Risk[] {
  const outages = regionOutages(head, resources);
  if (outages.length === 0) return [];
  const causes = (o: RegionOutage) => `${o.region}: ${o.causes.map(cause).join(", ")}`;
  if (outages.length === 1) {
    const [o] = outages as [RegionOutage];
    return [
      {
        kind: "regional-outage",
        message:
          `regional outage of ${o.region}: ${o.causes.map(cause).join(", ")}; the region answers nothing until the new load balancer is active and its targets healthy. ` +
          `${othersCarry(head, [o.region])}.`,
      },
    ];
  }
  const regions = outages.map((o) => o.region);
  const list = `${regions.slice(0, -1).join(", ")} and ${regions[regions.length - 1]}`;
  return [
    {
      kind: "global-outage",
      message:
        `global outage: ${list} stop serving in the same deploy (${outages.map(causes).join("; ")}). ` +
        `deploy.yml applies the stack with one \`pulumi up\`, which runs independent resources' steps in parallel, so nothing orders the regions: ` +
        `they go down together and Route 53 has no healthy region to fail over to. ` +
        `Sequence that works: the same change one region per pull request, ${regions.join(", then ")}, each merged once the previous region's deploy finished and its targets are healthy (docs/runbook.md, 2.1).`,
    },
  ];
}

/** A changed launch template's region and what changed, when its group refreshes every host. */
export interface HostRefresh {
  region: string;
  template: string;
  /** Top-level properties of the template that changed. */
  changed: string[];
  /** The group's refresh floor, percent of hosts kept in service. */
  minHealthyPercentage?: number;
  hosts: string;
}

/**
 * Every region whose hosts an instance refresh replaces: a launch template updated under a group
 * that refreshes. The group takes the template's latest version, and "a refresh is started when any
 * of the following Auto Scaling Group properties change: launchConfiguration, launchTemplate,
 * mixedInstancesPolicy" (node_modules/@pulumi/aws/types/input.d.ts:10589, installed @pulumi/aws,
 * `GroupInstanceRefresh`).
 */
export function hostRefreshes(head: PlanJson, resources: ResourceChange[]): HostRefresh[] {
  return resources
    .filter((r) => r.type === t.ec2LaunchTemplate && (r.op === "update" || r.op === "replace"))
    .flatMap((r) => {
      const group = head.resources.find((g) => g.type === t.autoscalingGroup && (g.dependencies ?? []).includes(r.urn));
      const refresh = group?.inputs.instanceRefresh as { preferences?: { minHealthyPercentage?: number } } | undefined;
      if (!group || !refresh) return [];
      const changed = [...new Set(r.changes.map((c) => c.path.split(/[.[ ]/)[0]!))];
      return [
        {
          region: r.region,
          template: r.name,
          changed,
          minHealthyPercentage: refresh.preferences?.minHealthyPercentage,
          hosts: `${group.inputs.minSize}–${group.inputs.maxSize}`,
        },
      ];
    });
}

/** One line per refresh: every host of the region replaced, how many stay in service. */
export function hostRefreshLines(refreshes: HostRefresh[]): string[] {
  return refreshes.map(
    (h) =>
      `every host in ${h.region} (${h.hosts} hosts) is replaced by an instance refresh: launch template ${h.template} changed (${h.changed.join(", ")})` +
      (h.minHealthyPercentage === undefined ? "" : `, at least ${h.minHealthyPercentage}% of them kept in service, each drained first`),
  );
}
