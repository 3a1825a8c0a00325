/**
 * disallow-wildcard-iam — mandatory. Security baseline; no post-mortem of its own.
 *
 * No IAM policy document allows `Action: "*"`, a whole service (`"s3:*"`; `"iam:*"` is
 * disallow-iam-privilege-escalation's) or `NotAction` (which allows everything not listed), and
 * none allows a write action on `Resource: "*"` (or `NotResource`); a decrypt on every key is one. Read actions
 * (Get, List, Describe, Head, …) may use `*`, as may the few write actions AWS authorizes only
 * on `*` (policy config `resourceWildcardActions`, default: CloudWatch PutMetricData, X-Ray and
 * Systems Manager session and command-channel actions; the Service Authorization Reference lists no
 * resource type for `ssmmessages` and `ec2messages` actions). Judged on `aws.iam.Policy`, `aws.iam.RolePolicy`,
 * `aws.iam.UserPolicy`, `aws.iam.GroupPolicy` and the inline policies of `aws.iam.Role`; JSON
 * strings are parsed, a document that does not parse is itself a violation.
 *
 * Controls: policies/metadata.ts (Security Hub's IAM controls judge customer managed policies only, so
 * an inline policy's finding cites the catalogs that judge inline ones).
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { cite, metadataFor } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

const policyName = "disallow-wildcard-iam";

export const defaultResourceWildcardActions: readonly string[] = [
  "cloudwatch:PutMetricData",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:SendReply",
];

/** Verbs of actions that only read. An action pattern is "read" when its verb starts with one of them (`s3:Get*`). */
const readVerbs = ["get", "list", "describe", "head", "batchget", "query", "scan", "search", "lookup", "view"];

function isReadAction(action: string): boolean {
  const verb = action.split(":")[1]?.toLowerCase() ?? "";
  return readVerbs.some((prefix) => verb.startsWith(prefix));
}

function list(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A policy document from a JSON string or an object; a string error when it cannot be read. */
export function parsePolicyDocument(policy: unknown): { statements: Record<string, unknown>[] } | string {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch (err) {
      return `is not valid JSON (${(err as Error).message})`;
    }
  }
  if (!doc || typeof doc !== "object") return "is not a policy document (expected an object with Statement)";
  const statement = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(statement) ? statement : statement ? [statement] : [];
  if (!statements.every((s) => s && typeof s === "object")) return "has a Statement that is not an object";
  return { statements: statements as Record<string, unknown>[] };
}

/** Actions that decrypt with any key they may use (Security Hub's KMS controls judge them on Resource "*"). */
const decryptActions = new Set(["kms:decrypt", "kms:reencryptfrom", "kms:*"]);

/** Whether `pattern` (an IAM action with `*` and `?` wildcards) matches `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return regex.test(action);
}

/**
 * Every violation of one policy document. `where` names the document, e.g. `role policy ingest-host`;
 * `managed` is true for a customer managed policy (`aws.iam.Policy`), the only kind some Security
 * Hub controls judge: an inline policy cites only the catalogs that judge inline ones.
 */
export function judgePolicyDocument(where: string, policy: unknown, resourceWildcardActions: readonly string[], managed = false): string[] {
  const check = (inline: string) => cite(policyName, managed && `${inline}Managed` in metadataFor(policyName).checks ? `${inline}Managed` : inline);
  const parsed = parsePolicyDocument(policy);
  if (typeof parsed === "string") return [`${where} ${parsed}: it cannot be checked. Fix the document. ${check("unreadable")}`];
  const exempt = new Set(resourceWildcardActions.map((a) => a.toLowerCase()));
  const out: string[] = [];
  parsed.statements.forEach((statement, i) => {
    if (statement.Effect !== "Allow") return;
    const label = `${where} statement ${i}${typeof statement.Sid === "string" && statement.Sid ? ` (${statement.Sid})` : ""}`;
    const actions = list(statement.Action);
    const anyResource = list(statement.Resource).includes("*") || statement.NotResource !== undefined;
    if (actions.includes("*")) {
      out.push(
        `${label} allows Action "*": every action of every service${anyResource ? " on every resource" : ""}. List the actions the role needs. ` +
          check(anyResource ? "everyActionEveryResource" : "everyAction"),
      );
      return;
    }
    if (statement.NotAction !== undefined) {
      out.push(`${label} uses NotAction with Allow: every action except ${list(statement.NotAction).join(", ")}. List the allowed actions instead. ${check("notAction")}`);
      return;
    }
    // iam:* is disallow-iam-privilege-escalation's.
    const serviceWide = actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a) && a.toLowerCase() !== "iam:*");
    if (serviceWide.length > 0) {
      out.push(
        `${label} allows ${serviceWide.join(", ")}: every action of ${serviceWide.length === 1 ? "that service" : "those services"}, including the ones that change or delete. ` +
          `List the actions the role needs (a prefix such as s3:Get* for reads). ${check("serviceWildcard")}`,
      );
      return;
    }
    if (!anyResource) return;
    const writes = actions.filter((a) => !isReadAction(a) && !exempt.has(a.toLowerCase()));
    if (writes.length === 0) return;
    const resource = statement.NotResource !== undefined ? "NotResource (every resource but the listed)" : 'Resource "*"';
    const decrypts = writes.some((a) => decryptActions.has(a.toLowerCase()));
    out.push(
      `${label} allows ${writes.length} write action(s) (${writes.join(", ")}) on ${resource}${decrypts ? ", decrypting with every KMS key it may use" : ""}. ` +
        `Name the resources' ARNs (e.g. the log group, the bucket, the key) instead of "*". ${check(decrypts ? "decryptEveryKey" : "writeOnEveryResource")}`,
    );
  });
  return out;
}

function resourceWildcardActions(config: { resourceWildcardActions?: unknown }): readonly string[] {
  const actions = config.resourceWildcardActions;
  return Array.isArray(actions) && actions.every((a) => typeof a === "string") ? (actions as string[]) : defaultResourceWildcardActions;
}

/** The validation of a resource whose `policy` input is one document (Policy, RolePolicy, UserPolicy, GroupPolicy). */
function judgeDocumentOf(kind: string, managed = false) {
  return (resource: { name?: string; policy?: unknown }, args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (resource.policy === undefined) return;
    for (const m of judgePolicyDocument(`${kind} ${resource.name ?? args.name}`, resource.policy, resourceWildcardActions(args.getConfig()), managed)) reportViolation(m);
  };
}

export const disallowWildcardIam: ResourceValidationPolicy = {
  name: policyName,
  description: 'No IAM policy allows Action "*" or "<service>:*", and none allows write actions on Resource "*".',
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      resourceWildcardActions: {
        type: "array",
        items: { type: "string" },
        default: [...defaultResourceWildcardActions],
        description: 'Write actions AWS authorizes only on Resource "*" (no resource-level permissions), allowed on "*".',
      },
    },
  },
  validateResource: validateResourceOfTypes(
    ofType(aws.iam.Policy, judgeDocumentOf("IAM policy", true)),
    ofType(aws.iam.RolePolicy, judgeDocumentOf("role policy")),
    ofType(aws.iam.UserPolicy, judgeDocumentOf("user policy")),
    ofType(aws.iam.GroupPolicy, judgeDocumentOf("group policy")),
    ofType(aws.iam.Role, (role, args, reportViolation) => {
      (role.inlinePolicies ?? []).forEach((inline, i) => {
        if (inline.policy === undefined) return;
        const where = `role ${role.name ?? args.name} inline policy ${inline.name ?? i}`;
        for (const m of judgePolicyDocument(where, inline.policy, resourceWildcardActions(args.getConfig()))) reportViolation(m);
      });
    }),
  ),
};
