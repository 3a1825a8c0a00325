/**
 * The update rehearsal on the real program's plans: the documented first deploy (pending, then
 * delegated) rehearses clean; a moved availability zone on the list-position layout, a zone
 * replacement from a zone deployed without forceDestroy, and a removed region are refused, by
 * `diffPlans` (what pr-check reads), `npm run diff` and `npm run plan -- --base`, each naming the
 * API's error and its source.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffPlans, refusedRisks, type PlanJson } from "../../../tools/diff/planDiff";
import { resourceTypes as t } from "../../../models/resourceTypes";
import { devPolicyConfigPath, projectRoot, prodPolicyConfigPath, runPlan, runPlanOnConfig, stackConfig } from "../../support/runPlan";

let prod: PlanJson;
let dir: string;
const phases: Record<string, Record<"pending" | "delegated", PlanJson>> = {};

const inPhase = (stack: string, phase: "pending" | "delegated") => {
  const config = stackConfig(stack);
  config["edge:dns"] = { ...config["edge:dns"], delegation: phase };
  return config;
};

beforeAll(() => {
  const run = runPlan(["--stack", "prod"]);
  expect(run.code, run.stderr).toBe(0);
  prod = run.json!;
  for (const stack of ["dev", "prod"]) {
    // Each stack judged by its own policy config (dev's accepts its one host per region).
    const policyConfig = ["--policy-config", stack === "dev" ? devPolicyConfigPath : prodPolicyConfigPath];
    const pending = runPlanOnConfig(inPhase(stack, "pending"), policyConfig);
    const delegated = runPlanOnConfig(inPhase(stack, "delegated"), policyConfig);
    expect([pending.code, delegated.code], pending.stderr + delegated.stderr).toEqual([0, 0]);
    phases[stack] = { pending: pending.json!, delegated: delegated.json! };
  }
  dir = mkdtempSync(join(tmpdir(), "edge-rehearsal-"));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clone = (plan: PlanJson): PlanJson => structuredClone(plan);
const find = (plan: PlanJson, type: string, name: string) => plan.resources.find((r) => r.type === type && r.name === name)!;

/** The prod plan with us-east-1's second zone moved to another AZ ID, its subnet keeping its list position's block (the original layout). */
function azMoved(base: PlanJson): PlanJson {
  const head = clone(base);
  find(head, t.ec2Subnet, "ingest-us-east-1-public-2").inputs.availabilityZoneId = "use1-az6";
  return head;
}

/** A plan as a program that declares its zone without forceDestroy deployed it (the original delete path). */
function zoneWithoutForceDestroy(plan: PlanJson): PlanJson {
  const out = clone(plan);
  delete find(out, t.route53Zone, "dns-route53").inputs.forceDestroy;
  return out;
}

function renamedZone(plan: PlanJson): PlanJson {
  const out = clone(plan);
  find(out, t.route53Zone, "dns-route53").inputs.name = "example.net";
  return out;
}

describe("the update rehearsal of the real program", () => {
  it("rehearses the documented first deploy, pending then delegated, without a refusal", () => {
    for (const stack of ["dev", "prod"]) {
      const diff = diffPlans(phases[stack]!.pending, phases[stack]!.delegated);
      expect(diff.rehearsal.steps.length, stack).toBeGreaterThan(200);
      expect(
        diff.rehearsal.refusals.map((r) => r.error),
        stack,
      ).toEqual([]);
    }
  });

  it("finds nothing to rehearse between a plan and itself", () => {
    expect(diffPlans(prod, clone(prod)).rehearsal).toEqual({ steps: [], refusals: [], leftInCloud: [] });
  });

  it("refuses a moved availability zone whose new subnet takes its list position's block: InvalidSubnet.Conflict, with the source", () => {
    const diff = diffPlans(prod, azMoved(prod));
    const refused = refusedRisks(diff.risks).map((r) => r.message);
    expect(refused[0]).toMatch(
      /^aws:ec2\/subnet:Subnet ingest-us-east-1-public-2 \[us-east-1\], create-replacement: the API refuses it: InvalidSubnet\.Conflict \(The CIDR conflicts with another subnet\) \(step \d+ of the update\), because .* its own predecessor, which is deleted only at the end of the update, still holds/,
    );
    expect(refused[0]).toContain("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html");
    // The load balancer loses the old subnet, which replaces it; it is deletion-protected.
    expect(refused.slice(1)).toEqual([expect.stringMatching(/^aws:lb\/loadBalancer:LoadBalancer ingest-us-east-1-nlb \[us-east-1\], delete-replaced: the API refuses it: OperationNotPermitted/)]);
  });

  it("refuses a zone replacement from a zone deployed without forceDestroy: HostedZoneNotEmpty, the validation records left in it", () => {
    const diff = diffPlans(zoneWithoutForceDestroy(prod), renamedZone(prod));
    const [refused] = refusedRisks(diff.risks);
    expect(refused!.message).toMatch(
      /^aws:route53\/zone:Zone dns-route53, delete-replaced: the API refuses it: HostedZoneNotEmpty .*forceDestroy off, and 4 records the stack leaves behind \(retainOnDelete: .*cert-validation-1.*\) are still in it \(https:\/\/docs\.aws\.amazon\.com\/Route53\/latest\/APIReference\/API_DeleteHostedZone\.html/,
    );
    expect(refused!.message).toContain("What works: Deploy the zone with forceDestroy: true first");
    // The program declares forceDestroy: once deployed, the replacement's delete path completes (the DNS outage stays a risk).
    const fixed = diffPlans(prod, renamedZone(prod));
    expect(refusedRisks(fixed.risks)).toEqual([]);
    expect(fixed.risks.map((r) => r.kind)).toContain("zone-replaced");
    expect(fixed.rehearsal.leftInCloud.map((l) => l.step.resource)).toHaveLength(4);
  });

  it("npm run diff exits 1 and names the API's error for a moved zone", () => {
    const base = join(dir, "base.json");
    const head = join(dir, "head.json");
    writeFileSync(base, JSON.stringify(prod));
    writeFileSync(head, JSON.stringify(azMoved(prod)));
    const run = spawnSync(process.execPath, ["--import", "tsx", join(projectRoot, "tools/diff/main.ts"), base, head], { cwd: projectRoot, encoding: "utf8", timeout: 120_000 });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      /^2 change\(s\) cannot deploy as written, whatever the review: aws:ec2\/subnet:Subnet ingest-us-east-1-public-2 \[us-east-1\], create-replacement: the API refuses it: InvalidSubnet\.Conflict/,
    );
    expect(run.stdout).toContain("refused-by-api");
  }, 180_000);
});

describe("npm run plan -- --base", () => {
  it("refuses, as a plan finding, the update from a deployed plan the API would refuse", () => {
    const base = join(dir, "deployed.json");
    writeFileSync(base, JSON.stringify(zoneWithoutForceDestroy(prod)));
    const config = stackConfig("prod");
    config["edge:domain"] = "example.net";
    // The deployed plan is prod's: plan the head as the prod stack so their URNs pair.
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, JSON.stringify({ config }));
    const run = runPlan(["--stack", "prod", "--config-file", file, "--base", base]);
    expect(run.code, run.stderr).toBe(1);
    const findings = run.json!.violations.filter((v) => v.policyName === "rehearse-deploy");
    expect(findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/^aws:route53\/zone:Zone dns-route53, delete-replaced: the API refuses it: HostedZoneNotEmpty/));
    expect(run.stdout).toContain("[rehearse-deploy] aws:route53/zone:Zone dns-route53");
  }, 180_000);

  it("exits 2 naming a base that is not a plan", () => {
    const bad = join(dir, "not-a-plan.json");
    writeFileSync(bad, "{}");
    const run = runPlan(["--stack", "dev", "--base", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--base: ${bad}: not a plan from 'npm run plan -- --json'`);
  }, 180_000);
});
