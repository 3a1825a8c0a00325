import { describe, expect, it } from "vitest";
import { disallowWildcardIam } from "../../../policies/security/disallowWildcardIam";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const statements = [
  { Sid: "Metrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData", "ec2:DescribeTags"], Resource: "*" },
  { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:aws:logs:us-east-1:123456789012:log-group:/edge/ingest:*" },
];
const doc = (extra: object[] = [], base = statements) => JSON.stringify({ Version: "2012-10-17", Statement: [...base, ...extra] });

const rolePolicyType = resourceTypes.iamRolePolicy;
const compliant = { role: "ingest-host", name: "ingest-host", policy: doc() };

describe("disallow-wildcard-iam", () => {
  it("accepts scoped writes, reads on *, and PutMetricData (no resource-level permissions)", async () => {
    expect(await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: compliant })).toEqual([]);
  });

  it('refuses Action "*"', async () => {
    const props = { ...compliant, policy: doc([{ Effect: "Allow", Action: "*", Resource: "*" }]) };
    expect(await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props })).toEqual([
      'role policy ingest-host statement 2 allows Action "*": every action of every service on every resource. List the actions the role needs. ' +
        "Security baseline (CKV_AWS_62, CKV_AWS_63, CKV2_AWS_40).",
    ]);
  });

  it('refuses write actions on Resource "*", naming them, and decrypts with every key as KMS.2 does', async () => {
    const props = { ...compliant, policy: doc([{ Sid: "Bucket", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: ["*"] }]) };
    expect(await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props })).toEqual([
      'role policy ingest-host statement 2 (Bucket) allows 2 write action(s) (s3:PutObject, s3:DeleteObject) on Resource "*". ' +
        'Name the resources\' ARNs (e.g. the log group, the bucket, the key) instead of "*". Security baseline (CKV_AWS_290, CKV_AWS_355).',
    ]);
    const decrypt = { ...compliant, policy: doc([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }]) };
    expect((await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: decrypt }))[0]).toMatch(/decrypting with every KMS key it may use\..*\(KMS\.2, CKV_AWS_290, CKV_AWS_355\)\.$/);
    expect((await runResourcePolicy(disallowWildcardIam, { type: resourceTypes.iamPolicy, props: { name: "p", policy: decrypt.policy } }))[0]).toMatch(/\(KMS\.1, CKV_AWS_290, CKV_AWS_355\)\.$/);
  });

  it('refuses a whole service ("s3:*"), citing IAM.21 only on a customer managed policy, which is all IAM.21 judges', async () => {
    const whole = doc([{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::cdn-origin" }]);
    const inline = await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: { ...compliant, policy: whole } });
    expect(inline).toEqual([
      "role policy ingest-host statement 2 allows s3:*: every action of that service, including the ones that change or delete. " +
        "List the actions the role needs (a prefix such as s3:Get* for reads). Security baseline.",
    ]);
    const managed = await runResourcePolicy(disallowWildcardIam, { type: resourceTypes.iamPolicy, props: { name: "p", policy: whole } });
    expect(managed[0]).toMatch(/Security baseline \(IAM\.21\)\.$/);
    // iam:* is disallow-iam-privilege-escalation's.
    expect(
      await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: { ...compliant, policy: doc([{ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::1:role/x" }]) } }),
    ).toEqual([]);
  });

  it("refuses NotAction and NotResource with Allow, ignores Deny", async () => {
    const notAction = { ...compliant, policy: doc([{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]) };
    expect((await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: notAction }))[0]).toContain("uses NotAction with Allow: every action except iam:*");
    const notResource = { ...compliant, policy: doc([{ Effect: "Allow", Action: "sqs:SendMessage", NotResource: "arn:aws:sqs:*:*:x" }]) };
    expect((await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: notResource }))[0]).toContain("on NotResource");
    const deny = { ...compliant, policy: doc([{ Effect: "Deny", Action: "*", Resource: "*" }]) };
    expect(await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: deny })).toEqual([]);
  });

  it("refuses a document that is not JSON", async () => {
    const messages = await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props: { ...compliant, policy: "{ not json" } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^role policy ingest-host is not valid JSON \(.*\): it cannot be checked\. Fix the document\. Security baseline\.$/);
  });

  it("judges managed policies, object documents and a role's inline policies", async () => {
    const wildcard = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
    expect(await runResourcePolicy(disallowWildcardIam, { type: resourceTypes.iamPolicy, props: { name: "admin", policy: wildcard } })).toHaveLength(1);
    const role = {
      name: "ingest-host",
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } }] }),
      inlinePolicies: [
        { name: "ok", policy: doc() },
        { name: "admin", policy: JSON.stringify(wildcard) },
      ],
    };
    expect(await runResourcePolicy(disallowWildcardIam, { type: resourceTypes.iamRole, props: role })).toEqual([
      'role ingest-host inline policy admin statement 0 allows Action "*": every action of every service on every resource. List the actions the role needs. ' +
        "Security baseline (CKV_AWS_62, CKV_AWS_63, CKV2_AWS_40).",
    ]);
  });

  it("takes the resource-wildcard exemptions from policy config", async () => {
    const props = { ...compliant, policy: doc([{ Effect: "Allow", Action: "ec2:CreateTags", Resource: "*" }]) };
    expect(await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props })).toHaveLength(1);
    expect(await runResourcePolicy(disallowWildcardIam, { type: rolePolicyType, props }, { resourceWildcardActions: ["cloudwatch:PutMetricData", "ec2:CreateTags"] })).toEqual([]);
  });
});
