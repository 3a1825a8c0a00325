/**
 * Values the offline plan's mocks invented (addresses, ids, ARNs, generated names: the plan JSON's
 * `placeholders`) shown for what they are: a real deploy gets them from the provider, so the diff
 * replaces each by `(known after apply: publicIp of Eip ingest-us-east-1-ip-1)`, or, for a value
 * only the base has (a deleted resource's), `(in the stack's state: …)`. The mock values stay in
 * the plan, where the program and the policies need values of the right shape.
 *
 * Every input is read: a mock's value reaches inputs through another resource (its
 * `propertyDependencies`) and also through an invoke's result, which leaves no dependency (the
 * account of `getCallerIdentity` in an ARN a policy document names).
 *
 * Pure module: no Pulumi imports.
 */
import type { PlanJson, PlanJsonResource } from "../plan/planJson";

/** `publicIp of aws:ec2/eip:Eip ingest-1` → `publicIp of Eip ingest-1`. */
const shortOf = (of: string) => of.replace(/ of [a-z0-9-]+:[A-Za-z0-9/]+:([A-Za-z0-9]+) /, " of $1 ");

const afterApply = (of: string) => `(known after apply: ${shortOf(of)})`;
const inState = (of: string) => `(in the stack's state: ${shortOf(of)})`;

/** Whether a text holds a marked placeholder. */
export const isMarked = (text: string) => text.includes("(known after apply: ") || text.includes("(in the stack's state: ");

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `base` and `head` with every invented value in their resources' inputs and their stack outputs
 * replaced by its label; the same value gets the same label on both sides, so unchanged inputs stay
 * equal. Plans without placeholders come back as they are.
 */
export function markPlaceholders(base: PlanJson, head: PlanJson): [PlanJson, PlanJson] {
  const headValues = new Map((head.placeholders ?? []).map((p) => [p.value, p.of]));
  const labels = new Map<string, string>();
  for (const p of base.placeholders ?? []) labels.set(p.value, headValues.has(p.value) ? afterApply(p.of) : inState(p.of));
  for (const [value, of] of headValues) labels.set(value, afterApply(of));
  if (labels.size === 0) return [base, head];
  const pattern = new RegExp(
    [...labels.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|"),
    "g",
  );
  const text = (s: string) => s.replace(pattern, (value) => labels.get(value)!);
  const deep = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(deep);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]));
    return value;
  };
  const resource = (r: PlanJsonResource): PlanJsonResource => ({ ...r, inputs: deep(r.inputs) as PlanJsonResource["inputs"] });
  const plan = (p: PlanJson): PlanJson => ({
    ...p,
    resources: p.resources.map(resource),
    ...(p.stackOutputs ? { stackOutputs: deep(p.stackOutputs) as Record<string, unknown> } : {}),
  });
  return [plan(base), plan(head)];
}
