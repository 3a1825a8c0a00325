/**
 * missing-second-region — mandatory (stack policy).
 *
 * Under prod rules (the `edge:environment` tag the `IngestRegion` writes on its autoscaling group),
 * ingestion must run in at least two independent regions. The stack schema refuses such a config
 * first; this policy also catches a program or resource edited by hand.
 *
 * Lesson `secondRegion` of incident 002 (models/incidents.ts).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { DeclaredFleet, readDeclaredFleets } from "../../models/capacity";
import { incidentNote } from "../../models/incidents";
import { fromPolicyResource } from "../../models/declaredResource";
import { Finding, reportFinding } from "../finding";

/** Fewest regions prod runs ingestion in. */
export const prodMinRegions = 2;

/** The violation message, or undefined when prod runs in enough regions (or the stack is not prod). */
/** A prod fleet in one region, on its first autoscaling group. */
export function judgeSecondRegion(fleets: (DeclaredFleet & { urn: string })[]): Finding | undefined {
  const prod = fleets.filter((f) => f.environment === "prod");
  if (prod.length === 0) return undefined;
  const regions = [...new Set(prod.map((f) => f.region))];
  if (regions.length >= prodMinRegions) return undefined;
  return {
    urn: prod[0]!.urn,
    subject: "prod regions",
    message:
      `Under prod rules ingestion runs in ${regions.length} region (${regions.join(", ")}), below the ${prodMinRegions} independent regions required. ` +
      `Smallest fix: add a second region to edge:regions. ${incidentNote("secondRegion")}`,
  };
}

export const missingSecondRegion: StackValidationPolicy = {
  name: "missing-second-region",
  description: "Prod runs ingestion in at least two independent regions (incident 002).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const finding = judgeSecondRegion(readDeclaredFleets(args.resources.map(fromPolicyResource)));
    if (finding) reportFinding(reportViolation, finding);
  },
};
