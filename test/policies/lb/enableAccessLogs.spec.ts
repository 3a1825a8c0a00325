import { describe, expect, it } from "vitest";
import { enableAccessLogs } from "../../../policies/lb/enableAccessLogs";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const compliant = { loadBalancerType: "network", enableDeletionProtection: true, accessLogs: { enabled: true, bucket: "logs", prefix: "nlb" } };
const run = (props: Record<string, unknown>, type: string = resourceTypes.lbLoadBalancer) => runResourcePolicy(enableAccessLogs, { type, props, name: "nlb" });

describe("enable-lb-access-logs", () => {
  it("accepts logs into a bucket, on lb and alb load balancers", async () => {
    expect(await run(compliant)).toEqual([]);
    expect(await run(compliant, resourceTypes.albLoadBalancer)).toEqual([]);
  });

  it("refuses a load balancer without access logs", async () => {
    const { accessLogs: _, ...props } = compliant;
    expect(await run(props)).toEqual([
      "load balancer nlb writes no access logs (accessLogs not set); required is accessLogs.enabled true with a bucket. " +
        'Set accessLogs: { enabled: true, bucket: <the region\'s log bucket>, prefix: "nlb" }. Security baseline (CKV_AWS_91).',
    ]);
    // ELB.5 judges Application (and Classic) load balancers only.
    expect((await run({ ...props, loadBalancerType: "application" }, resourceTypes.albLoadBalancer))[0]).toMatch(/Security baseline \(ELB\.5, CKV_AWS_91\)\.$/);
  });

  it("refuses logs turned off and logs without a bucket", async () => {
    expect((await run({ ...compliant, accessLogs: { enabled: false, bucket: "logs" } }))[0]).toContain("(accessLogs.enabled is false)");
    expect((await run({ ...compliant, accessLogs: { enabled: true, bucket: "" } }))[0]).toContain("(accessLogs.bucket is empty)");
  });
});
