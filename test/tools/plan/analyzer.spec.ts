/** The policy pack driven through its own analyzer server returns what the policy's unit tests see. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enforceFailoverTtl } from "../../../policies/dns/enforceFailoverTtl";
import { runPolicyPack } from "../../../tools/plan/analyzer";
import type { PlannedResource } from "../../../tools/plan/evaluate";
import { runResourcePolicy } from "../../policies/harness";
import { projectRoot } from "../../support/runPlan";
import { resourceTypes } from "../../../models/resourceTypes";

function record(name: string, inputs: Record<string, unknown>, type: string = resourceTypes.route53Record): PlannedResource {
  return {
    urn: `urn:pulumi:test::edge::${type}::${name}`,
    type,
    name,
    parent: "",
    aliases: [],
    custom: true,
    provider: "",
    inputs,
    outputs: inputs,
    dependencies: [],
    propertyDependencies: {},
    options: { protect: false, deleteBeforeReplace: false, ignoreChanges: [], additionalSecretOutputs: [], retainOnDelete: false },
  };
}

describe("policy pack over the Analyzer protocol", () => {
  it("returns the same violations as the policy's unit tests, with the resource's URN", async () => {
    const resources = [
      record("ok", { zoneId: "Z0", name: "api.example.com", type: "A", ttl: 60, records: ["192.0.2.1"] }),
      record("one-day", { zoneId: "Z0", name: "api.example.com", type: "A", ttl: 86400, records: ["192.0.2.1"] }),
      record("cf", { zoneId: "z", name: "decide.example.com", type: "CNAME", ttl: 7200, content: "api.example.com" }, resourceTypes.cloudflareDnsRecord),
    ];
    const run = await runPolicyPack({ packDir: join(projectRoot, "policies"), stack: "test", project: "edge", resources });
    expect(run.packName).toBe("edge-guardrails");
    expect(run.policies.map((p) => p.name)).toContain("enforce-failover-ttl");

    for (const resource of resources) {
      const expected = await runResourcePolicy(enforceFailoverTtl, { type: resource.type, props: resource.inputs, name: resource.name });
      const served = run.violations.filter((v) => v.urn === resource.urn && v.policyName === "enforce-failover-ttl");
      expect(served.map((v) => v.message)).toEqual(expected);
      expect(served.every((v) => v.enforcementLevel === "mandatory")).toBe(true);
    }
    expect(run.violations.filter((v) => v.policyName === "enforce-failover-ttl")).toHaveLength(2);
  });
});
