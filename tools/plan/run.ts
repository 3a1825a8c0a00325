/**
 * The plan's command, `npm run plan -- …`, as a function: `main.ts` runs it as its own process, and
 * pr-check's plan worker (`planWorker.ts`) runs it for one stack after another in one process.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseCommandLine, reportPlanFailure } from "../cli";
import { leasePolicyPack, packIsLent, startPlanPack } from "./runtime/packLease";
import { PackConnection, spawnPolicyPack } from "./runtime/packProcess";
import { PlanFileError, readPlanJson } from "../diff/planFile";

export const usage =
  "usage: npm run plan -- [--stack NAME] [--config-file PATH] [--json OUT] [--policy-config PATH] [--base DEPLOYED.json] [--compare-policy-config PATH [--compare-pack DIR] [--compare-json OUT]]";

export interface PlanCommandHooks {
  /**
   * Called once the program has run, before the pack's verdict on the stack: the plan worker starts
   * its next program then, while the pack judges this one.
   */
  evaluated?: () => void;
}

/**
 * Plans as the command line says; writes the report to stdout and returns the exit code: 0 no
 * mandatory violation, 1 at least one, 2 bad input, 70 the plan itself failed. `pack` is the pack
 * the caller started (`startPlanPack`); without it, the command starts it.
 */
export async function runPlanCommand(argv: string[], hooks: PlanCommandHooks = {}, pack: Promise<PackConnection> = startPlanPack()): Promise<number> {
  try {
    return await planAsTold(argv, hooks, pack);
  } finally {
    // The command started the pack or was lent it, so it ends it or gives it back: also when the plan
    // ended before it asked the pack for anything (a bad argument, a stack file it could not read),
    // so a lent pack goes back to the next plan, in the plan worker too.
    await pack.then(
      (connection) => connection.stop(),
      () => undefined,
    );
  }
}

async function planAsTold(argv: string[], hooks: PlanCommandHooks, pack: Promise<PackConnection>): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      "config-file": { type: "string" },
      json: { type: "string" },
      "policy-config": { type: "string" },
      base: { type: "string" },
      "compare-policy-config": { type: "string" },
      "compare-json": { type: "string" },
      "compare-pack": { type: "string" },
    },
    usage,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  let base;
  try {
    base = values.base === undefined ? undefined : readPlanJson(values.base);
  } catch (err) {
    if (!(err instanceof PlanFileError)) throw err;
    process.stderr.write(`--base: ${err.message}\n`);
    return 2;
  }
  if ((values["compare-json"] || values["compare-pack"]) && !values["compare-policy-config"]) {
    process.stderr.write(`--compare-json and --compare-pack need --compare-policy-config (the config the second judging uses)\n${usage}\n`);
    return 2;
  }
  const compareDir = values["compare-pack"] && resolve(values["compare-pack"]);
  // Loaded once the pack's process is started: its imports overlap these (the Pulumi runtime).
  const { comparedPlan, hasMandatoryViolation, makePlan, planJson } = require("./plan") as typeof import("./plan");
  const { renderPlan } = require("./report") as typeof import("./report");
  try {
    const plan = await makePlan({
      stack: values.stack,
      configFile: values["config-file"],
      policyConfigFile: values["policy-config"],
      comparePolicyConfigFile: values["compare-policy-config"],
      ...(compareDir ? { comparePack: { dir: compareDir, connect: () => (packIsLent() ? leasePolicyPack(compareDir) : spawnPolicyPack(compareDir)) } } : {}),
      pack,
      evaluated: hooks.evaluated,
      base,
    });
    process.stdout.write(renderPlan(plan));
    const write = (path: string, json: unknown, what: string) => {
      const out = resolve(path);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(json, null, 2) + "\n");
      process.stdout.write(`${what} written to ${out}\n`);
    };
    if (values.json) write(values.json, planJson(plan), "plan");
    const compared = comparedPlan(plan);
    if (values["compare-json"] && compared) write(values["compare-json"], planJson(compared), "the plan judged with the compared policy config");
    return hasMandatoryViolation(plan) ? 1 : 0;
  } catch (err) {
    return reportPlanFailure(err, "the plan");
  }
}
