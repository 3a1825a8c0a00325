import { describe, expect, it } from "vitest";
import { disallowPublicBucket } from "../../../policies/cdn/disallowPublicBucket";
import { runStackPolicy, Subject } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const incident = incidentNote("snippetOnApiHosts");
const distributionArn = "arn:aws:cloudfront::123456789012:distribution/E123";
const allowDistribution = {
  Sid: "CloudFrontReadsThroughOriginAccessControl",
  Effect: "Allow",
  Principal: { Service: "cloudfront.amazonaws.com" },
  Action: "s3:GetObject",
  Resource: "arn:aws:s3:::cdn-origin-1/*",
  Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
};
const denyHttp = { Sid: "DenyPlainHttp", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
const block = { bucket: "cdn-origin-1", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

function stack(change: { block?: object | null; statements?: object[]; extra?: Subject[] } = {}): Subject[] {
  const subjects: Subject[] = [{ type: resourceTypes.s3Bucket, name: "cdn-origin", props: { id: "cdn-origin-1", bucket: "cdn-origin-1" } }];
  if (change.block !== null) {
    subjects.push({ type: resourceTypes.s3BucketPublicAccessBlock, name: "cdn-origin-public-access-block", props: { ...block, ...change.block } });
  }
  const policy = JSON.stringify({ Version: "2012-10-17", Statement: change.statements ?? [allowDistribution, denyHttp] });
  subjects.push({ type: resourceTypes.s3BucketPolicy, name: "cdn-origin-policy", props: { bucket: "cdn-origin-1", policy } });
  return [...subjects, ...(change.extra ?? [])];
}
const messages = async (subjects: Subject[]) => (await runStackPolicy(disallowPublicBucket, subjects)).map((f) => f.message);

describe("disallow-public-bucket", () => {
  it("accepts a blocked bucket readable only by one distribution", async () => {
    expect(await messages(stack())).toEqual([]);
  });

  it("reports a public access block with a setting off, counting what is set", async () => {
    const found = await runStackPolicy(disallowPublicBucket, stack({ block: { restrictPublicBuckets: false } }));
    expect(found).toEqual([
      {
        urn: "urn:pulumi:test::edge::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::cdn-origin-public-access-block",
        message: `Public access block cdn-origin-public-access-block leaves restrictPublicBuckets not true (3 of 4 set); required are all 4. Set restrictPublicBuckets: true. ${incident} Security baseline (S3.8, CKV_AWS_56, AVD-AWS-0093).`,
      },
    ]);
  });

  it("reports a bucket without a public access block", async () => {
    expect(await messages(stack({ block: null }))).toEqual([
      "bucket cdn-origin (cdn-origin-1) has no public access block; required is one with all 4 settings true. " +
        `Add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true. ${incident} Security baseline (S3.8, CKV2_AWS_6, AVD-AWS-0094).`,
    ]);
  });

  it('reports a bucket policy that allows Principal "*" without an AWS:SourceArn condition', async () => {
    const publicRead = { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::cdn-origin-1/*" };
    expect(await messages(stack({ statements: [allowDistribution, publicRead] }))).toEqual([
      'Bucket policy cdn-origin-policy: statement PublicRead allows Principal "*" with no AWS:SourceArn condition, a public bucket; required is only the distribution. ' +
        `Grant Principal {"Service": "cloudfront.amazonaws.com"} with Condition StringEquals AWS:SourceArn = the distribution's ARN. ${incident} Security baseline (S3.2, S3.3, CKV_AWS_70).`,
    ]);
    const awsStar = { ...publicRead, Principal: { AWS: ["*"] } };
    expect(await messages(stack({ statements: [awsStar] }))).toHaveLength(1);
    const withSourceArn = { ...publicRead, Condition: { ArnLike: { "aws:SourceArn": distributionArn } } };
    expect(await messages(stack({ statements: [withSourceArn] }))).toEqual([]);
  });

  it("reports CloudFront access with no AWS:SourceArn condition (any account's distribution)", async () => {
    const anyDistribution = { ...allowDistribution, Condition: undefined };
    expect(await messages(stack({ statements: [anyDistribution] }))).toEqual([
      "Bucket policy cdn-origin-policy: statement CloudFrontReadsThroughOriginAccessControl allows cloudfront.amazonaws.com with no AWS:SourceArn condition, " +
        "so any account's distribution may read; required is only this stack's distribution. " +
        `Add Condition StringEquals AWS:SourceArn = the distribution's ARN. ${incident} Security baseline.`,
    ]);
  });

  it("reports a public ACL, canned or granted", async () => {
    const canned: Subject = { type: resourceTypes.s3BucketAcl, name: "cdn-origin-acl", props: { bucket: "cdn-origin-1", acl: "public-read" } };
    expect(await messages(stack({ extra: [canned] }))).toEqual([
      "Bucket ACL cdn-origin-acl has the canned ACL public-read; required is no public ACL (the bucket is BucketOwnerEnforced). " +
        `Remove the ACL and read through CloudFront's origin access control. ${incident} Security baseline (S3.2, S3.3, CKV_AWS_20, CKV_AWS_57, AVD-AWS-0092).`,
    ]);
    const granted: Subject = {
      type: resourceTypes.s3BucketAcl,
      name: "cdn-origin-acl",
      props: {
        bucket: "cdn-origin-1",
        accessControlPolicy: { owner: { id: "x" }, grants: [{ permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" } }] },
      },
    };
    const found = await messages(stack({ extra: [granted] }));
    expect(found).toEqual([expect.stringContaining("has grants to http://acs.amazonaws.com/groups/global/AllUsers")]);
  });
});
