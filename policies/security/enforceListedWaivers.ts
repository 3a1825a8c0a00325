/**
 * enforce-listed-waivers — mandatory. Security baseline; no post-mortem of its own.
 *
 * Catalog controls: none of its own; it keeps every waiver of the others in policies/waivers.ts.
 *
 * The stack's waivers of catalog controls that no pack policy judges (CDN logging, WAF, bucket
 * access logs, bucket keys) are named in this policy's config; each must be in policies/waivers.ts,
 * the one reviewed list with reason, owner and review date.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { resolveWaivers, unlistedWaiverMessage, waiversConfigSchema } from "../waivers";

const policyName = "enforce-listed-waivers";

export const enforceListedWaivers: StackValidationPolicy = {
  name: policyName,
  description: "Every waiver the stack's policy config names is in policies/waivers.ts, with its reason, owner and review date.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversConfigSchema } },
  validateStack: (args, reportViolation) => {
    for (const id of resolveWaivers(args.getConfig()).unlisted) reportViolation(unlistedWaiverMessage(policyName, id));
  },
};
