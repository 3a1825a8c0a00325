/**
 * enforce-region-loss-capacity — mandatory (stack policy).
 *
 * With the largest region lost, the other regions' maximum hosts × events per host must carry the
 * peak × burst factor. Judged from the autoscaling groups as declared (`maxSize` and the capacity
 * tags the `IngestRegion` writes). With one region, that region alone must carry it
 * (`missing-second-region` judges one region under prod rules).
 *
 * Lessons `spike` of incident 000 and `regionFailure` of incident 002 (models/incidents.ts).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { DeclaredFleet, readDeclaredFleets, regionLossCapacity } from "../../models/capacity";
import { incidentNote } from "../../models/incidents";
import { fromPolicyResource } from "../../models/declaredResource";
import { Finding, reportFinding } from "../finding";

const incidents = `${incidentNote("spike")} ${incidentNote("regionFailure")}`;

/** The violation messages for the declared fleets: missing figures, or capacity short of peak × burst. */
/**
 * The fleet's shortfall with its largest region lost, on that region's autoscaling group (on the
 * only group of a one-region fleet); a fleet without the capacity tags on its first untagged group.
 */
export function judgeRegionLossCapacity(fleets: (DeclaredFleet & { urn: string })[]): Finding[] {
  if (fleets.length === 0) return [];
  const missing = fleets.flatMap((f) => (["peakEventsPerSecond", "burstFactor", "eventsPerHostPerSecond"] as const).filter((key) => f[key] === undefined).map((key) => `${f.region}: ${key}`));
  if (missing.length) {
    const untagged = fleets.find((f) => f.peakEventsPerSecond === undefined || f.burstFactor === undefined || f.eventsPerHostPerSecond === undefined)!;
    return [
      {
        urn: untagged.urn,
        subject: "capacity tags",
        message: `The fleet's capacity cannot be judged: the autoscaling groups lack the capacity tags for ${missing.join(", ")}. ${incidents}`,
      },
    ];
  }
  const demand = {
    peakEventsPerSecond: Math.max(...fleets.map((f) => f.peakEventsPerSecond!)),
    burstFactor: Math.max(...fleets.map((f) => f.burstFactor!)),
  };
  const capacity = regionLossCapacity(
    fleets.map((f) => ({ region: f.region, maxHosts: f.maxHosts, eventsPerHostPerSecond: f.eventsPerHostPerSecond! })),
    demand,
  );
  if (capacity.ok) return [];
  const surviving = fleets.filter((f) => f.region !== capacity.lostRegion);
  const terms = surviving.map((f) => `${f.region} ${f.maxHosts} hosts × ${f.eventsPerHostPerSecond} events/s`).join(" + ");
  const what = capacity.lostRegion
    ? `With ${capacity.lostRegion} lost (the largest region), ${terms} = ${capacity.survivingEventsPerSecond} events/s`
    : `The only region carries ${terms} = ${capacity.survivingEventsPerSecond} events/s`;
  const sizes = new Set(fleets.map((f) => f.maxHosts));
  const fix =
    sizes.size === 1 ? `edge:ingest.maxHostsPerRegion ${fleets[0]!.maxHosts} → ${capacity.neededMaxHostsPerRegion}` : `raise every region's max hosts to at least ${capacity.neededMaxHostsPerRegion}`;
  return [
    {
      urn: (fleets.find((f) => f.region === capacity.lostRegion) ?? fleets[0]!).urn,
      subject: "region loss",
      message:
        `${what}, below peak ${demand.peakEventsPerSecond} × burst ${demand.burstFactor} = ${capacity.requiredEventsPerSecond} events/s ` +
        `(${Math.round((capacity.survivingEventsPerSecond / capacity.requiredEventsPerSecond) * 100)}% of it). ` +
        `Smallest fix: ${fix}. ${incidents}`,
    },
  ];
}

export const enforceRegionLossCapacity: StackValidationPolicy = {
  name: "enforce-region-loss-capacity",
  description: "With the largest region lost, the other regions' max hosts carry peak × burst (incidents 000, 002).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const fleets = readDeclaredFleets(args.resources.map(fromPolicyResource));
    for (const finding of judgeRegionLossCapacity(fleets)) reportFinding(reportViolation, finding);
  },
};
