/** The prod plan passes the pack with the waivers its policy config takes, and shows each of them. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { waiverControls, waivers } from "../../../policies/waivers";
import { runPlan } from "../../support/runPlan";

describe("offline plan and waivers", () => {
  it("passes prod with every listed waiver shown: controls, owner, review date, reason", { timeout: 200_000 }, () => {
    const run = runPlan(["--stack", "prod"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`waivers in effect (${waivers.length}, policies/waivers.ts):`);
    for (const w of waivers) {
      expect(run.stdout).toContain(`~ ${w.id} [${w.policy}] waives ${waiverControls(w).join(", ")} for ${w.covers.says}; owner ${w.owner}, review by ${w.reviewBy}`);
      expect(run.stdout).toContain(`relies on (checked on this plan): ${w.condition.says}`);
    }
    expect((run.json as unknown as { waivers: { id: string }[] }).waivers.map((w) => w.id).sort()).toEqual(waivers.map((w) => w.id).sort());
  });

  it("refuses a waiver the list does not hold, one taken under another policy, and a prod plan that takes none; hosts need no waiver", { timeout: 200_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-waivers-"));
    try {
      const file = join(dir, "policy.json");
      writeFileSync(file, JSON.stringify({ "enable-cdn-waf": { waivers: ["cdn-static-script-waf", "waf-forever", "cdn-legacy-logging"] } }));
      const run = runPlan(["--stack", "prod", "--policy-config", file]);
      expect(run.code).toBe(1);
      const violations = run.json!.violations.map((v) => `${v.policyName}: ${v.message}`);
      expect(violations.filter((v) => v.startsWith("enable-cdn-waf:"))).toEqual([
        expect.stringContaining('policy config of enable-cdn-waf names waiver "waf-forever", which is not in policies/waivers.ts'),
        expect.stringContaining('policy config of enable-cdn-waf names waiver "cdn-legacy-logging", which enable-cdn-access-logs honours'),
      ]);
      // Every control no configured waiver covers is refused: the stack is held to all of them.
      const refusedBy = new Set(run.json!.violations.map((v) => v.policyName));
      for (const w of waivers.filter((w) => w.policy !== "enable-cdn-waf")) expect(refusedBy, w.policy).toContain(w.policy);
      expect(violations.filter((v) => /^disallow-public-(host-ip|egress):/.test(v))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
