/**
 * Plans hand edits of the prod stack, one after another in this one process, each through the
 * offline plan (`makePlan`, the plan command's own) and one real policy pack lent to each plan in
 * turn, as pr-check's plan worker does (`tools/plan/runtime/planWorker.ts`): every plan loads the program's
 * modules afresh in a fresh store of the Pulumi runtime's state.
 *
 * node --require tsx/cjs test/support/handEdits/runner.ts '{"sample":N,"seed":S}' | '{"ids":[…]}' | '{"all":true}'
 *
 * Prints one line `HAND-EDIT <json>` per edit planned (its id, expectation, exit code and
 * violations) and `HAND-EDIT-UNIVERSE <n>` once; exits 0 when every plan ran (its verdicts are the
 * spec's to judge).
 */
if (process.env.EDGE_PLAN_STACK_TRACES !== "1") process.setSourceMapsEnabled(false);
// Installs the deferred SDK imports before anything here loads the SDKs, as the plan worker does.
import "../../../tools/plan/runtime/deferSdkImports";
import { join, resolve, sep } from "node:path";
import fc from "fast-check";
import { reportPlanFailure } from "../../../tools/cli";
import { spawnPolicyPack } from "../../../tools/plan/runtime/packProcess";
import type { PackConnection } from "../../../tools/plan/runtime/packProcess";
import { setCurrentHandEdit, EditAction } from "./current";
import { handEditUniverse, HandEdit } from "./edits";

const root = resolve(__dirname, "..", "..", "..");
const program = join(root, "test", "fixtures", "handEdit.ts");

export interface HandEditOutcome {
  id: string;
  kind: HandEdit["kind"];
  type: string;
  expect: HandEdit["expect"];
  code: number;
  violations: { policyName: string; message: string }[];
  error?: string;
}

/** Drops the cached modules of this tree, its packages aside, so the next plan loads the program anew. */
function forgetTreeModules(): void {
  const tree = root + sep;
  const packages = `${sep}node_modules${sep}`;
  for (const path of Object.keys(require.cache)) if (path.startsWith(tree) && !path.includes(packages)) delete require.cache[path];
}

/** What ended the plan in flight, when it was an exception nobody caught: the plan command would have exited on it. */
let crashed: ((err: unknown) => void) | undefined;
process.on("uncaughtException", (err) => crashed?.(err));
process.on("unhandledRejection", (err) => crashed?.(err));

async function planOnce(
  action: EditAction,
  pack: PackConnection,
): Promise<{ code: number; violations: HandEditOutcome["violations"]; resources: { type: string; name: string; custom: boolean }[]; error?: string }> {
  const { withLocalStorage } = require("@pulumi/pulumi/runtime/state") as { withLocalStorage<T>(run: () => Promise<T>): Promise<T> };
  setCurrentHandEdit(action);
  const crash = new Promise<{ error: unknown }>((resolveCrash) => (crashed = (error) => resolveCrash({ error })));
  const lent: PackConnection = { port: pack.port, stop: async () => undefined };
  const run = withLocalStorage(async () => {
    forgetTreeModules();
    const { makePlan, hasMandatoryViolation } = require(join(root, "tools", "plan", "plan.ts")) as typeof import("../../../tools/plan/plan");
    try {
      const plan = await makePlan({ stack: "prod", program, pack: Promise.resolve(lent) });
      return {
        code: hasMandatoryViolation(plan) ? 1 : 0,
        violations: plan.policy.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => ({ policyName: v.policyName, message: v.message })),
        resources: plan.resources.map((r) => ({ type: r.type, name: r.name, custom: r.custom })),
      };
    } catch (err) {
      return { code: reportPlanFailure(err, "the plan"), violations: [], resources: [], error: err instanceof Error ? err.message : String(err) };
    }
  });
  const outcome = await Promise.race([
    run,
    crash.then(({ error }) => ({ code: reportPlanFailure(error, "the plan"), violations: [], resources: [], error: error instanceof Error ? error.message : String(error) })),
  ]);
  crashed = undefined;
  setCurrentHandEdit(undefined);
  return outcome;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "{}") as { sample?: number; seed?: number; ids?: string[]; all?: boolean };
  const pack = await spawnPolicyPack();
  try {
    const baseline = await planOnce({}, pack);
    if (baseline.code !== 0) throw new Error(`the unedited prod plan exited ${baseline.code}: ${JSON.stringify(baseline.violations).slice(0, 2000)} ${baseline.error ?? ""}`);
    const universe = handEditUniverse(baseline.resources);
    process.stdout.write(`HAND-EDIT-UNIVERSE ${universe.length}\n`);
    const chosen = request.all
      ? universe
      : request.ids
        ? universe.filter((e) => request.ids!.includes(e.id))
        : [...new Set(fc.sample(fc.constantFrom(...universe), { numRuns: request.sample ?? 20, seed: request.seed ?? 1 }))];
    for (const edit of chosen) {
      const outcome = await planOnce(edit.action, pack);
      const line: HandEditOutcome = {
        id: edit.id,
        kind: edit.kind,
        type: edit.type,
        expect: edit.expect,
        code: outcome.code,
        violations: outcome.violations,
        ...(outcome.error ? { error: outcome.error } : {}),
      };
      process.stdout.write(`HAND-EDIT ${JSON.stringify(line)}\n`);
    }
  } finally {
    await pack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`hand-edit runner failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(3);
  },
);
