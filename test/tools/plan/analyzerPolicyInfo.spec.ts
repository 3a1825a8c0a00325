/**
 * The pack as the engine and Pulumi Cloud see it: `GetAnalyzerInfo` from its own server carries,
 * for every policy, the fields its metadata sets (severity, remediation steps, url, tags, and the
 * compliance framework where a catalog applies), so `pulumi policy publish` shows them.
 */
import { join } from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { describe, expect, it } from "vitest";
import { packEntries } from "../../../policies/pack";
import { startPolicyPack } from "../../../tools/plan/analyzer";
import { projectRoot } from "../../support/runPlan";

const severities: Record<number, string> = {
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

describe("the served pack's policy information", () => {
  it("gives every policy its severity, remediation, url, tags and framework", { timeout: 120_000 }, async () => {
    const pack = await startPolicyPack(join(projectRoot, "policies"));
    try {
      const info = await new Promise<analyzerProto.AnalyzerInfo>((resolve, reject) => pack.client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))));
      const served = new Map(info.getPoliciesList().map((p) => [p.getName(), p]));
      expect([...served.keys()].sort()).toEqual(packEntries.map((e) => e.policy.name).sort());
      for (const { policy, metadata } of packEntries) {
        const p = served.get(policy.name)!;
        expect(severities[p.getSeverity()], policy.name).toBe(metadata.severity);
        expect(p.getRemediationSteps(), policy.name).toBe(metadata.remediationSteps);
        expect(p.getUrl(), policy.name).toBe(policy.url);
        expect(p.getTagsList(), policy.name).toEqual(policy.tags);
        if (policy.framework) expect(p.getFramework()?.getReference(), policy.name).toBe(policy.framework.reference);
        else expect(p.hasFramework(), policy.name).toBe(false);
      }
    } finally {
      await pack.stop();
    }
  });
});
