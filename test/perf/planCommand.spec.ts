/** Protects: the plan's tuned start-up. `npm run plan` (package.json) and `planProcessArgs` (pr-check, bench, tests) start the plan with the same Node heap flags and entry point; `npm run pr-check` and `prCheckProcessArgs` (bench, tests) start pr-check alike. */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { planNodeFlags, planProcessArgs } from "../../tools/plan/command";
import { prCheckProcessArgs } from "../../tools/prCheck/command";
import { projectRoot } from "../support/runPlan";

describe("the plan's command", () => {
  it("is what npm run plan runs: the same Node flags and entry point", () => {
    const scripts = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts as Record<string, string>;
    const args = planProcessArgs(projectRoot);
    const entry = relative(projectRoot, args[args.length - 1]);
    // npm run plan alone first checks that `npm ci` ran (a plan of pr-check's base checkout must not depend on that file).
    const installCheck = ["--require", "./tools/plan/needsInstall.cjs"];
    expect(scripts.plan).toBe(["node", ...planNodeFlags, ...installCheck, ...args.slice(planNodeFlags.length, -1), entry].join(" "));
  });

  it("starts pr-check as npm run pr-check does", () => {
    const scripts = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts as Record<string, string>;
    const args = prCheckProcessArgs(projectRoot);
    expect(scripts["pr-check"]).toBe(["node", ...args.slice(0, -1), relative(projectRoot, args[args.length - 1])].join(" "));
  });
});
