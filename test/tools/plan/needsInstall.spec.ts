/** `npm run plan` on a clone where `npm ci` has not run: a sentence saying so and exit 2, not a stack trace and exit 1 (a policy refusal). */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/runPlan";

const clone = mkdtempSync(join(tmpdir(), "edge-needs-install-"));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

describe("npm run plan before npm ci", () => {
  it("says to run npm ci and exits 2", () => {
    // A checkout without node_modules: package.json's own plan script and the check it loads first.
    mkdirSync(join(clone, "tools", "plan"), { recursive: true });
    copyFileSync(join(projectRoot, "package.json"), join(clone, "package.json"));
    copyFileSync(join(projectRoot, "tools", "plan", "needsInstall.cjs"), join(clone, "tools", "plan", "needsInstall.cjs"));
    const result = spawnSync("npm", ["run", "--silent", "plan"], { cwd: clone, encoding: "utf8", timeout: 60_000 });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain("Run `npm ci`");
    expect(result.stderr).toContain("missing in node_modules: tsx, @pulumi/pulumi, @pulumi/policy");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);
});
