/**
 * The one list of catalog controls this stack does not meet, as gates rather than labels. Each
 * waiver names the policy that judges its controls, the resources it covers, the condition it
 * relies on (checked on every plan against the resources the stack declares), an owner and a
 * review date (.github/CODEOWNERS: changes need the owners' review).
 *
 * A waiver takes effect only when the stack's policy config names it under the policy that
 * honours it (`policies/config/<stack>.json`, sent by `pulumi preview --policy-pack-config` and by
 * the offline plan, which lists the waivers in effect). That policy then refuses, each with its
 * own message:
 * - a configured waiver that is not in this list, or that another policy honours;
 * - an expired waiver (its review date has passed: the owner reviews it and moves the date, or the
 *   stack meets the control);
 * - a finding on a covered resource whose condition does not hold (the waived-for reason is gone:
 *   say, the CloudFront log delivery it relies on was deleted);
 * and every finding no waiver covers. A stack that takes no waiver is held to every control.
 */
import type { PolicyConfigSchema, PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { normalizeName } from "../models/dns/compare";
import { zoneViews } from "../models/dns/zoneView";
import { launchTemplateAssignsPublicIpv4 } from "../models/aws/flags";
import { resourceTypes } from "../models/resourceTypes";
import type { ControlId } from "./controls";
import { metadataFor, policyControls } from "./metadata";
import { bucketConfigTypes, bucketLabel, bucketTypes, companionsOf, isDistributionOnlyOrigin, isLogBucket, list } from "./s3/buckets";
import { refersTo } from "./stackRefs";
import { asPlanned } from "./dns/stackResources";

/** What a waiver relies on, checked against the stack on every plan. */
export interface WaiverCondition {
  /** The condition in words, as the docs and the refusal say it. */
  says: string;
  /** Undefined when the condition holds for `resource` in `stack`; otherwise what is missing. */
  check(resource: PolicyResource, stack: readonly PolicyResource[]): string | undefined;
}

export interface Waiver {
  /** What the stack's policy config names, e.g. `cdn-legacy-logging`. */
  id: string;
  /** The pack policy that judges the controls and honours the waiver. */
  policy: string;
  /** The resources it covers: their type tokens and, optionally, a pattern of their logical names. */
  covers: { types: readonly string[]; names?: RegExp; says: string };
  condition: WaiverCondition;
  reason: string;
  /** The GitHub team that owns the decision. */
  owner: string;
  /** ISO date by which the owner reviews the waiver again; after it the waiver no longer waives. */
  reviewBy: string;
}

const maintainers = "@edge-org/edge-maintainers";

/** A condition's answer: undefined when `ok`, else what is missing. */
function conditionHolds(ok: boolean, missing: string): string | undefined {
  return ok ? undefined : missing;
}

/** A distribution that only serves static files: GET, HEAD and OPTIONS only, every origin an S3 bucket read through origin access control. */
const staticScriptOnly: WaiverCondition = {
  says: "the distribution only serves static files: every cache behavior allows GET, HEAD and OPTIONS alone, and every origin is an S3 bucket read through origin access control",
  check(distribution) {
    const behaviors = [distribution.props.defaultCacheBehavior, ...(Array.isArray(distribution.props.orderedCacheBehaviors) ? distribution.props.orderedCacheBehaviors : [])].filter(Boolean) as {
      allowedMethods?: unknown;
      pathPattern?: string;
    }[];
    const writable = behaviors.filter((b) => list(b.allowedMethods).some((m) => !["GET", "HEAD", "OPTIONS"].includes(m.toUpperCase())));
    if (writable.length > 0) return `cache behavior ${writable.map((b) => b.pathPattern ?? "default").join(", ")} allows ${[...new Set(writable.flatMap((b) => list(b.allowedMethods)))].join(", ")}`;
    const origins = (Array.isArray(distribution.props.origins) ? distribution.props.origins : []) as { originId?: string; customOriginConfig?: unknown; originAccessControlId?: unknown }[];
    const dynamic = origins.filter((o) => o.customOriginConfig !== undefined || !o.originAccessControlId);
    return conditionHolds(dynamic.length === 0, `origin ${dynamic.map((o) => o.originId).join(", ")} is not an S3 bucket read through origin access control`);
  },
};

/** The bucket is read only by the stack's distribution or written only by AWS log delivery. */
const onlyDistributionOrLogDelivery: WaiverCondition = {
  says: "the bucket's policy lets only the stack's distribution read it (AWS:SourceArn) or only AWS log delivery write to it (aws:SourceAccount)",
  check: (bucket, stack) =>
    conditionHolds(isDistributionOnlyOrigin(bucket, stack) || isLogBucket(bucket, stack), `${bucketLabel(bucket)}'s policy grants access beyond the stack's distribution and AWS log delivery`),
};

export const waivers: readonly Waiver[] = [
  {
    id: "cdn-legacy-logging",
    policy: "enable-cdn-access-logs",
    covers: { types: [resourceTypes.cloudfrontDistribution], says: "every distribution" },
    condition: {
      says: "CloudFront standard logging v2 delivers the distribution's access logs to a bucket of the stack (a log delivery source of the distribution, a delivery, and a destination in the bucket)",
      check(distribution, stack) {
        const sources = stack.filter(
          (r) => r.type === resourceTypes.cloudwatchLogDeliverySource && refersTo(r, "resourceArn", r.props.resourceArn, distribution, ["arn"]) && r.props.logType === "ACCESS_LOGS",
        );
        if (sources.length === 0) return "no log delivery source sends the distribution's ACCESS_LOGS";
        const deliveries = stack.filter((r) => r.type === resourceTypes.cloudwatchLogDelivery && sources.some((s) => refersTo(r, "deliverySourceName", r.props.deliverySourceName, s, ["name"])));
        if (deliveries.length === 0) return "no log delivery takes the distribution's delivery source";
        const buckets = stack.filter((r) => bucketTypes.includes(r.type));
        const intoBucket = deliveries.some((delivery) =>
          stack.some(
            (d) =>
              d.type === resourceTypes.cloudwatchLogDeliveryDestination &&
              refersTo(delivery, "deliveryDestinationArn", delivery.props.deliveryDestinationArn, d, ["arn"]) &&
              buckets.some((b) => {
                const arn = (d.props.deliveryDestinationConfiguration as { destinationResourceArn?: unknown } | undefined)?.destinationResourceArn;
                return (
                  (d.propertyDependencies?.deliveryDestinationConfiguration ?? []).some((dep) => dep.urn === b.urn) ||
                  (typeof arn === "string" && typeof b.props.arn === "string" && arn.startsWith(String(b.props.arn)))
                );
              }),
          ),
        );
        return conditionHolds(intoBucket, "the log delivery's destination is not a bucket of the stack");
      },
    },
    reason:
      "The distribution's access logs go through CloudWatch log delivery (standard logging v2) into the log bucket. All three controls read only the legacy " +
      "logging_config, which needs bucket ACLs, and the buckets have ACLs disabled (disable-bucket-acls).",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "cdn-static-script-waf",
    policy: "enable-cdn-waf",
    covers: { types: [resourceTypes.cloudfrontDistribution], says: "every distribution" },
    condition: staticScriptOnly,
    reason:
      "The CDN serves one static, cached script with GET/HEAD/OPTIONS only from a private bucket: there is no application for WAF rules to guard, floods " +
      "are absorbed by CloudFront's cache and AWS Shield Standard, and a rate-based rule would block customers' visitors behind shared NAT addresses.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "cdn-worldwide-script",
    policy: "configure-cdn-geo-restriction",
    covers: { types: [resourceTypes.cloudfrontDistribution], says: "every distribution" },
    condition: staticScriptOnly,
    reason:
      "The snippet runs on customers' pages wherever their visitors are: a country left out of a geo restriction is a country whose visitors' events are lost " +
      "(incident 000). The distribution serves nothing but that static script.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "origin-bucket-access-logs",
    policy: "enable-bucket-access-logs",
    covers: { types: bucketTypes, says: "every bucket" },
    condition: onlyDistributionOrLogDelivery,
    reason:
      "The snippet buckets are read only by CloudFront through origin access control, whose logs record every read; they are written only by the deploy, " +
      "which CloudTrail records. The log buckets do not log into themselves.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "buckets-sse-s3",
    policy: "enable-bucket-kms-encryption",
    covers: { types: bucketTypes, says: "every bucket" },
    condition: {
      says: "the bucket's default encryption is SSE-S3 (AES256)",
      check(bucket, stack) {
        const rules = companionsOf(bucket, stack, bucketConfigTypes.encryption).flatMap(
          (c) => (Array.isArray(c.props.rules) ? c.props.rules : []) as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[],
        );
        return conditionHolds(
          rules.some((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm === "AES256"),
          `${bucketLabel(bucket)} declares no SSE-S3 default encryption`,
        );
      },
    },
    reason:
      "The snippet buckets are encrypted with SSE-S3: CloudFront's origin access control reads SSE-S3 objects without a key policy, and a KMS key would put " +
      "every snippet load behind KMS request quotas. The log buckets use SSE-S3 because log delivery writes to them without a key grant.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "buckets-single-region",
    policy: "enable-bucket-replication",
    covers: { types: bucketTypes, says: "every bucket" },
    condition: {
      says: "the bucket is a log bucket (only AWS log delivery writes to it) or the destination of one of the stack's replication rules",
      check(bucket, stack) {
        const destination = stack.some(
          (r) =>
            r.type === resourceTypes.s3BucketReplicationConfig &&
            ((r.propertyDependencies?.rules ?? []).some((d) => d.urn === bucket.urn) ||
              (Array.isArray(r.props.rules) ? r.props.rules : []).some((rule: { destination?: { bucket?: unknown } }) => rule.destination?.bucket === bucket.props.arn)),
        );
        return conditionHolds(destination || isLogBucket(bucket, stack), `${bucketLabel(bucket)} is neither a log bucket nor a replication destination`);
      },
    },
    reason:
      "Each region's logs stay in that region's log bucket: a copy elsewhere would outlive the region's own retention and add nothing a reader needs. The " +
      "snippet's replica is the other region's copy of the origin; replicating it back would loop (enforce-origin-replication holds the origin to replicating).",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "bucket-writes-known",
    policy: "enable-bucket-event-notifications",
    covers: { types: bucketTypes, says: "every bucket" },
    condition: onlyDistributionOrLogDelivery,
    reason:
      "Nothing consumes object events: the snippet buckets change only when the deploy uploads (CloudTrail records it) and by replication, and the log " +
      "buckets only take AWS log delivery's writes. A notification nobody reads alerts nobody.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "versions-not-locks",
    policy: "enable-bucket-object-lock",
    covers: { types: bucketTypes, says: "every bucket" },
    condition: {
      says: "the bucket keeps an overwritten or deleted object as a noncurrent version for at least 30 days (versioning Enabled, noncurrent versions expired no sooner)",
      check(bucket, stack) {
        const versioned = companionsOf(bucket, stack, bucketConfigTypes.versioning).some((v) => (v.props.versioningConfiguration as { status?: string } | undefined)?.status === "Enabled");
        if (!versioned) return `${bucketLabel(bucket)} is not versioned`;
        const rules = companionsOf(bucket, stack, bucketConfigTypes.lifecycle).flatMap(
          (c) => (Array.isArray(c.props.rules) ? c.props.rules : []) as { status?: string; noncurrentVersionExpiration?: { noncurrentDays?: number } }[],
        );
        const early = rules.filter((r) => r.status === "Enabled" && (r.noncurrentVersionExpiration?.noncurrentDays ?? Infinity) < 30);
        return conditionHolds(early.length === 0, `${bucketLabel(bucket)} expires noncurrent versions after ${early.map((r) => r.noncurrentVersionExpiration?.noncurrentDays).join(", ")} days`);
      },
    },
    reason:
      "Versioning keeps every overwritten or deleted object for 30 days, which is what a mistaken or malicious delete needs undone. Object Lock can only be " +
      "set when a bucket is created, and its retention would keep the log buckets from expiring on schedule and from being deleted when a region is removed.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "dnssec-two-providers",
    policy: "enable-dnssec-signing",
    covers: { types: [resourceTypes.route53Zone], says: "every Route 53 zone" },
    condition: {
      says: "Route 53 and Cloudflare both serve the zone (a signed zone on two providers needs multi-signer DNSSEC, which Route 53 cannot take part in)",
      check(zone, stack) {
        const apex = typeof zone.props.name === "string" ? normalizeName(zone.props.name) : undefined;
        const providers = new Set(
          zoneViews(asPlanned([...stack]))
            .filter((v) => v.apex === apex)
            .map((v) => v.provider),
        );
        return conditionHolds(providers.size > 1, `only ${[...providers].join(", ") || "one provider"} serves ${apex ?? zone.name}`);
      },
    },
    reason:
      "Route 53 has no DNSKEY record type and signs only with its own keys, so it cannot publish Cloudflare's keys (RFC 8901 multi-signer): a DS would make " +
      "one provider's answers fail validation. disallow-half-signed-zone refuses a half-signed zone; DNSSEC waits until one provider serves the zone alone.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
  {
    id: "nlb-targets-in-vpc",
    policy: "enforce-target-group-tls",
    covers: { types: [resourceTypes.lbTargetGroup], says: "every target group" },
    condition: {
      says: "the target group forwards to instances in a VPC of the stack over their private addresses, and every autoscaling group attached to it launches hosts without a public address",
      check(group, stack) {
        if (group.props.targetType !== undefined && group.props.targetType !== "instance") return `target type is ${group.props.targetType}, not instance`;
        const vpc = stack.find((r) => r.type === resourceTypes.ec2Vpc && refersTo(group, "vpcId", group.props.vpcId, r, ["id"]));
        if (!vpc) return "its VPC is not one the stack declares";
        const fleets = stack.filter((r) => r.type === resourceTypes.autoscalingGroup && refersTo(r, "targetGroupArns", undefined, group, []));
        if (fleets.length === 0) return "no autoscaling group of the stack is attached to it";
        const templates = stack.filter((r) => r.type === resourceTypes.ec2LaunchTemplate && fleets.some((f) => refersTo(f, "launchTemplate", undefined, r, [])));
        const publicHosts = templates.filter((t) => launchTemplateAssignsPublicIpv4(t.props));
        if (templates.length === 0) return "its hosts' launch template is not one the stack declares";
        return conditionHolds(publicHosts.length === 0, `launch template ${publicHosts.map((t) => t.name).join(", ")} gives hosts a public address`);
      },
    },
    reason:
      "The network load balancer terminates TLS and forwards inside the VPC to hosts that have no public address; its targets are the hosts' private " +
      "addresses, which only the VPC routes. TLS to the hosts would put a certificate and its key on every internet-facing host for a hop no one else can see.",
    owner: maintainers,
    reviewBy: "2027-06-01",
  },
];

const byId = new Map(waivers.map((w) => [w.id, w]));

/** The catalog controls a waiver waives: every control its policy judges (each waivable policy judges exactly the controls a stack may waive). */
export function waiverControls(waiver: Waiver): ControlId[] {
  return policyControls(metadataFor(waiver.policy));
}

/** The `waivers` config property of a policy that honours waivers. */
export const waiversConfigSchema: PolicyConfigSchema["properties"] = {
  waivers: {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "Ids of waivers in policies/waivers.ts that this policy honours for the stack (each with its controls, condition, owner and review date).",
  },
};

/** The waiver ids a policy's config names. */
export function configuredWaiverIds(config: { waivers?: unknown }): string[] {
  const ids = config.waivers;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

/** Whether `waiver` covers `resource`. */
function covers(waiver: Waiver, resource: PolicyResource): boolean {
  return waiver.covers.types.includes(resource.type) && (waiver.covers.names?.test(resource.name) ?? true);
}

/** Today as an ISO date (UTC): a waiver reviewed by today still waives today. */
export function isoToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A finding of a policy that honours waivers: the resource it is about and the message without any waiver. */
export interface WaivableFinding {
  resource: PolicyResource;
  message: string;
}

/**
 * Reports `findings` of `policy` on the stack, less those a configured waiver covers and whose
 * condition holds; and reports every configured waiver that cannot waive (unlisted, another
 * policy's, expired), each with what to do. A waiver that covers no resource of this stack waives
 * nothing and is not refused: one policy config serves a stack's every phase (the zones-only first
 * deploy declares no distribution).
 */
export function reportUnwaived(
  policy: string,
  args: Pick<StackValidationArgs, "resources" | "getConfig">,
  findings: readonly WaivableFinding[],
  report: ReportViolation,
  today: string = isoToday(),
): void {
  const valid: Waiver[] = [];
  for (const id of configuredWaiverIds(args.getConfig())) {
    const waiver = byId.get(id);
    if (!waiver) {
      report(
        `policy config of ${policy} names waiver "${id}", which is not in policies/waivers.ts (${waivers.length} listed: ${[...byId.keys()].join(", ")}). ` +
          `Add it there with its controls, covered resources, condition, reason, owner and review date (the owners review it), or remove it from the config.`,
      );
    } else if (waiver.policy !== policy) {
      report(`policy config of ${policy} names waiver "${id}", which ${waiver.policy} honours, not ${policy}: move it under "${waiver.policy}" in the policy config.`);
    } else if (waiver.reviewBy < today) {
      report(
        `waiver "${id}" (${waiverControls(waiver).join(", ")}) expired on ${waiver.reviewBy}, so it waives nothing: ${waiver.owner} reviews it, then moves reviewBy in ` +
          `policies/waivers.ts or the stack meets the controls.`,
      );
    } else {
      valid.push(waiver);
    }
  }
  for (const finding of findings) {
    const waiver = valid.find((w) => covers(w, finding.resource));
    if (!waiver) {
      report(finding.message, finding.resource.urn);
      continue;
    }
    const broken = waiver.condition.check(finding.resource, args.resources);
    if (broken !== undefined) {
      report(`${finding.message} Waiver "${waiver.id}" does not hold: it relies on ${waiver.condition.says}, but ${broken}.`, finding.resource.urn);
    }
  }
}

/** Every listed waiver a whole policy pack config (`--policy-pack-config` format) takes, with the policy whose config names it. */
export function waiversInPackConfig(packConfig: Record<string, unknown>): { policy: string; waiver: Waiver }[] {
  const out: { policy: string; waiver: Waiver }[] = [];
  for (const [policy, value] of Object.entries(packConfig)) {
    if (!value || typeof value !== "object") continue;
    for (const id of configuredWaiverIds(value as { waivers?: unknown })) {
      const waiver = byId.get(id);
      if (waiver) out.push({ policy, waiver });
    }
  }
  return out;
}
