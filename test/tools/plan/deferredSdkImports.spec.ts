import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/runPlan";

describe("the plan's deferred SDK imports", () => {
  it("leaves typescript, arborist and the Automation API unloaded until used, and each still works", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", join(projectRoot, "test/fixtures/deferredImports.ts")], { cwd: projectRoot, encoding: "utf8" });
    const result = JSON.parse(out) as { afterImport: string[]; afterSerializing: string[]; text: string; automationApi: string; afterAutomation: string[] };
    expect(result.afterImport).toEqual([]);
    expect(result.afterSerializing).toContain("typescript");
    expect(result.afterSerializing).not.toContain("@pulumi/pulumi/automation");
    expect(result.automationApi).toBe("function");
    expect(result.afterAutomation).toContain("@pulumi/pulumi/automation");
    // The serialized closure carries the class chain, `super` call included.
    expect(result.text).toContain("toUpperCase");
    expect(result.text).toContain("hello ${who}");
  });
});
