/**
 * npm run plan -- [--stack NAME] [--config-file PATH] [--json OUT] [--policy-config PATH]
 *
 * `--stack` defaults to `dev`; a `--config-file` without `--stack` is a file that is not a stack yet,
 * planned under the environment it declares.
 *
 * Exit 0: no mandatory policy violation. 1: at least one. 2: the stack file, the policy config or
 * the stack config is invalid. 70: the plan itself failed (an exception nobody expected), with its
 * error: never 1 or 2, so CI never reads a crash as a refusal or as the user's mistake.
 */
// Source maps only serve stack traces, which the plan prints for an internal error alone (exit 70;
// EDGE_PLAN_STACK_TRACES=1 maps them back to TypeScript): with them on, Node reads the map of every
// module the SDKs load, ~0.15 s of every plan.
if (process.env.EDGE_PLAN_STACK_TRACES !== "1") process.setSourceMapsEnabled(false);
import "./deferredSdkImports";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { exitOnCrash, parseCommandLine, reportPlanFailure } from "../cli";
import { leasePolicyPack, packIsLent } from "./packLease";
import { policyPackDir, spawnPolicyPack } from "./packProcess";

const usage = "usage: npm run plan -- [--stack NAME] [--config-file PATH] [--json OUT] [--policy-config PATH]";

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      "config-file": { type: "string" },
      json: { type: "string" },
      "policy-config": { type: "string" },
    },
    usage,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  // The pack's process starts first: its ~2 s of imports overlap this process loading the Pulumi
  // runtime (./plan and ./report import it), which saves about a second of every plan. Under
  // pr-check, which plans many stacks, the pack is one process lent to each plan in turn.
  const pack = packIsLent() ? leasePolicyPack(policyPackDir) : spawnPolicyPack();
  pack.catch(() => undefined); // awaited in makePlan; a config error may end the run first
  const { hasMandatoryViolation, makePlan, planJson } = require("./plan") as typeof import("./plan");
  const { renderPlan } = require("./report") as typeof import("./report");
  try {
    const plan = await makePlan({
      stack: values.stack,
      configFile: values["config-file"],
      policyConfigFile: values["policy-config"],
      pack,
    });
    process.stdout.write(renderPlan(plan));
    if (values.json) {
      const out = resolve(values.json);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(planJson(plan), null, 2) + "\n");
      process.stdout.write(`plan written to ${out}\n`);
    }
    return hasMandatoryViolation(plan) ? 1 : 0;
  } catch (err) {
    return reportPlanFailure(err, "the plan");
  }
}

exitOnCrash("the plan");
main(process.argv.slice(2)).then((code) => process.exit(code));
