import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/runPlan";
import { enforceListedWaivers } from "../../../policies/security/enforceListedWaivers";
import { waivers } from "../../../policies/waivers";
import { runStackPolicy } from "../harness";

describe("enforce-listed-waivers", () => {
  it("accepts the listed waivers", async () => {
    expect(await runStackPolicy(enforceListedWaivers, [], { waivers: waivers.map((w) => w.id) })).toEqual([]);
  });

  it("refuses a waiver that is not in the list", async () => {
    const [finding] = await runStackPolicy(enforceListedWaivers, [], { waivers: ["cdn-waf-forever"] });
    expect(finding?.message).toMatch(/^policy config of enforce-listed-waivers names waiver "cdn-waf-forever", which is not in policies\/waivers.ts \(4 listed: cdn-legacy-logging, /);
  });

  it("keeps every waiver complete: controls, reason, an owner that CODEOWNERS names, an ISO review date", () => {
    const codeowners = readFileSync(join(projectRoot, ".github", "CODEOWNERS"), "utf8");
    for (const waiver of waivers) {
      expect(waiver.controls.length, waiver.id).toBeGreaterThan(0);
      expect(waiver.reason.length, waiver.id).toBeGreaterThan(40);
      expect(waiver.owner, waiver.id).toMatch(/^@[\w-]+\/[\w-]+$/);
      expect(codeowners, waiver.id).toContain(waiver.owner);
      expect(waiver.reviewBy, waiver.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(new Set(waivers.map((w) => w.id)).size).toBe(waivers.length);
  });
});
