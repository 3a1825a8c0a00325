/**
 * The bucket policies that read a bucket's configuration resources (versioning, lifecycle,
 * ownership, encryption, its policy's TLS statement, foreign grants) and the waivable ones, from a
 * compliant log bucket as LogBucket declares it, changing one resource per case.
 */
import { describe, expect, it } from "vitest";
import { resourceTypes as t } from "../../../models/resourceTypes";
import { disableBucketAcls } from "../../../policies/s3/disableBucketAcls";
import { judgeForeignPrincipals } from "../../../policies/s3/disallowForeignBucketAccess";
import { enableBucketAccessLogs } from "../../../policies/s3/enableBucketAccessLogs";
import { enableBucketEncryption } from "../../../policies/s3/enableBucketEncryption";
import { enableBucketLifecycle } from "../../../policies/s3/enableBucketLifecycle";
import { enableBucketObjectLock } from "../../../policies/s3/enableBucketObjectLock";
import { enableBucketVersioning } from "../../../policies/s3/enableBucketVersioning";
import { enforceBucketTls } from "../../../policies/s3/enforceBucketTls";
import { runStackPolicy, Subject } from "../harness";

const bucketName = "ingest-us-east-1-logs";
const arn = `arn:aws:s3:::${bucketName}`;
const companion = (type: string, suffix: string, props: Record<string, unknown>): Subject => ({ type, name: `${bucketName}-${suffix}`, props: { bucket: bucketName, ...props } });
const logPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "LogDeliveryWrite",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${arn}/*`,
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    },
    { Sid: "DenyPlainHttp", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
  ],
};
const compliant: Subject[] = [
  { type: t.s3Bucket, name: bucketName, props: { bucket: bucketName, arn } },
  companion(t.s3BucketVersioning, "versioning", { versioningConfiguration: { status: "Enabled" } }),
  companion(t.s3BucketLifecycleConfiguration, "lifecycle", {
    rules: [{ id: "expire-logs", status: "Enabled", expiration: { days: 90 }, noncurrentVersionExpiration: { noncurrentDays: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }],
  }),
  companion(t.s3BucketOwnershipControls, "ownership", { rule: { objectOwnership: "BucketOwnerEnforced" } }),
  companion(t.s3BucketServerSideEncryptionConfiguration, "encryption", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }),
  companion(t.s3BucketPolicy, "policy", { policy: JSON.stringify(logPolicy) }),
];
const without = (suffix: string) => compliant.filter((s) => s.name !== `${bucketName}-${suffix}`);
const replace = (suffix: string, props: Record<string, unknown>) => compliant.map((s) => (s.name === `${bucketName}-${suffix}` ? { ...s, props: { ...s.props, ...props } } : s));
const messages = async (policy: Parameters<typeof runStackPolicy>[0], subjects: Subject[], config = {}) => (await runStackPolicy(policy, subjects, config)).map((f) => f.message);

describe("bucket configuration policies", () => {
  it("accept a bucket as LogBucket declares it", async () => {
    for (const policy of [enableBucketVersioning, enableBucketLifecycle, disableBucketAcls, enableBucketEncryption, enforceBucketTls]) {
      expect(await messages(policy, compliant), policy.name).toEqual([]);
    }
  });

  it("refuse a bucket whose versioning is dropped or suspended", async () => {
    expect(await messages(enableBucketVersioning, without("versioning"))).toEqual([
      `bucket ${bucketName} is not versioned (no aws.s3.BucketVersioning names it); required is status Enabled. An object overwritten or deleted by mistake is gone. ` +
        'Add an aws.s3.BucketVersioning with versioningConfiguration { status: "Enabled" } for it. Security baseline (S3.14, CKV_AWS_21, AVD-AWS-0090).',
    ]);
    expect(await messages(enableBucketVersioning, replace("versioning", { versioningConfiguration: { status: "Suspended" } }))).toEqual([
      expect.stringContaining("is not versioned (its versioning is Suspended)"),
    ]);
  });

  it("refuse a bucket without an enabled lifecycle rule, or one that keeps abandoned uploads", async () => {
    expect(await messages(enableBucketLifecycle, without("lifecycle"))).toEqual([expect.stringMatching(/has no enabled lifecycle rule \(0 rule\(s\) declared\).*\(S3\.13, S3\.10, CKV2_AWS_61\)\.$/)]);
    expect(await messages(enableBucketLifecycle, replace("lifecycle", { rules: [{ id: "expire-logs", status: "Enabled", expiration: { days: 90 } }] }))).toEqual([
      `bucket ${bucketName}: lifecycle rule expire-logs does not abort incomplete multipart uploads. Add abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }. Security baseline (CKV_AWS_300).`,
    ]);
  });

  it("refuse ACLs left on, and a bucket without declared encryption", async () => {
    expect(await messages(disableBucketAcls, replace("ownership", { rule: { objectOwnership: "ObjectWriter" } }))).toEqual([expect.stringContaining("keeps ACLs (object ownership is ObjectWriter)")]);
    expect(await messages(disableBucketAcls, without("ownership"))).toEqual([expect.stringMatching(/no aws\.s3\.BucketOwnershipControls names it.*\(S3\.12, CKV2_AWS_65\)\.$/)]);
    expect(await messages(enableBucketEncryption, without("encryption"))).toEqual([expect.stringMatching(/declares no default encryption.*\(CKV_AWS_19\)\.$/)]);
  });

  it("refuse a bucket policy without the deny of plain HTTP, or no policy at all", async () => {
    const noDeny = { ...logPolicy, Statement: [logPolicy.Statement[0]] };
    expect(await messages(enforceBucketTls, replace("policy", { policy: JSON.stringify(noDeny) }))).toEqual([
      `bucket ${bucketName} accepts requests over plain HTTP: its policy has no statement that denies them; required is a Deny of s3:* on the bucket and its objects when aws:SecureTransport is false. ` +
        "Add that statement (denyPlainHttp in components/logBucket.ts) to the bucket's policy. Security baseline (S3.5).",
    ]);
    expect(await messages(enforceBucketTls, without("policy"))).toEqual([expect.stringContaining("it has no bucket policy")]);
    // A deny on the objects alone leaves the bucket's own API in clear text.
    const objectsOnly = { ...logPolicy, Statement: [logPolicy.Statement[0], { ...logPolicy.Statement[1], Resource: `${arn}/*` }] };
    expect(await messages(enforceBucketTls, replace("policy", { policy: JSON.stringify(objectsOnly) }))).toHaveLength(1);
  });

  it("refuse a bucket policy that grants another account anything (S3.6 refuses five administration actions; this, every action)", () => {
    const grant = (action: string) =>
      JSON.stringify({ Statement: [{ Sid: "Partner", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::999999999999:root"] }, Action: action, Resource: `${arn}/*` }] });
    expect(judgeForeignPrincipals("logs-policy", grant("s3:PutBucketPolicy"))).toEqual([
      "Bucket policy logs-policy: statement Partner allows s3:PutBucketPolicy to AWS principal(s) arn:aws:iam::999999999999:root; required is 0 AWS principals (bucket policies grant AWS service principals only). " +
        "Another account's principal reads or rewrites the bucket from outside this stack's view. Remove the grant; give this account's roles access in their own IAM policies. Security baseline (S3.6).",
    ]);
    expect(judgeForeignPrincipals("logs-policy", grant("s3:GetObject"))).toHaveLength(1);
    expect(judgeForeignPrincipals("logs-policy", JSON.stringify(logPolicy))).toEqual([]);
  });
});

describe("waivable bucket rules", () => {
  it("refuse a stack that takes no waiver, and accept one whose waiver's condition holds", async () => {
    expect(await messages(enableBucketAccessLogs, compliant)).toEqual([expect.stringMatching(/has no server access logging; required is one, or a waiver.*\(S3\.9, CKV_AWS_18, AVD-AWS-0089\)\.$/)]);
    expect(await messages(enableBucketAccessLogs, compliant, { waivers: ["origin-bucket-access-logs"] })).toEqual([]);
    expect(await messages(enableBucketAccessLogs, [...compliant, companion("aws:s3/bucketLogging:BucketLogging", "logging", { targetBucket: "other" })])).toEqual([]);
  });

  it("refuse a covered bucket whose condition no longer holds, saying what is missing", async () => {
    const anyAccount = { ...logPolicy, Statement: [{ ...logPolicy.Statement[0], Condition: undefined }, logPolicy.Statement[1]] };
    expect(await messages(enableBucketAccessLogs, replace("policy", { policy: JSON.stringify(anyAccount) }), { waivers: ["origin-bucket-access-logs"] })).toEqual([
      expect.stringMatching(
        /Waiver "origin-bucket-access-logs" does not hold: it relies on the bucket's policy lets only the stack's distribution read it .* but bucket ingest-us-east-1-logs's policy grants access beyond the stack's distribution and AWS log delivery\.$/,
      ),
    ]);
    // The object-lock waiver relies on versioning: drop it and the waiver stops waiving.
    expect(await messages(enableBucketObjectLock, compliant, { waivers: ["versions-not-locks"] })).toEqual([]);
    expect(await messages(enableBucketObjectLock, without("versioning"), { waivers: ["versions-not-locks"] })).toEqual([expect.stringContaining(`but bucket ${bucketName} is not versioned.`)]);
    const early = replace("lifecycle", {
      rules: [{ id: "expire-logs", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 1 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }],
    });
    expect(await messages(enableBucketObjectLock, early, { waivers: ["versions-not-locks"] })).toEqual([expect.stringContaining("expires noncurrent versions after 1 days")]);
  });
});
