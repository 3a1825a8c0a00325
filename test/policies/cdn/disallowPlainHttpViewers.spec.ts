import { describe, expect, it } from "vitest";
import { disallowPlainHttpViewers } from "../../../policies/cdn/disallowPlainHttpViewers";
import { runResourcePolicy } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.cloudfrontDistribution;
const compliant = {
  defaultCacheBehavior: { targetOriginId: "snippet-origins", viewerProtocolPolicy: "redirect-to-https" },
  orderedCacheBehaviors: [{ pathPattern: "/v*", targetOriginId: "snippet-origins", viewerProtocolPolicy: "https-only" }],
};
const incident = incidentNote("snippetOnApiHosts");

describe("disallow-plain-http-viewers", () => {
  it("accepts redirect-to-https and https-only", async () => {
    expect(await runResourcePolicy(disallowPlainHttpViewers, { type, name: "cdn-distribution", props: compliant })).toEqual([]);
  });

  it("names the distribution, the behavior and the policy of an allow-all default behavior", async () => {
    const props = { ...compliant, defaultCacheBehavior: { ...compliant.defaultCacheBehavior, viewerProtocolPolicy: "allow-all" } };
    expect(await runResourcePolicy(disallowPlainHttpViewers, { type, name: "cdn-distribution", props })).toEqual([
      "Distribution cdn-distribution: the default cache behavior has viewerProtocolPolicy allow-all, allowed are redirect-to-https or https-only. " +
        `Set viewerProtocolPolicy to redirect-to-https. ${incident} Security baseline (CloudFront.3, CKV_AWS_34, AVD-AWS-0012).`,
    ]);
  });

  it("judges ordered behaviors too", async () => {
    const props = { ...compliant, orderedCacheBehaviors: [{ ...compliant.orderedCacheBehaviors[0], viewerProtocolPolicy: "allow-all" }] };
    const messages = await runResourcePolicy(disallowPlainHttpViewers, { type, name: "cdn-distribution", props });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("the /v* cache behavior has viewerProtocolPolicy allow-all");
  });
});
