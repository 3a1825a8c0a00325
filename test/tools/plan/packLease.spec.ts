/**
 * One policy pack process lent to several plans' processes, as pr-check runs them: each plan is
 * the plan its own pack would make, also when their policy configs differ, and a process that ends without returning its lease (a crash)
 * does not hold up the others.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyPackLender } from "../../../tools/plan/runtime/packLease";
import { policyPackDir, spawnPolicyPack } from "../../../tools/plan/runtime/packProcess";
import { planProcessArgs } from "../../../tools/plan/runtime/command";
import { PlanJson, PlanRun, projectRoot, runPlan } from "../../support/runPlan";

const out = mkdtempSync(join(tmpdir(), "edge-pack-lease-"));
let started = 0;
const lender = new PolicyPackLender((dir) => {
  started++;
  return spawnPolicyPack(dir);
});

afterAll(async () => {
  await lender.stop();
  rmSync(out, { recursive: true, force: true });
});

/** `npm run plan -- ARGS --json` in its own process, judged by the lent pack. */
function lentPlan(args: string[], name: string): Promise<PlanRun> {
  const jsonPath = join(out, `${name}.json`);
  const child = spawn(process.execPath, [...planProcessArgs(projectRoot), ...args, "--json", jsonPath], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: PolicyPackLender.childEnv(),
  });
  lender.serve(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      const json = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, "utf8")) as PlanJson) : undefined;
      resolve({ code: code ?? -1, stdout, stderr, json });
    }),
  );
}

/** A process that takes the lease, prints the port and exits without returning it. */
function takeLeaseAndExit(): Promise<{ code: number | null; stdout: string }> {
  const script = `require(${JSON.stringify(join(projectRoot, "tools/plan/runtime/packLease.ts"))}).leasePolicyPack(${JSON.stringify(policyPackDir)}).then((c) => { console.log(c.port); process.exit(0); })`;
  const child = spawn(process.execPath, ["--require", "tsx/cjs", "-e", script], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "inherit", "ipc"],
    env: PolicyPackLender.childEnv(),
  });
  lender.serve(child);
  let stdout = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    }),
  );
}

describe("a policy pack lent to plans in turn", () => {
  it("lends the pack again after a process that held it exits without returning it", async () => {
    const first = await takeLeaseAndExit();
    const second = await takeLeaseAndExit();
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toMatch(/^\d+$/);
    expect(second.stdout).toBe(first.stdout);
  }, 90_000);

  it("judges two plans with different policy configs at once, each as its own pack would", async () => {
    // A region-lost bound below prod's predicted 96 s: refused. With the shipped config, no violation.
    const strictConfig = join(out, "strict-policy-config.json");
    writeFileSync(strictConfig, `${JSON.stringify({ ...JSON.parse(readFileSync(join(projectRoot, "policies/config/prod.json"), "utf8")), "enforce-recovery-time": { maxRegionLostSeconds: 60 } })}\n`);
    const strict = ["--stack", "prod", "--policy-config", strictConfig];
    const shipped = ["--stack", "prod"];
    const [lentStrict, lentShipped] = await Promise.all([lentPlan(strict, "strict"), lentPlan(shipped, "shipped")]);
    expect(started).toBe(1);
    for (const [lent, alone] of [
      [lentStrict, runPlan(strict)],
      [lentShipped, runPlan(shipped)],
    ] as const) {
      expect(lent.code, lent.stderr).toBe(alone.code);
      expect(lent.json).toEqual(alone.json);
    }
    expect(lentStrict.code).toBe(1);
    expect(lentStrict.json!.violations.map((v) => v.policyName)).toContain("enforce-recovery-time");
    expect(lentShipped.code).toBe(0);
  }, 240_000);
});
