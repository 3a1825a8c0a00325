/**
 * A `PlanDiff` as a reviewer reads it: summary line, risky changes, policy delta, then the
 * changes grouped by component and region (`+` create, `-` delete, `~` update, `+-` replace).
 * Markdown for PR comments (details collapsed), text for a terminal.
 *
 * Pure module: no Pulumi imports.
 */
import { capacityCostLines } from "./capacityCost";
import { groupChanges, isEmpty, Op, PlanDiff, recoveryDeltaTitle, ResourceChange, SecretChange, ViolationDelta } from "./planDiff";
import { differingParts, formatValue, hunks, PropertyChange, secretMask } from "./values";
import { boundChangeText, firstSentence } from "./guardDelta";
import { hostRefreshLines } from "./outage";
import { NodeChange, PathNode, servingGraphLines, servingGraphMermaid } from "./servingPath";
import { fixKey } from "./fixKey";

export type Format = "markdown" | "text";

/**
 * How far the markdown is shortened (the PR comment's size budget sets it, `tools/prCheck/report.ts`):
 * at most `bodyLines(r)` property lines of each resource change (all when absent, none at 0, the
 * rest counted), only the counts, risks and policy delta with `summary`, and at most `listLimit`
 * entries of each list.
 */
export interface Shortening {
  bodyLines?: (r: ResourceChange) => number;
  summary?: boolean;
  listLimit?: number;
}

/** A line that says a shortened list or body goes on in the full report. */
const moreInFullReport = (n: number, what: string) => `… ${n} more ${what}: see the full report`;

/** How the comment and the text mark a value that only exists after apply (`placeholders.ts`). */
export const placeholderLegend =
  "`(known after apply: …)` marks a value the provider assigns (an address, an id, a generated name): the offline plan's mocks invent one, never shown as fact; `(in the stack's state: …)` one a deleted resource has now.";

const symbol: Record<Op, string> = { create: "+", delete: "-", update: "~", replace: "+-" };

export function summaryLine(diff: PlanDiff): string {
  const c = diff.counts;
  const p = diff.policy;
  return (
    `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ${c.same} unchanged; ` +
    `policy violations: ${p.added.length} new, ${p.fixed.length} fixed, ${p.changed.length} changed, ${p.unchanged.length} unchanged; ` +
    `${diff.risks.length} risky change${diff.risks.length === 1 ? "" : "s"}`
  );
}

function propertyLines(changes: PropertyChange[], indent: string): string[] {
  return changes.flatMap((c) => {
    switch (c.kind) {
      case "add":
        return [`+${indent}${c.path}: ${formatValue(c.after)}`];
      case "delete":
        return [`-${indent}${c.path}: ${formatValue(c.before)}`];
      case "update": {
        if (typeof c.before === "string" && typeof c.after === "string" && c.before !== secretMask && c.after !== secretMask) {
          const [before, after] = differingParts(c.before, c.after);
          return [`~${indent}${c.path}: ${JSON.stringify(before)} => ${JSON.stringify(after)}`];
        }
        return [`~${indent}${c.path}: ${formatValue(c.before)} => ${formatValue(c.after)}${c.note ? `  (${c.note})` : ""}`];
      }
      case "text": {
        const ops = new Set(c.lines.map((l) => l.op));
        if (ops.size === 1 && !ops.has(" ")) return [`${c.lines[0].op}${indent}${c.path}:`, ...c.lines.map((l) => `${l.op}${indent}    ${l.line}`)];
        // Changed in place: the hunks around each change, not the whole document.
        return [`~${indent}${c.path}:`, ...hunks(c.lines).map((l) => (l.startsWith("@@") ? ` ${indent}  ${l}` : `${l[0]}${indent}    ${l.slice(1)}`))];
      }
    }
  });
}

/** The lines of one resource change, in `diff` syntax (first column is the marker); at most `bodyLines` property lines. */
export function resourceLines(r: ResourceChange, bodyLines = Infinity): string[] {
  const withProperties = bodyLines > 0;
  const follows = r.cascadeFrom ? `; follows replaced ${r.cascadeFrom.join(", ")}` : "";
  const why =
    r.op === "replace"
      ? `  (replace, ${r.replace?.mode ?? "create-before-delete"}: ${r.replaceReasons.join(", ")}${follows})`
      : r.cascadeFrom
        ? `  (update: ids from replaced ${r.cascadeFrom.join(", ")} are unknown until apply)`
        : r.served
          ? `  (served ${r.served})`
          : "";
  const head = `${symbol[r.op].padEnd(2)} ${r.type}  ${r.name}${why}`;
  const all = r.op === "delete" || !withProperties ? [] : propertyLines(r.changes, "      ");
  const body = all.length > bodyLines ? [...all.slice(0, bodyLines), `       ${moreInFullReport(all.length - bodyLines, "property lines")}`] : all;
  const citations = r.replace ? r.replace.citations.map((c, i) => `      # ${r.replaceReasons[i]}: ${c}`) : [];
  if (r.replace?.deleteFirstCite) citations.push(`      # delete-before-replace: ${r.replace.deleteFirstCite}`);
  return [head, ...(withProperties ? citations : []), ...body];
}

/** How many property lines a resource change has: what shortening its body cuts. */
export function bodyLength(r: ResourceChange): number {
  return r.op === "delete" ? 0 : propertyLines(r.changes, "      ").length;
}

function violationLine(v: ViolationDelta, markdown: boolean): string[] {
  const first = v.message.split("\n").filter(Boolean);
  const where = markdown ? `\`${v.resource}\`` : v.resource;
  const lines = [`${v.enforcementLevel} [${v.policyName}] ${where}: ${first.join(" ")}`];
  if (v.before !== undefined) lines.push(`  was: ${v.before.split("\n").filter(Boolean).join(" ")}`);
  return lines;
}

/**
 * A violation's cause: its policy, and the config key that fixes it (`fixKey`: of the keys its
 * message offers, the one the pull request changed), so a TTL change's 16 findings read as one line.
 */
function violationEntry(label: string, v: ViolationDelta, changedKeys: string[]): Entry {
  const key = fixKey(v.message, changedKeys);
  return {
    line: `- ${label}${key ? ` (via \`${key}\`)` : ""}: ${violationLine(v, true).join("<br>")}`,
    cause: `${label}: ${v.enforcementLevel} [${v.policyName}]${key ? ` via \`${key}\`` : " (no config key: the fix is in the program or the policy config)"}`,
    member: `\`${v.resource}\`${v.subject ? ` (${v.subject})` : ""}: ${violationLine(v, true).join("<br>")}`,
  };
}

/** `lines` in a code fence longer than any run of backticks they hold, so the fence always closes. */
export function fence(lines: string[], language = "diff"): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const ticks = "`".repeat(longest + 1);
  return [`${ticks}${language}`, ...lines, ticks];
}

/** One entry of a grouped list: entries with the same `cause` show as one line, their members folded. */
interface Entry {
  /** The line of an entry alone. */
  line: string;
  /** The shared line of its cause, without the `- ` bullet; absent: never grouped. */
  cause?: string;
  /** Its line among the cause's members. */
  member: string;
}

/** Entries grouped by cause, in order of first appearance: one line per cause, members in a fold; each group's lines apart. */
function grouped(entries: Entry[]): string[][] {
  const groups = new Map<string, Entry[]>();
  entries.forEach((e, i) => {
    const key = e.cause ?? `\u0000${i}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  });
  return [...groups.values()].flatMap((members) => {
    if (members.length === 1 || members[0]!.cause === undefined) return members.map((m) => [m.line]);
    return [[`- ${members[0]!.cause} (×${members.length})`, "", `<details><summary>the ${members.length}</summary>`, "", ...members.map((m) => `- ${m.member}`), "", "</details>", ""]];
  });
}

/** At most `limit` of `items` (each one line, or one group's lines), then a line saying how many more the full report has. */
function capped(items: (string | string[])[], limit: number): string[] {
  const kept = items.slice(0, limit).flat();
  return items.length <= limit ? kept : [...kept, `- ${moreInFullReport(items.length - limit, "entries")}`];
}

/** The config keys a diff's stack file changed (`edge:ingest.instanceType`), list indices dropped. */
function changedKeys(diff: PlanDiff): string[] {
  return [...new Set(diff.config.map((c) => c.path.replace(/\[\d+\]/g, "")))];
}

/** Each node's change in the serving path. */
function nodeChange(diff: PlanDiff): (node: PathNode) => NodeChange {
  return (node) => diff.servingPath.changes[node.id] ?? "same";
}

/** The stack file's changed config, the moved guard, and what the deploy does to serving and hosts. */
function changeSummary(diff: PlanDiff): { config: string[]; guard: string[]; deploy: string[] } {
  const config = propertyLines(diff.config, " ");
  const g = diff.guard;
  const guard = g.changes.map((c) => `${boundChangeText(c)}${c.description ? ` (${c.description})` : ""}`);
  if (g.changes.length === 0 && g.admitted.length > 0) guard.push("the policy pack's code changed (the base's pack judged this plan again)");
  if (g.changes.length > 0 || g.admitted.length > 0) {
    if (!g.judged) guard.push("what the new config admits was not judged: plan the head with `--compare-policy-config` <the base's config>");
    else if (g.admitted.length === 0) guard.push("would now accept: nothing in this stack's plan that the old config refused (a later change can use the room)");
    else for (const a of g.admitted) guard.push(`would now accept: ${firstSentence(a.message)}`);
    for (const r of g.refused) guard.push(`now refuses: ${firstSentence(r.message)}`);
  }
  const down = Object.values(diff.servingPath.changes).filter((c) => c === "down").length;
  const deploy = [...(down > 0 ? [`${down} region${down === 1 ? "" : "s"} stop serving during the deploy (see the risks)`] : []), ...hostRefreshLines(diff.refreshes)];
  return { config, guard, deploy };
}

function renderMarkdown(diff: PlanDiff, title: string, shortening: Shortening): string[] {
  const listLimit = shortening.listLimit ?? Infinity;
  const out = [`### ${title}`, "", `**${summaryLine(diff)}**`, ""];
  if (isEmpty(diff)) return [...out, "No changes: the edge stays as it is.", ""];
  const summary = changeSummary(diff);
  if (summary.config.length > 0) out.push("#### Stack config changed", "", ...fence(summary.config), "");
  if (summary.guard.length > 0) out.push("#### 🛡️ Guard moved", "", ...summary.guard.map((l) => `- ${l}`), "");
  if (summary.deploy.length > 0) out.push("#### What the deploy does", "", ...summary.deploy.map((l) => `- ${l}`), "");
  if (Object.keys(diff.servingPath.changes).length > 0) {
    out.push("#### Serving path", "", ...fence(servingGraphMermaid(diff.servingPath.graph, nodeChange(diff)), "mermaid"), "");
  }
  out.push(...capacityCostLines(diff.capacity).map((l) => `- ${l}`), "");
  if (diff.risks.length > 0) {
    const entries = diff.risks.map((r) => ({
      line: `- **${r.kind}**: ${r.message}`,
      ...(r.cause ? { cause: `**${r.kind}**: ${r.cause}` } : {}),
      member: r.member ?? r.message,
    }));
    out.push(`#### ⚠️ Risky changes (${diff.risks.length})`, "", ...capped(grouped(entries), listLimit), "");
  }
  const p = diff.policy;
  const keys = changedKeys(diff);
  out.push("#### Policy delta", "");
  if (p.added.length + p.fixed.length + p.changed.length + p.unchanged.length === 0) out.push("No policy violations before or after.");
  out.push(...capped(grouped(p.added.map((v) => violationEntry("🆕 new", v, keys))), listLimit));
  out.push(...capped(grouped(p.changed.map((v) => violationEntry("✏️ changed", v, keys))), listLimit));
  out.push(...capped(grouped(p.fixed.map((v) => violationEntry("✅ fixed", v, keys))), listLimit));
  if (p.unchanged.length > 0 && shortening.summary) {
    out.push("", `${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"}: see the full report.`);
  } else if (p.unchanged.length > 0) {
    out.push("", `<details><summary>${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"}</summary>`, "");
    out.push(
      ...capped(
        p.unchanged.map((v) => `- ${violationLine(v, true).join("<br>")}`),
        listLimit,
      ),
    );
    out.push("", "</details>");
  }
  out.push("");
  if (diff.recovery.length > 0) out.push("#### Recovery time", "", ...recoveryLines(diff).map((l) => `- ${l}`), "");
  if (diff.secrets.length > 0) out.push("#### Secrets", "", ...secretLines(diff), "");
  const groups = groupChanges(diff);
  if (groups.length > 0) out.push("#### Changes by component and region", "");
  if (shortening.summary) {
    if (groups.length > 0) out.push(`${diff.resources.length} resource changes in ${groups.length} component and region groups: see the full report.`, "");
    return out;
  }
  for (const g of groups) {
    const counts = (["create", "update", "replace", "delete"] as Op[])
      .map((op) => [op, g.changes.filter((c) => c.op === op).length] as const)
      .filter(([, n]) => n > 0)
      .map(([op, n]) => `${symbol[op]}${n}`)
      .join(" ");
    const lines = g.changes.flatMap((c) => resourceLines(c, shortening.bodyLines?.(c) ?? Infinity));
    out.push(`<details><summary><code>${g.component}</code> · ${g.region} (${counts})</summary>`, "", ...fence(lines), "", "</details>", "");
  }
  if (diff.outputs.length > 0 && !shortening.bodyLines) {
    out.push(`<details><summary>Stack outputs (${diff.outputs.length} changed)</summary>`, "", ...fence(propertyLines(diff.outputs, " ")), "", "</details>", "");
  }
  return out;
}

/** Each failure mode whose worst-case recovery moved: before → after, and the dominant term. */
function recoveryLines(diff: PlanDiff): string[] {
  const shown = (n: number | null) => (n === null ? "none" : `${n} s`);
  return diff.recovery.map((d) => {
    const sign = d.before !== null && d.after !== null ? ` (${d.after > d.before ? "+" : ""}${Math.round((d.after - d.before) * 1000) / 1000} s)` : "";
    return `${recoveryDeltaTitle(d)} (${d.scope}): ${shown(d.before)} → ${shown(d.after)}${sign}; dominant: ${d.dominant}`;
  });
}

/** Stack-file secrets that changed: known by their ciphertexts, never shown; with what takes each and what that replaces. */
function secretLines(diff: PlanDiff): string[] {
  const shown: Record<SecretChange["change"], string> = {
    rotated: `${secretMask} → ${secretMask} (rotated: the ciphertext changed)`,
    added: `→ ${secretMask} (added)`,
    removed: `${secretMask} → (removed)`,
  };
  return diff.secrets.map((s) => {
    const replaced = diff.resources.filter((r) => r.op === "replace" && r.changes.some((c) => c.kind === "update" && c.note?.startsWith(s.path) && r.replaceReasons.includes(c.path)));
    const effect =
      s.takenBy.length === 0
        ? "; no resource takes it as an input (a provider's credentials): nothing is replaced"
        : `; taken by ${s.takenBy.join(", ")}${replaced.length > 0 ? `: ${replaced.length} replaced (see the risks)` : ""}`;
    return `- \`${s.path}\`: ${shown[s.change]}${s.change === "removed" ? "" : effect}`;
  });
}

function renderText(diff: PlanDiff, title: string): string[] {
  const out = [title, summaryLine(diff)];
  if (isEmpty(diff)) return [...out, "No changes."];
  const summary = changeSummary(diff);
  if (summary.config.length > 0) out.push("", "Stack config changed:", ...summary.config.map((l) => `  ${l}`));
  if (summary.guard.length > 0) out.push("", "Guard moved:", ...summary.guard.map((l) => `  ${l}`));
  if (summary.deploy.length > 0) out.push("", "What the deploy does:", ...summary.deploy.map((l) => `  ${l}`));
  if (Object.keys(diff.servingPath.changes).length > 0) out.push("", "Serving path:", ...servingGraphLines(diff.servingPath.graph, nodeChange(diff)).map((l) => `  ${l}`));
  out.push("", "Capacity and cost:", ...capacityCostLines(diff.capacity).map((l) => `  ${l}`));
  if (diff.risks.length > 0) out.push("", `RISKY CHANGES (${diff.risks.length}):`, ...diff.risks.map((r) => `  ! ${r.kind}: ${r.message}`));
  const p = diff.policy;
  out.push("", "Policy delta:");
  for (const [label, list] of [
    ["new", p.added],
    ["changed", p.changed],
    ["fixed", p.fixed],
  ] as const) {
    for (const v of list) out.push(...violationLine(v, false).map((l, i) => (i === 0 ? `  ${label}: ${l}` : `    ${l}`)));
  }
  out.push(`  ${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"} (folded)`);
  if (diff.recovery.length > 0) out.push("", "Recovery time:", ...recoveryLines(diff).map((l) => `  ${l}`));
  for (const g of groupChanges(diff)) {
    out.push("", `${g.component} [${g.region}]`, ...g.changes.flatMap((c) => resourceLines(c)).map((l) => `  ${l}`));
  }
  if (diff.secrets.length > 0) out.push("", "Secrets:", ...secretLines(diff).map((l) => `  ${l.replace(/`/g, "")}`));
  if (diff.outputs.length > 0) out.push("", "Stack outputs:", ...propertyLines(diff.outputs, " ").map((l) => `  ${l}`));
  if (out.some((l) => l.includes("(known after apply: ") || l.includes("(in the stack's state: "))) out.push("", placeholderLegend.replace(/`/g, ""));
  return out;
}

/** The diff as markdown or text; `shortening` shortens the markdown, the text is always whole. */
export function renderDiff(diff: PlanDiff, format: Format, title = `Plan diff of stack '${diff.stack}'`, shortening: Shortening = {}): string {
  return (format === "markdown" ? renderMarkdown(diff, title, shortening) : renderText(diff, title)).join("\n") + "\n";
}
