import { describe, expect, it } from "vitest";
import { enableDeletionProtection } from "../../../policies/lb/enableDeletionProtection";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const compliant = { loadBalancerType: "network", enableDeletionProtection: true, accessLogs: { enabled: true, bucket: "logs" } };

describe("enable-lb-deletion-protection", () => {
  it("accepts protection on, on lb and alb load balancers", async () => {
    for (const type of [resourceTypes.lbLoadBalancer, resourceTypes.albLoadBalancer]) {
      expect(await runResourcePolicy(enableDeletionProtection, { type, props: compliant, name: "nlb" })).toEqual([]);
    }
  });

  it("refuses protection off", async () => {
    expect(await runResourcePolicy(enableDeletionProtection, { type: resourceTypes.lbLoadBalancer, props: { ...compliant, enableDeletionProtection: false }, name: "nlb" })).toEqual([
      'load balancer nlb has deletion protection off; required is on. Set enableDeletionProtection: true (docs/runbook.md "Removing a region" says how to lift it). ' +
        "Security baseline (ELB.6, CKV_AWS_150). Incident 001: the region's static addresses are what the secondary DNS provider publishes.",
    ]);
  });

  it("refuses protection left to the AWS default", async () => {
    const { enableDeletionProtection: _, ...props } = compliant;
    const [message] = await runResourcePolicy(enableDeletionProtection, { type: resourceTypes.albLoadBalancer, props, name: "nlb" });
    expect(message).toContain("off (enableDeletionProtection not set; the AWS default is false)");
  });
});
