/**
 * The deploy pipeline cannot go green on a deploy that did not happen: the Pulumi CLI is pinned to
 * the SDK's version, a failed or rolled-back instance refresh fails the job, and each deploy job's
 * timeout covers everything it waits on (the certificates' validation alone: 75 minutes).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { deployWaits, minimumDeployJobMinutes } from "../../tools/deploy/pipeline";
import { projectRoot } from "../support/runPlan";

const deploy = parse(readFileSync(join(projectRoot, ".github/workflows/deploy.yml"), "utf8"));
const sdkVersion: string = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
type Step = { name?: string; id?: string; uses?: string; run?: string; with?: Record<string, unknown> };
const steps = (job: string): Step[] => deploy.jobs[job].steps;

describe("the deploy workflow", () => {
  it("pins the Pulumi CLI to the SDK's version in every job that installs it", () => {
    const installs = Object.keys(deploy.jobs).flatMap((job) =>
      steps(job)
        .filter((s) => s.uses?.startsWith("pulumi/actions@"))
        .map((s) => [job, s.with?.["pulumi-version"]]),
    );
    expect(installs.length).toBe(3);
    expect(sdkVersion).toMatch(/^\d+\.\d+\.\d+$/);
    for (const [job, version] of installs) expect(version, String(job)).toBe(sdkVersion);
  });

  it.each([
    ["dev", "dev"],
    ["prod", "prod"],
  ])("the %s job waits for the instance refreshes its update started, after pulumi up, and fails on a failed one", (job, stack) => {
    const list = steps(job);
    const start = list.findIndex((s) => s.id === "deploy-start");
    const up = list.findIndex((s) => s.run?.startsWith(`pulumi up --stack ${stack} `));
    const wait = list.findIndex((s) => s.run?.includes("npm run wait-instance-refresh"));
    expect(start).toBeGreaterThan(-1);
    expect(up).toBe(start + 1);
    expect(wait).toBe(up + 1);
    expect(list[wait]!.run).toContain(`pulumi stack output --stack ${stack} --json > stack-outputs.json`);
    expect(list[wait]!.run).toContain('--since "${{ steps.deploy-start.outputs.at }}"');
    expect(list[wait]!.run).toContain(`--timeout-minutes ${deployWaits.instanceRefreshMinutes.minutes}`);
  });

  it.each(["dev", "prod"])("the %s job's timeout covers the 75-minute certificate wait, the refresh wait and the setup", (job) => {
    expect(deployWaits.certificateValidationMinutes.minutes).toBe(75);
    expect(deployWaits.certificateValidationMinutes.cite).toMatch(/^terraform-provider-aws internal\/service\/acm\/certificate_validation\.go:36@004eea7f9b66 /);
    expect(deploy.jobs[job]["timeout-minutes"]).toBeGreaterThanOrEqual(minimumDeployJobMinutes());
  });
});
