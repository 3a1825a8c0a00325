/**
 * npm run plan -- [--stack NAME] [--config-file PATH] [--json OUT] [--policy-config PATH] [--base DEPLOYED.json]
 *                  [--compare-policy-config PATH [--compare-pack DIR] [--compare-json OUT]]
 *
 * `--base` names the plan (its `--json`) of what is deployed: the plan rehearses the update from it
 * in the engine's order and refuses each step the cloud's API would refuse (`rehearse-deploy`).
 *
 * `--compare-policy-config` judges the same resources again with another policy config (the JSON's
 * `policyConfigCompared`), by another pack folder with `--compare-pack`; `--compare-json` writes
 * that judging as a plan of its own. pr-check passes the base's config and pack when a pull
 * request changes them and nothing the program reads: that plan is then the base's.
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
// The pack's process starts before this one loads anything more, so that it is ready (its modules
// loaded, its policies listed) by the time the program registers its first resource.
import { startPlanPack } from "./runtime/packLease";
import { installDeferredSdkImports } from "./runtime/deferredSdkImports";
import { plainPath } from "./runtime/mode";

const pack = startPlanPack();
if (!plainPath()) installDeferredSdkImports();
const { exitOnCrash } = require("../cli") as typeof import("../cli");
const { runPlanCommand } = require("./run") as typeof import("./run");

exitOnCrash("the plan");
runPlanCommand(process.argv.slice(2), {}, pack).then((code) => process.exit(code));
