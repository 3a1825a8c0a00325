/**
 * The update rehearsal: walks the steps the Pulumi engine takes for a change from a deployed
 * stack (base) to a new program (head), in the engine's order, against a model of what exists in
 * the cloud at each step, and finds every step the cloud's API would refuse or could not undo.
 *
 * The engine's order (Pulumi's step generator):
 * - resources are created, updated and replaced in the head program's registration order, each
 *   after the resources it depends on;
 * - a replacement is created before its predecessor is deleted (create-before-delete), unless it
 *   is declared `deleteBeforeReplace` (or the bridge deletes first because the program names it):
 *   then the dependents whose replacement it causes are deleted first, then the old resource,
 *   then the new one is created;
 * - the predecessors of create-before-delete replacements and the resources the head no longer
 *   declares are deleted at the end, dependents before what they depend on;
 * - a resource that is `retainOnDelete` is left in the cloud: no API call deletes it.
 *
 * What the APIs refuse (`refusalRules`, each with its error, its source and the sequence that
 * works): a value unique in its scope created while another object still holds it (a subnet's
 * CIDR block in its VPC, a zone's name on its delegation set, a name unique in the account); a
 * delete of what something still holds or what holds contents (a subnet, security group or target
 * group in use, a bucket with objects, a zone with records left in it, a load balancer with
 * deletion protection); and a KMS key's deletion, which is a 7-30 day schedule, not a delete.
 *
 * One mechanism for the diff and pr-check (`tools/diff/updateRehearsal.ts`), the offline plan
 * against a deployed plan (`--base`), and the pull-request comment.
 *
 * Pure module: no Pulumi imports.
 */
import type { DeclaredResource } from "../declaredResource";
import { resourceTypes as t } from "../resourceTypes";
import { apiContracts, type UniqueScope } from "../contracts";
import { isFlagSet } from "../aws/flags";
import { Refusal, RefusalKind, bucketWriters, referencesBlockDelete, refusalRules, scopedValues } from "./refusals";

export { cidrsOverlap, refusalMessage, refusalRules, type Refusal, type RefusalKind } from "./refusals";

/** A resource as a plan records it: what the rehearsal reads of it. */
export type RehearsalResource = DeclaredResource & {
  name: string;
  region: string | null;
  dependencies: string[];
  options?: { deleteBeforeReplace?: boolean; retainOnDelete?: boolean };
};

/** What happens to one resource, as the diff decided it (its order: the head's, then the base's for deletes). */
export type PlannedChange =
  | { op: "create"; after: RehearsalResource }
  | { op: "update" | "same"; before: RehearsalResource; after: RehearsalResource }
  | { op: "replace"; before: RehearsalResource; after: RehearsalResource; mode: "create-before-delete" | "delete-before-replace" }
  | { op: "delete"; before: RehearsalResource };

export type StepOp = "create" | "update" | "create-replacement" | "delete-replaced" | "delete" | "retain";

/** One step of the engine's walk. */
export interface RehearsalStep {
  /** Position in the walk, from 1. */
  index: number;
  op: StepOp;
  urn: string;
  /** `type name [region]`. */
  resource: string;
}
export interface Rehearsal {
  steps: RehearsalStep[];
  refusals: Refusal[];
  /** Resources the update removes from the stack but leaves in the cloud (`retainOnDelete`), and why that matters. */
  leftInCloud: { step: RehearsalStep; note: string }[];
}
/** An object in the cloud during the walk: one generation of one resource. */
interface CloudObject {
  key: string;
  resource: RehearsalResource;
  /** The objects its inputs reference now (its base references until it is updated). */
  refs: Set<string>;
  /** By input property, the objects it references (what `scopedValues` reads). */
  propertyRefs: Record<string, string[]>;
  retained: boolean;
}

const describe = (r: RehearsalResource) => `${r.type} ${r.name}${r.region ? ` [${r.region}]` : ""}`;

/** The objects a resource's inputs reference, all and by input property, each URN resolved to an object's key. */
function referencesOf(r: RehearsalResource, resolve: (urn: string) => string): { refs: Set<string>; byProperty: Record<string, string[]> } {
  const byProperty = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([p, urns]) => [p, urns.map(resolve)]));
  return { refs: new Set([...r.dependencies, ...Object.values(r.propertyDependencies ?? {}).flat()].map(resolve)), byProperty };
}

/** The cloud during the walk: what exists, what the update left behind or deleted, and the steps and refusals so far. */
class CloudWalk {
  readonly live = new Map<string, CloudObject>();
  readonly leftBehind: CloudObject[] = [];
  /** Deleted (not retained) so far: what wrote a bucket's objects still did, though it is gone now. */
  readonly removed: CloudObject[] = [];
  readonly steps: RehearsalStep[] = [];
  readonly refusals: Refusal[] = [];
  readonly leftInCloud: Rehearsal["leftInCloud"] = [];

  /** An object that exists before the update. */
  addExisting(key: string, resource: RehearsalResource, resolve: (urn: string) => string, retained: boolean): void {
    const { refs, byProperty } = referencesOf(resource, resolve);
    this.live.set(key, { key, resource, refs, propertyRefs: byProperty, retained });
  }

  step(op: StepOp, r: RehearsalResource): RehearsalStep {
    const s = { index: this.steps.length + 1, op, urn: r.urn, resource: describe(r) };
    this.steps.push(s);
    return s;
  }

  refuse(kind: RefusalKind, at: RehearsalStep, error: string, why: string, cite: string, sequence: string, severity: Refusal["severity"] = "refused"): void {
    this.refusals.push({ kind, step: at, error, why, cite, sequence, severity });
  }

  /** Creates the change's head resource as `key`, checked first against the unique values others hold. */
  create(key: string, c: Extract<PlannedChange, { after: RehearsalResource }>, op: StepOp, newRef: (urn: string) => string): void {
    const at = this.step(op, c.after);
    const { refs, byProperty } = referencesOf(c.after, newRef);
    const candidate: CloudObject = { key, resource: c.after, refs, propertyRefs: byProperty, retained: !!c.after.options?.retainOnDelete };
    if (!this.checkScopedValue(candidate, at)) this.checkUniqueProperties(candidate, at);
    this.live.set(key, candidate);
  }

  /** A value unique in its scope (a subnet's CIDR block in its VPC, a zone's name on its delegation set) that another object still holds: refused, and true. */
  private checkScopedValue(object: CloudObject, at: RehearsalStep): boolean {
    const r = object.resource;
    const scoped = scopedValues[r.type];
    if (!scoped) return false;
    const value = r.inputs[scoped.property];
    const scope = object.propertyRefs[scoped.scopeProperty]?.[0] ?? (r.inputs[scoped.scopeProperty] as string | undefined);
    if (typeof value !== "string" || scope === undefined) return false;
    for (const other of [...this.live.values(), ...this.leftBehind]) {
      if (other.resource.type !== r.type) continue;
      const otherValue = other.resource.inputs[scoped.property];
      const otherScope = other.propertyRefs[scoped.scopeProperty]?.[0] ?? (other.resource.inputs[scoped.scopeProperty] as string | undefined);
      if (typeof otherValue !== "string" || otherScope !== scope || !scoped.overlaps(value, otherValue)) continue;
      const rule = refusalRules[scoped.rule];
      const predecessor = other.key.startsWith(`${object.key.replace(/#new$/, "")}#`) ? "its own predecessor, which is deleted only at the end of the update," : `${describe(other.resource)}`;
      this.refuse(
        "unique-value-held",
        at,
        rule.error,
        `the new ${r.type} ${r.name} is created with ${scoped.property} ${value} while ${predecessor} still holds ${otherValue} in the same ${scoped.scopeProperty === "vpcId" ? "VPC" : "delegation set"}`,
        rule.cite,
        rule.sequence,
      );
      return true;
    }
    return false;
  }

  /** The API contract's per-stack unique properties (a name unique in the account) that a live object still holds. */
  private checkUniqueProperties(object: CloudObject, at: RehearsalStep): void {
    const r = object.resource;
    const contract = apiContracts[r.type];
    for (const [property, propertyContract] of Object.entries(contract?.properties ?? {})) {
      const unique = propertyContract.unique;
      const value = r.inputs[property];
      if (!unique?.perStack || typeof value !== "string") continue;
      const holder = [...this.live.values()].find(
        (other) => other.key !== object.key && other.resource.type === r.type && other.resource.inputs[property] === value && sameScope(unique.scope, other.resource, r),
      );
      if (!holder) continue;
      this.refuse(
        "unique-value-held",
        at,
        `${property} ${JSON.stringify(value)} is taken in the ${unique.scope}: the create ${unique.collision.replace(/^would /, "would ")}`,
        `the new ${r.type} ${r.name} is created with ${property} ${JSON.stringify(value)} while ${describe(holder.resource)} still holds it`,
        propertyContract.cite,
        refusalRules.nameConflict.sequence,
      );
    }
  }

  /** Deletes the object (or, retained, leaves it in the cloud), refusing what the API would not delete. */
  remove(object: CloudObject, op: "delete" | "delete-replaced"): void {
    this.live.delete(object.key);
    const r = object.resource;
    if (object.retained) {
      const at = this.step("retain", r);
      this.leftBehind.push(object);
      this.leftInCloud.push({ step: at, note: `${describe(r)} leaves the stack but stays in the cloud (retainOnDelete)` });
      return;
    }
    const at = this.step(op, r);
    if ((r.type === t.lbLoadBalancer || r.type === t.albLoadBalancer) && isFlagSet(r.inputs.enableDeletionProtection)) {
      const rule = refusalRules.deletionProtected;
      this.refuse("deletion-protected", at, rule.error, `${describe(r)} has enableDeletionProtection: true in the deployed stack`, rule.cite, rule.sequence);
    }
    this.checkHolders(object, op, at);
    if (r.type === t.s3Bucket || r.type === t.s3BucketV2) this.checkBucket(object, at);
    if (r.type === t.route53Zone) this.checkZone(object, at);
    if (r.type === t.kmsKey) {
      const rule = refusalRules.keyDeletionWindow;
      const days = r.inputs.deletionWindowInDays ?? 30;
      this.refuse(
        "key-deletion-window",
        at,
        rule.error,
        `${describe(r)} is scheduled for deletion in ${days} days, not deleted; anything still encrypted under it becomes unreadable when the window ends`,
        rule.cite,
        rule.sequence,
        "irreversible",
      );
    }
    this.removed.push(object);
  }

  /** A delete of what live objects still reference (a subnet, security group or target group in use). */
  private checkHolders(object: CloudObject, op: "delete" | "delete-replaced", at: RehearsalStep): void {
    const r = object.resource;
    const blocked = referencesBlockDelete[r.type];
    if (!blocked) return;
    const holders = [...this.live.values()].filter((other) => (blocked.heldBy[other.resource.type] ?? []).some((p) => (other.propertyRefs[p] ?? []).includes(object.key)));
    if (holders.length === 0) return;
    this.refuse(
      "held-by-dependents",
      at,
      blocked.error,
      `${describe(r)} is deleted while ${holders.map((h) => describe(h.resource)).join(", ")} still ${holders.length === 1 ? "references" : "reference"} it (${op === "delete-replaced" ? "deleted before its replacement exists, so nothing has moved to the replacement yet" : "they are updated only after it"})`,
      blocked.cite,
      refusalRules.heldByDependents.sequence,
    );
  }

  private checkBucket(bucket: CloudObject, at: RehearsalStep): void {
    if (isFlagSet(bucket.resource.inputs.forceDestroy)) return;
    const contents: string[] = [];
    for (const other of [...this.live.values(), ...this.leftBehind, ...this.removed]) {
      const writer = bucketWriters[other.resource.type];
      if (writer && (other.propertyRefs[writer.property] ?? []).some((k) => k === bucket.key)) contents.push(`${writer.what} (${describe(other.resource)})`);
      if (other.resource.type === t.s3BucketVersioning && (other.propertyRefs.bucket ?? []).includes(bucket.key)) {
        const status = (other.resource.inputs.versioningConfiguration as { status?: unknown } | undefined)?.status;
        if (status === "Enabled") contents.push("every object version and delete marker (versioning is on)");
      }
    }
    if (contents.length === 0) return;
    const rule = refusalRules.bucketNotEmpty;
    this.refuse("bucket-not-empty", at, rule.error, `${describe(bucket.resource)} has forceDestroy off and holds ${[...new Set(contents)].join("; ")}`, rule.cite, rule.sequence);
  }

  private checkZone(zone: CloudObject, at: RehearsalStep): void {
    if (isFlagSet(zone.resource.inputs.forceDestroy)) return;
    const left = this.leftBehind.filter((o) => o.resource.type === t.route53Record && (o.propertyRefs.zoneId ?? []).includes(zone.key));
    if (left.length === 0) return;
    const rule = refusalRules.zoneNotEmpty;
    this.refuse(
      "zone-not-empty",
      at,
      rule.error,
      `${describe(zone.resource)} has forceDestroy off, and ${left.length} record${left.length === 1 ? "" : "s"} the stack leaves behind (retainOnDelete: ${left.map((o) => o.resource.name).join(", ")}) ${left.length === 1 ? "is" : "are"} still in it`,
      rule.cite,
      rule.sequence,
    );
  }
}

/**
 * Rehearses the change: each step in the engine's order, each refusal with the API's error, its
 * source and the sequence that works.
 */
export function rehearseUpdate(changes: readonly PlannedChange[]): Rehearsal {
  // One key per resource: the head's URN where the head has it (a moved resource keeps its object), else the base's.
  const keyOfBase = new Map<string, string>();
  const changeOf = new Map<string, PlannedChange>();
  for (const c of changes) {
    const key = c.op === "delete" ? c.before.urn : c.after.urn;
    if (c.op !== "create") keyOfBase.set(c.before.urn, key);
    changeOf.set(key, c);
  }
  const generationOf = (key: string) => {
    const c = changeOf.get(key);
    return c && (c.op === "create" || c.op === "replace") ? "new" : "old";
  };
  const oldRef = (baseUrn: string) => `${keyOfBase.get(baseUrn) ?? baseUrn}#old`;
  const newRef = (headUrn: string) => `${headUrn}#${generationOf(headUrn)}`;

  const walk = new CloudWalk();
  const live = walk.live;
  for (const c of changes) {
    if (c.op === "create") continue;
    // Retained if either program says so: the deployed state's option, or the head program's for a resource it still declares.
    const retained = !!c.before.options?.retainOnDelete || (c.op !== "delete" && !!c.after.options?.retainOnDelete);
    walk.addExisting(`${keyOfBase.get(c.before.urn)}#old`, c.before, oldRef, retained);
  }

  // The head's resources in its order.
  const deletedEarly = new Set<string>();
  const headOrder = changes.filter((c): c is Exclude<PlannedChange, { op: "delete" }> => c.op !== "delete");
  for (const c of headOrder) {
    const key = c.after.urn;
    if (c.op === "create") walk.create(`${key}#new`, c, "create", newRef);
    else if (c.op === "update" || c.op === "same") {
      const object = live.get(`${key}#old`);
      if (!object) continue;
      if (c.op === "update") walk.step("update", c.after);
      const { refs, byProperty } = referencesOf(c.after, newRef);
      object.refs = refs;
      object.propertyRefs = byProperty;
      object.resource = { ...c.after, options: { ...c.after.options, retainOnDelete: object.retained } };
    } else if (c.op === "replace" && c.mode === "create-before-delete") {
      walk.create(`${key}#new`, c, "create-replacement", newRef);
    } else if (c.op === "replace") {
      // Delete-before-replace: the replaced dependents it causes go first, dependents before what they depend on.
      const dependents = replacedDependents(`${key}#old`, live, changeOf).filter((d) => !deletedEarly.has(d.key));
      for (const d of dependents) {
        deletedEarly.add(d.key);
        walk.remove(d, "delete-replaced");
      }
      const old = live.get(`${key}#old`);
      if (old && !deletedEarly.has(old.key)) {
        deletedEarly.add(old.key);
        walk.remove(old, "delete-replaced");
      }
      walk.create(`${key}#new`, c, "create-replacement", newRef);
    }
  }
  // The end of the update: what remains of the old generation, dependents first.
  const baseIndex = new Map(changes.flatMap((c, i) => (c.op === "create" ? [] : [[`${keyOfBase.get(c.before.urn)}#old`, i] as const])));
  const toDelete = changes
    .flatMap((c) => (c.op === "delete" || (c.op === "replace" && c.mode === "create-before-delete") ? [`${c.op === "delete" ? c.before.urn : c.after.urn}#old`] : []))
    .filter((k) => live.has(k) && !deletedEarly.has(k));
  for (const key of orderDependentsFirst(toDelete, live, baseIndex)) {
    const object = live.get(key);
    if (!object) continue;
    const c = changeOf.get(key.replace(/#old$/, ""))!;
    walk.remove(object, c.op === "delete" ? "delete" : "delete-replaced");
  }
  return { steps: walk.steps, refusals: walk.refusals, leftInCloud: walk.leftInCloud };
}

/** Whether two resources share a uniqueness scope: one stack is one account, so scope by region where the scope has one. */
function sameScope(scope: UniqueScope, a: RehearsalResource, b: RehearsalResource): boolean {
  if (scope === "account and region") return (a.region ?? "") === (b.region ?? "");
  return true;
}

/** The live objects replaced in this update that reference `key` (directly or through one another), dependents first. */
function replacedDependents(key: string, live: Map<string, CloudObject>, changeOf: Map<string, PlannedChange>): CloudObject[] {
  const found: CloudObject[] = [];
  const visit = (target: string) => {
    for (const object of live.values()) {
      if (found.includes(object) || !object.refs.has(target)) continue;
      const c = changeOf.get(object.key.replace(/#old$/, ""));
      if (c?.op !== "replace") continue;
      found.push(object);
      visit(object.key);
    }
  };
  visit(key);
  return found.reverse();
}

/** `keys` ordered so that an object is deleted before every object it references (reverse of the base order as a tiebreak). */
function orderDependentsFirst(keys: string[], live: Map<string, CloudObject>, baseIndex: Map<string, number>): string[] {
  const pending = new Set(keys);
  const ordered: string[] = [];
  const byLateFirst = [...keys].sort((a, b) => (baseIndex.get(b) ?? 0) - (baseIndex.get(a) ?? 0));
  while (pending.size > 0) {
    const next = byLateFirst.find((k) => pending.has(k) && ![...pending].some((other) => other !== k && live.get(other)?.refs.has(k)));
    const chosen = next ?? byLateFirst.find((k) => pending.has(k))!;
    ordered.push(chosen);
    pending.delete(chosen);
  }
  return ordered;
}
