/**
 * npm run plan -- [--stack dev] [--config-file PATH] [--json OUT] [--policy-config PATH]
 *
 * Exit 0: no mandatory policy violation. 1: at least one. 2: the stack file or config is invalid,
 * or the program could not be evaluated.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { StackConfigError } from "../../stacks/schema";
import { spawnPolicyPack } from "./packProcess";
import { StackFileError } from "./stackFile";

const usage = "usage: npm run plan -- [--stack NAME] [--config-file PATH] [--json OUT] [--policy-config PATH]";

/** A Pulumi RunError (a config error raised inside the program) carries this marker. */
function isRunError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { __pulumiRunError?: boolean }).__pulumiRunError === true;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", default: "dev" },
        "config-file": { type: "string" },
        json: { type: "string" },
        "policy-config": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(values.stack)) {
    process.stderr.write(`--stack: '${values.stack}' is not a stack name (letters, digits, '-', '_', '.')\n`);
    return 2;
  }
  // The pack's process starts first: its ~2 s of imports overlap this process loading the Pulumi
  // runtime (./plan and ./report import it), which saves about a second of every plan (issue 9).
  const spawnedPack = spawnPolicyPack();
  spawnedPack.catch(() => undefined); // awaited in makePlan; a config error may end the run first
  const { hasMandatoryViolation, makePlan, planJson } = require("./plan") as typeof import("./plan");
  const { renderPlan } = require("./report") as typeof import("./report");
  try {
    const plan = await makePlan({
      stack: values.stack,
      configFile: values["config-file"],
      policyConfigFile: values["policy-config"],
      spawnedPack,
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
    if (err instanceof StackFileError || err instanceof StackConfigError || isRunError(err)) {
      process.stderr.write(`${(err as Error).message}\n`);
    } else {
      process.stderr.write(`the plan could not be made: ${(err as Error)?.message ?? err}\n`);
    }
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
