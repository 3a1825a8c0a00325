import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hasMandatoryViolation, makePlan, Plan } from "../../../tools/plan/plan";
import { devPolicyConfigPath, PlanRun, projectRoot, runPlanOnConfig, stackConfig } from "../../support/runPlan";

describe("npm run plan: alarms", () => {
  let run: PlanRun;

  beforeAll(() => {
    // dev with the datastore's connection metric configured and a warning set above critical.
    const config = stackConfig("dev");
    config["edge:datastore"].connectionsMetric = { namespace: "AWS/RDS", name: "DatabaseConnections", dimensions: { DBClusterIdentifier: "events" } };
    config["edge:alarms"].thresholds = { datastoreConnectionsOfMaximum: { warning: 95 } };
    run = runPlanOnConfig(config, ["--policy-config", devPolicyConfigPath]);
  });

  it("exits 1 on a warning threshold overridden past the critical one, naming the alarm and the key to fix", () => {
    expect(run.code).toBe(1);
    const violation = run.json!.violations.find((v) => v.policyName === "configure-alarm-thresholds")!;
    expect(violation.enforcementLevel).toBe("mandatory");
    expect(violation.message).toContain(
      "warning alarm edge-test-us-east-1-datastore-datastoreConnectionsOfMaximum-warning fires above 95 % of the first region's datastore maxConnections, not before its critical alarm at 90 %",
    );
    expect(violation.message).toContain("Set edge:alarms.thresholds.datastoreConnectionsOfMaximum.warning below 90 (default 70).");
    expect(run.json!.resources.find((r) => r.urn === violation.urn)!.inputs.threshold).toBe(475);
  });

  it("lists every alarm by component, region, severity and threshold", () => {
    const section = run.stdout.slice(run.stdout.indexOf("== Alarms =="), run.stdout.indexOf("== Policies =="));
    // 58 for hosts, balancers, health checks, CDN and datastore, and 2 regions × 6 service metrics × 2 severities.
    expect(section).toContain("86 alarms; 4 topics in 2 regions, 4 subscriptions");
    expect(section).toMatch(/service\s+us-west-2\s+critical\s+serviceAcceptedFloor\s+EventsAccepted\s+< 6\s+6 events\/min\s+breaching\s+alarm\+ok/);
    expect(section).toMatch(
      /datastore\s+us-east-1\s+critical\s+datastoreConnectionsOfMaximum\s+DatabaseConnections\s+> 450\s+90 % of the first region's datastore maxConnections\s+breaching\s+alarm\+ok/,
    );
  });
});

describe("plan of a program with a hand-made alarm that tells nobody and a balancer nobody watches", () => {
  let plan: Plan;

  beforeAll(async () => {
    plan = await makePlan({ stack: "dev", program: join(projectRoot, "test/fixtures/handMadeAlarms.ts") });
  }, 120_000);

  it("fails (exit 1) naming the alarm and its missing actions", () => {
    expect(hasMandatoryViolation(plan)).toBe(true);
    const violation = plan.policy.violations.find((v) => v.policyName === "enforce-alarm-actions")!;
    expect(violation.urn).toMatch(/::hand-made-cpu$/);
    expect(violation.message).toContain("CloudWatch alarm hand-made-cpu tells nobody: 0 alarm actions, 0 OK actions; at least 1 of each, enabled.");
  });

  it("fails (exit 1) naming the unwatched load balancer", () => {
    const violation = plan.policy.violations.find((v) => v.policyName === "enforce-alarm-coverage")!;
    expect(violation.enforcementLevel).toBe("mandatory");
    expect(violation.urn).toMatch(/::hand-made-nlb$/);
    expect(violation.message).toMatch(/^load balancer hand-made-nlb \(LoadBalancer=net\/hand-made-nlb\/[0-9a-f]{16}\) is not watched by a warning or a critical alarm: 0 warning and 0 critical/);
  });
});
