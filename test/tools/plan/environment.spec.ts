/**
 * The environment of a planned stack is decided once, from the stack's name where it names an
 * environment: a file cannot drop prod's rules by saying `dev` (incident 002).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { runPlan, stackConfig } from "../../support/runPlan";

function withStackFile<T>(config: Record<string, unknown>, use: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "edge-environment-"));
  try {
    const file = join(dir, "candidate.yaml");
    writeFileSync(file, stringify({ config }));
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the plan's environment", () => {
  it("refuses a stack named prod whose file says dev, with exit 2 before the program runs", () => {
    const config = { ...stackConfig("prod"), "edge:environment": "dev", "edge:regions": ["us-east-1"] };
    const run = withStackFile(config, (file) => runPlan(["--stack", "prod", "--config-file", file]));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('edge:environment: "dev" in the stack named prod: a stack named after an environment is that environment');
    // prod's rules applied all the same: the one region is refused too.
    expect(run.stderr).toContain("edge:regions: expected at least 2 regions in prod, got 1");
    expect(run.json).toBeUndefined();
  });

  it("plans a file that is not a stack yet under the environment it declares, and says so", () => {
    const run = withStackFile(stackConfig("prod"), (file) => runPlan(["--config-file", file]));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Offline plan of stack 'prod'");
    expect(run.stdout).toContain("environment prod (from edge:environment), regions us-east-1, us-west-2, eu-west-1");
    expect(run.json!.stack).toBe("prod");
  });
});
