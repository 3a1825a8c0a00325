/**
 * disallow-iam-privilege-escalation — mandatory. Security baseline; no post-mortem of its own.
 *
 * No IAM policy document lets its holder give itself more: `iam:*`; `iam:PassRole` on `*` or on a
 * wildcard role ARN (`arn:aws:iam::*:role/*`, `role/edge-*`: a host that may pass any role may
 * launch an instance with the administrator's); or an action that writes IAM policies, keys,
 * passwords, group memberships or trust policies (`iam:PutRolePolicy`, `iam:AttachRolePolicy`,
 * `iam:CreatePolicyVersion`, …) on anything but a named ARN. An ingestion host is an
 * internet-facing proxy: whatever its role may grant, a compromised host may grant itself.
 * Wildcards in actions (`iam:Put*`) are matched too. Judged on the same documents as
 * disallow-wildcard-iam. Controls: policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";
import { list } from "../s3/buckets";
import { actionMatches, parsePolicyDocument } from "../security/disallowWildcardIam";

const name = "disallow-iam-privilege-escalation";

/** Actions that let a principal raise its own (or another's) permissions (Rhino Security Labs' list, as cloudsplaining reads it). */
export const escalationActions: readonly string[] = [
  "iam:AddUserToGroup",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreatePolicyVersion",
  "iam:PutGroupPolicy",
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateLoginProfile",
];

const wildcardResource = (resource: string) => resource.includes("*") || resource.includes("?");

/** Every violation of one policy document (`where` names it, e.g. `role policy ingest-host`). */
export function judgeEscalation(where: string, policy: unknown): string[] {
  const parsed = parsePolicyDocument(policy);
  if (typeof parsed === "string") return [];
  const out: string[] = [];
  parsed.statements.forEach((statement, i) => {
    if (statement.Effect !== "Allow") return;
    const label = `${where} statement ${i}${typeof statement.Sid === "string" && statement.Sid ? ` (${statement.Sid})` : ""}`;
    const actions = list(statement.Action);
    const resources = statement.NotResource !== undefined ? ["*"] : list(statement.Resource);
    const everywhere = resources.includes("*");
    const wildcards = resources.filter(wildcardResource);
    if (actions.some((a) => a.toLowerCase() === "iam:*")) {
      out.push(`${label} allows iam:*: every IAM action, policies and trust included, so its holder may grant itself anything. Remove it. ${cite(name, "fullIam")}`);
      return;
    }
    if (wildcards.length === 0) return;
    const passRole = actions.filter((a) => actionMatches(a, "iam:PassRole"));
    if (passRole.length > 0) {
      out.push(
        `${label} allows ${passRole.join(", ")} on ${wildcards.join(", ")}: its holder may hand any matching role, an administrator's included, to an instance or function it starts. ` +
          `Remove it, or name the one role's ARN exactly. ${cite(name, everywhere ? "passRoleAnywhere" : "passRoleWildcard")}`,
      );
    }
    const escalating = escalationActions.filter((e) => actions.some((a) => actionMatches(a, e)));
    if (escalating.length > 0) {
      out.push(
        `${label} allows ${escalating.length} IAM action(s) that raise permissions (${escalating.join(", ")}) on ${wildcards.join(", ")}: its holder may write itself a policy. ` +
          `Remove them; roles get their policies from the program, not from each other. ${cite(name, everywhere ? "escalationAction" : "escalationWildcard")}`,
      );
    }
  });
  return out;
}

function judgeDocumentOf(kind: string) {
  return (resource: { name?: string; policy?: unknown }, args: ResourceValidationArgs, report: ReportViolation) => {
    if (resource.policy === undefined) return;
    for (const m of judgeEscalation(`${kind} ${resource.name ?? args.name}`, resource.policy)) report(m);
  };
}

export const disallowIamPrivilegeEscalation: ResourceValidationPolicy = {
  name,
  description: "No IAM policy allows iam:*, iam:PassRole on a wildcard, or an IAM action that grants permissions on a wildcard.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.iam.Policy, judgeDocumentOf("IAM policy")),
    ofType(aws.iam.RolePolicy, judgeDocumentOf("role policy")),
    ofType(aws.iam.UserPolicy, judgeDocumentOf("user policy")),
    ofType(aws.iam.GroupPolicy, judgeDocumentOf("group policy")),
    ofType(aws.iam.Role, (role, args, report) => {
      (role.inlinePolicies ?? []).forEach((inline, i) => {
        if (inline.policy === undefined) return;
        for (const m of judgeEscalation(`role ${role.name ?? args.name} inline policy ${inline.name ?? i}`, inline.policy)) report(m);
      });
    }),
  ),
};
