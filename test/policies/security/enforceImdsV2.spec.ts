import { describe, expect, it } from "vitest";
import { cite } from "../../../policies/metadata";
import { enforceImdsV2 } from "../../../policies/security/enforceImdsV2";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.ec2LaunchTemplate;
const compliant = { name: "ingest-us-east-1", imageId: "ami-0", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } };
const why = "An internet-facing proxy host must not hand out its role credentials to a forged request.";

describe("enforce-imdsv2", () => {
  it("accepts required session tokens with one hop, and a disabled metadata service", async () => {
    expect(await runResourcePolicy(enforceImdsV2, { type, props: compliant })).toEqual([]);
    expect(await runResourcePolicy(enforceImdsV2, { type, props: { ...compliant, metadataOptions: { httpEndpoint: "disabled" } } })).toEqual([]);
  });

  it("refuses optional tokens", async () => {
    expect(await runResourcePolicy(enforceImdsV2, { type, props: { ...compliant, metadataOptions: { httpTokens: "optional" } } })).toEqual([
      "launch template ingest-us-east-1 allows IMDSv1: httpTokens is optional, required is 'required'. " +
        `Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }. ${why} ${cite("enforce-imdsv2", "templateTokens")}`,
    ]);
    expect(cite("enforce-imdsv2", "templateTokens")).toBe("Security baseline (EC2.170, CKV_AWS_79).");
  });

  it("refuses a template without metadata options (the AWS default is optional)", async () => {
    const { metadataOptions: _, ...props } = compliant;
    const messages = await runResourcePolicy(enforceImdsV2, { type, props });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("httpTokens is optional (the AWS default: metadataOptions.httpTokens not set)");
  });

  it("refuses a hop limit above 1, and one left to the AMI", async () => {
    expect(await runResourcePolicy(enforceImdsV2, { type, props: { ...compliant, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } } })).toEqual([
      "launch template ingest-us-east-1 lets metadata answers travel 2 hop(s); the limit is 1. " +
        `Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }. ${why} ${cite("enforce-imdsv2", "templateHopLimit")}`,
    ]);
    expect((await runResourcePolicy(enforceImdsV2, { type, props: { ...compliant, metadataOptions: { httpTokens: "required" } } }))[0]).toContain("the AMI's default number of (not set) hop(s)");
  });

  it("judges launch configurations and instances the same way", async () => {
    for (const [launcherType, what, controls] of [
      [resourceTypes.ec2LaunchConfiguration, "launch configuration ingest-us-east-1", "(AutoScaling.3, CKV_AWS_79, AVD-AWS-0130)"],
      [resourceTypes.ec2Instance, "instance subject", "(EC2.8, CKV_AWS_79, AVD-AWS-0028)"],
    ] as const) {
      expect(await runResourcePolicy(enforceImdsV2, { type: launcherType, props: compliant })).toEqual([]);
      const [message] = await runResourcePolicy(enforceImdsV2, { type: launcherType, props: { name: "ingest-us-east-1" } });
      expect(message).toMatch(new RegExp(`^${what} allows IMDSv1`));
      expect(message).toContain(controls);
    }
  });
});
