import { beforeAll, describe, expect, it } from "vitest";
import type { PlanJson } from "../../../tools/plan/planJson";
import { PlanRun, runPlan, runPlanOnConfig, stackConfig } from "../../support/runPlan";

/** The shipped prod stack, and the same stack with the secondary DNS provider unlisted (hot-standby). */
let prod: PlanRun;
let hotStandby: PlanRun;

beforeAll(() => {
  prod = runPlan(["--stack", "prod"]);
  const config = stackConfig("prod");
  config["edge:dns"].secondary = { ...config["edge:dns"].secondary, mode: "hot-standby", plan: "pro" };
  hotStandby = runPlanOnConfig(config);
});

const figure = (run: PlanRun, mode: string) => {
  const recovery = (run.json as unknown as PlanJson).recovery!;
  return recovery.figures.filter((f) => f.mode === mode).reduce((a, b) => (b.recoverySeconds > a.recoverySeconds ? b : a));
};

describe("npm run plan: recovery time", () => {
  it("prints a Recovery section for prod and passes enforce-recovery-time", () => {
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.stdout).toContain("== Recovery ==");
    expect(prod.stdout).toMatch(/a region is lost\s+us-east-1\s+36 s\s+1 min 36 s\s+640,000\s+640,000\s+0/);
  });

  it("writes prod's figures to --json from the declared inputs", () => {
    // Route 53 health check 10 s × 3 + 6 s probe timeout + the failover records' 60 s TTL.
    expect(figure(prod, "regionLost").recoverySeconds).toBe(96);
    expect(figure(prod, "regionLost").terms[0]!.source).toBe("aws:route53/healthCheck:HealthCheck dns-health-us-east-1 requestInterval=10 × failureThreshold=3");
    // NLB target group 10 s × 2 + 5 s probe timeout.
    expect(figure(prod, "hostDies").recoverySeconds).toBe(25);
    // Four Route 53 servers listed beside Cloudflare's two, 1 s each.
    expect(figure(prod, "dnsPrimaryLost").scope).toBe("dns (active-active)");
    expect(figure(prod, "dnsPrimaryLost").recoverySeconds).toBe(5);
    // The drain (60 s) outlasts the NLB's detection (20 s).
    expect(figure(prod, "deploy").recoverySeconds).toBe(0);
    expect((prod.json as unknown as PlanJson).recovery!.peakEventsPerSecond).toBe(20_000);
  });

  it("refuses prod in hot-standby, on the Route 53 zone, with active-active as the fix", () => {
    expect(hotStandby.code, hotStandby.stderr).toBe(1);
    const refused = hotStandby.json!.violations.filter((v) => v.policyName === "enforce-recovery-time");
    expect(refused).toHaveLength(1);
    expect(refused[0]!.urn).toMatch(/aws:route53\/zone:Zone::/);
    expect(refused[0]!.message).toContain("traffic is served again after 172860 s, above the 300 s bound (maxDnsPrimaryLostSeconds)");
    expect(refused[0]!.message).toContain("Smallest fix: edge:dns.secondary.mode hot-standby → active-active");
    expect(refused[0]!.message).toContain("Incident 001");
  });
});
