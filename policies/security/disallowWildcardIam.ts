/**
 * disallow-wildcard-iam — mandatory. Security baseline; no post-mortem of its own.
 *
 * No IAM policy document allows `Action: "*"` (or `NotAction`, which allows everything not
 * listed), and none allows a write action on `Resource: "*"` (or `NotResource`). Read actions
 * (Get, List, Describe, Head, …) may use `*`, as may the few write actions AWS authorizes only
 * on `*` (policy config `resourceWildcardActions`, default: CloudWatch PutMetricData, X-Ray and
 * Systems Manager session and command-channel actions; the Service Authorization Reference lists no
 * resource type for `ssmmessages` and `ec2messages` actions). Judged on `aws.iam.Policy`, `aws.iam.RolePolicy`,
 * `aws.iam.UserPolicy`, `aws.iam.GroupPolicy` and the inline policies of `aws.iam.Role`; JSON
 * strings are parsed, a document that does not parse is itself a violation.
 *
 * Catalog controls: Security Hub IAM.1, IAM.21; Checkov CKV_AWS_62, CKV_AWS_63, CKV_AWS_290, CKV_AWS_355; trivy AVD-AWS-0057.
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

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

/** Every violation of one policy document. `where` names the document, e.g. `role policy ingest-host`. */
export function judgePolicyDocument(where: string, policy: unknown, resourceWildcardActions: readonly string[]): string[] {
  const parsed = parsePolicyDocument(policy);
  if (typeof parsed === "string") return [`${where} ${parsed}: it cannot be checked. Fix the document. Security baseline.`];
  const exempt = new Set(resourceWildcardActions.map((a) => a.toLowerCase()));
  const out: string[] = [];
  parsed.statements.forEach((statement, i) => {
    if (statement.Effect !== "Allow") return;
    const label = `${where} statement ${i}${typeof statement.Sid === "string" && statement.Sid ? ` (${statement.Sid})` : ""}`;
    const actions = list(statement.Action);
    if (actions.includes("*")) {
      out.push(`${label} allows Action "*": every action of every service. List the actions the role needs. Security baseline.`);
      return;
    }
    if (statement.NotAction !== undefined) {
      out.push(`${label} uses NotAction with Allow: every action except ${list(statement.NotAction).join(", ")}. List the allowed actions instead. Security baseline.`);
      return;
    }
    const anyResource = list(statement.Resource).includes("*") || statement.NotResource !== undefined;
    if (!anyResource) return;
    const writes = actions.filter((a) => !isReadAction(a) && !exempt.has(a.toLowerCase()));
    if (writes.length === 0) return;
    const resource = statement.NotResource !== undefined ? "NotResource (every resource but the listed)" : 'Resource "*"';
    out.push(
      `${label} allows ${writes.length} write action(s) (${writes.join(", ")}) on ${resource}. ` +
        `Name the resources' ARNs (e.g. the log group, the bucket) instead of "*". Security baseline.`,
    );
  });
  return out;
}

function resourceWildcardActions(config: { resourceWildcardActions?: unknown }): readonly string[] {
  const actions = config.resourceWildcardActions;
  return Array.isArray(actions) && actions.every((a) => typeof a === "string") ? (actions as string[]) : defaultResourceWildcardActions;
}

/** The validation of a resource whose `policy` input is one document (Policy, RolePolicy, UserPolicy, GroupPolicy). */
function judgeDocumentOf(kind: string) {
  return (resource: { name?: string; policy?: unknown }, args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (resource.policy === undefined) return;
    for (const m of judgePolicyDocument(`${kind} ${resource.name ?? args.name}`, resource.policy, resourceWildcardActions(args.getConfig()))) reportViolation(m);
  };
}

export const disallowWildcardIam: ResourceValidationPolicy = {
  name: "disallow-wildcard-iam",
  description: 'No IAM policy allows Action "*", and none allows write actions on Resource "*".',
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
    ofType(aws.iam.Policy, judgeDocumentOf("IAM policy")),
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
