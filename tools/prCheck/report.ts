/**
 * The pull-request report as one markdown comment that GitHub accepts (at most 65,536
 * characters): the stacks a reviewer must look at first, the summary table, each stack's risks
 * and policy delta always; when the whole does not fit, property bodies go first, then the
 * changed-resource lists, then the longest lists are cut, each with a visible notice and the link
 * to the full report. Every section is rendered whole, so every fence and `<details>` closes.
 *
 * Pure module: no Pulumi imports.
 */
import type { PlanDiff } from "../diff/planDiff";
import { Detail, fence, renderDiff } from "../diff/render";
import type { PlanJson } from "../plan/planJson";

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

function header(o: ReportOptions): string[] {
  const head = o.prHeadCommit && o.prHeadCommit !== o.headCommit ? `head \`${short(o.prHeadCommit)}\` (planned merged into the base as \`${short(o.headCommit)}\`)` : `head \`${short(o.headCommit)}\``;
  return [reportMarker, `## Edge plan: \`${o.baseRef}\` → this pull request`, "", `Base \`${short(o.baseCommit)}\` → ${head}.`, ""];
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
  const configs = stacks.filter((s) => change.files.includes(policyConfigFile(s.stack))).map((s) => `\`${s.stack}\``);
  const code = change.files.filter((f) => !f.startsWith("policies/config/"));
  const what = [code.length ? `the policy pack (${code.length} file${code.length === 1 ? "" : "s"} under \`policies/\`)` : "", configs.length ? `the policy config of ${configs.join(", ")}` : ""]
    .filter(Boolean)
    .join(" and ");
  const files = change.files.slice(0, 20).map((f) => `\`${f}\``).join(", ") + (change.files.length > 20 ? `, and ${change.files.length - 20} more` : "");
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
  return [`### ❌ Stack \`${stack}\`: broken at ${side}`, "", "The plan exited 2 (invalid stack file or config, or the program failed):", "", ...fence(detail.length ? detail : ["(no output)"], ""), ""];
}

/** How far a stack's section is shortened: its detail, and at most this many entries in each list. */
interface Level {
  detail: Detail;
  listLimit: number;
}

function section(s: StackReport, baseRef: string, level: Level): string[] {
  const lines: string[] = [];
  if (s.head && s.head.code === 2) lines.push(...brokenSection(s.stack, "this pull request", s.head));
  else if (s.base && s.base.code === 2 && s.head) lines.push(...brokenSection(s.stack, `base ${baseRef}`, s.base));
  if (!s.diff) return lines;
  const note = !s.base ? " (new stack)" : !s.head ? " (stack removed)" : "";
  const mandatory = s.head?.json?.violations.filter((v) => v.enforcementLevel === "mandatory").length ?? 0;
  const title = `Stack \`${s.stack}\`${note}${mandatory ? ` — ❌ ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}` : ""}`;
  lines.push(renderDiff(s.diff, "markdown", title, level.detail, level.listLimit));
  return lines;
}

const footer = [
  "<sub>Offline plan under Pulumi's mock runtime with the real policy pack (`npm run pr-check`). Replacements are inferred from a table of replace-on-change properties; the cloud preview is authoritative.</sub>",
  "",
];

function notice(o: ReportOptions, shortened: string[]): string[] {
  const where = o.fullReportUrl ? `[the full report](${o.fullReportUrl})` : "the full report (the run's `pr-check` artifact)";
  return [`> ⚠️ **This comment is shortened** to fit GitHub's ${githubCommentLimit.toLocaleString("en-US")}-character limit: ${shortened.join("; ")}. Read ${where}.`, ""];
}

function assemble(o: ReportOptions, ordered: StackReport[], levels: Level[], shortened: string[]): string {
  const lines = [...header(o), ...policyBanner(ordered, o.policyChange), ...table(ordered)];
  if (shortened.length > 0) lines.push(...notice(o, shortened));
  ordered.forEach((s, i) => lines.push(...section(s, o.baseRef, levels[i]!)));
  lines.push(...footer);
  return lines.join("\n");
}

/** What the shortened levels left out, for the notice. */
function describeShortening(ordered: StackReport[], levels: Level[]): string[] {
  const named = (detail: Detail) => ordered.filter((_, i) => levels[i]!.detail === detail).map((s) => `\`${s.stack}\``);
  const out: string[] = [];
  const names = named("names");
  const summary = named("summary");
  if (names.length) out.push(`property changes left out for ${names.join(", ")}`);
  if (summary.length) out.push(`only counts, risks and the policy delta for ${summary.join(", ")}`);
  const cut = Math.min(...levels.map((l) => l.listLimit));
  if (Number.isFinite(cut)) out.push(`lists cut to ${cut} entries`);
  return out;
}

/**
 * The report, and the same report unshortened. The comment steps stacks down from the last in
 * reading order: full → names → summary, then halves every list until it fits `maxChars`.
 */
export function renderReport(stacks: StackReport[], o: ReportOptions): { markdown: string; full: string; shortened: boolean } {
  const max = o.maxChars ?? defaultCommentBudget;
  const ordered = reportOrder(stacks);
  const levels: Level[] = ordered.map(() => ({ detail: "full", listLimit: Infinity }));
  const full = assemble(o, ordered, levels, []);
  if (full.length <= max) return { markdown: full, full, shortened: false };
  const fits = () => assemble(o, ordered, levels, describeShortening(ordered, levels)).length <= max;
  for (const [from, to] of [["full", "names"], ["names", "summary"]] as const) {
    for (let i = levels.length - 1; i >= 0; i--) {
      if (levels[i]!.detail !== from) continue;
      levels[i] = { ...levels[i]!, detail: to };
      if (fits()) return { markdown: assemble(o, ordered, levels, describeShortening(ordered, levels)), full, shortened: true };
    }
  }
  for (let limit = 256; limit >= 1; limit = Math.floor(limit / 2)) {
    for (const l of levels) l.listLimit = limit;
    if (fits() || limit === 1) break;
  }
  return { markdown: assemble(o, ordered, levels, describeShortening(ordered, levels)), full, shortened: true };
}
