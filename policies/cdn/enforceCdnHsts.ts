/**
 * enforce-cdn-hsts — mandatory. Security baseline; the snippet CDN of incident 000.
 *
 * Every cache behavior of a distribution answers with a response headers policy of the stack, and
 * every response headers policy of the stack sends Strict-Transport-Security for at least a year,
 * with includeSubdomains and preload, overriding the origin's: a browser that has seen the snippet
 * host once never fetches it over plain HTTP again, where it could be rewritten. The preload
 * directive is inert on the snippet's host name (the preload list takes an apex) and costs
 * nothing; the catalogs ask for it. Controls: policies/metadata.ts.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { refersTo } from "../stackRefs";

const name = "enforce-cdn-hsts";

export const minimumHstsSeconds = 31_536_000;

export interface Hsts {
  accessControlMaxAgeSec?: number;
  includeSubdomains?: boolean;
  preload?: boolean;
  override?: boolean;
}

/** What a response headers policy's Strict-Transport-Security lacks; undefined when it has it all. */
export function judgeHsts(policy: string, hsts: Hsts | undefined): string | undefined {
  if (!hsts) {
    return (
      `response headers policy ${policy} sends no Strict-Transport-Security header; required is max-age ≥ ${minimumHstsSeconds} s with includeSubdomains, preload and override. ` +
      `Add securityHeadersConfig.strictTransportSecurity { accessControlMaxAgeSec: 63072000, includeSubdomains: true, preload: true, override: true }. ${cite(name, "hsts")}`
    );
  }
  const missing = [
    ...((hsts.accessControlMaxAgeSec ?? 0) < minimumHstsSeconds ? [`max-age ${hsts.accessControlMaxAgeSec ?? "unset"} s (required ≥ ${minimumHstsSeconds})`] : []),
    ...(hsts.includeSubdomains !== true ? ["includeSubdomains"] : []),
    ...(hsts.preload !== true ? ["preload"] : []),
    ...(hsts.override !== true ? ["override"] : []),
  ];
  if (missing.length === 0) return undefined;
  return `response headers policy ${policy}'s Strict-Transport-Security lacks ${missing.join(", ")}. Set them in securityHeadersConfig.strictTransportSecurity. ${cite(name, "hsts")}`;
}

type Behavior = { pathPattern?: string; responseHeadersPolicyId?: unknown };

/** The behaviors of a distribution that answer with no response headers policy of the stack. */
function behaviorsWithoutPolicy(distribution: PolicyResource, stack: readonly PolicyResource[]): string[] {
  const policies = stack.filter((r) => r.type === resourceTypes.cloudfrontResponseHeadersPolicy);
  const ordered = (Array.isArray(distribution.props.orderedCacheBehaviors) ? distribution.props.orderedCacheBehaviors : []) as Behavior[];
  const all: [string, string, Behavior][] = [
    ["defaultCacheBehavior", "default", (distribution.props.defaultCacheBehavior ?? {}) as Behavior],
    ...ordered.map((b): [string, string, Behavior] => ["orderedCacheBehaviors", b.pathPattern ?? "?", b]),
  ];
  return all
    .filter(([key, , behavior]) => {
      const id = behavior.responseHeadersPolicyId;
      if (typeof id !== "string" || id === "") return true;
      // A known id names one of the stack's policies; before they exist, the behavior depends on one.
      return !policies.some((p) => p.props.id === id || refersTo(distribution, key, undefined, p, []));
    })
    .map(([, label]) => label);
}

export const enforceCdnHsts = stackRulePolicy({
  name,
  description: "Every CloudFront cache behavior answers with a response headers policy of the stack that sends HSTS for a year, with includeSubdomains and preload.",
  types: [resourceTypes.cloudfrontDistribution, resourceTypes.cloudfrontResponseHeadersPolicy],
  judge(resource, stack) {
    if (resource.type === resourceTypes.cloudfrontResponseHeadersPolicy) {
      const config = resource.props.securityHeadersConfig as { strictTransportSecurity?: Hsts } | undefined;
      return judgeHsts(resource.name, config?.strictTransportSecurity);
    }
    const bare = behaviorsWithoutPolicy(resource, stack);
    if (bare.length === 0) return undefined;
    return (
      `distribution ${resource.name}: cache behavior ${bare.join(", ")} answers with no response headers policy of the stack, so no Strict-Transport-Security header. ` +
      `Set responseHeadersPolicyId to the stack's aws.cloudfront.ResponseHeadersPolicy (SnippetCdn declares one). ${cite(name, "headersPolicy")}`
    );
  },
});
