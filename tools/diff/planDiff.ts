/**
 * The diff of two offline plans (`npm run plan -- --json`): resources matched by URN, property
 * changes, the policy delta, and the risky changes a reviewer must see first.
 *
 * Pure module: no Pulumi imports. `render.ts` turns a `PlanDiff` into markdown or text.
 */
import { diffValues, PropertyChange, secretMask } from "./values";
import { PlanJson, PlanJsonResource, PlanJsonViolation, rootStackType } from "../plan/planJson";
import { recordsFromResources } from "../../models/dns/compare";
import { zoneRecordRisks } from "./zoneRisk";
import { resourceTypes } from "../../models/resourceTypes";
import { failureModeTitles, FailureMode, RecoveryFigure, recoveryOfInputs, worstByMode } from "../../models/recovery";
import { explicitNameCite, PropertyRule, regionCite, replaceRules } from "./replaceRules";
import { CapacityCost, capacityCost } from "./capacityCost";
import { Rehearsal, rehearseDiff, rehearsalRisks } from "./updateRehearsal";
import { HostRefresh, hostRefreshes, outageRisks, regionOutages } from "./outage";
import { markPlaceholders } from "./placeholders";
import { boundChangeText, diffGuard, firstSentence, GuardDelta } from "./guardDelta";
import { ServingPathDiff, servingPathDiff } from "./servingPath";
import { networkFlowRisks, routeMoveRisks } from "./networkRisk";

export type { PlanJson, PlanJsonResource, PlanJsonViolation } from "../plan/planJson";

export type Op = "create" | "delete" | "update" | "replace";

export interface ResourceChange {
  op: Op;
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Region of the resource, `global` for global services and components. */
  region: string;
  /** The top-level component the resource belongs to (`edge:dns:DnsZones dns`), or `(stack)`. */
  component: string;
  /** Inputs of a created resource; property changes of an update or replace. */
  changes: PropertyChange[];
  /** Properties that force the replacement, for `replace`. */
  replaceReasons: string[];
  /** For `replace`: how, why and what it costs. */
  replace?: ReplaceDecision;
  /** For an update or replace caused by a replaced resource this one takes an id or ARN from: `type name` of that resource. */
  cascadeFrom?: string[];
  /** What a deleted DNS record served, as octoDNS and DNSControl print it: `api.example.com A 60 192.0.2.1`. */
  served?: string;
}

export type RiskKind =
  | "region-removed"
  | "load-balancer-replaced"
  | "zone-replaced"
  | "zone-records-rewritten"
  | "ttl-raised"
  | "alarm-removed"
  | "recovery-lengthened"
  | "secret-in-plain-text"
  | "protected-resource-replaced"
  | "in-use-group-replaced"
  | "refused-by-api"
  | "regional-outage"
  | "global-outage"
  | "secret-replaces"
  | "guard-moved"
  | "network-flow-closed"
  | "network-flow-opened"
  | "network-path-opened"
  | "route-moved";

/**
 * Risks no approval clears: the change cannot deploy as written. The update rehearsal
 * (`updateRehearsal.ts`) finds each step the cloud's API refuses in the engine's order: a load
 * balancer with deletion protection on (AWS refuses `DeleteLoadBalancer`), a replacement created
 * with a value its predecessor still holds, a delete of what still holds dependents or contents, a
 * KMS key's deletion window. A change that stops several regions serving in one deploy is a global
 * outage (`outage.ts`). Each takes the sequence its message names, in changes of its own (one
 * change per region for an outage).
 */
export const refusedRiskKinds: ReadonlySet<RiskKind> = new Set(["protected-resource-replaced", "refused-by-api", "global-outage"]);

/** The risks of a diff that refuse it whatever the review says. */
export function refusedRisks(risks: Risk[]): Risk[] {
  return risks.filter((r) => refusedRiskKinds.has(r.kind));
}

/** A stack-file secret that changed, known by its ciphertext's digest (never its value). */
export interface SecretChange {
  /** `edge:alarms.webhookUrl` */
  path: string;
  change: "rotated" | "added" | "removed";
  /** The head's resources whose inputs take it: `type name (input)`; empty for a secret only a provider reads. */
  takenBy: string[];
}

export interface Risk {
  kind: RiskKind;
  /** One line a reviewer reads: what, where, the numbers. */
  message: string;
  urn?: string;
  /**
   * What the risks of one cause share, as one line (`TTL raised 60 s → 120 s: …`); the comment
   * shows each cause once with its members folded. Absent: the risk stands alone.
   */
  cause?: string;
  /** This risk's member of its cause: the resource, `type name [region]`. */
  member?: string;
}

export interface ViolationDelta {
  policyName: string;
  enforcementLevel: string;
  urn: string;
  /** What the finding is about within the resource (`policies/finding.ts`); empty when the policy names none. */
  subject: string;
  /** `type name` of the resource, `(stack)` when no resource applies. */
  resource: string;
  message: string;
  /** For `changed`: the base message. */
  before?: string;
}

export interface PolicyDelta {
  added: ViolationDelta[];
  fixed: ViolationDelta[];
  /** Same policy, resource and subject, different message (a measured number moved). */
  changed: ViolationDelta[];
  unchanged: ViolationDelta[];
}

/** A failure mode whose worst-case recovery time moved between the two plans. */
export interface RecoveryDelta {
  mode: FailureMode;
  /** Every mode that takes the same way back (one host per region: a lost host is a lost region), `mode` first. */
  modes: FailureMode[];
  /** Where the head's worst case is (the base's when the mode is gone). */
  scope: string;
  /** Seconds until traffic is served again; null where the plan has no figure for the mode. */
  before: number | null;
  after: number | null;
  /** The head's dominant term and its inputs (the base's when the mode is gone). */
  dominant: string;
}

export interface PlanDiff {
  stack: string;
  /** Recovery times that moved, worst case per failure mode. */
  recovery: RecoveryDelta[];
  resources: ResourceChange[];
  counts: Record<Op, number> & { same: number };
  outputs: PropertyChange[];
  policy: PolicyDelta;
  risks: Risk[];
  secrets: SecretChange[];
  /** Capacity and the monthly cost estimate of both sides. */
  capacity: CapacityCost;
  /** The engine's walk of this update, with the steps the APIs refuse or cannot undo. */
  rehearsal: Rehearsal;
  /** The stack file's config leaves that changed (secrets left out: see `secrets`). */
  config: PropertyChange[];
  /** The policy-config bounds that moved and what the new ones admit. */
  guard: GuardDelta;
  /** The serving path of both sides, each node's change and the outages marked. */
  servingPath: ServingPathDiff;
  /** Regions whose hosts an instance refresh replaces. */
  refreshes: HostRefresh[];
}

const loadBalancerTypes = new Set<string>([resourceTypes.lbLoadBalancer, resourceTypes.albLoadBalancer]);
const zoneTypes = new Set<string>([resourceTypes.route53Zone, resourceTypes.cloudflareZone]);
const alarmTypes = new Set<string>([resourceTypes.cloudwatchMetricAlarm, resourceTypes.cloudwatchCompositeAlarm]);

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

function regionsOf(plan: PlanJson): Set<string> {
  return new Set(plan.resources.map((r) => r.region).filter((r): r is string => !!r));
}

function ttlRaises(change: ResourceChange): Risk[] {
  return change.changes.flatMap((c) => {
    if (c.kind !== "update" || !/(^|\.)ttl$/i.test(c.path)) return [];
    if (typeof c.before !== "number" || typeof c.after !== "number" || c.after <= c.before) return [];
    return [
      {
        kind: "ttl-raised" as const,
        urn: change.urn,
        cause: `TTL raised ${c.before} s → ${c.after} s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic)`,
        member: `${change.type} ${change.name}`,
        message: `TTL raised on ${change.type} ${change.name}: ${c.before} s → ${c.after} s (resolvers keep the old answer that long after a failover; incident 000's one-day TTL left no way to move traffic)`,
      },
    ];
  });
}

/**
 * What a zone's replacement does to the name servers the registrar lists. A Route 53 zone on a
 * delegation set keeps the set's name servers only while the set stays; a replaced set (its
 * `referenceName` follows the domain) brings new ones, as does a zone without a set and a new
 * Cloudflare zone.
 */
function nameServerEffect(zone: ResourceChange, resources: ResourceChange[], head: PlanJson): string {
  const registrar = "the registrar's NS records (48 h TTL, incident 001) still point at the old ones until they are changed: a DNS outage for resolvers that follow them";
  if (zone.op === "delete") return `its name servers answer nothing for the zone; ${registrar}`;
  if (zone.type !== resourceTypes.route53Zone) return `${replaceRules[zone.type]?.outage ?? "a new zone gets new name servers"}; ${registrar}`;
  const set = head.resources.find((r) => r.type === resourceTypes.route53DelegationSet && (head.resources.find((z) => z.urn === zone.urn)?.dependencies ?? []).includes(r.urn));
  const setChange = set && resources.find((r) => r.urn === set.urn && (r.op === "replace" || r.op === "create"));
  if (!set) return `a zone without a delegation set gets new name servers (known after apply); every record of the old zone is deleted with it; ${registrar}`;
  if (setChange) {
    return (
      `its delegation set ${set.name} is ${setChange.op === "create" ? "new" : `replaced too (${setChange.replaceReasons.join(", ")} changed)`}, so the new zone has NEW name servers (known after apply), ` +
      `and every record of the old zone is deleted with it; ${registrar}`
    );
  }
  return `it stays on delegation set ${set.name}, so it keeps the same name servers, but it answers for the zone only once its records are recreated (every record of the old zone is deleted with it)`;
}

/** A load balancer whose subnet mappings carry Elastic IP allocations. */
function isStaticAddressed(plan: PlanJson, urn: string): boolean {
  const mappings = plan.resources.find((r) => r.urn === urn)?.inputs.subnetMappings;
  return Array.isArray(mappings) && mappings.some((m) => m && typeof m === "object" && "allocationId" in m);
}

export function diffSecrets(base: PlanJson, head: PlanJson): SecretChange[] {
  const b = base.secrets?.digests ?? {};
  const h = head.secrets?.digests ?? {};
  const takenBy = (path: string) =>
    head.resources.flatMap((r) =>
      Object.entries(r.secretInputs ?? {})
        .filter(([, sources]) => sources.includes(path))
        .map(([input]) => `${r.type} ${r.name} (${input})`),
    );
  return [...new Set([...Object.keys(b), ...Object.keys(h)])].sort().flatMap((path): SecretChange[] => {
    if (!(path in b)) return [{ path, change: "added", takenBy: takenBy(path) }];
    if (!(path in h)) return [{ path, change: "removed", takenBy: [] }];
    return b[path] === h[path] ? [] : [{ path, change: "rotated", takenBy: takenBy(path) }];
  });
}

/**
 * The secret inputs of a matched resource whose sources' ciphertexts changed while both plans read
 * `[secret]`: an update of the input, so the provider's replace rules apply to it as to any input.
 */
function rotatedSecretInputs(old: PlanJsonResource, r: PlanJsonResource, base: PlanJson, head: PlanJson, changes: PropertyChange[]): PropertyChange[] {
  const b = base.secrets?.digests ?? {};
  const h = head.secrets?.digests ?? {};
  const inputs = [...new Set([...Object.keys(old.secretInputs ?? {}), ...Object.keys(r.secretInputs ?? {})])];
  return inputs.flatMap((input): PropertyChange[] => {
    if (changes.some((c) => c.path === input || c.path.startsWith(`${input}.`) || c.path.startsWith(`${input}[`))) return [];
    const sources = [...new Set([...(old.secretInputs?.[input] ?? []), ...(r.secretInputs?.[input] ?? [])])];
    const rotated = sources.filter((path) => b[path] !== h[path]);
    if (rotated.length === 0) return [];
    return [{ kind: "update", path: input, before: secretMask, after: secretMask, note: `${rotated.join(", ")} rotated: its ciphertext changed` }];
  });
}

/** A replace forced by a rotated secret: what it replaces and what that does. */
function secretReplaceRisks(resources: ResourceChange[]): Risk[] {
  return resources.flatMap((r) => {
    if (r.op !== "replace" || !r.replace) return [];
    return r.changes.flatMap((c): Risk[] => {
      if (c.kind !== "update" || !c.note || !r.replaceReasons.includes(c.path)) return [];
      const secret = c.note.replace(/ rotated:.*$/, "");
      const cite = r.replace!.citations[r.replaceReasons.indexOf(c.path)];
      const cause =
        `${secret} rotated: its ${r.type.split(":").pop()}s' ${c.path} takes it, and a changed ${c.path} replaces them (${cite})` +
        (r.replace!.outage ? `; ${r.replace!.outage}` : "");
      return [{ kind: "secret-replaces", urn: r.urn, message: `${cause}: ${r.name} [${r.region}]`, cause, member: `${r.type} ${r.name} [${r.region}]` }];
    });
  });
}

/** A moved guard: each bound old → new, and what the new ones admit, as one risk per stack. */
function guardRisks(guard: GuardDelta): Risk[] {
  if (guard.changes.length === 0 && guard.admitted.length === 0) return [];
  const admits = !guard.judged
    ? "what it admits was not judged (plan the head with --compare-policy-config <the base's config>)"
    : guard.admitted.length === 0
      ? "nothing in this stack's plan passes now that was refused before; a later change can use the room"
      : `would now accept: ${guard.admitted.map((a) => firstSentence(a.message)).join("; ")}`;
  const moved = guard.changes.length > 0 ? `policy config moved: ${guard.changes.map(boundChangeText).join(", ")}` : "the policy pack's code changed";
  return [{ kind: "guard-moved", message: `${moved}; ${admits}` }];
}

/** Plain-text values where a secret belongs, at the head: they are in git for anyone with read access. */
function plaintextSecretRisks(head: PlanJson): Risk[] {
  return (head.secrets?.plaintext ?? []).map((path) => ({
    kind: "secret-in-plain-text" as const,
    message: `${path} is in plain text in the stack file where a secret belongs: anyone who can read the repository has it. Set it with \`pulumi config set --secret --path '${path}' <value>\` and rotate the old value`,
  }));
}

/** Risky changes, most severe first. */
export function findRisks(base: PlanJson, head: PlanJson, resources: ResourceChange[], guard: GuardDelta = diffGuard(base, head)): Risk[] {
  const risks: Risk[] = [...outageRisks(head, resources)];
  const headRegions = regionsOf(head);
  for (const region of [...regionsOf(base)].sort()) {
    if (headRegions.has(region)) continue;
    const lost = resources.filter((r) => r.op === "delete" && r.region === region && r.custom).length;
    risks.push({ kind: "region-removed", message: `region ${region} removed: ${lost} resources deleted there; its traffic moves to the remaining regions (check their capacity headroom)` });
  }
  for (const r of resources) {
    if (r.op !== "delete" && r.op !== "replace") continue;
    const how = r.replace ? `, ${r.replace.mode}${r.replace.outage ? `: ${r.replace.outage}` : ""}` : "";
    const verb = r.op === "delete" ? "deleted" : `replaced (${r.replaceReasons.join(", ")} changed${how})`;
    // A replaced load balancer that keeps its Elastic IPs stops its region serving: `outage.ts` says so, once per change.
    if (r.type === resourceTypes.lbLoadBalancer && r.op === "replace" && isStaticAddressed(head, r.urn)) {
      continue;
    } else if (loadBalancerTypes.has(r.type)) {
      risks.push({
        kind: "load-balancer-replaced",
        urn: r.urn,
        message: `load balancer ${r.name} [${r.region}] ${verb}: its addresses change, DNS answers cached up to their TTL point at nothing`,
        cause: `load balancers ${verb}: their addresses change, DNS answers cached up to their TTL point at nothing`,
        member: `${r.name} [${r.region}]`,
      });
    } else if (r.type === resourceTypes.ec2SecurityGroup && r.op === "replace") {
      const templates = head.resources.filter((h) => h.type === resourceTypes.ec2LaunchTemplate && (h.dependencies ?? []).includes(r.urn));
      if (templates.length > 0) {
        risks.push({
          kind: "in-use-group-replaced",
          urn: r.urn,
          message:
            `security group ${r.name} [${r.region}] ${verb}, and the hosts of ${templates.map((t) => t.name).join(", ")} use it: ` +
            `EC2 refuses to delete a group while a network interface is in it (DependencyViolation), so the old group's deletion, the update's last step, fails until the instance refresh has replaced every host launched with it. ` +
            `Change only the rules (they update in place), or give the group a new name and remove the old one in a later change`,
        });
      }
    } else if (zoneTypes.has(r.type)) {
      risks.push({ kind: "zone-replaced", urn: r.urn, message: `DNS zone ${r.name} ${r.op === "delete" ? "deleted" : `replaced (${r.replaceReasons.join(", ")} changed, ${r.replace?.mode})`}: ${nameServerEffect(r, resources, head)}` });
    }
  }
  risks.push(...zoneRecordRisks(base, head));
  for (const r of resources) if (r.op === "update" || r.op === "replace") risks.push(...ttlRaises(r));
  for (const r of resources) {
    if (r.op === "delete" && alarmTypes.has(r.type)) {
      risks.push({
        kind: "alarm-removed",
        urn: r.urn,
        message: `alarm ${r.name} [${r.region}] removed: nobody is warned of what it watched (incident 000: thresholds had fallen by the wayside)`,
        cause: `alarms removed in ${r.region}: nobody is warned of what they watched (incident 000: thresholds had fallen by the wayside)`,
        member: r.name,
      });
    }
  }
  risks.push(...secretReplaceRisks(resources));
  risks.push(...guardRisks(guard));
  risks.push(...plaintextSecretRisks(head));
  return risks;
}

/** A DNS record resource as the zone serves it: name, type, TTL, values. */
function servedRecord(r: PlanJsonResource): string | undefined {
  const [record] = recordsFromResources([{ type: r.type, inputs: r.inputs as Record<string, any> }]);
  if (!record) return undefined;
  return `${record.name} ${record.type}${record.setId ? ` (set ${record.setId})` : ""} ${record.ttl ?? "alias"} ${record.values.join(" ")}`;
}

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
export function replaceDecision(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  changes: PropertyChange[],
  deleteBeforeReplace = false,
): ReplaceDecision | undefined {
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

function replaced(type: string, reasons: string[], citations: string[], deleteBeforeReplace: boolean, inputs: Record<string, unknown>): ReplaceDecision {
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

/** The diff of `head` against `base`. A plan diffed against itself has no changes. */
/**
 * The failure modes whose worst-case recovery time differs between the plans. Both sides are
 * computed from their resources with this model (not read from `recovery` as each plan recorded
 * it), so a delta is a change of the stack, never of the model between the two commits.
 */
export function diffRecovery(base: PlanJson, head: PlanJson): RecoveryDelta[] {
  const before = worstByMode(recoveryOfInputs(base.resources));
  const after = worstByMode(recoveryOfInputs(head.resources));
  const modes = [...new Set([...before, ...after].map((f) => f.mode))];
  const way = (f: RecoveryFigure | undefined) => (f ? `${f.scope} ${f.terms.map((t) => `${t.urn}:${t.label}:${t.seconds}`).join(" ")}` : "none");
  // Modes that move together along the same way back (the same terms on both sides) are one change.
  const deltas = new Map<string, RecoveryDelta>();
  for (const mode of modes) {
    const b = before.find((f) => f.mode === mode);
    const a = after.find((f) => f.mode === mode);
    if (b && a && b.recoverySeconds === a.recoverySeconds) continue;
    const key = `${way(b)} → ${way(a)}`;
    const same = deltas.get(key);
    if (same) {
      same.modes.push(mode);
      continue;
    }
    const shown = (a ?? b)!;
    deltas.set(key, { mode, modes: [mode], scope: shown.scope, before: b?.recoverySeconds ?? null, after: a?.recoverySeconds ?? null, dominant: `${shown.dominant.label} (${shown.dominant.source})` });
  }
  return [...deltas.values()];
}

/** "a region is lost", or "one host dies, a region is lost or …": the titles of a delta's modes. */
export function recoveryDeltaTitle(d: Pick<RecoveryDelta, "modes">): string {
  const titles = d.modes.map((m) => failureModeTitles[m]);
  return titles.length > 1 ? `${titles.slice(0, -1).join(", ")} or ${titles.at(-1)}` : titles[0]!;
}

/** A recovery that takes longer after the change: a risk the reviewer sees first. */
function recoveryRisks(deltas: RecoveryDelta[]): Risk[] {
  return deltas
    .filter((d) => d.after !== null && (d.before === null || d.after > d.before))
    .map((d) => ({
      kind: "recovery-lengthened" as const,
      message:
        `when ${recoveryDeltaTitle(d)} (${d.scope}), traffic is served again after ${d.after} s` +
        `${d.before === null ? " (no figure before)" : `, was ${d.before} s (+${Math.round((d.after! - d.before) * 1000) / 1000} s)`}; dominant term: ${d.dominant}`,
    }));
}

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
  const cascaded = cascade(head, [...own].filter(([, o]) => o.replace).map(([urn]) => urn));
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
    const citations = [
      ...(mine.replace?.citations ?? []),
      ...(follows?.reasons ?? []).filter((p) => !mine.replace?.reasons.includes(p)).map((p) => replaceRules[r.type]!.properties[p]!.cite),
    ];
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
    servingPath: servingPathDiff(base, head, resources, regionOutages(head, resources).map((o) => o.region)),
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
