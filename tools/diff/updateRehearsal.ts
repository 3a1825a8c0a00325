/**
 * The update rehearsal of a plan diff: the base and head plans and the diff's decisions (what is
 * created, updated, replaced how, deleted) become the engine's walk (`models/rehearsal`), and its
 * refusals become risks no approval clears. `diff`, `pr-check` and `plan --base` read it from here;
 * the pull-request comment reads `PlanDiff.rehearsal` for the deletes the API refuses or cannot undo.
 *
 * Pure module: no Pulumi imports.
 */
import { rehearseUpdate, refusalMessage, type PlannedChange, type Refusal, type Rehearsal, type RehearsalResource } from "../../models/rehearsal/updateRehearsal";
import type { PlanJson, PlanJsonResource } from "../plan/planJson";
import { rootStackType } from "../plan/planJson";

export type { Rehearsal, Refusal } from "../../models/rehearsal/updateRehearsal";

/** The diff's decision for one resource, as much of `ResourceChange` as the rehearsal reads. */
export interface DiffDecision {
  op: "create" | "update" | "replace" | "delete";
  urn: string;
  replace?: { mode: "create-before-delete" | "delete-before-replace" };
}

const asResource = (r: PlanJsonResource): RehearsalResource => ({
  urn: r.urn,
  type: r.type,
  name: r.name,
  region: r.region,
  inputs: r.inputs,
  dependencies: r.dependencies,
  propertyDependencies: r.propertyDependencies,
  options: r.options,
});

/**
 * Rehearses the update from `base` to `head`: `matched` pairs each head URN with its base resource
 * (`matchResources`), `decisions` are the diff's. Head resources in the head's order, then the
 * base's deletions; components are not cloud objects and are left out.
 */
export function rehearseDiff(base: PlanJson, head: PlanJson, matched: Map<string, PlanJsonResource>, decisions: DiffDecision[]): Rehearsal {
  const byUrn = new Map(decisions.map((d) => [d.urn, d]));
  const changes: PlannedChange[] = [];
  for (const r of head.resources) {
    if (!r.custom || r.type === rootStackType) continue;
    const before = matched.get(r.urn);
    const decision = byUrn.get(r.urn);
    if (!before) changes.push({ op: "create", after: asResource(r) });
    else if (decision?.op === "replace") changes.push({ op: "replace", before: asResource(before), after: asResource(r), mode: decision.replace?.mode ?? "create-before-delete" });
    else changes.push({ op: decision ? "update" : "same", before: asResource(before), after: asResource(r) });
  }
  const matchedBase = new Set([...matched.values()].map((r) => r.urn));
  for (const r of base.resources) {
    if (!r.custom || r.type === rootStackType || matchedBase.has(r.urn)) continue;
    changes.push({ op: "delete", before: asResource(r) });
  }
  return rehearseUpdate(changes);
}

/** The refusals as risks no approval clears, each naming the API's error, its source and the sequence that works. */
export function rehearsalRisks(rehearsal: Rehearsal): { kind: "protected-resource-replaced" | "refused-by-api"; urn: string; message: string }[] {
  return rehearsal.refusals.map((r) => ({ kind: r.kind === "deletion-protected" ? "protected-resource-replaced" : "refused-by-api", urn: r.step.urn, message: refusalMessage(r) }));
}

/** A refusal as a plan finding (`npm run plan -- --base`): the resource, a stable subject, the message. */
export function refusalFinding(refusal: Refusal): { urn: string; subject: string; message: string } {
  return { urn: refusal.step.urn, subject: `${refusal.step.op}: ${refusal.kind}`, message: refusalMessage(refusal) };
}
