/** Protects: the plan's start-up time and memory. The SDK modules the plan defers (`tools/plan/runtime/deferredSdkImports.ts`) stay unloaded until used, and still work when used. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/runPlan";
import { resourceTypes } from "../../models/resourceTypes";

interface FixtureResult {
  afterImport: string[];
  afterSerializing: string[];
  text: string;
  automationApi: string;
  afterAutomation: string[];
  awsBeforeUse: string[];
  recordType: string;
  awsAfterUse: string[];
}

let result: FixtureResult;

beforeAll(() => {
  const out = execFileSync(process.execPath, ["--require", "tsx/cjs", join(projectRoot, "test/fixtures/deferredImports.ts")], { cwd: projectRoot, encoding: "utf8" });
  result = JSON.parse(out) as FixtureResult;
});

describe("the plan's deferred SDK imports", () => {
  it("leaves typescript, arborist and the Automation API unloaded until used, and each still works", () => {
    expect(result.afterImport).toEqual([]);
    expect(result.afterSerializing).toContain("typescript");
    expect(result.afterSerializing).not.toContain("@pulumi/pulumi/automation");
    // The serialized closure carries the class chain, `super` call included.
    expect(result.text).toContain("toUpperCase");
    expect(result.text).toContain("hello ${who}");
    expect(result.automationApi).toBe("function");
    expect(result.afterAutomation).toContain("@pulumi/pulumi/automation");
  });

  it("loads a service namespace of @pulumi/aws only when the program uses it", () => {
    expect(result.awsBeforeUse).toEqual([]);
    expect(result.recordType).toBe(resourceTypes.route53Record);
    expect(result.awsAfterUse).toEqual(["route53"]);
  });
});
