import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/runPlan";

describe("the plan's deferred SDK imports", () => {
  it("leaves typescript and arborist unloaded until a function is serialized, which still works", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", join(projectRoot, "test/fixtures/deferredImports.ts")], { cwd: projectRoot, encoding: "utf8" });
    const result = JSON.parse(out) as { afterImport: string[]; afterSerializing: string[]; text: string };
    expect(result.afterImport).toEqual([]);
    expect(result.afterSerializing).toContain("typescript");
    // The serialized closure carries the class chain, `super` call included.
    expect(result.text).toContain("toUpperCase");
    expect(result.text).toContain("hello ${who}");
  });
});
