/**
 * The policy delta of two plans: violations new, fixed, changed and unchanged, matched by policy
 * and resource (a moved resource keeps its findings).
 *
 * Pure module: no Pulumi imports.
 */
import { PlanJson, PlanJsonResource, PlanJsonViolation } from "../plan/planJson";
import { PolicyDelta, ViolationDelta } from "./diffTypes";
import { matchResources } from "./replaceDecision";

function describe(index: Map<string, PlanJsonResource>, urn: string): string {
  const r = index.get(urn);
  return urn ? (r ? `${r.type} ${r.name}` : urn) : "(stack)";
}

export function diffPolicy(base: PlanJson, head: PlanJson): PolicyDelta {
  const baseIndex = new Map(base.resources.map((r) => [r.urn, r]));
  const headIndex = new Map(head.resources.map((r) => [r.urn, r]));
  // A finding is the same across plans when its policy, resource and subject are: then only its
  // numbers moved. A finding on a moved resource is keyed by the resource's head URN on both sides.
  const headUrnOf = new Map([...matchResources(base, head)].map(([headUrn, old]) => [old.urn, headUrn]));
  const key = (urn: string, v: PlanJsonViolation) => `${v.policyName}\u0000${urn}\u0000${v.subject ?? ""}`;
  const group = (list: PlanJsonViolation[], urnOf: (urn: string) => string) => {
    const map = new Map<string, PlanJsonViolation[]>();
    for (const v of list) {
      const k = key(urnOf(v.urn), v);
      map.set(k, [...(map.get(k) ?? []), v]);
    }
    return map;
  };
  const b = group(base.violations, (urn) => headUrnOf.get(urn) ?? urn);
  const h = group(head.violations, (urn) => urn);
  const delta: PolicyDelta = { added: [], fixed: [], changed: [], unchanged: [] };
  const entry = (v: PlanJsonViolation, index: Map<string, PlanJsonResource>, before?: string): ViolationDelta => ({
    policyName: v.policyName,
    enforcementLevel: v.enforcementLevel,
    urn: v.urn,
    subject: v.subject ?? "",
    resource: describe(index, v.urn),
    message: v.message,
    ...(before === undefined ? {} : { before }),
  });
  for (const [k, headList] of h) {
    const baseList = [...(b.get(k) ?? [])];
    for (const v of headList) {
      const same = baseList.findIndex((old) => old.message === v.message);
      if (same >= 0) {
        delta.unchanged.push(entry(v, headIndex));
        baseList.splice(same, 1);
      } else if (baseList.length > 0) {
        delta.changed.push(entry(v, headIndex, baseList.shift()!.message));
      } else {
        delta.added.push(entry(v, headIndex));
      }
    }
    b.set(k, baseList);
  }
  for (const list of b.values()) for (const v of list) delta.fixed.push(entry(v, baseIndex));
  return delta;
}
