/**
 * The diff of two offline plans (`npm run plan -- --json`): resources matched by URN, property
 * changes, the policy delta, and the risky changes a reviewer must see first. Its parts live
 * beside it (diffTypes, replaceDecision, policyDelta, risks, recoveryDelta); this module composes
 * them and exports the whole.
 *
 * Pure module: no Pulumi imports. `render.ts` turns a `PlanDiff` into markdown or text.
 */
import { diffValues, PropertyChange } from "./values";
import { PlanJson, PlanJsonResource, rootStackType } from "../plan/planJson";
import { recordsFromResources } from "../../models/dns/compare";
import { replaceRules } from "./replaceRules";
import { capacityCost } from "./capacityCost";
import { rehearseDiff, rehearsalRisks } from "./updateRehearsal";
import { hostRefreshes, regionOutages } from "./outage";
import { markPlaceholders } from "./placeholders";
import { diffGuard } from "./guardDelta";
import { servingPathDiff } from "./servingPath";
import { networkFlowRisks, routeMoveRisks } from "./networkRisk";
import { Op, PlanDiff, ResourceChange } from "./diffTypes";
import { diffPolicy } from "./policyDelta";
import { diffRecovery, recoveryRisks } from "./recoveryDelta";
import { ReplaceDecision, cascade, matchResources, replaceDecision, replaced } from "./replaceDecision";
import { diffSecrets, findRisks, rotatedSecretInputs } from "./risks";

export type { PlanJson, PlanJsonResource, PlanJsonViolation } from "../plan/planJson";
export * from "./diffTypes";
export { diffPolicy } from "./policyDelta";
export { diffSecrets, findRisks } from "./risks";
export { cascade, matchResources, replaceDecision, type ReplaceDecision } from "./replaceDecision";
export { diffRecovery, recoveryDeltaTitle } from "./recoveryDelta";

/** The top-level component ancestor (the child of the stack) of each URN, as `type name`. */
function componentOf(index: Map<string, PlanJsonResource>): (r: PlanJsonResource) => string {
  return (r) => {
    let current = r;
    const seen = new Set<string>();
    while (current.parent && !seen.has(current.urn)) {
      seen.add(current.urn);
      const parent = index.get(current.parent);
      if (!parent || parent.type === rootStackType) break;
      current = parent;
    }
    return current === r && r.custom ? "(stack)" : `${current.type} ${current.name}`;
  };
}
/** A DNS record resource as the zone serves it: name, type, TTL, values. */
function servedRecord(r: PlanJsonResource): string | undefined {
  const [record] = recordsFromResources([{ type: r.type, inputs: r.inputs as Record<string, any> }]);
  if (!record) return undefined;
  return `${record.name} ${record.type}${record.setId ? ` (set ${record.setId})` : ""} ${record.ttl ?? "alias"} ${record.values.join(" ")}`;
}
/** The diff of `head` against `base`. A plan diffed against itself has no changes. */
export function diffPlans(base: PlanJson, head: PlanJson): PlanDiff {
  // What the diff shows has the mocks' invented values marked; the models judge the plans as planned.
  const [shownBase, shownHead] = markPlaceholders(base, head);
  const baseIndex = new Map(base.resources.map((r) => [r.urn, r]));
  const headIndex = new Map(head.resources.map((r) => [r.urn, r]));
  const matched = matchResources(base, head);
  const matchedBase = new Set([...matched.values()].map((r) => r.urn));
  const baseComponent = componentOf(baseIndex);
  const headComponent = componentOf(headIndex);
  const resources: ResourceChange[] = [];
  let same = 0;
  const common = (r: PlanJsonResource, component: string) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.custom,
    region: r.region ?? "global",
    component,
  });
  const own = new Map<string, { old: PlanJsonResource; changes: PropertyChange[]; replace?: ReplaceDecision }>();
  const shownOld = new Map(shownBase.resources.map((r) => [r.urn, r]));
  for (const r of shownHead.resources) {
    if (r.type === rootStackType) continue;
    const found = matched.get(r.urn);
    const old = found && shownOld.get(found.urn);
    if (!old) continue;
    const changes = diffValues(old.inputs, r.inputs);
    changes.unshift(...rotatedSecretInputs(old, r, base, head, changes));
    if ((old.region ?? null) !== (r.region ?? null)) changes.unshift({ kind: "update", path: "region", before: old.region, after: r.region });
    own.set(r.urn, { old, changes, replace: replaceDecision(r.type, old.inputs, r.inputs, changes, r.options?.deleteBeforeReplace) });
  }
  const cascaded = cascade(
    head,
    [...own].filter(([, o]) => o.replace).map(([urn]) => urn),
  );
  for (const r of shownHead.resources) {
    if (r.type === rootStackType) continue;
    const mine = own.get(r.urn);
    if (!mine) {
      resources.push({ op: "create", ...common(r, headComponent(r)), changes: diffValues({}, r.inputs), replaceReasons: [] });
      continue;
    }
    const follows = cascaded.get(r.urn);
    if (mine.changes.length === 0 && !follows) {
      same++;
      continue;
    }
    const reasons = [...(mine.replace?.reasons ?? []), ...(follows?.reasons ?? []).filter((p) => !mine.replace?.reasons.includes(p))];
    const citations = [...(mine.replace?.citations ?? []), ...(follows?.reasons ?? []).filter((p) => !mine.replace?.reasons.includes(p)).map((p) => replaceRules[r.type]!.properties[p]!.cite)];
    const replace = reasons.length > 0 ? replaced(r.type, reasons, citations, r.options?.deleteBeforeReplace ?? false, r.inputs) : undefined;
    resources.push({
      op: replace ? "replace" : "update",
      ...common(r, headComponent(r)),
      changes: mine.changes,
      replaceReasons: reasons,
      ...(replace ? { replace } : {}),
      ...(follows ? { cascadeFrom: follows.from } : {}),
    });
  }
  for (const r of shownBase.resources) {
    if (r.type === rootStackType || matchedBase.has(r.urn)) continue;
    const served = servedRecord(r);
    resources.push({ op: "delete", ...common(r, baseComponent(r)), changes: [], replaceReasons: [], ...(served ? { served } : {}) });
  }
  const counts = { create: 0, delete: 0, update: 0, replace: 0, same };
  for (const r of resources) counts[r.op]++;
  const recovery = diffRecovery(base, head);
  const rehearsal = rehearseDiff(base, head, matched, resources);
  const guard = diffGuard(base, head);
  return {
    stack: head.stack,
    recovery,
    resources,
    counts,
    outputs: diffValues(shownBase.stackOutputs ?? {}, shownHead.stackOutputs ?? {}),
    policy: diffPolicy(base, head),
    risks: [
      ...rehearsalRisks(rehearsal),
      ...findRisks(base, head, resources, guard),
      ...networkFlowRisks(base, head),
      ...routeMoveRisks(head, matched, new Set(resources.filter((r) => r.op === "replace").map((r) => r.urn))),
      ...recoveryRisks(recovery),
    ],
    secrets: diffSecrets(base, head),
    capacity: capacityCost(base, head),
    rehearsal,
    config: diffConfig(base, head),
    guard,
    servingPath: servingPathDiff(
      base,
      head,
      resources,
      regionOutages(head, resources).map((o) => o.region),
    ),
    refreshes: hostRefreshes(head, resources),
  };
}

/** The stack config leaves that changed; none when either plan predates `stackConfig`. */
function diffConfig(base: PlanJson, head: PlanJson): PropertyChange[] {
  if (!base.stackConfig || !head.stackConfig) return [];
  const keys = [...new Set([...Object.keys(base.stackConfig), ...Object.keys(head.stackConfig)])].sort();
  return keys.flatMap((path): PropertyChange[] => {
    const before = base.stackConfig![path];
    const after = head.stackConfig![path];
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    if (before === undefined) return [{ kind: "add", path, after }];
    if (after === undefined) return [{ kind: "delete", path, before }];
    return [{ kind: "update", path, before, after }];
  });
}

export function isEmpty(diff: PlanDiff): boolean {
  const { added, fixed, changed } = diff.policy;
  return (
    diff.resources.length === 0 &&
    diff.outputs.length === 0 &&
    diff.secrets.length === 0 &&
    diff.config.length === 0 &&
    diff.guard.changes.length === 0 &&
    diff.guard.admitted.length === 0 &&
    added.length + fixed.length + changed.length === 0
  );
}

/** Changes grouped by top-level component, then region, in a stable order. */
export function groupChanges(diff: PlanDiff): { component: string; region: string; changes: ResourceChange[] }[] {
  const groups = new Map<string, { component: string; region: string; changes: ResourceChange[] }>();
  for (const r of diff.resources) {
    const k = `${r.component}\u0000${r.region}`;
    const g = groups.get(k) ?? { component: r.component, region: r.region, changes: [] };
    g.changes.push(r);
    groups.set(k, g);
  }
  const order: Record<Op, number> = { delete: 0, replace: 1, update: 2, create: 3 };
  return [...groups.values()]
    .sort((a, b) => a.component.localeCompare(b.component) || a.region.localeCompare(b.region))
    .map((g) => ({ ...g, changes: g.changes.sort((a, b) => order[a.op] - order[b.op] || a.urn.localeCompare(b.urn)) }));
}
