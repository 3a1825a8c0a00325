/**
 * Capacity and cost of both sides of a plan diff, and the lines the comment shows of them: the
 * monthly estimate's delta with its date and assumptions, hosts × instance type, free host
 * memory and events/s with the largest region lost, per region where they moved.
 *
 * Pure module: no Pulumi imports.
 */
import { CapacitySummary, capacitySummary } from "../../models/capacity";
import { CostEstimate, describeAssumptions, estimateCost, formatCostDelta, formatDollars } from "../../models/cost/estimate";
import type { PlanJson } from "../plan/planJson";

export interface CapacitySide {
  capacity: CapacitySummary;
  cost: CostEstimate;
}

export interface CapacityCost {
  base: CapacitySide;
  head: CapacitySide;
}

function side(plan: PlanJson): CapacitySide {
  const custom = plan.resources.filter((r) => r.custom).map((r) => ({ type: r.type, urn: r.urn, region: r.region, inputs: r.inputs as Record<string, any> }));
  return { capacity: capacitySummary(custom), cost: estimateCost(custom) };
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
    (head.cost.unconfirmed.length > 0
      ? `; ${formatDollars(head.cost.unconfirmedUsd)} of it at rates no source confirms (us-east-1's × a guessed factor): ${head.cost.unconfirmed.join(", ")}`
      : "");
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
  const surviving = `with the largest region lost: ${arrow(lost(base), lost(head))}`;
  return [cost, hosts, memory, surviving];
}
