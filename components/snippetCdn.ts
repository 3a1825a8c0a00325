import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loaderKey, originFailoverStatusCodes, snippetCacheSeconds, SnippetObject, SnippetSources, snippetObjects, versionedPathPattern } from "../models/snippet/snippet";
import { DnsValidatedCertificate } from "./certificate";
import { LogBucket, logPrefixes } from "./logBucket";
import type { CdnEndpoint } from "./endpoints";
import { PrivateBucket, onlyDistributionPolicy } from "./snippetBuckets";

export { onlyDistributionPolicy } from "./snippetBuckets";

export interface SnippetCdnArgs {
  /** Host name the CDN serves, e.g. `cdn.example.com`; the DNS records for it live in the DNS component. */
  hostname: string;
  /** Region of the origin bucket (the stack's first region). */
  originRegion: string;
  /** Region of the replica bucket; must differ from `originRegion` (policy enforce-cdn-origin-failover). */
  replicaRegion: string;
  /** Route 53 primary zone that validates the certificate. */
  primaryZoneId: pulumi.Input<string>;
  /** TTL of the certificate's validation records, in seconds. Defaults to `60`. */
  validationTtl?: number;
  /** The snippet's sources (loader and library), read by the caller. */
  sources: SnippetSources;
  /** Where the library sends events, e.g. `https://api.example.com/track`. */
  collectorUrl: string;
  /** How long the loader waits for the library before one attempt is given up, in ms. Defaults to `4000`. */
  loadTimeoutMs?: number;
  /**
   * The stack's name prefix, e.g. `edge-prod`: the CloudWatch log delivery source and destination
   * are named with it, since their names are unique per account and Region and a second stack's
   * `PutDeliverySource` of the same name would take over this one's. Required.
   */
  namePrefix: string;
}

/** CloudFront needs its viewer certificate in us-east-1, whatever the origin's region. */
export const cloudFrontCertificateRegion = "us-east-1";

/** The origin group's id: every cache behavior targets it, never one bucket. */
const originGroupId = "snippet-origins";
/**
 * The JavaScript snippet's CDN (incident 000: the snippet was served by the API's load balancers
 * and hung customers' pages when they fell over). A private S3 origin in the first region,
 * replicated to a bucket in another region; CloudFront reads both through origin access control
 * and fails over from one to the other in an origin group. HTTPS only, TLS 1.2 (2021) minimum.
 */
export class SnippetCdn extends pulumi.ComponentResource {
  /** What the DNS component needs to point the CDN host name at the distribution. */
  readonly endpoint: CdnEndpoint;
  readonly distributionId: pulumi.Output<string>;
  readonly distributionDomainName: pulumi.Output<string>;
  /** `https://cdn.<domain>/loader.js`: what customers' pages include. */
  readonly snippetUrl: string;
  /** `https://cdn.<domain>/v<semver>/edge.<hash>.js`: the library the loader fetches. */
  readonly libraryUrl: string;
  readonly originBucketName: pulumi.Output<string>;
  readonly replicaBucketName: pulumi.Output<string>;

  constructor(name: string, args: SnippetCdnArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:cdn:SnippetCdn", name, {}, opts);
    if (args.originRegion === args.replicaRegion) {
      // Refused by policy rather than here, so the plan shows the violation with its incident.
      pulumi.log.warn(`origin and replica are both in ${args.originRegion}: the origin group cannot fail over to another region`, this);
    }
    const objects = snippetObjects(args.sources, {
      cdnHost: args.hostname,
      collectorUrl: args.collectorUrl,
      loadTimeoutMs: args.loadTimeoutMs ?? 4000,
    });

    // Buckets and replication.
    const origin = new PrivateBucket(`${name}-origin`, args.originRegion, this);
    const replica = new PrivateBucket(`${name}-replica`, args.replicaRegion, this);
    const replication = this.replicate(name, origin, replica, args.originRegion);

    // Certificate, access control, policies.
    const certificate = new DnsValidatedCertificate(
      `${name}-certificate`,
      { domainName: args.hostname, region: cloudFrontCertificateRegion, zoneId: args.primaryZoneId, validationTtl: args.validationTtl ?? 60 },
      { parent: this },
    );
    const originAccessControl = new aws.cloudfront.OriginAccessControl(
      `${name}-oac`,
      {
        description: `CloudFront reads the ${args.hostname} snippet origins`,
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      { parent: this },
    );

    // The distribution.
    const distribution = this.distribution(name, args, origin, replica, originAccessControl, certificate);

    this.accessLogs(name, args.namePrefix, distribution);

    for (const bucket of [origin, replica]) {
      new aws.s3.BucketPolicy(
        `${bucket.name}-policy`,
        { region: bucket.region, bucket: bucket.bucket.id, policy: onlyDistributionPolicy(bucket.bucket.arn, distribution.arn) },
        { parent: bucket.bucket, dependsOn: [bucket.publicAccessBlock] },
      );
    }

    // The snippet: the library first, then the loader that names it.
    const library = this.upload(`${name}-library`, objects.library, origin.bucket, args.originRegion, [replication]);
    this.upload(`${name}-loader`, objects.loader, origin.bucket, args.originRegion, [replication, library]);

    this.distributionId = distribution.id;
    this.distributionDomainName = distribution.domainName;
    this.snippetUrl = `https://${args.hostname}/${loaderKey}`;
    this.libraryUrl = `https://${args.hostname}/${objects.library.key}`;
    this.originBucketName = origin.bucket.bucket;
    this.replicaBucketName = replica.bucket.bucket;
    this.endpoint = {
      distributionId: distribution.id,
      domainName: distribution.domainName,
      hostedZoneId: distribution.hostedZoneId,
      certificateArn: certificate.certificateArn,
    };
    this.registerOutputs({
      ...this.endpoint,
      snippetUrl: this.snippetUrl,
      libraryUrl: this.libraryUrl,
      originBucketName: this.originBucketName,
      replicaBucketName: this.replicaBucketName,
    });
  }

  /** The distribution: both buckets as one origin group (failing over on the origin's errors), the loader and the versioned library cached apart. */
  private distribution(
    name: string,
    args: SnippetCdnArgs,
    origin: PrivateBucket,
    replica: PrivateBucket,
    originAccessControl: aws.cloudfront.OriginAccessControl,
    certificate: DnsValidatedCertificate,
  ): aws.cloudfront.Distribution {
    const { loaderPolicy, versionedPolicy } = this.cachePolicies(name);
    const headersPolicy = this.responseHeadersPolicy(name);

    const behavior = {
      targetOriginId: originGroupId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachedMethods: ["GET", "HEAD", "OPTIONS"],
      compress: true,
      responseHeadersPolicyId: headersPolicy.id,
    };
    const s3Origin = (bucket: aws.s3.Bucket, originId: string) => ({
      originId,
      domainName: bucket.bucketRegionalDomainName,
      originAccessControlId: originAccessControl.id,
    });
    return new aws.cloudfront.Distribution(
      `${name}-distribution`,
      {
        comment: `JavaScript snippet at ${args.hostname} (incident 000: never served by the API hosts)`,
        enabled: true,
        aliases: [args.hostname],
        // The root URL serves the loader rather than asking the bucket for its root (configure-cdn-default-root-object).
        defaultRootObject: loaderKey,
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        priceClass: "PriceClass_All",
        origins: [s3Origin(origin.bucket, "origin"), s3Origin(replica.bucket, "replica")],
        originGroups: [
          {
            originId: originGroupId,
            failoverCriteria: { statusCodes: [...originFailoverStatusCodes] },
            members: [{ originId: "origin" }, { originId: "replica" }],
          },
        ],
        defaultCacheBehavior: { ...behavior, cachePolicyId: loaderPolicy.id },
        orderedCacheBehaviors: [{ ...behavior, pathPattern: versionedPathPattern, cachePolicyId: versionedPolicy.id }],
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: {
          acmCertificateArn: certificate.certificateArn,
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: "TLSv1.2_2021",
        },
      },
      { parent: this },
    );
  }

  /**
   * Access logs through CloudWatch log delivery (standard logging v2) into a log bucket in
   * us-east-1, where CloudFront's delivery source lives. Legacy standard logging would need bucket
   * ACLs, which every bucket here disables (S3.12); the controls that read only the legacy setting
   * (CloudFront.5, CKV_AWS_86) carry the waiver `cdn-legacy-logging`.
   */
  private accessLogs(name: string, namePrefix: string, distribution: aws.cloudfront.Distribution): void {
    const region = cloudFrontCertificateRegion;
    const logs = new LogBucket(`${name}-access`, { region }, { parent: this });
    const source = new aws.cloudwatch.LogDeliverySource(
      `${name}-access-logs`,
      { region, name: `${namePrefix}-${name}-access-logs`, logType: "ACCESS_LOGS", resourceArn: distribution.arn },
      { parent: distribution },
    );
    const destination = new aws.cloudwatch.LogDeliveryDestination(
      `${name}-access-logs`,
      {
        region,
        name: `${namePrefix}-${name}-access-logs`,
        outputFormat: "w3c",
        deliveryDestinationConfiguration: { destinationResourceArn: pulumi.interpolate`${logs.bucketArn}/${logPrefixes.cdn}` },
      },
      { parent: logs },
    );
    new aws.cloudwatch.LogDelivery(`${name}-access-logs`, { region, deliverySourceName: source.name, deliveryDestinationArn: destination.arn }, { parent: source });
  }

  /** Replication from origin to replica, by a role that may read the one and write the other only. */
  private replicate(name: string, origin: PrivateBucket, replica: PrivateBucket, region: string): aws.s3.BucketReplicationConfig {
    const role = new aws.iam.Role(
      `${name}-replication-role`,
      {
        description: "S3 replicates the snippet origin to its replica",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-replication-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: origin.bucket.arn },
            {
              Effect: "Allow",
              Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
              Resource: pulumi.interpolate`${origin.bucket.arn}/*`,
            },
            {
              Effect: "Allow",
              Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
              Resource: pulumi.interpolate`${replica.bucket.arn}/*`,
            },
          ],
        }),
      },
      { parent: role },
    );
    return new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        region,
        bucket: origin.bucket.id,
        role: role.arn,
        rules: [
          {
            id: "snippet-replica",
            status: "Enabled",
            filter: {},
            deleteMarkerReplication: { status: "Enabled" },
            destination: { bucket: replica.bucket.arn, storageClass: "STANDARD" },
          },
        ],
      },
      // Both buckets must be versioned before S3 accepts a replication rule.
      { parent: origin.bucket, dependsOn: [origin.versioning, replica.versioning] },
    );
  }

  /** Versioned files for a year; the loader for 5 minutes, revalidated in the background. */
  private cachePolicies(name: string) {
    const keyedOnPathOnly = {
      cookiesConfig: { cookieBehavior: "none" },
      headersConfig: { headerBehavior: "none" },
      queryStringsConfig: { queryStringBehavior: "none" },
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    };
    const loaderPolicy = new aws.cloudfront.CachePolicy(
      `${name}-loader-cache`,
      {
        comment: "Snippet loader: short cache, the object's stale-while-revalidate honoured",
        minTtl: 0,
        defaultTtl: snippetCacheSeconds.loader,
        maxTtl: snippetCacheSeconds.loader,
        parametersInCacheKeyAndForwardedToOrigin: keyedOnPathOnly,
      },
      { parent: this },
    );
    const versionedPolicy = new aws.cloudfront.CachePolicy(
      `${name}-versioned-cache`,
      {
        comment: "Versioned, content-hashed snippet files: a year, immutable",
        minTtl: snippetCacheSeconds.versioned,
        defaultTtl: snippetCacheSeconds.versioned,
        maxTtl: snippetCacheSeconds.versioned,
        parametersInCacheKeyAndForwardedToOrigin: keyedOnPathOnly,
      },
      { parent: this },
    );
    return { loaderPolicy, versionedPolicy };
  }

  /**
   * CORS so any page can load the script (also with `crossorigin`), plus security headers. CloudFront
   * adds them itself: nothing is forwarded to the buckets, which have no CORS configuration.
   */
  private responseHeadersPolicy(name: string): aws.cloudfront.ResponseHeadersPolicy {
    return new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-headers`,
      {
        comment: "Snippet: CORS for script loading, security headers",
        corsConfig: {
          accessControlAllowCredentials: false,
          accessControlAllowHeaders: { items: ["*"] },
          accessControlAllowMethods: { items: ["GET", "HEAD", "OPTIONS"] },
          accessControlAllowOrigins: { items: ["*"] },
          accessControlMaxAgeSec: 86_400,
          originOverride: true,
        },
        securityHeadersConfig: {
          contentTypeOptions: { override: true },
          // preload is inert on the snippet's host (the preload list takes apexes) and enforce-cdn-hsts asks for it.
          strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: true, override: true },
          referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
          frameOptions: { frameOption: "DENY", override: true },
        },
        customHeadersConfig: {
          items: [
            // Pages that isolate themselves (COEP) may still load the script.
            { header: "Cross-Origin-Resource-Policy", value: "cross-origin", override: true },
            { header: "Timing-Allow-Origin", value: "*", override: true },
          ],
        },
      },
      { parent: this },
    );
  }

  private upload(name: string, object: SnippetObject, bucket: aws.s3.Bucket, region: string, dependsOn: pulumi.Resource[]): aws.s3.BucketObjectv2 {
    return new aws.s3.BucketObjectv2(
      name,
      {
        region,
        bucket: bucket.id,
        key: object.key,
        content: object.body,
        contentType: object.contentType,
        cacheControl: object.cacheControl,
        serverSideEncryption: "AES256",
      },
      // Uploaded after replication exists: S3 replicates only objects written after the rule.
      { parent: bucket, dependsOn },
    );
  }
}
