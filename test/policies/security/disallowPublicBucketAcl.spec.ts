import { describe, expect, it } from "vitest";
import { disallowPublicBucketAcl } from "../../../policies/security/disallowPublicBucketAcl";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const aclType = resourceTypes.s3BucketAcl;
const compliantAcl = {
  bucket: "snippet-origin",
  accessControlPolicy: {
    owner: { id: "owner-canonical-id" },
    grants: [{ grantee: { type: "CanonicalUser", id: "owner-canonical-id" }, permission: "FULL_CONTROL" }],
  },
};

describe("disallow-public-bucket-acl", () => {
  it("accepts private ACLs and grants to canonical users", async () => {
    expect(await runResourcePolicy(disallowPublicBucketAcl, { type: aclType, props: compliantAcl, name: "origin-acl" })).toEqual([]);
    expect(await runResourcePolicy(disallowPublicBucketAcl, { type: aclType, props: { bucket: "b", acl: "private" } })).toEqual([]);
    expect(await runResourcePolicy(disallowPublicBucketAcl, { type: resourceTypes.s3Bucket, props: { bucket: "b" } })).toEqual([]);
  });

  it("refuses a public-read canned ACL", async () => {
    const messages = await runResourcePolicy(disallowPublicBucketAcl, { type: aclType, props: { bucket: "snippet-origin", acl: "public-read" }, name: "origin-acl" });
    expect(messages).toEqual([
      "bucket ACL origin-acl (bucket snippet-origin) uses the canned ACL 'public-read', which opens the bucket beyond this account. " +
        "Use 'private' (or drop the ACL: buckets default to owner-only) and serve public content through the CDN. " +
        "Incident 000 moved the snippet onto a CDN, not onto a public bucket. Security baseline (S3.2, S3.3, CKV_AWS_20, CKV_AWS_57, AVD-AWS-0092).",
    ]);
  });

  it("refuses a grant to AllUsers, also on the V2 type", async () => {
    const props = {
      ...compliantAcl,
      accessControlPolicy: {
        ...compliantAcl.accessControlPolicy,
        grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }],
      },
    };
    for (const type of [aclType, resourceTypes.s3BucketAclV2]) {
      expect(await runResourcePolicy(disallowPublicBucketAcl, { type, props, name: "origin-acl" })).toEqual([
        "bucket ACL origin-acl (bucket snippet-origin) grants READ to the AllUsers group (http://acs.amazonaws.com/groups/global/AllUsers). " +
          "Remove the grant; grant to a canonical user id or use a bucket policy limited to the CDN. Security baseline (S3.2, S3.3, CKV_AWS_20, AVD-AWS-0092).",
      ]);
    }
  });

  it("refuses the bucket's own legacy acl and grants inputs", async () => {
    const acl = await runResourcePolicy(disallowPublicBucketAcl, { type: resourceTypes.s3Bucket, props: { bucket: "logs", acl: "authenticated-read" } });
    expect(acl).toHaveLength(1);
    expect(acl[0]).toContain("bucket logs uses the canned ACL 'authenticated-read'");
    const grants = await runResourcePolicy(disallowPublicBucketAcl, {
      type: resourceTypes.s3BucketV2,
      props: { bucket: "logs", grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", permissions: ["READ", "WRITE"] }] },
    });
    expect(grants).toEqual([
      "bucket logs grants READ, WRITE to the AuthenticatedUsers group (http://acs.amazonaws.com/groups/global/AuthenticatedUsers). " +
        "Remove the grant; grant to a canonical user id or use a bucket policy limited to the CDN. Security baseline (S3.2, S3.3, CKV2_AWS_43, AVD-AWS-0092).",
    ]);
  });
});
