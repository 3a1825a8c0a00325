/** A compliant snippet CDN as stack-policy subjects: two buckets, the replication between them, the distribution. */
import { resourceTypes } from "../../../models/resourceTypes";
import type { Subject } from "../harness";

export const originDomain = "cdn-origin-1.s3.us-east-1.amazonaws.com";
export const replicaDomain = "cdn-replica-2.s3.us-west-2.amazonaws.com";

export const bucket = (name: string, domain: string, region: string): Subject => ({
  type: resourceTypes.s3Bucket,
  name,
  props: { bucket: name, id: name, arn: `arn:aws:s3:::${name}`, region, bucketRegionalDomainName: domain },
});

export const buckets = [bucket("cdn-origin", originDomain, "us-east-1"), bucket("cdn-replica", replicaDomain, "us-west-2")];

export const replicationRule = {
  id: "snippet-replica",
  status: "Enabled",
  filter: {},
  deleteMarkerReplication: { status: "Enabled" },
  destination: { bucket: "arn:aws:s3:::cdn-replica", storageClass: "STANDARD" },
};

export const replication = (rules: Record<string, unknown>[] = [replicationRule]): Subject => ({
  type: resourceTypes.s3BucketReplicationConfig,
  name: "cdn-replication",
  props: { bucket: "cdn-origin", role: "arn:aws:iam::123456789012:role/replication", rules },
});

export const distribution = {
  origins: [
    { originId: "origin", domainName: originDomain, originAccessControlId: "oac-1" },
    { originId: "replica", domainName: replicaDomain, originAccessControlId: "oac-1" },
  ],
  originGroups: [{ originId: "snippet-origins", failoverCriteria: { statusCodes: [403, 404, 500, 502, 503, 504] }, members: [{ originId: "origin" }, { originId: "replica" }] }],
  defaultCacheBehavior: { targetOriginId: "snippet-origins", viewerProtocolPolicy: "redirect-to-https" },
  viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
};

export const cdnStack = (props: Record<string, unknown> = distribution, rest: Subject[] = [...buckets, replication()]): Subject[] => [
  ...rest,
  { type: resourceTypes.cloudfrontDistribution, name: "cdn-distribution", props },
];
