import { describe, expect, it } from "vitest";
import { enforceOriginFailover } from "../../../policies/cdn/enforceOriginFailover";
import { runStackPolicy, Subject } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const incident = incidentNote("snippetOnApiHosts");
const fix = "Set edge:cdn.replicaRegion to a region other than the first of edge:regions (SnippetCdn builds the group).";
const originDomain = "cdn-origin-1.s3.us-east-1.amazonaws.com";
const replicaDomain = "cdn-replica-2.s3.us-west-2.amazonaws.com";

const bucket = (name: string, domain: string, region: string): Subject => ({
  type: resourceTypes.s3Bucket,
  name,
  props: { bucket: name, id: name, region, bucketRegionalDomainName: domain },
});
const compliantDistribution = {
  origins: [
    { originId: "origin", domainName: originDomain },
    { originId: "replica", domainName: replicaDomain },
  ],
  originGroups: [{ originId: "snippet-origins", failoverCriteria: { statusCodes: [403, 404, 500, 502, 503, 504] }, members: [{ originId: "origin" }, { originId: "replica" }] }],
  defaultCacheBehavior: { targetOriginId: "snippet-origins", viewerProtocolPolicy: "redirect-to-https" },
  orderedCacheBehaviors: [{ pathPattern: "/v*", targetOriginId: "snippet-origins", viewerProtocolPolicy: "redirect-to-https" }],
};
const stack = (distribution: Record<string, unknown>, buckets = [bucket("cdn-origin", originDomain, "us-east-1"), bucket("cdn-replica", replicaDomain, "us-west-2")]) => [
  ...buckets,
  { type: resourceTypes.cloudfrontDistribution, name: "cdn-distribution", props: distribution },
];
const messages = async (subjects: Subject[]) => (await runStackPolicy(enforceOriginFailover, subjects)).map((f) => f.message);

describe("enforce-cdn-origin-failover", () => {
  it("accepts an origin group of two buckets in two regions that every behavior targets", async () => {
    expect(await messages(stack(compliantDistribution))).toEqual([]);
  });

  it("reports a distribution with a single origin and no group", async () => {
    const single = { ...compliantDistribution, origins: [compliantDistribution.origins[0]], originGroups: [] };
    expect(await messages(stack(single))).toEqual([
      "Distribution cdn-distribution has 0 origin groups and 1 origin(s); required is an origin group of 2 S3 origins in 2 different regions. " +
        `Add the replica bucket as a second origin and an origin group over both. ${fix} ${incident} Security baseline (CloudFront.4, CKV_AWS_310).`,
    ]);
  });

  it("reports both origins in one region, with the region measured", async () => {
    const sameRegion = "cdn-replica-2.s3.us-east-1.amazonaws.com";
    const distribution = { ...compliantDistribution, origins: [compliantDistribution.origins[0], { originId: "replica", domainName: sameRegion }] };
    const found = await runStackPolicy(enforceOriginFailover, stack(distribution, [bucket("cdn-origin", originDomain, "us-east-1"), bucket("cdn-replica", sameRegion, "us-east-1")]));
    expect(found).toEqual([
      {
        urn: "urn:pulumi:test::edge::aws:cloudfront/distribution:Distribution::cdn-distribution",
        message: `Distribution cdn-distribution: both origins of origin group snippet-origins are in us-east-1; required are 2 different regions. ${fix} ${incident}`,
      },
    ]);
  });

  it("reports a member that is not an S3 bucket (a load balancer origin)", async () => {
    const lb = "api-1.elb.us-east-1.amazonaws.com";
    const distribution = { ...compliantDistribution, origins: [compliantDistribution.origins[0], { originId: "replica", domainName: lb }] };
    expect(await messages(stack(distribution))).toEqual([
      `Distribution cdn-distribution: origin group snippet-origins has an origin that is not an S3 bucket of this stack (${originDomain}, ${lb}); ` +
        `required are 2 S3 bucket origins in 2 different regions. ${fix} ${incident}`,
    ]);
  });

  it("reports missing failover status codes", async () => {
    const group = { ...compliantDistribution.originGroups[0], failoverCriteria: { statusCodes: [500, 502, 503, 504] } };
    expect(await messages(stack({ ...compliantDistribution, originGroups: [group] }))).toEqual([
      "Distribution cdn-distribution: origin group snippet-origins does not fail over on 403, 404; required are 403, 404, 500, 502, 503, 504. " +
        `Add them to failoverCriteria.statusCodes. ${incident}`,
    ]);
  });

  it("reports a behavior that targets one bucket instead of the group", async () => {
    const distribution = { ...compliantDistribution, orderedCacheBehaviors: [{ pathPattern: "/v*", targetOriginId: "origin", viewerProtocolPolicy: "redirect-to-https" }] };
    expect(await messages(stack(distribution))).toEqual([
      "Distribution cdn-distribution: the /v* cache behavior targets origin, a single origin; required is the origin group (snippet-origins). " + `Set its targetOriginId to the group. ${incident}`,
    ]);
  });

  it("reports a group with one member", async () => {
    const group = { ...compliantDistribution.originGroups[0], members: [{ originId: "origin" }] };
    const found = await messages(stack({ ...compliantDistribution, originGroups: [group] }));
    expect(found).toEqual([`Distribution cdn-distribution: origin group snippet-origins has 1 resolvable member origin(s); required are 2 S3 origins in 2 different regions. ${fix} ${incident}`]);
  });
});
