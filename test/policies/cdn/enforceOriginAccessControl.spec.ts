import { describe, expect, it } from "vitest";
import { enforceOriginAccessControl } from "../../../policies/cdn/enforceOriginAccessControl";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";
import { distribution } from "./samples";

const incident = "Incident 000: the snippet was served by the API's load balancers, and when they fell over customers' pages hung on it.";
const run = (props: Record<string, unknown>) => runResourcePolicy(enforceOriginAccessControl, { type: resourceTypes.cloudfrontDistribution, props, name: "cdn" });
const withOrigin = (origin: Record<string, unknown>) => ({ ...distribution, origins: [origin, distribution.origins[1]] });

describe("enforce-origin-access-control", () => {
  it("accepts S3 origins behind origin access control, and custom origins without it", async () => {
    expect(await run(distribution)).toEqual([]);
    expect(await run(withOrigin({ originId: "api", domainName: "api.example.com", customOriginConfig: { originProtocolPolicy: "https-only" } }))).toEqual([]);
  });

  it("refuses OAC removed from an origin (hand edit) with its control ids", async () => {
    expect(await run(withOrigin({ originId: "origin", domainName: distribution.origins[0].domainName }))).toEqual([
      "distribution cdn: S3 origin origin has no origin access control, so its bucket would have to be public. " +
        'Set originAccessControlId to an aws.cloudfront.OriginAccessControl (originAccessControlOriginType "s3", signingBehavior "always"). ' +
        `Security baseline (CloudFront.13, CKV2_AWS_46). ${incident}`,
    ]);
  });

  it("refuses the legacy origin access identity", async () => {
    const [message] = await run(withOrigin({ originId: "origin", domainName: "x", s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" } }));
    expect(message).toContain("reads through origin access identity origin-access-identity/cloudfront/E1, the legacy mechanism");
  });
});
