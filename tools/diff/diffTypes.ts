/**
 * The shape of a plan diff: resource changes, risks, the policy, secret and recovery deltas, as
 * `diffPlans` returns them and the renderers and pr-check read them.
 *
 * Pure module: no Pulumi imports.
 */
import { PropertyChange } from "./values";
import { FailureMode } from "../../models/recovery";
import { CapacityCost } from "./capacityCost";
import { Rehearsal } from "./updateRehearsal";
import { HostRefresh } from "./outage";
import { GuardDelta } from "./guardDelta";
import { ServingPathDiff } from "./servingPath";
import { ReplaceDecision } from "./replaceDecision";

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
