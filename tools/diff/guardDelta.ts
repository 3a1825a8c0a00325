/**
 * How far a pull request moves a stack's guard: each policy-config bound old → new (an unset bound
 * at the default the policy's schema publishes), and what the new config lets through that the old
 * refused, from the head's resources judged a second time with the base's config (the plan's
 * `policyConfigCompared`). Incident 000's thresholds drifted one unreviewed edit at a time; a
 * loosened bound passes its own change, so every move of the guard needs an approval.
 *
 * Pure module: no Pulumi imports.
 */
import type { PlanJson, PlanJsonViolation } from "../plan/planJson";

export interface BoundChange {
  policy: string;
  /** The config property (`maxTtlSeconds`), or `enforcementLevel`. */
  bound: string;
  /** Before and after; a bound the config leaves unset is its published default. */
  before: unknown;
  after: unknown;
  /** The bound's description from the policy's schema. */
  description?: string;
}

export interface AdmittedFinding {
  policyName: string;
  urn: string;
  subject: string;
  /** The finding the base's config raises on the head's resources. */
  message: string;
}

export interface GuardDelta {
  changes: BoundChange[];
  /** Findings the base's config raises on the head's resources and the head's does not: what the change lets through. */
  admitted: AdmittedFinding[];
  /** Findings the head's config raises that the base's does not on the same resources: what it now refuses. */
  refused: AdmittedFinding[];
  /** Whether the head was judged again with the base's config (else `admitted` is unknown, not empty). */
  judged: boolean;
}

type Config = Record<string, unknown>;

function entryOf(config: Config, policy: string): Record<string, unknown> {
  const entry = config[policy];
  if (typeof entry === "string") return { enforcementLevel: entry };
  return entry && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The bound changes between two policy configs, unset bounds at the head pack's published defaults. */
function boundChanges(base: PlanJson, head: PlanJson): BoundChange[] {
  const before = base.policyConfig ?? {};
  const after = head.policyConfig ?? {};
  const policies = new Map((head.policyPack?.policies ?? base.policyPack?.policies ?? []).map((p) => [p.name, p]));
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.flatMap((policy) => {
    const b = entryOf(before, policy);
    const a = entryOf(after, policy);
    const summary = policies.get(policy);
    const defaultOf = (bound: string) => (bound === "enforcementLevel" ? summary?.enforcementLevel : summary?.bounds?.[bound]?.default);
    return [...new Set([...Object.keys(b), ...Object.keys(a)])].sort().flatMap((bound): BoundChange[] => {
      const was = b[bound] ?? defaultOf(bound);
      const now = a[bound] ?? defaultOf(bound);
      if (same(was, now)) return [];
      const description = summary?.bounds?.[bound]?.description;
      return [{ policy, bound, before: was, after: now, ...(description ? { description } : {}) }];
    });
  });
}

const key = (v: PlanJsonViolation) => `${v.policyName}\u0000${v.urn}\u0000${v.subject ?? ""}`;
const finding = (v: PlanJsonViolation): AdmittedFinding => ({ policyName: v.policyName, urn: v.urn, subject: v.subject ?? "", message: v.message });

/**
 * The guard's move between two plans. With the head judged a second time by the base's config (and,
 * when the pack's code changed, the base's pack), the findings that judging raises and the head's
 * does not are what the change lets through, whether a bound or the pack's code moved.
 */
export function diffGuard(base: PlanJson, head: PlanJson): GuardDelta {
  const changes = base.policyConfig && head.policyConfig ? boundChanges(base, head) : [];
  const compared = head.policyConfigCompared;
  if (!compared) return { changes, admitted: [], refused: [], judged: false };
  const withHead = new Set(head.violations.map(key));
  const withBase = new Set(compared.violations.map(key));
  return {
    changes,
    admitted: compared.violations.filter((v) => !withHead.has(key(v))).map(finding),
    refused: head.violations.filter((v) => !withBase.has(key(v))).map(finding),
    judged: true,
  };
}

const shown = (value: unknown) => (typeof value === "number" ? value.toLocaleString("en-US") : value === undefined ? "unset" : JSON.stringify(value));

/** `enforce-failover-ttl.maxTtlSeconds 300 → 3,600`, with what an array gained and lost. */
export function boundChangeText(c: BoundChange): string {
  if (Array.isArray(c.before) || Array.isArray(c.after)) {
    const b = (Array.isArray(c.before) ? c.before : []).map(String);
    const a = (Array.isArray(c.after) ? c.after : []).map(String);
    const added = a.filter((x) => !b.includes(x));
    const removed = b.filter((x) => !a.includes(x));
    return `${c.policy}.${c.bound}${added.length ? ` + ${added.join(", ")}` : ""}${removed.length ? ` − ${removed.join(", ")}` : ""}`;
  }
  return `${c.policy}.${c.bound} ${shown(c.before)} → ${shown(c.after)}`;
}

/** A finding's first sentence: what it measured, without the fix and the incident. */
export function firstSentence(message: string): string {
  const line = message.split("\n")[0] ?? "";
  const end = line.search(/\.\s/);
  return end > 0 ? line.slice(0, end) : line.replace(/\.$/, "");
}
