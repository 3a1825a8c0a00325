/**
 * The snippet CDN's S3 origins: a private, versioned bucket (the origin and its replica), and the
 * bucket policy that lets only the distribution read it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyPlainHttp, noncurrentVersionDays } from "./logBucket";

/** A private bucket: all public access blocked, bucket-owner-enforced, versioned (old versions expired), encrypted (SSE-S3). */
export class PrivateBucket {
  readonly bucket: aws.s3.Bucket;
  readonly versioning: aws.s3.BucketVersioning;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;

  constructor(
    readonly name: string,
    readonly region: string,
    parent: pulumi.Resource,
  ) {
    this.bucket = new aws.s3.Bucket(name, { region, forceDestroy: false }, { parent });
    const child = { parent: this.bucket };
    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { region, bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { region, bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    this.versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { region, bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    // SSE-S3 rather than KMS: CloudFront's origin access control reads it without a key policy.
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { region, bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, child);
    // Every deploy overwrites the loader: its old versions go after a while, the current ones never
    // (the library's versioned files stay for pages that cached the loader naming them).
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        region,
        bucket: this.bucket.id,
        rules: [
          {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      { parent: this.bucket, dependsOn: [this.versioning] },
    );
  }
}
/** A bucket policy that lets only this distribution read, through origin access control, over TLS. */
export function onlyDistributionPolicy(bucketArn: pulumi.Input<string>, distributionArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudFrontReadsThroughOriginAccessControl",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: pulumi.interpolate`${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
      },
      denyPlainHttp(bucketArn),
    ],
  });
}
