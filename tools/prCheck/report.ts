/**
 * The pull-request report as one markdown comment that GitHub accepts (at most 65,536
 * characters): what merging needs first (`verdict.ts`), the stacks a reviewer must look at first,
 * the summary table, each stack's risks and policy delta always. When the whole does not fit, the
 * budget goes to changed property bodies before anything is dropped: created resources' bodies
 * are cut to the longest that fits, then updated and replaced ones', then whole stacks step down
 * to their summary, then the longest lists are cut, each with a visible notice and the link to the
 * full report. Every section is rendered whole, so every fence and `<details>` closes.
 *
 * Pure module: no Pulumi imports.
 */
import type { PlanDiff, ResourceChange } from "../diff/planDiff";
import { bodyLength, fence, placeholderLegend, renderDiff, Shortening } from "../diff/render";
import { isMarked } from "../diff/placeholders";
import { boundChangeText } from "../diff/guardDelta";
import type { PlanJson } from "../plan/planJson";
import type { Approvers } from "./codeOwners";
import { mergeVerdict, MergeVerdict } from "./verdict";

/** The marker a workflow finds its sticky comment by. */
export const reportMarker = "<!-- edge-pr-check -->";

/** GitHub refuses an issue comment longer than this (characters). */
export const githubCommentLimit = 65_536;

/** The comment's budget: under GitHub's limit with room for the line the comment workflow appends. */
export const defaultCommentBudget = 64_000;

export interface StackPlan {
  /** Exit code of `npm run plan`: 0, 1 (mandatory violation, JSON still written), 2 (broken). */
  code: number;
  json?: PlanJson;
  stderr: string;
}

export interface StackReport {
  stack: string;
  base?: StackPlan;
  head?: StackPlan;
  diff?: PlanDiff;
}

export interface ReportOptions {
  baseRef: string;
  baseCommit: string;
  /** The commit planned as the pull request's side (a merge commit in CI). */
  headCommit: string;
  /** The pull request's own head commit, when it differs from `headCommit` (CI plans the merge). */
  prHeadCommit?: string;
  /** Largest markdown, in characters. Defaults to `defaultCommentBudget`. */
  maxChars?: number;
  /** Where the full report is; the notice of a shortened comment links it. Defaults to the run's `pr-check` artifact, unlinked. */
  fullReportUrl?: string;
  /** Files under `policies/` that differ between the base and the head, and the two trees' hashes. */
  policyChange?: PolicyChange;
  /** Who owns the changed files behind the risky change: whose approval the verdict names. */
  approvers?: Approvers;
}

export interface PolicyChange {
  files: string[];
  /** Git tree of `policies/` at the base commit. */
  baseTree: string;
  /** Git tree of `policies/` at the head commit. */
  headTree: string;
  /** Whether the working tree's `policies/` differs from the head commit's. */
  uncommitted: boolean;
}

/** A stack's policy config, whose change moves that stack's limits. */
export const policyConfigFile = (stack: string) => `policies/config/${stack}.json`;

/** Whether a reviewer must read the stack first: broken, risky or with new violations. */
export function needsAttention(s: StackReport): boolean {
  return !s.diff || s.head?.code === 2 || s.base?.code === 2 || s.diff.risks.length > 0 || s.diff.policy.added.length > 0;
}

/** Stacks that need attention first, each group by name. */
export function reportOrder(stacks: StackReport[]): StackReport[] {
  return [...stacks].sort((a, b) => Number(needsAttention(b)) - Number(needsAttention(a)) || a.stack.localeCompare(b.stack));
}

const short = (sha: string) => sha.slice(0, 12);

/** The title, then what merging needs (the verdict's line, first after the title) and how, then the commits. */
function header(o: ReportOptions, verdict: MergeVerdict): string[] {
  const head = o.prHeadCommit && o.prHeadCommit !== o.headCommit ? `head \`${short(o.prHeadCommit)}\` (planned merged into the base as \`${short(o.headCommit)}\`)` : `head \`${short(o.headCommit)}\``;
  return [reportMarker, `## Edge plan: \`${o.baseRef}\` → this pull request`, verdict.line, "", verdict.how, "", `Base \`${short(o.baseCommit)}\` → ${head}.`, ""];
}

/** The policy files a pull request changes that are the pack's code, not a stack's policy config. */
export function policyCodeFiles(change: PolicyChange | undefined): string[] {
  return (change?.files ?? []).filter((f) => !f.startsWith("policies/config/"));
}

function packOf(stacks: StackReport[], side: "base" | "head"): string {
  const pack = stacks.map((s) => s[side]?.json?.policyPack).find(Boolean);
  return pack ? `${pack.name} ${pack.version}` : "no pack";
}

/**
 * A banner when the pack that judges the plans changed: the head's plans were judged by the head's
 * policies, so a loosened limit passes the very change that needed it (incident 000's thresholds
 * drifted the same way). Never folded, never dropped by the size budget.
 */
function policyBanner(stacks: StackReport[], change: PolicyChange | undefined): string[] {
  if (!change || change.files.length === 0) return [];
  const configs = stacks
    .filter((s) => change.files.includes(policyConfigFile(s.stack)))
    .map((s) => {
      const moved = s.diff?.guard.changes.map(boundChangeText) ?? [];
      return `\`${s.stack}\`${moved.length > 0 ? ` (${moved.join(", ")})` : ""}`;
    });
  const code = change.files.filter((f) => !f.startsWith("policies/config/"));
  const what = [code.length ? `the policy pack (${code.length} file${code.length === 1 ? "" : "s"} under \`policies/\`)` : "", configs.length ? `the policy config of ${configs.join(", ")}` : ""]
    .filter(Boolean)
    .join(" and ");
  const files =
    change.files
      .slice(0, 20)
      .map((f) => `\`${f}\``)
      .join(", ") + (change.files.length > 20 ? `, and ${change.files.length - 20} more` : "");
  return [
    `> 🛡️ **The guard moved:** this pull request changes ${what}. The base was judged by ${packOf(stacks, "base")} (\`policies/\` tree \`${change.baseTree.slice(0, 12)}\`), ` +
      `this pull request by ${packOf(stacks, "head")} (tree \`${change.headTree.slice(0, 12)}\`${change.uncommitted ? " and uncommitted changes" : ""}): a loosened limit passes its own change. Review ${files} first.`,
    "",
  ];
}

function table(stacks: StackReport[]): string[] {
  const lines = ["| stack | + create | ~ update | +- replace | - delete | risky | new violations | fixed violations |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"];
  for (const s of stacks) {
    if (!s.diff) {
      lines.push(`| \`${s.stack}\` | ❌ broken at ${s.head?.code === 2 || !s.head ? "head" : "base"} | | | | | | |`);
      continue;
    }
    const c = s.diff.counts;
    const risky = s.diff.risks.length;
    lines.push(`| \`${s.stack}\` | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${risky ? `⚠️ ${risky}` : 0} | ${s.diff.policy.added.length} | ${s.diff.policy.fixed.length} |`);
  }
  return [...lines, ""];
}

function brokenSection(stack: string, side: string, plan: StackPlan): string[] {
  const detail = plan.stderr.trim().split("\n").slice(-20);
  return [
    `### ❌ Stack \`${stack}\`: broken at ${side}`,
    "",
    "The plan exited 2 (invalid stack file or config, or the program failed):",
    "",
    ...fence(detail.length ? detail : ["(no output)"], ""),
    "",
  ];
}

function section(s: StackReport, baseRef: string, level: Shortening): string[] {
  const lines: string[] = [];
  if (s.head && s.head.code === 2) lines.push(...brokenSection(s.stack, "this pull request", s.head));
  else if (s.base && s.base.code === 2 && s.head) lines.push(...brokenSection(s.stack, `base ${baseRef}`, s.base));
  if (!s.diff) return lines;
  const note = !s.base ? " (new stack)" : !s.head ? " (stack removed)" : "";
  const mandatory = s.head?.json?.violations.filter((v) => v.enforcementLevel === "mandatory").length ?? 0;
  const title = `Stack \`${s.stack}\`${note}${mandatory ? ` — ❌ ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}` : ""}`;
  lines.push(renderDiff(s.diff, "markdown", title, level));
  return lines;
}

function footer(withPlaceholders: boolean): string[] {
  return [
    "<sub>Offline plan under Pulumi's mock runtime with the real policy pack (`npm run pr-check`). Replacements are inferred from a table of replace-on-change properties; the cloud preview is authoritative." +
      (withPlaceholders ? ` ${placeholderLegend}` : "") +
      "</sub>",
    "",
  ];
}

function notice(o: ReportOptions, shortened: string[]): string[] {
  const where = o.fullReportUrl ? `[the full report](${o.fullReportUrl})` : "the full report (the run's `pr-check` artifact)";
  return [`> ⚠️ **This comment is shortened** to fit GitHub's ${githubCommentLimit.toLocaleString("en-US")}-character limit: ${shortened.join("; ")}. Read ${where}.`, ""];
}

/** How far the comment is shortened: each stack's `Shortening`, and the body caps behind them, for the notice. */
interface Budget {
  /** Most property lines of a created resource's body; of an updated or replaced one's. */
  createdLines: number;
  changedLines: number;
  /** Stacks (by index in reading order) shown as their summary only. */
  summaries: Set<number>;
  listLimit: number;
}

const isCreate = (r: ResourceChange) => r.op === "create";

function levelOf(b: Budget, i: number): Shortening {
  const capped = Number.isFinite(b.createdLines) || Number.isFinite(b.changedLines);
  return {
    ...(capped ? { bodyLines: (r: ResourceChange) => (isCreate(r) ? b.createdLines : b.changedLines) } : {}),
    ...(b.summaries.has(i) ? { summary: true } : {}),
    ...(Number.isFinite(b.listLimit) ? { listLimit: b.listLimit } : {}),
  };
}

function assemble(o: ReportOptions, verdict: MergeVerdict, ordered: StackReport[], b: Budget, shortened: string[]): string {
  const lines = [...header(o, verdict), ...policyBanner(ordered, o.policyChange), ...table(ordered)];
  if (shortened.length > 0) lines.push(...notice(o, shortened));
  const sections = ordered.flatMap((s, i) => section(s, o.baseRef, levelOf(b, i)));
  lines.push(...sections, ...footer(sections.some(isMarked)));
  return lines.join("\n");
}

/** What the budget left out, for the notice. */
function describeShortening(ordered: StackReport[], b: Budget): string[] {
  const out: string[] = [];
  const cut = (n: number, what: string) => (n === 0 ? `${what} left out` : `${what} cut to ${n} lines each`);
  if (Number.isFinite(b.createdLines)) out.push(cut(b.createdLines, "created resources' properties"));
  if (Number.isFinite(b.changedLines)) out.push(cut(b.changedLines, "updated and replaced resources' property changes"));
  const summary = ordered.filter((_, i) => b.summaries.has(i)).map((s) => `\`${s.stack}\``);
  if (summary.length) out.push(`only counts, risks and the policy delta for ${summary.join(", ")}`);
  if (Number.isFinite(b.listLimit)) out.push(`lists cut to ${b.listLimit} entries`);
  return out;
}

/** The largest cap in [0, most] for which `fits` holds (it holds at 0 when at all; it only fails above some cap). */
function largestFitting(most: number, fits: (cap: number) => boolean): number | undefined {
  if (!fits(0)) return undefined;
  let low = 0;
  let high = most;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The report, and the same report unshortened, with what merging needs. The comment spends its
 * budget on changed property bodies first: created resources' bodies shrink to the longest cap that
 * fits, then updated and replaced ones'; only then do stacks step down to their summary (the last
 * in reading order first), then every list is halved until it fits `maxChars`.
 */
export function renderReport(stacks: StackReport[], o: ReportOptions): { markdown: string; full: string; shortened: boolean; verdict: MergeVerdict } {
  const max = o.maxChars ?? defaultCommentBudget;
  const verdict = mergeVerdict(stacks, { policyCodeFiles: policyCodeFiles(o.policyChange), approvers: o.approvers });
  const ordered = reportOrder(stacks);
  const budget: Budget = { createdLines: Infinity, changedLines: Infinity, summaries: new Set(), listLimit: Infinity };
  const full = assemble(o, verdict, ordered, budget, []);
  if (full.length <= max) return { markdown: full, full, shortened: false, verdict };
  const render = () => assemble(o, verdict, ordered, budget, describeShortening(ordered, budget));
  const fits = () => render().length <= max;
  const done = () => ({ markdown: render(), full, shortened: true, verdict });
  const resources = ordered.flatMap((s) => s.diff?.resources ?? []);
  const longest = (which: (r: ResourceChange) => boolean) => Math.max(0, ...resources.filter(which).map(bodyLength));
  const created = largestFitting(longest(isCreate), (cap) => {
    budget.createdLines = cap;
    return fits();
  });
  if (created !== undefined) {
    budget.createdLines = created;
    return done();
  }
  budget.createdLines = 0;
  const changed = largestFitting(
    longest((r) => !isCreate(r)),
    (cap) => {
      budget.changedLines = cap;
      return fits();
    },
  );
  if (changed !== undefined) {
    budget.changedLines = changed;
    return done();
  }
  budget.changedLines = 0;
  for (let i = ordered.length - 1; i >= 0; i--) {
    budget.summaries.add(i);
    if (fits()) return done();
  }
  for (let limit = 256; limit >= 1; limit = Math.floor(limit / 2)) {
    budget.listLimit = limit;
    if (fits() || limit === 1) break;
  }
  return done();
}
