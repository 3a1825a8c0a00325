/**
 * The plan's exit codes are a contract with CI: 0 accepted, 1 a policy refused, 2 invalid input,
 * and {@link internalErrorExitCode} for everything else, so a crash never reads as a refusal (1)
 * or as the user's mistake (2).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StackConfigError } from "../../../stacks/schema";
import { internalErrorExitCode, reportPlanFailure } from "../../../tools/cli";
import { planProcessArgs } from "../../../tools/plan/runtime/command";
import { unansweredInvokeMessage } from "../../../tools/plan/mocks";
import { StackFileError } from "../../../tools/plan/stackFile";
import { projectRoot } from "../../support/runPlan";

describe("reportPlanFailure", () => {
  const written: string[] = [];
  afterEach(() => {
    written.length = 0;
    vi.restoreAllMocks();
  });
  const report = (err: unknown) => {
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (written.push(String(chunk)), true));
    return reportPlanFailure(err, "the plan");
  };

  it.each([
    ["a stack config problem", new StackConfigError(["edge:domain: required, but not set"])],
    ["a stack file problem", new StackFileError("x.yaml: invalid YAML")],
    ["a config error the program raised", new pulumi.RunError('edge:cdn.snippetFile: cannot read "x" (ENOENT)')],
    [
      "a provider function the plan cannot answer, as the SDK words its failure",
      new Error(`error serializing property "policy": Invoke of 'aws:iam/getPolicyDocument:getPolicyDocument' failed: ${unansweredInvokeMessage("aws:iam/getPolicyDocument:getPolicyDocument")} ()`),
    ],
  ])("exits 2 on %s, with its message alone", (_what, err) => {
    expect(report(err)).toBe(2);
    expect(written.join("")).toBe(`${err.message}\n`);
  });

  it.each([
    ["a TypeError", new TypeError("Cannot read properties of undefined (reading 'length')")],
    ["a thrown string", "boom"],
  ])("exits with its own code on %s, neither 0, 1 nor 2", (_what, err) => {
    expect(internalErrorExitCode).not.toBeOneOf([0, 1, 2]);
    expect(report(err)).toBe(internalErrorExitCode);
    expect(written.join("")).toContain("the plan failed with an internal error, not a problem of the input (exit 70;");
  });
});

describe("the plan process", () => {
  it("exits 70, not Node's 1, on an exception nobody caught", () => {
    const args = planProcessArgs(projectRoot);
    // Node's options, then the preloaded crash, then the launcher and its entry.
    const withCrash = [...args.slice(0, -2), "--require", "tsx/cjs", "--require", join(projectRoot, "test/fixtures/crashDuringPlan.ts"), ...args.slice(-2), "--stack", "dev"];
    const result = spawnSync(process.execPath, withCrash, { cwd: projectRoot, encoding: "utf8", timeout: 180_000, killSignal: "SIGKILL" });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toContain("injected crash during the plan");
    expect(result.status).toBe(internalErrorExitCode);
  }, 200_000);
});
