/** Protects: the plan's tuned start-up. `npm run plan` (package.json) and `planProcessArgs` (pr-check, bench, tests) start the plan with the same Node heap flags and entry point; `npm run pr-check` and `prCheckProcessArgs` (bench, tests) start pr-check alike. */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { planNodeFlags, planProcessArgs, prCheckProcessArgs } from "../../tools/plan/runtime/command";
import { projectRoot } from "../support/runPlan";

/** The command line as package.json spells it: paths relative to the root. */
const asScript = (args: string[]) => ["node", ...args.map((arg) => (arg.startsWith(projectRoot) ? relative(projectRoot, arg) : arg))].join(" ");

describe("the plan's command", () => {
  it("is what npm run plan runs: the same Node flags and entry point", () => {
    const scripts = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts as Record<string, string>;
    const args = planProcessArgs(projectRoot);
    // npm run plan alone first checks that `npm ci` ran (a plan of pr-check's base checkout must not depend on that file).
    const installCheck = ["--require", "./tools/plan/needsInstall.cjs"];
    expect(scripts.plan).toBe(asScript([...planNodeFlags, ...installCheck, ...args.slice(planNodeFlags.length)]));
  });

  it("starts pr-check as npm run pr-check does", () => {
    const scripts = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts["pr-check"]).toBe(asScript(prCheckProcessArgs(projectRoot)));
  });
});
