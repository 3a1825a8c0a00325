/**
 * pr-check's plan worker plans stack after stack in one process: each plan is the plan its own
 * process makes (a plan left nothing behind for the next: modules, the Pulumi runtime's state, the
 * pack's config or lease), a plan that fails says why and the next still runs, and a worker that
 * dies says its plans are lost instead of leaving pr-check waiting, and pr-check plans each again in
 * a process of its own.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyPackLender } from "../../../tools/plan/runtime/packLease";
import { spawnPolicyPack } from "../../../tools/plan/runtime/packProcess";
import { PlanWorker } from "../../../tools/plan/runtime/planWorkerProcess";
import { planStack } from "../../../tools/prCheck/prCheck";
import { PlanJson, projectRoot, runPlan } from "../../support/runPlan";

const out = mkdtempSync(join(tmpdir(), "edge-plan-worker-"));
let packsStarted = 0;
const lender = new PolicyPackLender((dir) => {
  packsStarted++;
  return spawnPolicyPack(dir);
});
const worker = new PlanWorker(projectRoot, lender);

afterAll(async () => {
  await worker.stop();
  await lender.stop();
  rmSync(out, { recursive: true, force: true });
});

/** `npm run plan -- ARGS --json` in the worker. */
async function workerPlan(args: string[], name: string): Promise<{ code: number; stderr: string; json?: PlanJson }> {
  const jsonPath = join(out, `${name}.json`);
  const { code, stderr } = await worker.plan(projectRoot, [...args, "--json", jsonPath]);
  return { code, stderr, json: existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, "utf8")) as PlanJson) : undefined };
}

describe("the plan worker", () => {
  it("plans stack after stack, each as its own process plans it, judged by one lent pack", async () => {
    const strictConfig = join(out, "strict-policy-config.json");
    writeFileSync(strictConfig, `${JSON.stringify({ ...JSON.parse(readFileSync(join(projectRoot, "policies/config/prod.json"), "utf8")), "enforce-recovery-time": { maxRegionLostSeconds: 60 } })}\n`);
    const runs = [
      ["--stack", "dev"],
      ["--stack", "prod"],
      ["--stack", "prod", "--policy-config", strictConfig],
      ["--stack", "dev"],
    ];
    const planned = await Promise.all(runs.map((args, i) => workerPlan(args, `run-${i}`)));
    expect(packsStarted).toBe(1);
    for (const [i, args] of runs.entries()) {
      const alone = runPlan(args);
      expect(planned[i].code, planned[i].stderr || JSON.stringify(planned[i].json?.violations.map((v) => v.message))).toBe(alone.code);
      expect(planned[i].json).toEqual(alone.json);
    }
    expect(planned[2].code).toBe(1);
    expect(planned[2].json!.violations.map((v) => v.policyName)).toContain("enforce-recovery-time");
  }, 300_000);

  it("answers a plan of bad input with exit 2 and its message, and plans the next", async () => {
    const broken = join(out, "Pulumi.broken.yaml");
    writeFileSync(broken, "config:\n  edge:dns:\n    ttl: [\n");
    const refused = await workerPlan(["--config-file", broken], "broken");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(broken);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const next = await workerPlan(["--stack", "dev"], "after-broken");
    expect(next.code, next.stderr).toBe(0);
    expect(next.json!.resources.length).toBeGreaterThan(100);
  }, 180_000);

  it("says a plan is lost when its process dies before the plan ends; pr-check plans it in a process of its own", async () => {
    // The worker's process, started by its first plan, killed as a crash would end it.
    const kill = (w: PlanWorker) => (w as unknown as { child: { kill(signal: string): void } }).child.kill("SIGKILL");
    const doomed = new PlanWorker(projectRoot, lender);
    try {
      const lost = doomed.plan(projectRoot, ["--stack", "dev", "--json", join(out, "doomed.json")]);
      kill(doomed);
      const outcome = await lost;
      expect(outcome).toMatchObject({ code: 2, lost: true });
      expect(outcome.stderr).toContain("the plan worker exited (SIGKILL)");

      const again = new PlanWorker(projectRoot, lender);
      const replanned = planStack(projectRoot, "dev", join(out, "replanned"), lender, again);
      kill(again);
      const plan = await replanned;
      await again.stop();
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.json).toEqual(runPlan(["--stack", "dev"]).json);
    } finally {
      await doomed.stop();
    }
  }, 180_000);
});
