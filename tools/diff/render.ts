/**
 * A `PlanDiff` as a reviewer reads it: summary line, risky changes, policy delta, then the
 * changes grouped by component and region (`+` create, `-` delete, `~` update, `+-` replace).
 * Markdown for PR comments (details collapsed), text for a terminal.
 *
 * Pure module: no Pulumi imports.
 */
import { groupChanges, isEmpty, Op, PlanDiff, ResourceChange, ViolationDelta } from "./planDiff";
import { formatValue, PropertyChange } from "./values";

export type Format = "markdown" | "text";

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
      case "update":
        return [`~${indent}${c.path}: ${formatValue(c.before)} => ${formatValue(c.after)}`];
      case "text": {
        const ops = new Set(c.lines.map((l) => l.op));
        const marker = ops.size === 1 && !ops.has(" ") ? c.lines[0].op : "~";
        return [`${marker}${indent}${c.path}:`, ...c.lines.map((l) => `${l.op}${indent}    ${l.line}`)];
      }
    }
  });
}

/** The lines of one resource change, in `diff` syntax (first column is the marker). */
export function resourceLines(r: ResourceChange): string[] {
  const head = `${symbol[r.op].padEnd(2)} ${r.type}  ${r.name}${r.op === "replace" ? `  (replace: ${r.replaceReasons.join(", ")})` : ""}`;
  const body = r.op === "delete" ? [] : propertyLines(r.changes, "      ");
  return [head, ...body];
}

function violationLine(v: ViolationDelta, markdown: boolean): string[] {
  const first = v.message.split("\n").filter(Boolean);
  const where = markdown ? `\`${v.resource}\`` : v.resource;
  const lines = [`${v.enforcementLevel} [${v.policyName}] ${where}: ${first.join(" ")}`];
  if (v.before !== undefined) lines.push(`  was: ${v.before.split("\n").filter(Boolean).join(" ")}`);
  return lines;
}

function fence(lines: string[]): string[] {
  const body = lines.join("\n");
  const ticks = body.includes("```") ? "````" : "```";
  return [`${ticks}diff`, ...lines, ticks];
}

function renderMarkdown(diff: PlanDiff, title: string): string[] {
  const out = [`### ${title}`, "", `**${summaryLine(diff)}**`, ""];
  if (isEmpty(diff)) return [...out, "No changes: the edge stays as it is.", ""];
  if (diff.risks.length > 0) {
    out.push(`#### ⚠️ Risky changes (${diff.risks.length})`, "", ...diff.risks.map((r) => `- **${r.kind}**: ${r.message}`), "");
  }
  const p = diff.policy;
  out.push("#### Policy delta", "");
  if (p.added.length + p.fixed.length + p.changed.length + p.unchanged.length === 0) out.push("No policy violations before or after.");
  for (const v of p.added) out.push(`- 🆕 new: ${violationLine(v, true).join("<br>")}`);
  for (const v of p.changed) out.push(`- ✏️ changed: ${violationLine(v, true).join("<br>")}`);
  for (const v of p.fixed) out.push(`- ✅ fixed: ${violationLine(v, true).join("<br>")}`);
  if (p.unchanged.length > 0) {
    out.push("", `<details><summary>${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"}</summary>`, "");
    for (const v of p.unchanged) out.push(`- ${violationLine(v, true).join("<br>")}`);
    out.push("", "</details>");
  }
  out.push("");
  const groups = groupChanges(diff);
  if (groups.length > 0) out.push("#### Changes by component and region", "");
  for (const g of groups) {
    const counts = (["create", "update", "replace", "delete"] as Op[])
      .map((op) => [op, g.changes.filter((c) => c.op === op).length] as const)
      .filter(([, n]) => n > 0)
      .map(([op, n]) => `${symbol[op]}${n}`)
      .join(" ");
    out.push(`<details><summary><code>${g.component}</code> · ${g.region} (${counts})</summary>`, "", ...fence(g.changes.flatMap(resourceLines)), "", "</details>", "");
  }
  if (diff.outputs.length > 0) {
    out.push(`<details><summary>Stack outputs (${diff.outputs.length} changed)</summary>`, "", ...fence(propertyLines(diff.outputs, " ")), "", "</details>", "");
  }
  return out;
}

function renderText(diff: PlanDiff, title: string): string[] {
  const out = [title, summaryLine(diff)];
  if (isEmpty(diff)) return [...out, "No changes."];
  if (diff.risks.length > 0) out.push("", `RISKY CHANGES (${diff.risks.length}):`, ...diff.risks.map((r) => `  ! ${r.kind}: ${r.message}`));
  const p = diff.policy;
  out.push("", "Policy delta:");
  for (const [label, list] of [["new", p.added], ["changed", p.changed], ["fixed", p.fixed]] as const) {
    for (const v of list) out.push(...violationLine(v, false).map((l, i) => (i === 0 ? `  ${label}: ${l}` : `    ${l}`)));
  }
  out.push(`  ${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"} (folded)`);
  for (const g of groupChanges(diff)) {
    out.push("", `${g.component} [${g.region}]`, ...g.changes.flatMap(resourceLines).map((l) => `  ${l}`));
  }
  if (diff.outputs.length > 0) out.push("", "Stack outputs:", ...propertyLines(diff.outputs, " ").map((l) => `  ${l}`));
  return out;
}

export function renderDiff(diff: PlanDiff, format: Format, title = `Plan diff of stack '${diff.stack}'`): string {
  return (format === "markdown" ? renderMarkdown(diff, title) : renderText(diff, title)).join("\n") + "\n";
}
