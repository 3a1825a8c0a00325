/**
 * Waivers as gates (policies/waivers.ts): what the honouring policy refuses about a configured
 * waiver (not listed, another policy's, expired, covering nothing) and about a covered finding
 * whose condition fails, with the CDN's waivers on a sample stack.
 */
import type { PolicyResource } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { resourceTypes as t } from "../../models/resourceTypes";
import { enableCdnAccessLogs } from "../../policies/cdn/enableCdnAccessLogs";
import { enableCdnWaf } from "../../policies/cdn/enableCdnWaf";
import { isoToday, reportUnwaived, waivers } from "../../policies/waivers";
import { buckets, cdnStack, distribution } from "./cdn/samples";
import { runStackPolicy, Subject } from "./harness";

const withDistribution = (props: Record<string, unknown>) =>
  cdnStack({ ...distribution, defaultCacheBehavior: { ...distribution.defaultCacheBehavior, allowedMethods: ["GET", "HEAD", "OPTIONS"] }, ...props });
const stack = withDistribution({});
const messages = async (policy: Parameters<typeof runStackPolicy>[0], subjects: Subject[], config: Record<string, unknown> = {}) =>
  (await runStackPolicy(policy, subjects, config)).map((f) => f.message);

/** The v2 log delivery of the sample distribution into a stack bucket, as SnippetCdn declares it. */
const logDelivery: Subject[] = [
  { type: t.cloudwatchLogDeliverySource, name: "cdn-access-logs-source", props: { name: "cdn-access-logs", logType: "ACCESS_LOGS" }, propertyDependencies: { resourceArn: ["cdn-distribution"] } },
  {
    type: t.cloudwatchLogDeliveryDestination,
    name: "cdn-access-logs-destination",
    props: { arn: "arn:aws:logs:us-east-1:1:delivery-destination:d" },
    propertyDependencies: { deliveryDestinationConfiguration: ["cdn-origin"] },
  },
  { type: t.cloudwatchLogDelivery, name: "cdn-access-logs", props: { deliverySourceName: "cdn-access-logs", deliveryDestinationArn: "arn:aws:logs:us-east-1:1:delivery-destination:d" } },
];

describe("waivers", () => {
  it("each name a review date in ISO form and an owner team", () => {
    for (const w of waivers) {
      expect(w.reviewBy, w.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(w.reviewBy > isoToday(), `${w.id} has expired: review it`).toBe(true);
    }
  });

  it("waive a finding only while the condition holds: a deleted log delivery loses the waiver", async () => {
    const config = { waivers: ["cdn-legacy-logging"] };
    expect(await messages(enableCdnAccessLogs, [...stack, ...logDelivery], config)).toEqual([]);
    const [withoutDelivery] = await messages(enableCdnAccessLogs, [...stack, ...logDelivery.filter((r) => r.type !== t.cloudwatchLogDelivery)], config);
    expect(withoutDelivery).toMatch(/^distribution cdn-distribution has no legacy standard logging/);
    expect(withoutDelivery).toMatch(
      /Waiver "cdn-legacy-logging" does not hold: it relies on CloudFront standard logging v2 delivers .*, but no log delivery takes the distribution's delivery source\.$/,
    );
    expect(await messages(enableCdnAccessLogs, [...stack, ...logDelivery])).toHaveLength(1);
  });

  it("waive WAF only for a distribution that serves static files", async () => {
    const config = { waivers: ["cdn-static-script-waf"] };
    expect(await messages(enableCdnWaf, stack, config)).toEqual([]);
    const writable = withDistribution({ defaultCacheBehavior: { ...distribution.defaultCacheBehavior, allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] } });
    expect((await messages(enableCdnWaf, writable, config))[0]).toContain("but cache behavior default allows GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE.");
  });

  it("refuse a waiver the list does not hold and one another policy honours; one that covers nothing of this stack waives nothing", async () => {
    expect(await messages(enableCdnWaf, stack, { waivers: ["cdn-static-script-waf", "waf-forever", "cdn-legacy-logging"] })).toEqual([
      expect.stringContaining('names waiver "waf-forever", which is not in policies/waivers.ts'),
      'policy config of enable-cdn-waf names waiver "cdn-legacy-logging", which enable-cdn-access-logs honours, not enable-cdn-waf: move it under "enable-cdn-access-logs" in the policy config.',
    ]);
    // The zones-only first deploy takes the same config and declares no distribution.
    expect(await messages(enableCdnWaf, buckets, { waivers: ["cdn-static-script-waf"] })).toEqual([]);
  });

  it("refuse an expired waiver, which then waives nothing", () => {
    const reported: string[] = [];
    const resources = stack.map((s) => ({ type: s.type, name: s.name!, urn: `urn:${s.name}`, props: s.props })) as unknown as PolicyResource[];
    const args = { resources, getConfig: <T>() => ({ waivers: ["cdn-static-script-waf"] }) as T };
    const finding = { resource: resources[resources.length - 1]!, message: "distribution cdn-distribution has no WAF web ACL." };
    reportUnwaived("enable-cdn-waf", args, [finding], (m) => void reported.push(m), "2099-01-01");
    expect(reported).toEqual([
      'waiver "cdn-static-script-waf" (CloudFront.6, CKV_AWS_68, CKV2_AWS_47, AVD-AWS-0011) expired on 2027-06-01, so it waives nothing: @edge-org/edge-maintainers reviews it, then moves reviewBy in policies/waivers.ts or the stack meets the controls.',
      "distribution cdn-distribution has no WAF web ACL.",
    ]);
  });
});
