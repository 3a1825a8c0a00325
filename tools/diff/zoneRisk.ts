/**
 * A zone push that deletes or rewrites a large share of a zone's records: octoDNS refuses such a
 * plan as unsafe (more than 30% of the records updated or deleted, on zones with at least 10
 * records). Uses the DNS model's record comparison, per provider.
 *
 * Pure module: no Pulumi imports.
 */
import { compareRecordSets, recordsFromResources, unsafeChangedShare } from "../../models/dns/compare";
import type { PlanJson, Risk } from "./planDiff";

/** octoDNS applies its thresholds only to zones with at least this many records (MIN_EXISTING_RECORDS). */
export const minRecordsForShareRule = 10;

export function zoneRecordRisks(base: PlanJson, head: PlanJson): Risk[] {
  const changes = compareRecordSets(recordsFromResources(base.resources), recordsFromResources(head.resources));
  return changes.flatMap((c) => {
    const before = c.removed.length + c.changed.length + c.unchanged;
    if (before < minRecordsForShareRule || c.changedShare <= unsafeChangedShare) return [];
    const pct = Math.round(c.changedShare * 100);
    return [
      {
        kind: "zone-records-rewritten" as const,
        message:
          `${c.provider} zone: ${c.removed.length} of ${before} records deleted and ${c.changed.length} rewritten (${pct}%, ` +
          `above octoDNS's ${Math.round(unsafeChangedShare * 100)}% unsafe threshold); check the zone still answers every name ` +
          `before merging (incident 001: the DNS is the edge's front door)`,
      },
    ];
  });
}
