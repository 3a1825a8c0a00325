/**
 * The catalog coverage table (policies/coverage.ts, docs/security.md) against what it claims:
 * an enforced rule's controls are all cited by its policies, a waived one's by a waiver the shipped
 * stacks take, an unguarded one's by no policy and the prod plan meets it, every control the pack
 * cites is in the table once, and the prod plan passes the pack (0 violated without a waiver).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { catalogRules } from "../../policies/coverage";
import { entryControls, packEntries } from "../../policies/pack";
import { waiverControls, waivers } from "../../policies/waivers";
import { securityDocsPath, withCoverageTable } from "../../tools/docs/policyTable";
import { PlanRun, projectRoot, runPlan } from "../support/runPlan";

const citedBy = (policies: readonly string[]) => new Set(packEntries.filter((e) => policies.includes(e.policy.name)).flatMap(entryControls));
const allCited = citedBy(packEntries.map((e) => e.policy.name));
const config = (stack: string) => JSON.parse(readFileSync(join(projectRoot, "policies", "config", `${stack}.json`), "utf8")) as Record<string, { waivers?: string[] }>;

describe("catalog coverage", () => {
  let prod: PlanRun;
  beforeAll(() => {
    prod = runPlan(["--stack", "prod"]);
  }, 200_000);

  it("lists each control once, and every control the pack cites", () => {
    const ids = catalogRules.flatMap((r) => r.controls);
    expect(ids.length).toBe(new Set(ids).size);
    expect([...allCited].filter((id) => !ids.includes(id as never))).toEqual([]);
  });

  it("holds each row to its status", () => {
    for (const rule of catalogRules) {
      const by = rule.by ?? [];
      for (const policy of by) expect(packEntries.find((e) => e.policy.name === policy)?.policy.enforcementLevel, `${rule.id}: ${policy}`).toBe("mandatory");
      if (rule.status === "enforced")
        expect(
          rule.controls.filter((c) => !citedBy(by).has(c)),
          rule.id,
        ).toEqual([]);
      if (rule.status === "partial") {
        expect(
          rule.controls.some((c) => citedBy(by).has(c)),
          rule.id,
        ).toBe(true);
        expect(rule.note, rule.id).toBeTruthy();
      }
      if (rule.status === "waived") {
        const waiver = waivers.find((w) => w.id === rule.waiver);
        expect(waiver, rule.id).toBeDefined();
        expect(
          rule.controls.filter((c) => !waiverControls(waiver!).includes(c)),
          rule.id,
        ).toEqual([]);
        for (const stack of ["dev", "prod"]) expect(config(stack)[waiver!.policy]?.waivers, `${rule.id} in ${stack}`).toContain(waiver!.id);
      }
      if (rule.status === "unguarded") {
        expect(
          rule.controls.filter((c) => allCited.has(c)),
          `${rule.id}: a policy cites it, so it is not unguarded`,
        ).toEqual([]);
        expect(rule.note && rule.holds, rule.id).toBeTruthy();
      }
    }
  });

  it("reads 0 violated: the prod plan passes the pack with the waivers it takes, and meets every unguarded rule", () => {
    expect(prod.stderr).toBe("");
    expect(prod.code).toBe(0);
    const resources = prod.json!.resources;
    for (const rule of catalogRules.filter((r) => r.status === "unguarded")) expect(rule.holds!(resources), rule.id).toBe(true);
  });

  it("is the table docs/security.md shows (run `npm run docs` after changing policies/coverage.ts)", () => {
    const doc = readFileSync(join(projectRoot, securityDocsPath), "utf8");
    expect(doc).toBe(withCoverageTable(doc));
  });
});
