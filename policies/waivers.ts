/**
 * The one list of catalog controls this stack does not meet, each with its reason, an owner and a
 * review date (.github/CODEOWNERS: changes need the owners' review). A waiver takes effect only
 * when the stack's policy config names it (`policies/config/<stack>.json`, sent by `pulumi preview
 * --policy-pack-config` and by the offline plan, which lists the waivers in effect). A configured
 * waiver that is not in this list is a violation (policy enforce-listed-waivers and every policy
 * that honours one).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

export interface Waiver {
  /** What the stack config names, e.g. `cdn-legacy-logging`. */
  id: string;
  /** The catalog controls it waives: Checkov CKV_AWS_*, trivy AVD-AWS-*, Security Hub ids. */
  controls: readonly string[];
  /** The pack policy that honours it, when one judges the control; otherwise only the catalogs do. */
  policy?: string;
  reason: string;
  /** The GitHub team that owns the decision. */
  owner: string;
  /** ISO date by which the owner reviews the waiver again. */
  reviewBy: string;
}

export const waivers: readonly Waiver[] = [
  {
    id: "cdn-legacy-logging",
    controls: ["CloudFront.5", "CKV_AWS_86"],
    reason:
      "The distribution's access logs go through CloudWatch log delivery (standard logging v2) into the log bucket. Both controls read the legacy " +
      "logging_config, which needs bucket ACLs, and the buckets have ACLs disabled (S3.12, CKV2_AWS_65).",
    owner: "@edge-org/edge-maintainers",
    reviewBy: "2027-06-01",
  },
  {
    id: "cdn-static-script-waf",
    controls: ["CloudFront.6", "CKV_AWS_68", "CKV2_AWS_47"],
    reason:
      "The CDN serves one static, cached script with GET/HEAD/OPTIONS only from a private bucket: there is no application for WAF rules to guard, floods " +
      "are absorbed by CloudFront's cache and AWS Shield Standard, and a rate-based rule would block customers' visitors behind shared NAT addresses.",
    owner: "@edge-org/edge-maintainers",
    reviewBy: "2027-06-01",
  },
  {
    id: "origin-bucket-access-logs",
    controls: ["S3.9", "CKV_AWS_18"],
    reason:
      "The snippet buckets are read only by CloudFront through origin access control, whose logs record every read; they are written only by the deploy, " +
      "which CloudTrail records. The log buckets do not log into themselves.",
    owner: "@edge-org/edge-maintainers",
    reviewBy: "2027-06-01",
  },
  {
    id: "buckets-sse-s3",
    controls: ["CKV_AWS_145", "S3.17"],
    reason:
      "The snippet buckets are encrypted with SSE-S3: CloudFront's origin access control reads SSE-S3 objects without a key policy, and a KMS key " +
      "would put every snippet load behind KMS request quotas. The log buckets use SSE-S3 because log delivery writes to them without a key grant.",
    owner: "@edge-org/edge-maintainers",
    reviewBy: "2027-06-01",
  },
];

const waiverIds = new Set(waivers.map((w) => w.id));

/** The `waivers` config property of a policy that honours waivers (and of enforce-listed-waivers). */
export const waiversConfigSchema: PolicyConfigSchema["properties"] = {
  waivers: {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "Ids of waivers in policies/waivers.ts that the stack takes (each with its controls, reason, owner, review date).",
  },
};

/** The waiver ids a policy's config names. */
export function configuredWaiverIds(config: { waivers?: unknown }): string[] {
  const ids = config.waivers;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

/** The configured waivers split into those in the list and the ids that are not. */
export function resolveWaivers(config: { waivers?: unknown }): { inEffect: Waiver[]; unlisted: string[] } {
  const ids = configuredWaiverIds(config);
  return {
    inEffect: waivers.filter((w) => ids.includes(w.id)),
    unlisted: ids.filter((id) => !waiverIds.has(id)),
  };
}

/** The violation for a configured waiver id that is not in the list. */
export function unlistedWaiverMessage(policy: string, id: string): string {
  return (
    `policy config of ${policy} names waiver "${id}", which is not in policies/waivers.ts (${waivers.length} listed: ${[...waiverIds].join(", ")}). ` +
    `Add it there with its controls, reason, owner and review date (the owners review it), or remove it from the config.`
  );
}

/** Every listed waiver a whole policy pack config (`--policy-pack-config` format) takes, with the policy whose config names it. */
export function waiversInPackConfig(packConfig: Record<string, unknown>): { policy: string; waiver: Waiver }[] {
  const out: { policy: string; waiver: Waiver }[] = [];
  for (const [policy, value] of Object.entries(packConfig)) {
    if (!value || typeof value !== "object") continue;
    for (const waiver of resolveWaivers(value as { waivers?: unknown }).inEffect) out.push({ policy, waiver });
  }
  return out;
}
