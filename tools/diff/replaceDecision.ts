/**
 * Which base resource each head resource is (URN, else an alias), whether the provider replaces it
 * (the replace rules of replaceRules.ts) and which replacements cascade to the resources that
 * take their outputs.
 *
 * Pure module: no Pulumi imports.
 */
import { PropertyChange } from "./values";
import { PlanJson, PlanJsonResource } from "../plan/planJson";
import { explicitNameCite, PropertyRule, regionCite, replaceRules } from "./replaceRules";

/**
 * Pairs each head resource with the base resource it is, as the engine does: the same URN, else
 * the first of its aliases that a base resource has (a moved resource: the engine moves it in the
 * state, nothing is replaced). A base resource pairs with one head resource at most.
 */
export function matchResources(base: PlanJson, head: PlanJson): Map<string, PlanJsonResource> {
  const baseIndex = new Map(base.resources.map((r) => [r.urn, r]));
  const headUrns = new Set(head.resources.map((r) => r.urn));
  const matched = new Map<string, PlanJsonResource>();
  const taken = new Set<string>();
  for (const r of head.resources) {
    const old = baseIndex.get(r.urn);
    if (old) {
      matched.set(r.urn, old);
      taken.add(old.urn);
    }
  }
  for (const r of head.resources) {
    if (matched.has(r.urn)) continue;
    const alias = (r.aliases ?? []).find((urn) => baseIndex.has(urn) && !taken.has(urn) && !headUrns.has(urn));
    if (alias === undefined) continue;
    matched.set(r.urn, baseIndex.get(alias)!);
    taken.add(alias);
  }
  return matched;
}

/** Why the provider replaces a resource: what the diff and the comment show of a replace. */
export interface ReplaceDecision {
  /** Top-level properties whose change forces the replacement. */
  reasons: string[];
  /** For each reason, where the provider says so (`replaceRules.ts`). */
  citations: string[];
  /**
   * `create-before-delete`: the engine's default, the new resource is created and the old one
   * deleted after; `delete-before-replace`: the old one is deleted first (the resource's
   * `deleteBeforeReplace` option, or the bridge's rule for a name the program sets itself), so
   * nothing serves in between.
   */
  mode: "create-before-delete" | "delete-before-replace";
  /** Why the old one is deleted first, for a delete-before-replace the program did not ask for. */
  deleteFirstCite?: string;
  /** What the replace does to traffic, for types whose old and new resource cannot both serve. */
  outage?: string;
}

const topLevel = (path: string) => path.split(/[.[ ]/)[0]!;

/** The elements of a list-valued input (an absent input: none), compared as JSON. */
function elements(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => JSON.stringify(v)) : value === undefined || value === null ? [] : [JSON.stringify(value)];
}

function forces(rule: PropertyRule, before: unknown, after: unknown, inputs: Record<string, unknown>): boolean {
  if (rule.onlyIf && !rule.onlyIf(inputs)) return false;
  if (rule.when === "change") return true;
  // Only an unknown value forces it: a replaced referenced resource, which `cascade` finds.
  if (rule.when === "referenceReplaced") return false;
  if (rule.when === "decrease") return Number(after ?? 0) < Number(before ?? 0);
  const old = elements(before);
  const now = new Set(elements(after));
  if (rule.when === "removal") return old.some((e) => !now.has(e));
  return (old.length === 0) !== (now.size === 0);
}

/**
 * Whether the property `changes` between a resource's `before` and `after` inputs make the
 * provider of `type` replace it, and why; undefined for an update in place. The one place the
 * diff asks: from the provider's own rules (`replaceRules.ts`), a region move always replacing.
 */
export function replaceDecision(type: string, before: Record<string, unknown>, after: Record<string, unknown>, changes: PropertyChange[], deleteBeforeReplace = false): ReplaceDecision | undefined {
  const rules = replaceRules[type]?.properties ?? {};
  const reasons: string[] = [];
  const citations: string[] = [];
  for (const property of new Set(changes.map((c) => topLevel(c.path)))) {
    if (property === "region") {
      reasons.push(property);
      citations.push(regionCite);
      continue;
    }
    const rule = rules[property];
    if (rule && forces(rule, before[property], after[property], after)) {
      reasons.push(property);
      citations.push(rule.cite);
    }
  }
  if (reasons.length === 0) return undefined;
  return replaced(type, reasons, citations, deleteBeforeReplace, after);
}

export function replaced(type: string, reasons: string[], citations: string[], deleteBeforeReplace: boolean, inputs: Record<string, unknown>): ReplaceDecision {
  const rules = replaceRules[type];
  const outage = rules?.outage;
  // The bridge deletes first when the program names what @pulumi/aws would auto-name.
  const named = !deleteBeforeReplace && rules?.autoName && inputs[rules.autoName.property] !== undefined;
  const mode = deleteBeforeReplace || named ? "delete-before-replace" : "create-before-delete";
  return {
    reasons,
    citations,
    mode,
    ...(named ? { deleteFirstCite: `${rules!.autoName!.cite}; ${explicitNameCite}` } : {}),
    ...(outage ? { outage } : {}),
  };
}

/**
 * What replacing the resources in `replacedUrns` does to their dependents in `head`: a replaced
 * resource's id and ARN are unknown until the new one exists, so every dependent updates, and one
 * whose forcing property takes that id (a record's zone, a listener's load balancer) is replaced
 * too, which cascades in turn. Returns, per affected head URN, the replaced resources it follows
 * and the forcing properties (none: an update in place).
 */
export function cascade(head: PlanJson, replacedUrns: Iterable<string>): Map<string, { from: string[]; reasons: string[] }> {
  const index = new Map(head.resources.map((r) => [r.urn, r]));
  const dependents = new Map<string, PlanJsonResource[]>();
  for (const r of head.resources) for (const d of r.dependencies) dependents.set(d, [...(dependents.get(d) ?? []), r]);
  const replacedSet = new Set(replacedUrns);
  const affected = new Map<string, { from: string[]; reasons: string[] }>();
  const queue = [...replacedSet];
  while (queue.length > 0) {
    const urn = queue.shift()!;
    const source = index.get(urn);
    if (!source) continue;
    for (const d of dependents.get(urn) ?? []) {
      if (!d.custom) continue;
      const entry = affected.get(d.urn) ?? { from: [], reasons: [] };
      entry.from.push(`${source.type} ${source.name}`);
      const rules = replaceRules[d.type]?.properties ?? {};
      const forcing = Object.entries(rules)
        .filter(([p, rule]) => {
          if (d.inputs[p] === undefined || rule.when === "emptiness" || rule.when === "decrease" || (rule.onlyIf && !rule.onlyIf(d.inputs))) return false;
          // The plan's per-input dependencies say exactly which input takes the id; older plans fall back to the rule's referenced types.
          return d.propertyDependencies ? (d.propertyDependencies[p] ?? []).includes(urn) : !!rule.references?.includes(source.type);
        })
        .map(([p]) => p);
      entry.reasons = [...new Set([...entry.reasons, ...forcing])];
      affected.set(d.urn, entry);
      if (forcing.length > 0 && !replacedSet.has(d.urn)) {
        replacedSet.add(d.urn);
        queue.push(d.urn);
      }
    }
  }
  for (const urn of replacedUrns) affected.delete(urn);
  return affected;
}
