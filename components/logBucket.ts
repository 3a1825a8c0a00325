import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LogBucketArgs {
  /** AWS region code, e.g. `us-east-1`; the `region` input of every resource here. */
  region: string;
  /** Days a log object is kept before S3 deletes it. Defaults to `90`. */
  retentionDays?: number;
}

/**
 * Days an overwritten or deleted object is kept as a noncurrent version before S3 expires it: long
 * enough to notice and undo a mistaken or malicious delete (the waiver `versions-not-locks` relies
 * on at least 30).
 */
export const noncurrentVersionDays = 30;

/** Key prefixes of the log bucket: one per writer. */
export const logPrefixes = { loadBalancer: "nlb", flowLogs: "vpc-flow-logs", cdn: "cloudfront" } as const;

/**
 * One region's log bucket: a region's load balancer TLS access logs and VPC flow logs, or the
 * CDN's access logs (CloudWatch log delivery, standard logging v2, in us-east-1). Private
 * (all public access blocked, ACLs disabled), versioned, encrypted with SSE-S3 (the one encryption
 * AWS log delivery writes without a key grant), objects expired after `retentionDays` and their
 * noncurrent versions `noncurrentVersionDays` later, and writable only by the log delivery service
 * for this account over TLS. The bucket does not log its own access
 * (waiver `origin-bucket-access-logs`).
 */
export class LogBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: LogBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:logs:LogBucket", name, {}, opts);
    const { region } = args;
    const bucket = new aws.s3.Bucket(`${name}-logs`, { region, forceDestroy: false }, { parent: this });
    const child = { parent: bucket };
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-logs-public-access-block`,
      { region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketOwnershipControls(`${name}-logs-ownership`, { region, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    // Versioned (enable-bucket-versioning): a log object overwritten or deleted by mistake, or by
    // someone covering tracks, stays as a noncurrent version until the lifecycle expires it.
    const versioning = new aws.s3.BucketVersioning(`${name}-logs-versioning`, { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-logs-encryption`, { region, bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, child);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-logs-lifecycle`,
      {
        region,
        bucket: bucket.id,
        rules: [
          {
            id: "expire-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.retentionDays ?? 90 },
            noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      // S3 applies noncurrent-version rules only to a bucket that is versioned.
      { parent: bucket, dependsOn: [versioning] },
    );
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    new aws.s3.BucketPolicy(`${name}-logs-policy`, { region, bucket: bucket.id, policy: logDeliveryPolicy(bucket.arn, account, region) }, { parent: bucket, dependsOn: [publicAccessBlock] });

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}

/**
 * The log delivery service (which writes NLB access logs, VPC flow logs and CloudFront's standard
 * logs v2: AWS docs "Access logs for your Network Load Balancer", "Publish flow logs to Amazon S3",
 * CloudWatch Logs "Logging that requires additional permissions [V2]") may write for this account's
 * log sources in this region only; nothing is readable or writable over plain HTTP.
 */
export function logDeliveryPolicy(bucketArn: pulumi.Input<string>, accountId: pulumi.Input<string>, region: string): pulumi.Output<string> {
  const sourceArn = { "aws:SourceArn": pulumi.interpolate`arn:aws:logs:${region}:${accountId}:*` };
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LogDeliveryWrite",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: pulumi.interpolate`${bucketArn}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": accountId, "s3:x-amz-acl": "bucket-owner-full-control" }, ArnLike: sourceArn },
      },
      {
        Sid: "LogDeliveryAclCheck",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
        Resource: bucketArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: sourceArn },
      },
      denyPlainHttp(bucketArn),
    ],
  });
}

/** The bucket policy statement that refuses every request over plain HTTP (S3.5). */
export function denyPlainHttp(bucketArn: pulumi.Input<string>) {
  return {
    Sid: "DenyPlainHttp",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
