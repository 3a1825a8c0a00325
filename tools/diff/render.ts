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

export type Format = "markdown" | "text";

/**
 * How much of each change the markdown shows: `full` every property change, `names` the changed
 * resources without their properties, `summary` only the counts (the PR comment's size budget
 * steps a stack down these levels, `tools/prCheck/report.ts`).
 */
export type Detail = "full" | "names" | "summary";

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
        return [`~${indent}${c.path}: ${formatValue(c.before)} => ${formatValue(c.after)}`];
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

/** The lines of one resource change, in `diff` syntax (first column is the marker). */
export function resourceLines(r: ResourceChange, withProperties = true): string[] {
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
  const body = r.op === "delete" || !withProperties ? [] : propertyLines(r.changes, "      ");
  const citations = r.replace ? r.replace.citations.map((c, i) => `      # ${r.replaceReasons[i]}: ${c}`) : [];
  if (r.replace?.deleteFirstCite) citations.push(`      # delete-before-replace: ${r.replace.deleteFirstCite}`);
  return [head, ...(withProperties ? citations : []), ...body];
}

function violationLine(v: ViolationDelta, markdown: boolean): string[] {
  const first = v.message.split("\n").filter(Boolean);
  const where = markdown ? `\`${v.resource}\`` : v.resource;
  const lines = [`${v.enforcementLevel} [${v.policyName}] ${where}: ${first.join(" ")}`];
  if (v.before !== undefined) lines.push(`  was: ${v.before.split("\n").filter(Boolean).join(" ")}`);
  return lines;
}

/**
 * A violation's cause: its policy, and the config key its message names (the smallest fix), so a
 * TTL change's 16 findings read as one line.
 */
function violationEntry(label: string, v: ViolationDelta): Entry {
  const key = /\bedge:[A-Za-z0-9_.]+[A-Za-z0-9_]/.exec(v.message)?.[0];
  return {
    line: `- ${label}: ${violationLine(v, true).join("<br>")}`,
    cause: `${label}: ${v.enforcementLevel} [${v.policyName}]${key ? ` via \`${key}\`` : ""}`,
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
  return items.length <= limit ? kept : [...kept, `- … and ${items.length - limit} more: see the full report`];
}

function renderMarkdown(diff: PlanDiff, title: string, detail: Detail, listLimit: number): string[] {
  const out = [`### ${title}`, "", `**${summaryLine(diff)}**`, ""];
  if (isEmpty(diff)) return [...out, "No changes: the edge stays as it is.", ""];
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
  out.push("#### Policy delta", "");
  if (p.added.length + p.fixed.length + p.changed.length + p.unchanged.length === 0) out.push("No policy violations before or after.");
  out.push(...capped(grouped(p.added.map((v) => violationEntry("🆕 new", v))), listLimit));
  out.push(...capped(grouped(p.changed.map((v) => violationEntry("✏️ changed", v))), listLimit));
  out.push(...capped(grouped(p.fixed.map((v) => violationEntry("✅ fixed", v))), listLimit));
  if (p.unchanged.length > 0 && detail === "summary") {
    out.push("", `${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"}: see the full report.`);
  } else if (p.unchanged.length > 0) {
    out.push("", `<details><summary>${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"}</summary>`, "");
    out.push(...capped(p.unchanged.map((v) => `- ${violationLine(v, true).join("<br>")}`), listLimit));
    out.push("", "</details>");
  }
  out.push("");
  if (diff.recovery.length > 0) out.push("#### Recovery time", "", ...recoveryLines(diff).map((l) => `- ${l}`), "");
  if (diff.secrets.length > 0) out.push("#### Secrets", "", ...secretLines(diff), "");
  const groups = groupChanges(diff);
  if (groups.length > 0) out.push("#### Changes by component and region", "");
  if (detail === "summary") {
    if (groups.length > 0) out.push(`${diff.resources.length} resource changes in ${groups.length} component and region groups: see the full report.`, "");
    return out;
  }
  for (const g of groups) {
    const counts = (["create", "update", "replace", "delete"] as Op[])
      .map((op) => [op, g.changes.filter((c) => c.op === op).length] as const)
      .filter(([, n]) => n > 0)
      .map(([op, n]) => `${symbol[op]}${n}`)
      .join(" ");
    const lines = g.changes.flatMap((c) => resourceLines(c, detail === "full"));
    out.push(`<details><summary><code>${g.component}</code> · ${g.region} (${counts})</summary>`, "", ...fence(lines), "", "</details>", "");
  }
  if (diff.outputs.length > 0 && detail === "full") {
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

/** Stack-file secrets that changed: known by their ciphertexts, never shown. */
function secretLines(diff: PlanDiff): string[] {
  const shown: Record<SecretChange["change"], string> = {
    rotated: `${secretMask} → ${secretMask} (rotated: the ciphertext changed)`,
    added: `→ ${secretMask} (added)`,
    removed: `${secretMask} → (removed)`,
  };
  return diff.secrets.map((s) => `- \`${s.path}\`: ${shown[s.change]}`);
}

function renderText(diff: PlanDiff, title: string): string[] {
  const out = [title, summaryLine(diff)];
  if (isEmpty(diff)) return [...out, "No changes."];
  out.push("", "Capacity and cost:", ...capacityCostLines(diff.capacity).map((l) => `  ${l}`));
  if (diff.risks.length > 0) out.push("", `RISKY CHANGES (${diff.risks.length}):`, ...diff.risks.map((r) => `  ! ${r.kind}: ${r.message}`));
  const p = diff.policy;
  out.push("", "Policy delta:");
  for (const [label, list] of [["new", p.added], ["changed", p.changed], ["fixed", p.fixed]] as const) {
    for (const v of list) out.push(...violationLine(v, false).map((l, i) => (i === 0 ? `  ${label}: ${l}` : `    ${l}`)));
  }
  out.push(`  ${p.unchanged.length} unchanged violation${p.unchanged.length === 1 ? "" : "s"} (folded)`);
  if (diff.recovery.length > 0) out.push("", "Recovery time:", ...recoveryLines(diff).map((l) => `  ${l}`));
  for (const g of groupChanges(diff)) {
    out.push("", `${g.component} [${g.region}]`, ...g.changes.flatMap((c) => resourceLines(c)).map((l) => `  ${l}`));
  }
  if (diff.secrets.length > 0) out.push("", "Secrets:", ...secretLines(diff).map((l) => `  ${l.replace(/`/g, "")}`));
  if (diff.outputs.length > 0) out.push("", "Stack outputs:", ...propertyLines(diff.outputs, " ").map((l) => `  ${l}`));
  return out;
}

/**
 * The diff as markdown or text. `detail` and `listLimit` (most risks and violations of each kind
 * listed) shorten the markdown; the text is always whole.
 */
export function renderDiff(diff: PlanDiff, format: Format, title = `Plan diff of stack '${diff.stack}'`, detail: Detail = "full", listLimit = Infinity): string {
  return (format === "markdown" ? renderMarkdown(diff, title, detail, listLimit) : renderText(diff, title)).join("\n") + "\n";
}
