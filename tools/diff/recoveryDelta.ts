/**
 * The recovery delta of two plans: the failure modes whose worst-case recovery time moved, and the
 * lengthened ones as risks.
 *
 * Pure module: no Pulumi imports.
 */
import { PlanJson } from "../plan/planJson";
import { failureModeTitles, RecoveryFigure, recoveryReport, worstByMode } from "../../models/recovery";
import { RecoveryDelta, Risk } from "./diffTypes";

/**
 * The failure modes whose worst-case recovery time differs between the plans. Both sides are
 * computed from their resources with this model (not read from `recovery` as each plan recorded
 * it), so a delta is a change of the stack, never of the model between the two commits.
 */
export function diffRecovery(base: PlanJson, head: PlanJson): RecoveryDelta[] {
  const before = worstByMode(recoveryReport(base.resources));
  const after = worstByMode(recoveryReport(head.resources));
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
export function recoveryRisks(deltas: RecoveryDelta[]): Risk[] {
  return deltas
    .filter((d) => d.after !== null && (d.before === null || d.after > d.before))
    .map((d) => ({
      kind: "recovery-lengthened" as const,
      message:
        `when ${recoveryDeltaTitle(d)} (${d.scope}), traffic is served again after ${d.after} s` +
        `${d.before === null ? " (no figure before)" : `, was ${d.before} s (+${Math.round((d.after! - d.before) * 1000) / 1000} s)`}; dominant term: ${d.dominant}`,
    }));
}
