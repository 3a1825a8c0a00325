/**
 * What merging a pull request needs, decided once from every stack's plans and diff: the comment's
 * first line says it, pr-check exits with its code, and the workflow's checks carry its name.
 *
 * - cannot merge (exit 1): a stack is broken or has a mandatory violation at the head, or a change
 *   cannot deploy as written (a refused risk: a protected load balancer replaced, a global
 *   outage). No approval clears it.
 * - needs approval (exit 3): a risky change, or a moved guard (the policy pack's code or a policy
 *   config). A code owner of the files that make it approves it: a reviewer of the
 *   `risky-change-approval` environment, which prevents self-review, so the author cannot
 *   (docs/branch-protection.md). A label, which anyone with triage access can add, no longer does.
 * - mergeable (exit 0): nothing of the above.
 *
 * Pure module: no Pulumi imports.
 */
import { refusedRiskKinds, Risk } from "../diff/planDiff";
import type { Approvers } from "./codeOwners";
import type { StackReport } from "./report";

export type MergeKind = "mergeable" | "needs-approval" | "cannot-merge";

const mergeExitCodes: Record<MergeKind, 0 | 1 | 3> = { mergeable: 0, "needs-approval": 3, "cannot-merge": 1 };

/** The checks that say what the comment says (`.github/workflows/pull-request*.yml`). */
export const checkNames = {
  /** The "Pull request" workflow's job: tests and the plan diff; red when merging cannot happen (exit 1). */
  plan: "Edge plan",
  /** The comment workflow's job that runs only when approval is needed: it waits for a reviewer of the approval environment. */
  approval: "Needs approval by a code owner",
  /** The required commit status on the pull request's head, its description the verdict's line: success when mergeable or approved. */
  gate: "Mergeable",
} as const;

/** The environment whose required reviewers approve a risky change. */
export const approvalEnvironment = "risky-change-approval";

export interface MergeVerdict {
  kind: MergeKind;
  exitCode: 0 | 1 | 3;
  /** The comment's first line after its title (markdown). */
  line: string;
  /** What a reviewer does next, or why no approval helps (markdown). */
  how: string;
  /** Why, one entry a stack (or the guard), without markup: `prod: global outage (…)`. */
  reasons: string[];
}

export interface VerdictInputs {
  /** Files under `policies/` other than the stacks' policy configs that the pull request changes. */
  policyCodeFiles?: string[];
  /** Who owns the changed files that make the risky change. */
  approvers?: Approvers;
}

/** A risk's headline: its message up to the first clause that explains it. */
function headline(message: string): string {
  const cut = message.search(/ \(|; |\. /);
  const text = cut > 0 && cut < 160 ? message.slice(0, cut) : message.slice(0, 160);
  return text.length < message.length ? `${text.replace(/[:;,.]$/, "")}…` : text;
}

/** `ttl-raised ×10, recovery-lengthened`: each kind once, in order of first appearance. */
function kinds(risks: Risk[]): string {
  const counts = new Map<string, number>();
  for (const r of risks) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(", ");
}

const code = (text: string) => `\`${text}\``;

function whose(approvers: Approvers | undefined): string {
  if (!approvers || approvers.files.length === 0) return "a code owner";
  const owned = approvers.files.filter((f) => !approvers.unowned.includes(f));
  const list = (files: string[]) => files.slice(0, 3).map(code).join(", ") + (files.length > 3 ? ` and ${files.length - 3} more` : "");
  if (owned.length === 0) return `a reviewer of the ${code(approvalEnvironment)} environment (no CODEOWNERS rule owns ${list(approvers.unowned)})`;
  return `a code owner of ${list(owned)} (${approvers.owners.join(", ")})`;
}

export function mergeVerdict(stacks: StackReport[], inputs: VerdictInputs = {}): MergeVerdict {
  const refusals: string[] = [];
  const risky: string[] = [];
  for (const s of stacks) {
    if (s.head?.code === 2 || (s.head && !s.diff)) refusals.push(`${s.stack} is broken at this pull request`);
    const mandatory = s.head?.json?.violations.filter((v) => v.enforcementLevel === "mandatory").length ?? 0;
    if (mandatory > 0) refusals.push(`${s.stack} has ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}`);
    const risks = s.diff?.risks ?? [];
    for (const r of risks.filter((r) => refusedRiskKinds.has(r.kind))) refusals.push(`${s.stack}: ${headline(r.message)}`);
    const others = risks.filter((r) => !refusedRiskKinds.has(r.kind));
    if (others.length > 0) risky.push(`${s.stack}: ${kinds(others)}`);
  }
  const policyCode = inputs.policyCodeFiles ?? [];
  if (policyCode.length > 0) risky.push(`the policy pack's code (${policyCode.length} file${policyCode.length === 1 ? "" : "s"} under ${code("policies/")})`);
  if (refusals.length > 0) {
    return {
      kind: "cannot-merge",
      exitCode: mergeExitCodes["cannot-merge"],
      line: `⛔ **cannot merge: ${refusals.join("; ")}**`,
      how:
        `No approval clears this: the ${code(checkNames.plan)} check and the ${code(checkNames.gate)} status fail (pr-check exit 1). ` +
        `Change the pull request as the stacks below say${risky.length > 0 ? `; it is risky too (${risky.join("; ")})` : ""}.`,
      reasons: [...refusals, ...risky],
    };
  }
  if (risky.length > 0) {
    return {
      kind: "needs-approval",
      exitCode: mergeExitCodes["needs-approval"],
      line: `⚠️ **needs approval by ${whose(inputs.approvers)}** (risky: ${risky.join("; ")})`,
      how:
        `The ${code(checkNames.gate)} status stays pending until a code owner approves the ${code(approvalEnvironment)} deployment of the ${code(checkNames.approval)} job ` +
        `in the "Pull request comment" run for this head (the author cannot approve it, and each push asks again) (pr-check exit 3).`,
      reasons: risky,
    };
  }
  return {
    kind: "mergeable",
    exitCode: mergeExitCodes.mergeable,
    line: "✅ **mergeable**: no risky change, no mandatory violation, no stack broken",
    how: `The ${code(checkNames.gate)} status passes (pr-check exit 0).`,
    reasons: [],
  };
}
