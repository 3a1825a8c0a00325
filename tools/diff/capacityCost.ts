/**
 * Capacity and cost of both sides of a plan diff, and the lines the comment shows of them: the
 * monthly estimate's delta with its date and assumptions, hosts × instance type, free host
 * memory and events/s with the largest region lost, per region where they moved.
 *
 * Pure module: no Pulumi imports.
 */
import { CapacitySummary, capacitySummary, instanceTypeSpec, readDeclaredFleets } from "../../models/capacity";
import { resourceTypes } from "../../models/resourceTypes";
import { CostEstimate, describeAssumptions, estimateCost, formatCostDelta, formatDollars } from "../../models/cost/estimate";
import type { PlanJson } from "../plan/planJson";

export interface CapacitySide {
  capacity: CapacitySummary;
  cost: CostEstimate;
  /** Per region, the events/s one host is declared to sustain (`edge:ingest.eventsPerHostPerSecond`, on the group's tags). */
  eventsPerHost: Record<string, number | undefined>;
}

export interface CapacityCost {
  base: CapacitySide;
  head: CapacitySide;
}

function side(plan: PlanJson): CapacitySide {
  const custom = plan.resources.filter((r) => r.custom).map((r) => ({ type: r.type, urn: r.urn, region: r.region, inputs: r.inputs as Record<string, any> }));
  const fleets = readDeclaredFleets(custom.filter((r) => r.type === resourceTypes.autoscalingGroup));
  return { capacity: capacitySummary(custom), cost: estimateCost(custom), eventsPerHost: Object.fromEntries(fleets.map((f) => [f.region, f.eventsPerHostPerSecond])) };
}

export function capacityCost(base: PlanJson, head: PlanJson): CapacityCost {
  return { base: side(base), head: side(head) };
}

const arrow = (before: string, after: string) => (before === after ? after : `${before} → ${after}`);

/** One line each: cost, hosts, free host memory, events/s with a region lost. */
export function capacityCostLines(c: CapacityCost): string[] {
  const { base, head } = c;
  const cost =
    `cost: ${formatCostDelta(base.cost, head.cost)} (${formatDollars(base.cost.monthlyUsd)} → ${formatDollars(head.cost.monthlyUsd)}; ${describeAssumptions(head.cost)})` +
    (head.cost.unpriced.length > 0 ? `; not priced: ${head.cost.unpriced.join(", ")}` : "") +
    (head.cost.unconfirmed.length > 0 ? `; ${formatDollars(head.cost.unconfirmedUsd)} of it at rates no source confirms (us-east-1's × a guessed factor): ${head.cost.unconfirmed.join(", ")}` : "");
  const regions = [...new Set([...base.capacity.regions, ...head.capacity.regions].map((r) => r.region))].sort();
  const find = (s: CapacitySide, region: string) => s.capacity.regions.find((r) => r.region === region);
  const hostsOf = (s: CapacitySide, region: string) => {
    const r = find(s, region);
    return r ? `${r.minHosts}–${r.maxHosts} × ${r.instanceType}` : "none";
  };
  const memoryOf = (s: CapacitySide, region: string) => {
    const m = find(s, region)?.freeMemoryMiB;
    return m === undefined ? "unknown" : `${m} MiB`;
  };
  const hosts = `hosts: ${regions.map((r) => `${r} ${arrow(hostsOf(base, r), hostsOf(head, r))}`).join("; ")}`;
  const memory = `free host memory after nginx's worst case and the service reserve: ${regions.map((r) => `${r} ${arrow(memoryOf(base, r), memoryOf(head, r))}`).join("; ")}`;
  const lost = (s: CapacitySide) =>
    s.capacity.survivingEventsPerSecond === undefined ? "unknown" : `${s.capacity.survivingEventsPerSecond} events/s${s.capacity.lostRegion ? ` (${s.capacity.lostRegion} lost)` : " (one region)"}`;
  const surviving = `with the largest region lost: ${arrow(lost(base), lost(head))}${instanceTypeCaveat(c)}`;
  return [cost, hosts, memory, surviving];
}

/**
 * The events/s figure multiplies hosts by the per-host throughput the stack declares, measured on
 * one instance type: when a region's type moves and that figure does not, the figure is no longer
 * a measurement. Says so, with what the same throughput per vCPU would give.
 */
function instanceTypeCaveat(c: CapacityCost): string {
  const moved = c.head.capacity.regions.flatMap((h) => {
    const b = c.base.capacity.regions.find((r) => r.region === h.region);
    const perHost = c.head.eventsPerHost[h.region];
    if (!b || b.instanceType === h.instanceType || perHost === undefined || c.base.eventsPerHost[h.region] !== perHost) return [];
    return [{ region: h.region, from: b.instanceType, to: h.instanceType, perHost }];
  });
  if (moved.length === 0) return "";
  const first = moved[0]!;
  const [from, to] = [instanceTypeSpec(first.from)?.vcpus, instanceTypeSpec(first.to)?.vcpus];
  const scaled = from && to ? `; at the same throughput per vCPU (${from} → ${to}) a host carries ${Math.round((first.perHost * to) / from).toLocaleString("en-US")}` : "";
  return (
    ` — the instance type moved (${moved.map((m) => `${m.region} ${m.from} → ${m.to}`).join(", ")}) but the per-host throughput did not: ` +
    `${first.perHost.toLocaleString("en-US")} events/s a host was measured on ${first.from}${scaled}. Measure ${first.to} and set edge:ingest.eventsPerHostPerSecond`
  );
}
