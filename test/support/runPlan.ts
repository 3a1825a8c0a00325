/**
 * Runs `npm run plan` as a user would (its own process: the Pulumi runtime allows one program per
 * process), on a stack name or a stack file written for the test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { planProcessArgs } from "../../tools/plan/runtime/command";
import type { PlanJson } from "../../tools/plan/planJson";

export type { PlanJson };

export const projectRoot = resolve(__dirname, "..", "..");

export interface PlanRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The `--json` output; undefined when the plan exited before writing it. */
  json?: PlanJson;
}

export function runPlan(args: string[]): PlanRun {
  const dir = mkdtempSync(join(tmpdir(), "edge-plan-"));
  const jsonPath = join(dir, "plan.json");
  try {
    const result = spawnSync(process.execPath, [...planProcessArgs(projectRoot), ...args, "--json", jsonPath], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 180_000,
    });
    let json: PlanJson | undefined;
    try {
      json = JSON.parse(readFileSync(jsonPath, "utf8"));
    } catch {
      json = undefined;
    }
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, json };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `config:` section of a shipped stack file, to start a test's config from. */
export function stackConfig(stack: string): Record<string, any> {
  return parse(readFileSync(join(projectRoot, "stacks", `Pulumi.${stack}.yaml`), "utf8")).config;
}

/** The shipped prod policy config: the waivers a stack made from the shipped stacks takes. */
export const prodPolicyConfigPath = join(projectRoot, "policies", "config", "prod.json");
/** The shipped dev policy config: prod's, and the recovery a one-host-per-region stack accepts. */
export const devPolicyConfigPath = join(projectRoot, "policies", "config", "dev.json");

/**
 * Plans a stack file made from `config` (a `config:` section) in a temporary directory, with the
 * prod policy config (its waivers) unless `extraArgs` name another.
 */
export function runPlanOnConfig(config: Record<string, unknown>, extraArgs: string[] = []): PlanRun {
  const dir = mkdtempSync(join(tmpdir(), "edge-stack-"));
  try {
    const file = join(dir, "Pulumi.test.yaml");
    writeFileSync(file, stringify({ config }));
    const policyConfig = extraArgs.includes("--policy-config") ? [] : ["--policy-config", prodPolicyConfigPath];
    return runPlan(["--stack", "test", "--config-file", file, ...policyConfig, ...extraArgs]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
