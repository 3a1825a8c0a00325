import { describe, expect, it } from "vitest";
import { resourceTypes as t } from "../../../models/resourceTypes";
import { disallowIamPrivilegeEscalation } from "../../../policies/iam/disallowIamPrivilegeEscalation";
import { runResourcePolicy } from "../harness";

const doc = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:us-east-1:1:parameter/x" }, statement] });
const run = (statement: Record<string, unknown>, type: string = t.iamRolePolicy) =>
  runResourcePolicy(disallowIamPrivilegeEscalation, { type, props: { role: "ingest-host", policy: doc(statement) }, name: "ingest-host-service" });

describe("disallow-iam-privilege-escalation", () => {
  it("accepts passing one named role, and IAM reads", async () => {
    expect(await run({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/ingest-host" })).toEqual([]);
    expect(await run({ Effect: "Allow", Action: ["iam:GetRole", "iam:ListRoles"], Resource: "*" })).toEqual([]);
    expect(await run({ Effect: "Deny", Action: "iam:*", Resource: "*" })).toEqual([]);
  });

  it("refuses iam:* wherever it applies", async () => {
    expect(await run({ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::123456789012:role/x" })).toEqual([
      "role policy ingest-host-service statement 1 allows iam:*: every IAM action, policies and trust included, so its holder may grant itself anything. Remove it. Security baseline (CKV2_AWS_40).",
    ]);
  });

  it('refuses iam:PassRole on a wildcard role ARN (trivy refuses any PassRole; Checkov\'s cloudsplaining only Resource "*")', async () => {
    expect(await run({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*" })).toEqual([
      "role policy ingest-host-service statement 1 allows iam:PassRole on arn:aws:iam::*:role/*: its holder may hand any matching role, an administrator's included, to an instance or function it starts. " +
        "Remove it, or name the one role's ARN exactly. Security baseline (AVD-AWS-0342).",
    ]);
    expect(await run({ Effect: "Allow", Action: "iam:Pass*", Resource: "*" })).toEqual([expect.stringMatching(/allows iam:Pass\* on \*: .*\(CKV_AWS_286, AVD-AWS-0342\)\.$/)]);
  });

  it("refuses actions that write permissions, matched through wildcards, on anything but a named ARN, in managed and inline policies alike", async () => {
    const [put] = await run({ Effect: "Allow", Action: "iam:Put*", Resource: "arn:aws:iam::123456789012:role/*" });
    expect(put).toMatch(/allows 3 IAM action\(s\) that raise permissions \(iam:PutGroupPolicy, iam:PutRolePolicy, iam:PutUserPolicy\) on arn:aws:iam::123456789012:role\/\*.*Security baseline\.$/);
    expect((await run({ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*" }))[0]).toMatch(/\(CKV_AWS_286\)\.$/);
    const managed = await runResourcePolicy(disallowIamPrivilegeEscalation, { type: t.iamPolicy, props: { policy: doc({ Effect: "Allow", Action: "iam:*", Resource: "*" }) }, name: "hand" });
    expect(managed).toHaveLength(1);
  });
});
