/**
 * Runs one policy of the pack in-process, with arguments shaped as @pulumi/policy's analyzer server
 * builds them, for unit tests that start from a compliant resource and change one property.
 * (The analyzer test checks the real server returns the same messages.)
 */
import { splitSubject } from "../../policies/finding";
import type { Policy, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

type PulumiClass = { __pulumiType?: string } | { isInstance?: unknown };

function pulumiTypeOf(resourceClass: unknown): string | undefined {
  return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

export interface Subject {
  type: string;
  props: Record<string, unknown>;
  name?: string;
  urn?: string;
  /** Per property, the names (or URNs) of the subjects it depends on (as the engine records them when a preview does not know their ids). */
  propertyDependencies?: Record<string, string[]>;
}

function resourceArgs(subject: Subject, config: Record<string, unknown>): ResourceValidationArgs {
  const name = subject.name ?? "subject";
  const urn = subject.urn ?? `urn:pulumi:test::edge::${subject.type}::${name}`;
  return {
    type: subject.type,
    props: subject.props,
    urn,
    name,
    opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: {} } as never,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: () => undefined as never,
    isType: (cls: PulumiClass) => pulumiTypeOf(cls) === subject.type,
    asType: (cls: PulumiClass) => (pulumiTypeOf(cls) === subject.type ? subject.props : undefined),
  } as unknown as ResourceValidationArgs;
}

/** The messages a resource policy reports for one resource. */
export async function runResourcePolicy(policy: Policy, subject: Subject, config: Record<string, unknown> = {}): Promise<string[]> {
  const validations = (policy as ResourceValidationPolicy).validateResource;
  if (!validations) throw new Error(`${policy.name} is not a resource policy`);
  const messages: string[] = [];
  const report: ReportViolation = (message) => messages.push(message);
  for (const validate of Array.isArray(validations) ? validations : [validations]) {
    await validate(resourceArgs(subject, config), report);
  }
  return messages;
}

/** The findings a stack policy reports for a set of resources: `{ urn, message }`, and `subject` when the policy names one (split off as the plan does). */
export async function runStackPolicy(policy: Policy, subjects: Subject[], config: Record<string, unknown> = {}): Promise<{ urn?: string; subject?: string; message: string }[]> {
  const validate = (policy as StackValidationPolicy).validateStack;
  if (!validate) throw new Error(`${policy.name} is not a stack policy`);
  const resources = subjects.map((s) => {
    const args = resourceArgs(s, config);
    return { ...args, dependencies: [], propertyDependencies: {} as Record<string, unknown[]> };
  });
  subjects.forEach((s, i) => {
    for (const [key, names] of Object.entries(s.propertyDependencies ?? {})) {
      resources[i]!.propertyDependencies[key] = names.map((name) => resources.find((r) => r.urn === name) ?? resources.find((r) => r.name === name)!);
    }
  });
  const findings: { urn?: string; subject?: string; message: string }[] = [];
  await validate({ resources, getConfig: <T extends object>() => config as T, stackTags: new Map() } as never, (reported: string, urn?: string) => {
    const { message, subject } = splitSubject(reported);
    findings.push({ urn, message, ...(subject ? { subject } : {}) });
  });
  return findings;
}
