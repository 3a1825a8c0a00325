/**
 * disallow-broad-managed-policies — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts. Checkov refuses AdministratorAccess and IAMFullAccess; Security
 * Hub's admin-privileges control checks only customer managed policies (disallow-wildcard-iam's),
 * and trivy's wildcard check is deprecated: PowerUserAccess and the other *FullAccess policies are
 * refused here and by no catalog.
 *
 * No host or service role (or user or group) gets the AWS managed policies `AdministratorAccess`,
 * `PowerUserAccess` or any `*FullAccess` policy: an ingestion host is an internet-facing proxy,
 * and whatever its role may do, a compromised host may do. Grant named actions on named resources
 * in a role policy instead (disallow-wildcard-iam judges those). Judged on every way to attach one:
 * `aws.iam.RolePolicyAttachment`, `UserPolicyAttachment`, `GroupPolicyAttachment`,
 * `PolicyAttachment`, `RolePolicyAttachmentsExclusive` and `aws.iam.Role`'s `managedPolicyArns`.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

/** The AWS managed policy's name when `arn` is one (`arn:aws:iam::aws:policy/[path/]Name`). */
function awsManagedPolicyName(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m?.[1];
}

/** Why an AWS managed policy is too broad and the metadata check it is, or undefined when it is not one of them. */
export function broadManagedPolicy(arn: string): { why: string; check: string } | undefined {
  const name = awsManagedPolicyName(arn);
  if (!name) return undefined;
  if (name === "AdministratorAccess") return { why: "every action on every resource", check: "administrator" };
  if (name === "PowerUserAccess") return { why: "every action but IAM and Organizations on every resource", check: "powerUser" };
  if (name === "IAMFullAccess") return { why: "every IAM action, so its holder may grant itself anything", check: "iamFullAccess" };
  if (name.endsWith("FullAccess")) return { why: "every action of its service on every resource", check: "fullAccess" };
  return undefined;
}

/** One message per too-broad policy ARN attached to `principal` (e.g. `role ingest-host`). */
export function judgeManagedPolicies(principal: string, policyArns: readonly string[]): string[] {
  const out: string[] = [];
  for (const arn of policyArns) {
    const broad = broadManagedPolicy(arn);
    if (!broad) continue;
    out.push(
      `${principal} gets the AWS managed policy ${arn}: ${broad.why}. Detach it and grant the named actions on named resources in a role policy ` +
        `(e.g. AmazonSSMManagedInstanceCore plus a RolePolicy for the agent): a compromised internet-facing host may do whatever its role may. ${cite("disallow-broad-managed-policies", broad.check)}`,
    );
  }
  return out;
}

function attached(principalKind: string, key: "role" | "user" | "group") {
  return (attachment: { policyArn?: string } & Partial<Record<typeof key, unknown>>, args: { name: string }, report: ReportViolation) => {
    const target = attachment[key];
    const principal = `${principalKind} ${typeof target === "string" ? target : args.name}`;
    for (const m of judgeManagedPolicies(principal, attachment.policyArn ? [attachment.policyArn] : [])) report(m);
  };
}

export const disallowBroadManagedPolicies: ResourceValidationPolicy = {
  name: "disallow-broad-managed-policies",
  description: "No role, user or group gets AdministratorAccess, PowerUserAccess or an AWS managed *FullAccess policy.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.iam.RolePolicyAttachment, attached("role", "role")),
    ofType(aws.iam.UserPolicyAttachment, attached("user", "user")),
    ofType(aws.iam.GroupPolicyAttachment, attached("group", "group")),
    ofType(aws.iam.PolicyAttachment, (attachment, args, report) => {
      const who = [...(attachment.roles ?? []), ...(attachment.users ?? []), ...(attachment.groups ?? [])].filter((n) => typeof n === "string").join(", ") || args.name;
      for (const m of judgeManagedPolicies(`policy attachment ${args.name} (${who})`, attachment.policyArn ? [attachment.policyArn] : [])) report(m);
    }),
    ofType(aws.iam.RolePolicyAttachmentsExclusive, (attachment, args, report) => {
      for (const m of judgeManagedPolicies(`role ${attachment.roleName ?? args.name}`, attachment.policyArns ?? [])) report(m);
    }),
    ofType(aws.iam.Role, (role, args, report) => {
      for (const m of judgeManagedPolicies(`role ${role.name ?? args.name}`, role.managedPolicyArns ?? [])) report(m);
    }),
  ),
};
