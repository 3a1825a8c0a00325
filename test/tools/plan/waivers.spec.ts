/** The prod plan passes the pack with the waivers its policy config takes, and shows each of them. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { waivers } from "../../../policies/waivers";
import { runPlan } from "../../support/runPlan";

describe("offline plan and waivers", () => {
  it("passes prod with every listed waiver shown: controls, owner, review date, reason", { timeout: 200_000 }, () => {
    const run = runPlan(["--stack", "prod"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`waivers in effect (${waivers.length}, policies/waivers.ts):`);
    for (const w of waivers) {
      expect(run.stdout).toContain(`~ ${w.id} [${w.policy ?? "enforce-listed-waivers"}] waives ${w.controls.join(", ")}; owner ${w.owner}, review by ${w.reviewBy}`);
    }
    expect((run.json as unknown as { waivers: { id: string }[] }).waivers.map((w) => w.id).sort()).toEqual(waivers.map((w) => w.id).sort());
  });

  it("refuses a waiver the list does not hold; hosts need no waiver, having neither a public address nor egress to the internet", { timeout: 200_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-waivers-"));
    try {
      const file = join(dir, "policy.json");
      writeFileSync(file, JSON.stringify({ "enforce-listed-waivers": { waivers: ["cdn-static-script-waf", "waf-forever"] } }));
      const run = runPlan(["--stack", "prod", "--policy-config", file]);
      expect(run.code).toBe(1);
      const violations = run.json!.violations.map((v) => `${v.policyName}: ${v.message}`);
      expect(violations.filter((v) => v.startsWith("enforce-listed-waivers:"))).toEqual([
        expect.stringContaining('enforce-listed-waivers: policy config of enforce-listed-waivers names waiver "waf-forever", which is not in policies/waivers.ts'),
      ]);
      expect(violations.filter((v) => /^disallow-public-(host-ip|egress):/.test(v))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
