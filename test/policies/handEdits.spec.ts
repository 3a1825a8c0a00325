/**
 * Hand edits of the program, generated (test/support/handEdits/edits.ts: per resource type the pack
 * judges, flip a security-relevant property, widen a principal, action or CIDR, drop a companion
 * resource) and planned through the offline plan and the real pack: each must be refused by the
 * policy it names, citing the controls that apply (and not the ones that pass the case), or be a
 * clear refusal to plan, or be listed as allowed with its reason. None may crash the plan.
 *
 * A run plans a sample of the universe (fast-check, `HAND_EDIT_RUNS`, default 6, seed
 * `HAND_EDIT_SEED`, else random and printed) plus every hand-added resource the last review found
 * passing; `HAND_EDIT_RUNS=all` plans the whole universe (hours on a shared machine: 25–40 s an
 * edit were measured with the load average near 27).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { additions, PlannedEdit, verdict } from "../support/handEdits/edits";
import { projectRoot } from "../support/runPlan";

const runs = process.env.HAND_EDIT_RUNS ?? "6";
const seed = Number(process.env.HAND_EDIT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const all = runs === "all";
const sample = all ? 0 : Number(runs);
/** A plan took up to 40 s on the loaded machine; 120 s each leaves room for one three times slower. */
const timeoutMs = (all ? 400 : sample + additions.length + 1) * 120_000;

function plan(request: object): { outcomes: PlannedEdit[]; universe: number; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, ["--require", "tsx/cjs", join(projectRoot, "test", "support", "handEdits", "runner.ts"), JSON.stringify(request)], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  const lines = result.stdout.split("\n");
  return {
    outcomes: lines.filter((l) => l.startsWith("HAND-EDIT ")).map((l) => JSON.parse(l.slice("HAND-EDIT ".length)) as PlannedEdit),
    universe: Number(lines.find((l) => l.startsWith("HAND-EDIT-UNIVERSE "))?.split(" ")[1] ?? 0),
    stderr: result.stderr,
    status: result.status,
  };
}

describe(`hand edits of the prod program (seed ${seed}, HAND_EDIT_RUNS=${runs})`, () => {
  it(
    "are each refused with their controls, refused as unplannable, or listed as allowed with a reason; none crashes the plan",
    () => {
      const additionsRun = plan({ ids: additions.map((a) => a.id) });
      const sampled = all ? plan({ all: true }) : plan({ sample, seed });
      for (const run of [additionsRun, sampled]) expect(run.status, run.stderr.slice(-3000)).toBe(0);
      expect(additionsRun.outcomes.map((o) => o.id).sort()).toEqual(additions.map((a) => a.id).sort());
      expect(sampled.outcomes.length).toBeGreaterThan(0);
      const outcomes = [...additionsRun.outcomes, ...sampled.outcomes];
      const failures = outcomes.map(verdict).filter((v): v is string => v !== undefined);
      const refused = outcomes.filter((o) => o.code === 1).length;
      const allowed = outcomes.filter((o) => "allowed" in o.expect && o.code === 0).length;
      console.log(
        `hand edits: universe ${sampled.universe}; planned ${outcomes.length}: ${refused} refused, ${allowed} allowed (listed), ${outcomes.filter((o) => o.code === 2).length} unplannable, ${failures.length} wrong`,
      );
      expect(failures, `seed ${seed}`).toEqual([]);
    },
    timeoutMs + 60_000,
  );
});
