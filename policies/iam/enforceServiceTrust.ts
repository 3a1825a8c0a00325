/**
 * enforce-service-trust — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts (Checkov refuses everyone and a whole account; users,
 * federated principals and NotPrincipal are refused here only).
 *
 * Every role's trust policy lets only AWS service principals assume it (`Principal: { Service:
 * "ec2.amazonaws.com" }`): never `Principal: "*"`, `{ AWS: "*" }` or a `*` in a service name, and no
 * account, user or federated principal, so only the service that runs the hosts or replicates the
 * buckets holds the role. `NotPrincipal` with Allow (everyone but the listed) is refused too.
 * Judged on `aws.iam.Role`'s `assumeRolePolicy`; a document that does not parse is a violation.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { parsePolicyDocument } from "../security/disallowWildcardIam";

function values(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Every violation of one trust policy. */
export function judgeTrustPolicy(role: string, document: unknown): string[] {
  const parsed = parsePolicyDocument(document);
  const fix = (check: string) => `Trust only the AWS service that uses the role: Principal: { Service: "ec2.amazonaws.com" }. ${cite("enforce-service-trust", check)}`;
  if (typeof parsed === "string") return [`role ${role}'s trust policy ${parsed}: it cannot be checked. ${fix("other")}`];
  const out: string[] = [];
  parsed.statements.forEach((statement, i) => {
    if (statement.Effect !== "Allow") return;
    const label = `role ${role}'s trust policy statement ${i}`;
    if (statement.NotPrincipal !== undefined) {
      out.push(`${label} uses NotPrincipal with Allow: everyone but the listed may assume the role. ${fix("everyone")}`);
      return;
    }
    const principal = statement.Principal;
    if (principal === "*") {
      out.push(`${label} trusts Principal "*": any AWS account may assume the role. ${fix("everyone")}`);
      return;
    }
    if (!principal || typeof principal !== "object") {
      out.push(`${label} names no principal. ${fix("other")}`);
      return;
    }
    for (const [kind, value] of Object.entries(principal as Record<string, unknown>)) {
      const names = values(value);
      if (kind !== "Service") {
        const check = kind === "AWS" && names.includes("*") ? "everyone" : kind === "AWS" && names.some((n) => /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$/.test(n)) ? "account" : "other";
        out.push(`${label} trusts ${kind} principal(s) ${names.join(", ") || "(none)"}: only AWS service principals may assume host and service roles. ${fix(check)}`);
      } else {
        const wild = names.filter((n) => n.includes("*"));
        if (wild.length > 0) out.push(`${label} trusts service principal(s) ${wild.join(", ")}: a wildcard matches every service. ${fix("other")}`);
      }
    }
  });
  return out;
}

export const enforceServiceTrust: ResourceValidationPolicy = {
  name: "enforce-service-trust",
  description: 'Role trust policies trust named AWS service principals only: no "*", no account, user or federated principal.',
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.iam.Role, (role, args, reportViolation) => {
    if (role.assumeRolePolicy === undefined) return;
    for (const m of judgeTrustPolicy(role.name ?? args.name, role.assumeRolePolicy)) reportViolation(m);
  }),
};
