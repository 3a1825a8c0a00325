/**
 * enforce-datastore-budget — mandatory (stack policy).
 *
 * All regions' maximum hosts × the ingestion service's pool size per host must stay within a share
 * (default 80%) of the datastore's max connections, so a fleet scaled to its maximum cannot exhaust
 * the datastore. Judged from the autoscaling groups as declared (`maxSize` and capacity tags).
 *
 * Lesson `datastoreConnections` of incident 002 (models/incidents.ts): capping every service's
 * connections ended that outage.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { datastoreBudget, DeclaredFleet, readDeclaredFleets } from "../../models/capacity";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { Finding, reportFinding } from "../finding";
import { sharePercentBound } from "./bounds";
import { incidentNote } from "../../models/incidents";

export const datastoreBudgetBounds = {
  maxDatastorePercent: sharePercentBound(
    "Largest share, in percent of the datastore's max connections, the ingestion fleet's pools may hold.",
  ),
} satisfies Record<string, NumberBound>;

const incident = incidentNote("datastoreConnections");

/** The violation messages for the declared fleets' datastore connections. */
/** The fleet's pools over the datastore's budget, on the group with the largest pool (whose size the fix lowers). */
export function judgeDatastoreBudget(fleets: (DeclaredFleet & { urn: string })[], bounds: Record<keyof typeof datastoreBudgetBounds, number>): Finding[] {
  if (fleets.length === 0) return [];
  const missing = fleets.flatMap((f) =>
    (["poolSizePerHost", "datastoreMaxConnections"] as const).filter((key) => f[key] === undefined).map((key) => `${f.region}: ${key}`),
  );
  if (missing.length) {
    const untagged = fleets.find((f) => f.poolSizePerHost === undefined || f.datastoreMaxConnections === undefined)!;
    return [
      {
        urn: untagged.urn,
        subject: "capacity tags",
        message: `The datastore budget cannot be judged: the autoscaling groups lack the capacity tags for ${missing.join(", ")}. ${incident}`,
      },
    ];
  }
  // The largest pool and the smallest datastore limit any group declares: the worst case.
  const poolSizePerHost = Math.max(...fleets.map((f) => f.poolSizePerHost!));
  const maxConnections = Math.min(...fleets.map((f) => f.datastoreMaxConnections!));
  const budget = datastoreBudget({
    maxHostsPerRegion: fleets.map((f) => f.maxHosts),
    poolSizePerHost,
    maxConnections,
    maxShare: bounds.maxDatastorePercent / 100,
  });
  if (budget.ok) return [];
  const hosts = fleets.map((f) => f.maxHosts).join(" + ");
  const fixes = [
    budget.fittingPoolSizePerHost >= 1 ? `edge:datastore.poolSizePerHost ${poolSizePerHost} → ${budget.fittingPoolSizePerHost}` : undefined,
    `edge:datastore.maxConnections ${maxConnections} → ${budget.neededMaxConnections}`,
  ].filter(Boolean);
  return [
    {
      urn: fleets.find((f) => f.poolSizePerHost === poolSizePerHost)!.urn,
      subject: "datastore connections",
      message:
        `All regions' hosts may open (${hosts}) max hosts × ${poolSizePerHost} pooled connections = ${budget.fleetConnections} datastore connections, ` +
        `above ${bounds.maxDatastorePercent}% of the datastore's ${maxConnections} max connections (${budget.limitConnections}). ` +
        `Smallest fix: ${fixes.join(", or ")}. ${incident}`,
    },
  ];
}

export const enforceDatastoreBudget: StackValidationPolicy = {
  name: "enforce-datastore-budget",
  description: "All regions' max hosts × pool size stay within 80% of the datastore's max connections (incident 002).",
  enforcementLevel: "mandatory",
  configSchema: numberBoundsSchema(datastoreBudgetBounds),
  validateStack: (args, reportViolation) => {
    const findings = judgeDatastoreBudget(readDeclaredFleets(args.resources), resolveBounds(datastoreBudgetBounds, args.getConfig()));
    for (const finding of findings) reportFinding(reportViolation, finding);
  },
};
