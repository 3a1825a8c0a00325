/**
 * A stack policy that judges each resource of some types against the whole stack: "every bucket
 * has a versioning resource", "every distribution's access logs are delivered somewhere". A rule
 * whose controls a waiver may cover (`waivable`) honours the waivers its policy config names,
 * through the gate of `policies/waivers.ts`.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { reportUnwaived, waiversConfigSchema } from "./waivers";

export interface StackRule {
  name: string;
  description: string;
  /** The type tokens of the resources judged. */
  types: readonly string[];
  /** The violation of one resource, or undefined. */
  judge(resource: PolicyResource, stack: readonly PolicyResource[]): string | undefined;
  /** True when waivers of policies/waivers.ts may cover the rule's findings. */
  waivable?: boolean;
}

export function stackRulePolicy(rule: StackRule): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    ...(rule.waivable ? { configSchema: { properties: { ...waiversConfigSchema } } } : {}),
    validateStack: (args, reportViolation) => {
      const findings = args.resources.flatMap((resource) => {
        if (!rule.types.includes(resource.type)) return [];
        const message = rule.judge(resource, args.resources);
        return message === undefined ? [] : [{ resource, message }];
      });
      if (rule.waivable) return reportUnwaived(rule.name, args, findings, reportViolation);
      for (const finding of findings) reportViolation(finding.message, finding.resource.urn);
    },
  };
}
