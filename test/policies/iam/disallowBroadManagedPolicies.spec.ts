import { describe, expect, it } from "vitest";
import { disallowBroadManagedPolicies } from "../../../policies/iam/disallowBroadManagedPolicies";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const ssm = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
const run = (type: string, props: Record<string, unknown>) => runResourcePolicy(disallowBroadManagedPolicies, { type, props, name: "ingest-host-ssm" });

describe("disallow-broad-managed-policies", () => {
  it("accepts the SSM core policy and customer policies", async () => {
    expect(await run(resourceTypes.iamRolePolicyAttachment, { role: "ingest-host", policyArn: ssm })).toEqual([]);
    expect(await run(resourceTypes.iamRolePolicyAttachment, { role: "ingest-host", policyArn: "arn:aws:iam::123456789012:policy/AdministratorAccess" })).toEqual([]);
  });

  it("refuses AdministratorAccess on the host role (hand edit) with its control ids", async () => {
    expect(await run(resourceTypes.iamRolePolicyAttachment, { role: "ingest-host", policyArn: admin })).toEqual([
      `role ingest-host gets the AWS managed policy ${admin}: every action on every resource. ` +
        "Detach it and grant the named actions on named resources in a role policy (e.g. AmazonSSMManagedInstanceCore plus a RolePolicy for the agent): " +
        "a compromised internet-facing host may do whatever its role may. Security baseline (CKV_AWS_274).",
    ]);
  });

  it("refuses PowerUserAccess and any *FullAccess policy", async () => {
    expect((await run(resourceTypes.iamRolePolicyAttachment, { role: "r", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }))[0]).toMatch(
      /every action but IAM and Organizations on every resource\. .*Security baseline\.$/,
    );
    expect((await run(resourceTypes.iamRolePolicyAttachment, { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }))[0]).toMatch(
      /every action of its service on every resource\. .*Security baseline\.$/,
    );
    expect((await run(resourceTypes.iamRolePolicyAttachment, { role: "r", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" }))[0]).toMatch(
      /so its holder may grant itself anything\. .*Security baseline \(CKV2_AWS_56\)\.$/,
    );
    expect(await run(resourceTypes.iamRolePolicyAttachment, { role: "r", policyArn: "arn:aws:iam::aws:policy/job-function/SystemAdministrator" })).toEqual([]);
  });

  it("judges every way to attach a managed policy", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [resourceTypes.iamUserPolicyAttachment, { user: "ops", policyArn: admin }, "user ops"],
      [resourceTypes.iamGroupPolicyAttachment, { group: "ops", policyArn: admin }, "group ops"],
      [resourceTypes.iamPolicyAttachment, { roles: ["ingest-host"], policyArn: admin }, "policy attachment ingest-host-ssm (ingest-host)"],
      [resourceTypes.iamRolePolicyAttachmentsExclusive, { roleName: "ingest-host", policyArns: [ssm, admin] }, "role ingest-host"],
      [resourceTypes.iamRole, { name: "ingest-host", assumeRolePolicy: "{}", managedPolicyArns: [admin] }, "role ingest-host"],
    ];
    for (const [type, props, who] of cases) {
      const messages = await run(type, props);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(new RegExp(`^${who.replace(/[()]/g, "\\$&")} gets the AWS managed policy ${admin}`));
    }
  });
});
