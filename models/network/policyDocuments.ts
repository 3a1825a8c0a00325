/**
 * IAM policy documents as the reachability model reads them: whether a document allows a request
 * (an identity policy, or a VPC endpoint policy with its principal), and where a document allows
 * more than a set of calls needs. The evaluation covers the elements the edge's policies use:
 * Effect, Action/NotAction and Resource/NotResource with `*` and `?` wildcards, Principal as `*`,
 * an account or an account's ARN, and the string and ARN condition operators (with `IfExists`) on
 * the keys a request carries. A condition on a key the request does not carry does not hold, as in
 * IAM (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
 *
 * Pure module: no Pulumi imports.
 */
import type { HostCall } from "../ingestRegion/egress";

export interface Statement {
  sid?: string;
  effect: "Allow" | "Deny";
  principal?: unknown;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  condition?: Record<string, Record<string, unknown>>;
  /** The statement as written. */
  raw: Record<string, unknown>;
}

const list = (value: unknown): string[] | undefined => (value === undefined ? undefined : (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string"));

/** The statements of a document given as JSON text or an object; a string saying why when it is neither. */
export function readStatements(policy: unknown): Statement[] | string {
  let doc = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch (err) {
      return `is not valid JSON (${(err as Error).message})`;
    }
  }
  if (!doc || typeof doc !== "object") return "is not a policy document";
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[];
  return statements
    .filter((s) => s && typeof s === "object")
    .map((s) => ({
      sid: typeof s.Sid === "string" ? s.Sid : undefined,
      effect: s.Effect === "Deny" ? "Deny" : "Allow",
      principal: s.Principal,
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: list(s.Resource),
      notResources: list(s.NotResource),
      condition: s.Condition && typeof s.Condition === "object" ? (s.Condition as Record<string, Record<string, unknown>>) : undefined,
      raw: s,
    }));
}

/** IAM's wildcard match: `*` any run of characters, `?` one; actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? "i" : "c"}${pattern}`;
  let compiled = compiledPatterns.get(key);
  if (!compiled) {
    const escaped = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    compiled = new RegExp(`^${escaped}$`, ignoreCase ? "i" : "");
    compiledPatterns.set(key, compiled);
  }
  return compiled.test(value);
}

/** Each pattern compiled once: a stack of 30 regions asks the same few thousand times. */
const compiledPatterns = new Map<string, RegExp>();

const hasWildcard = (s: string) => /[*?]/.test(s);

/** One request as a policy sees it. */
export interface PolicyRequest {
  action: string;
  resource: string;
  /** The caller's account (`aws:PrincipalAccount`). */
  principalAccount: string;
  /** Condition keys the request carries besides `aws:PrincipalAccount`. */
  context?: Record<string, string>;
}

function principalMatches(principal: unknown, account: string): boolean {
  if (principal === undefined) return true;
  if (principal === "*") return true;
  const aws = list((principal as { AWS?: unknown })?.AWS) ?? [];
  return aws.some((p) => p === "*" || p === account || new RegExp(`^arn:aws[a-z-]*:(iam|sts)::${account}:`).test(p));
}

const conditionOperators: Record<string, (actual: string, expected: string) => boolean> = {
  StringEquals: (a, e) => a === e,
  StringNotEquals: (a, e) => a !== e,
  StringEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringLike: (a, e) => wildcardMatch(e, a),
  StringNotLike: (a, e) => !wildcardMatch(e, a),
  ArnEquals: (a, e) => a === e,
  ArnLike: (a, e) => wildcardMatch(e, a),
  Bool: (a, e) => a.toLowerCase() === e.toLowerCase(),
};

function conditionHolds(condition: Statement["condition"], request: PolicyRequest): boolean {
  if (!condition) return true;
  const context: Record<string, string> = { "aws:PrincipalAccount": request.principalAccount, ...(request.context ?? {}) };
  const lower = Object.fromEntries(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(condition).every(([operator, entries]) => {
    const ifExists = operator.endsWith("IfExists");
    const test = conditionOperators[ifExists ? operator.slice(0, -"IfExists".length) : operator];
    return Object.entries(entries ?? {}).every(([key, expected]) => {
      const actual = lower[key.toLowerCase()];
      if (actual === undefined) return ifExists;
      if (!test) return false;
      const negated = /Not/.test(operator);
      const values = list(expected) ?? [];
      return negated ? values.every((e) => test(actual, e)) : values.some((e) => test(actual, e));
    });
  });
}

/** Whether `statement` applies to `request` (its principal too when `asResourcePolicy`). */
export function statementApplies(statement: Statement, request: PolicyRequest, asResourcePolicy: boolean): boolean {
  if (asResourcePolicy && !principalMatches(statement.principal, request.principalAccount)) return false;
  const actionOk = statement.actions
    ? statement.actions.some((a) => wildcardMatch(a, request.action, true))
    : !!statement.notActions && !statement.notActions.some((a) => wildcardMatch(a, request.action, true));
  if (!actionOk) return false;
  const resourceOk = statement.resources
    ? statement.resources.some((r) => wildcardMatch(r, request.resource))
    : !!statement.notResources && !statement.notResources.some((r) => wildcardMatch(r, request.resource));
  return resourceOk && conditionHolds(statement.condition, request);
}

/** Whether the statements allow the request: an Allow applies and no Deny does. */
export function allows(statements: Statement[], request: PolicyRequest, asResourcePolicy = false): boolean {
  const applying = statements.filter((s) => statementApplies(s, request, asResourcePolicy));
  return applying.some((s) => s.effect === "Allow") && !applying.some((s) => s.effect === "Deny");
}

/** Whether every resource of `call` is allowed by `statements` for `account`. */
export function allowsCall(statements: Statement[], call: HostCall, account: string, asResourcePolicy = false): boolean {
  return call.resources.every((resource) => allows(statements, { action: call.action, resource, principalAccount: account, context: call.context }, asResourcePolicy));
}

/** What one Allow statement grants beyond the calls it is for. */
export interface Excess {
  statement: Statement;
  /** Why it is broader, one clause each: `Action "s3:*"`, `Resource "*" where the calls name arn:…`. */
  reasons: string[];
}

/** The statement as a reader sees it, on one line. */
export function describeStatement(statement: Statement): string {
  const parts = [
    statement.sid ? `Sid ${statement.sid}` : undefined,
    statement.principal !== undefined ? `Principal ${JSON.stringify(statement.principal)}` : undefined,
    statement.actions ? `Action ${JSON.stringify(statement.raw.Action)}` : `NotAction ${JSON.stringify(statement.raw.NotAction)}`,
    statement.resources ? `Resource ${JSON.stringify(statement.raw.Resource)}` : `NotResource ${JSON.stringify(statement.raw.NotResource)}`,
    statement.condition ? `Condition ${JSON.stringify(statement.condition)}` : undefined,
  ];
  return `${statement.effect} ${parts.filter(Boolean).join(", ")}`;
}

/** How many actions and resources a statement opens: the broadest is reported first. */
function breadth(statement: Statement): number {
  const wide = (values: string[] | undefined, negated: string[] | undefined) => (negated ? 1000 : (values ?? []).reduce((sum, v) => sum + (v === "*" ? 100 : hasWildcard(v) ? 10 : 1), 0));
  return wide(statement.actions, statement.notActions) * wide(statement.resources, statement.notResources) * (statement.principal === "*" && !statement.condition ? 2 : 1);
}

/**
 * The Allow statements of a document that grant more than `calls` need, broadest first: a
 * wildcard or an action no call makes, a resource no call of its actions names, a condition key a
 * call carries left out, and for an endpoint policy (`account` given) a principal outside it.
 */
export function excessOf(statements: Statement[], calls: HostCall[], account?: string): Excess[] {
  const needed = new Map<string, HostCall[]>();
  for (const call of calls) needed.set(call.action.toLowerCase(), [...(needed.get(call.action.toLowerCase()) ?? []), call]);
  const out: Excess[] = [];
  for (const statement of statements) {
    if (statement.effect !== "Allow") continue;
    const reasons: string[] = [];
    if (statement.notActions) reasons.push(`NotAction ${JSON.stringify(statement.raw.NotAction)}: every action but those`);
    const actions = statement.actions ?? [];
    const widened = actions.filter((a) => hasWildcard(a) || !needed.has(a.toLowerCase()));
    if (widened.length > 0) {
      // The calls of the same services, which the statement should have named instead.
      const services = new Set(widened.map((a) => a.split(":")[0]!.toLowerCase()));
      const made = [...new Set(calls.map((c) => c.action).filter((a) => services.has("*") || services.has(a.split(":")[0]!.toLowerCase())))];
      reasons.push(`Action ${widened.map((a) => JSON.stringify(a)).join(", ")} where the hosts make ${made.length > 0 ? made.join(", ") : `no call of ${[...services].join(", ")}`}`);
    }
    const ownCalls = [...new Set(actions.flatMap((a) => calls.filter((c) => wildcardMatch(a, c.action, true))))];
    if (statement.notResources) reasons.push(`NotResource ${JSON.stringify(statement.raw.NotResource)}: every resource but those`);
    // Each call judged alone: `*` is no wider for a call on `*`, and wider for one that names its resource.
    const wider = ownCalls.flatMap((c) => {
      const extra = (statement.resources ?? []).filter((r) => !c.resources.includes(r));
      return extra.length > 0 ? [`Resource ${extra.map((r) => JSON.stringify(r)).join(", ")} where ${c.action} names ${c.resources.join(", ")}`] : [];
    });
    reasons.push(...new Set(wider));
    const keys = [...new Set(ownCalls.flatMap((c) => Object.keys(c.context ?? {})))];
    const conditioned = new Set(Object.values(statement.condition ?? {}).flatMap((entries) => Object.keys(entries ?? {}).map((k) => k.toLowerCase())));
    const unconditioned = keys.filter((k) => !conditioned.has(k.toLowerCase()));
    if (unconditioned.length > 0)
      reasons.push(
        `no condition on ${unconditioned.join(", ")}, which the calls carry (${ownCalls
          .flatMap((c) => Object.entries(c.context ?? {}).map(([k, v]) => `${k} = ${v}`))
          .filter((v, i, a) => a.indexOf(v) === i)
          .join(", ")})`,
      );
    if (account !== undefined && !principalLimitedTo(statement, account))
      reasons.push(`Principal ${JSON.stringify(statement.principal ?? "*")} with no aws:PrincipalAccount condition: any account's credentials may use it`);
    if (reasons.length > 0) out.push({ statement, reasons });
  }
  return out.sort((a, b) => breadth(b.statement) - breadth(a.statement));
}

/** Whether an endpoint policy statement admits only principals of `account`. */
function principalLimitedTo(statement: Statement, account: string): boolean {
  const aws = list((statement.principal as { AWS?: unknown })?.AWS);
  if (aws && aws.length > 0 && aws.every((p) => p === account || new RegExp(`^arn:aws[a-z-]*:(iam|sts)::${account}:`).test(p))) return true;
  const equals = { ...(statement.condition?.StringEquals ?? {}), ...(statement.condition?.ArnEquals ?? {}) };
  const value = Object.entries(equals).find(([k]) => k.toLowerCase() === "aws:principalaccount")?.[1];
  const values = list(value) ?? [];
  return values.length > 0 && values.every((v) => v === account);
}

/**
 * AWS managed policies a host role may carry, with the statements of their current default
 * version, so the model judges what they grant. AmazonSSMManagedInstanceCore v2 (AWS Managed
 * Policy Reference, "AmazonSSMManagedInstanceCore", edited 2019-05-23): among the agent's channels
 * it grants `ssm:GetParameter` and `ssm:GetParameters` on every parameter of the region.
 */
export const knownManagedPolicies: Record<string, { Statement: Record<string, unknown>[] }> = {
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": {
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "ssm:DescribeAssociation",
          "ssm:GetDeployablePatchSnapshotForInstance",
          "ssm:GetDocument",
          "ssm:DescribeDocument",
          "ssm:GetManifest",
          "ssm:GetParameter",
          "ssm:GetParameters",
          "ssm:ListAssociations",
          "ssm:ListInstanceAssociations",
          "ssm:PutInventory",
          "ssm:PutComplianceItems",
          "ssm:PutConfigurePackageResult",
          "ssm:UpdateAssociationStatus",
          "ssm:UpdateInstanceAssociationStatus",
          "ssm:UpdateInstanceInformation",
        ],
        Resource: "*",
      },
      { Effect: "Allow", Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"],
        Resource: "*",
      },
    ],
  },
};
