import { describe, expect, it } from "vitest";
import { enforceImdsV2 } from "../../../policies/security/enforceImdsV2";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.ec2LaunchTemplate;
const compliant = { name: "ingest-us-east-1", imageId: "ami-0", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } };

describe("enforce-imdsv2", () => {
  it("accepts required session tokens, and a disabled metadata service", async () => {
    expect(await runResourcePolicy(enforceImdsV2, { type, props: compliant })).toEqual([]);
    expect(await runResourcePolicy(enforceImdsV2, { type, props: { ...compliant, metadataOptions: { httpEndpoint: "disabled" } } })).toEqual([]);
  });

  it("refuses optional tokens", async () => {
    expect(await runResourcePolicy(enforceImdsV2, { type, props: { ...compliant, metadataOptions: { httpTokens: "optional" } } })).toEqual([
      "launch template ingest-us-east-1 allows IMDSv1: httpTokens is optional, required is 'required'. " +
        'Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }. ' +
        "Security baseline: an internet-facing proxy host must not hand out its role credentials to a forged request.",
    ]);
  });

  it("refuses a template without metadata options (the AWS default is optional)", async () => {
    const { metadataOptions: _, ...props } = compliant;
    const messages = await runResourcePolicy(enforceImdsV2, { type, props });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("httpTokens is optional (the AWS default: metadataOptions.httpTokens not set)");
  });
});
