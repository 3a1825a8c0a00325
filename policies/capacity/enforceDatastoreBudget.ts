/**
 * enforce-datastore-budget — mandatory (stack policy).
 *
 * Every process that connects to a datastore counts: each region's maximum hosts × processes per
 * host (the service's main and backup) × each process's pool, summed over the regions that write
 * to that datastore, must stay within a share (default 80%) of its max connections, so fleets
 * scaled to their maximum cannot exhaust it. Each region is judged against its own datastore
 * (`edge:datastore.endpoints.<region>`); regions that name the same hosts share one budget.
 * Judged from the autoscaling groups as declared (`maxSize` and capacity tags).
 *
 * Lesson `datastoreConnections` of incident 002 (models/incidents.ts): capping every service's
 * connections ended that outage.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { DatastoreGroup, datastoreGroups, DeclaredFleet, poolPerProcess, readDeclaredFleets, TaggedDatastoreFleet } from "../../models/capacity";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { Finding, reportFinding } from "../finding";
import { sharePercentBound } from "./bounds";
import { incidentNote } from "../../models/incidents";
import { fromPolicyResource } from "../../models/declaredResource";

export const datastoreBudgetBounds = {
  maxDatastorePercent: sharePercentBound("Largest share, in percent of a datastore's max connections, the ingestion fleets writing to it may hold."),
} satisfies Record<string, NumberBound>;

const incident = incidentNote("datastoreConnections");

const budgetTags = ["datastore", "datastoreMaxConnections", "poolSizePerHost", "processesPerHost"] as const;

type JudgedFleet = DeclaredFleet & { urn: string };

/** Fleets with every tag the budget reads, or the finding naming the tags missing. */
function taggedFleets(fleets: JudgedFleet[]): (JudgedFleet & TaggedDatastoreFleet)[] | Finding {
  const missing = fleets.flatMap((f) => budgetTags.filter((key) => f[key] === undefined).map((key) => ({ fleet: f, name: `${f.region}: ${key}` })));
  if (missing.length === 0) return fleets as (JudgedFleet & TaggedDatastoreFleet)[];
  return {
    urn: missing[0]!.fleet.urn,
    subject: "capacity tags",
    message: `The datastore budget cannot be judged: the autoscaling groups lack the capacity tags for ${missing.map((m) => m.name).join(", ")}. ${incident}`,
  };
}

const endpointKey = (region: string) => `edge:datastore.endpoints.${region}`;

/** One datastore's fleets over its budget, on the group with the largest pool (whose size the fix lowers). */
function overBudget(group: DatastoreGroup<JudgedFleet & TaggedDatastoreFleet>, maxPercent: number): Finding {
  const { fleets, budget, maxConnections } = group;
  const regions = fleets.map((f) => f.region);
  const pools = [...new Set(fleets.map((f) => f.poolSizePerHost))];
  const largest = fleets.reduce((a, b) => (b.poolSizePerHost > a.poolSizePerHost ? b : a));
  const counted = fleets.map((f) => `${f.maxHosts}`).join(" + ");
  const processes = [...new Set(fleets.map((f) => f.processesPerHost))].join("/");
  const perProcess = [...new Set(fleets.map((f) => poolPerProcess(f)))].join("/");
  const whose =
    fleets.length === 1
      ? `${regions[0]}'s datastore (${endpointKey(regions[0]!)}: ${group.datastore})`
      : `The datastore ${regions.join(", ")} share (${regions.map(endpointKey).join(", ")} name the same hosts: ${group.datastore})`;
  const fixes = [
    budget.fittingPoolSizePerHost >= largest.processesPerHost ? `edge:datastore.poolSizePerHost ${pools.join("/")} → ${budget.fittingPoolSizePerHost}` : undefined,
    `${regions.map((r) => `${endpointKey(r)}.maxConnections`).join(" and ")} ${maxConnections} → ${budget.neededMaxConnections}`,
    fleets.length > 1 ? "give each region its own datastore" : undefined,
  ].filter(Boolean);
  return {
    urn: largest.urn,
    subject: "datastore connections",
    message:
      `${whose} may get ${fleets.length > 1 ? `(${counted})` : counted} max hosts × ${processes} processes per host × ${perProcess} pooled connections each = ` +
      `${budget.fleetConnections} connections, above ${maxPercent}% of its ${maxConnections} max connections (${budget.limitConnections}). ` +
      `Smallest fix: ${fixes.join(", or ")}. ${incident}`,
  };
}

/** Every datastore whose fleets may open more than its budget allows. */
export function judgeDatastoreBudget(fleets: JudgedFleet[], bounds: Record<keyof typeof datastoreBudgetBounds, number>): Finding[] {
  if (fleets.length === 0) return [];
  const tagged = taggedFleets(fleets);
  if (!Array.isArray(tagged)) return [tagged];
  return datastoreGroups(tagged, bounds.maxDatastorePercent / 100)
    .filter((group) => !group.budget.ok)
    .map((group) => overBudget(group, bounds.maxDatastorePercent));
}

export const enforceDatastoreBudget: StackValidationPolicy = {
  name: "enforce-datastore-budget",
  description: "Each datastore's connections from every region writing to it (max hosts × processes × pool) stay within 80% of its max connections (incident 002).",
  enforcementLevel: "mandatory",
  configSchema: numberBoundsSchema(datastoreBudgetBounds),
  validateStack: (args, reportViolation) => {
    const findings = judgeDatastoreBudget(readDeclaredFleets(args.resources.map(fromPolicyResource)), resolveBounds(datastoreBudgetBounds, args.getConfig()));
    for (const finding of findings) reportFinding(reportViolation, finding);
  },
};
