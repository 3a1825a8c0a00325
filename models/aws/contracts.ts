/**
 * What the AWS APIs accept for every property this program sets, per resource type: the contract
 * table `enforce-api-contracts` judges each planned resource against (`models/contracts`).
 *
 * Sources, per entry: the installed @pulumi/aws declaration's doc comment (the provider's own
 * documentation of the attribute, which is what deploys), the terraform-provider-aws schema, or the
 * API reference page; `models/providerSources.ts` holds what was read. Where the API documents no
 * limit beyond the value's type, the entry says so (`free`) and cites where that was read.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes as t } from "../resourceTypes";
import { awsRegions } from "./regions";
import { apiPage, bridgeCommit, installedAws, InstalledAwsFile } from "../providerSources";
import type { Accepts, PropertyContract, TypeContract } from "../contracts/contract";

type Contract = PropertyContract;
const at = installedAws;
const input = (line: number, symbol: string) => at("types/input.d.ts", line, symbol);
const with_ = (contract: Contract, extra: Partial<Contract>): Contract => ({ ...contract, ...extra });
const rule = (cite: string, ...accepts: Accepts[]): Contract => ({ accepts, cite });
const free = (cite: string, text = "any value of its type (no further limit documented)") => rule(cite, { kind: "free", text });
const ref = (cite: string, ...types: string[]) => rule(cite, { kind: "reference", types });
const oneOf = (cite: string, values: readonly (string | number | boolean)[], caseInsensitive = false) => rule(cite, { kind: "oneOf", values, caseInsensitive });
const range = (cite: string, min: number | undefined, max: number | undefined, integer = true) => rule(cite, { kind: "range", min, max, integer });
const length = (cite: string, min: number, max: number, unit: "characters" | "bytes" = "characters") => rule(cite, { kind: "length", min, max, unit });
/** A provider flag: a boolean, or its string spelling (the provider stores several as strings). */
const flag = (cite: string) => rule(cite, { kind: "check", test: (v) => typeof v === "boolean" || v === "true" || v === "false", text: "true or false" });
const port = (cite: string) => range(cite, 1, 65535);

/** Every aws resource's `region`: a region code the provider knows. */
const region = (file: InstalledAwsFile, line: number, iface: string): Contract => ({
  accepts: [{ kind: "oneOf", values: awsRegions }],
  cite: `${at(file, line, `${iface}.region`)}; ${apiPage("aws/regions", "region codes")}`,
  error: "the provider's region validation (an unknown region is refused before any API call)",
});
/** A tag map: the AWS tag rules. */
const tagsAt = (cite: string): Contract => ({
  accepts: [{ kind: "tags" }],
  cite: `${cite}; ${apiPage("aws/tagging", "at most 50 user tags, key 1-128 and value 0-256 characters, the aws: prefix reserved")}`,
  error: "InvalidParameterValue (EC2) / ValidationError",
});
const tags = (file: InstalledAwsFile, line: number, iface: string): Contract => tagsAt(at(file, line, `${iface}.tags`));
const cidr = (cite: string, minPrefix: number, maxPrefix: number) => rule(cite, { kind: "cidr", minPrefix, maxPrefix });
/** The size of a JSON policy document, in characters as IAM counts them (whitespace included). */
const policySize = (cite: string, max: number, unit: "characters" | "bytes" = "characters", error = "LimitExceeded / MalformedPolicyDocument") =>
  with_(rule(cite, { kind: "length", min: 1, max, unit }), { error });

/** The bridge's AutoName: the resource's name, `-` and 7 random characters, when the program sets no name. */
const autoNameCite = `pulumi-aws provider/autonaming.go@0c5f6583ebfb setAutonaming (every input "name": AutoName(name, 255, "-")), pulumi-terraform-bridge pkg/tfbridge AutoName (Randlen 7)@${bridgeCommit.slice(0, 12)}`;
const autoName = { property: "name", cite: autoNameCite } as const;

/** Security group and rule descriptions: EC2's character set and length. */
const ec2Description = (cite: string): Contract =>
  with_(
    rule(
      `${cite}; ${apiPage("ec2/CreateSecurityGroup", "GroupDescription: up to 255 characters, a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*")}`,
      { kind: "length", min: 1, max: 255 },
      { kind: "pattern", pattern: /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/, text: "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*" },
    ),
    { error: "InvalidParameterValue" },
  );

const ipProtocol = (cite: string) =>
  rule(cite, {
    kind: "check",
    test: (v) => ["tcp", "udp", "icmp", "icmpv6", "-1"].includes(String(v).toLowerCase()) || (/^\d+$/.test(String(v)) && Number(v) <= 255),
    text: "tcp, udp, icmp, icmpv6, -1 (all) or a protocol number 0-255",
  });
const rulePort = (cite: string) => range(cite, -1, 65535);

/** An S3 bucket name as S3 accepts it (3-63 lowercase letters, digits, dots and hyphens). */
const bucketName = (cite: string) =>
  with_(
    rule(
      `${cite}; ${apiPage("s3/bucketnamingrules", "3 to 63 characters; lowercase letters, numbers, dots and hyphens; begins and ends with a letter or number")}`,
      { kind: "length", min: 3, max: 63 },
      { kind: "pattern", pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, text: "lowercase letters, numbers, dots and hyphens, beginning and ending with a letter or number" },
    ),
    { error: "InvalidBucketName" },
  );

/** An ELB name (load balancer, target group): 32 characters, alphanumerics and hyphens, no hyphen at either end. */
const elbName = (cite: string, api: "elbv2/CreateLoadBalancer" | "elbv2/CreateTargetGroup", scope: string) =>
  with_(
    rule(
      `${cite}; ${apiPage(api, `Name: unique per ${scope}, at most 32 characters, alphanumerics or hyphens, not beginning or ending with a hyphen`)}`,
      { kind: "length", min: 1, max: 32 },
      { kind: "pattern", pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, text: "alphanumerics and hyphens, not beginning or ending with a hyphen" },
    ),
    { error: "ValidationError (the provider's validName refuses it first)" },
  );

const iamName = (cite: string, max: number) =>
  with_(
    rule(
      `${cite}; ${apiPage("iam/quotas", `name up to ${max} characters of [\\w+=,.@-]`)}`,
      { kind: "length", min: 1, max },
      { kind: "pattern", pattern: /^[\w+=,.@-]+$/, text: "alphanumerics and +=,.@_-" },
    ),
    { error: "ValidationError" },
  );

const alarmActions = (cite: string) =>
  with_(rule(`${cite}; ${apiPage("cloudwatch/PutMetricAlarm", "AlarmActions, OKActions: at most 5 items")}`, { kind: "count", max: 5 }), { error: "ValidationError" });

/** CloudWatch Logs delivery source and destination names: 1-60 of [\w-], unique per account and region. */
const deliveryName = (cite: string, api: "logs/PutDeliverySource" | "logs/PutDeliveryDestination", what: string): Contract => ({
  ...rule(
    `${cite}; ${apiPage(api, "name: length 1-60, pattern [\\w-]*, unique for all delivery " + what + "s in the account (per Region)")}`,
    { kind: "length", min: 1, max: 60 },
    { kind: "pattern", pattern: /^[\w-]*$/, text: "letters, digits, _ and -" },
  ),
  error: "ValidationException",
  unique: {
    scope: "account and region",
    perStack: true,
    collision: `would put a delivery ${what} of the same name: the call creates or updates, so the second stack takes over the first one's ${what} (its CDN's access logs then go where the second says, or stop)`,
  },
});

const metricQueryFields: Record<string, Contract> = {
  id: with_(
    rule(
      input(25496, "cloudwatch.MetricAlarmMetricQuery.id"),
      { kind: "pattern", pattern: /^[a-z][A-Za-z0-9_]*$/, text: "letters, numbers and underscore, beginning with a lowercase letter" },
      { kind: "length", min: 1, max: 255 },
    ),
    { required: true, error: "ValidationError" },
  ),
  expression: free(input(25490, "cloudwatch.MetricAlarmMetricQuery.expression"), "a metric math expression or Metrics Insights query"),
  label: free(input(25500, "cloudwatch.MetricAlarmMetricQuery.label")),
  metric: free(input(25504, "cloudwatch.MetricAlarmMetricQuery.metric"), "a metric, its statistic and period"),
  returnData: flag(input(25514, "cloudwatch.MetricAlarmMetricQuery.returnData")),
};

/** The alarm period: 10, 20, 30 or a multiple of 60 seconds. */
const alarmPeriod = (cite: string) =>
  with_(rule(cite, { kind: "check", test: (v) => [10, 20, 30].includes(Number(v)) || (Number(v) > 0 && Number(v) % 60 === 0), text: "10, 20, 30 or a multiple of 60 seconds" }), {
    error: "ValidationError",
  });

const bucketRef = [t.s3Bucket, t.s3BucketV2];

export const awsContracts: Record<string, TypeContract> = {
  [t.acmCertificate]: {
    properties: {
      domainName: with_(length(`${at("acm/certificate.d.ts", 327, "CertificateArgs.domainName")}; ${apiPage("acm/RequestCertificate", "DomainName: length 1-253")}`, 1, 253), {
        error: "ValidationException",
      }),
      keyAlgorithm: oneOf(`${at("acm/certificate.d.ts", 331, "CertificateArgs.keyAlgorithm")}; ${apiPage("acm/RequestCertificate", "KeyAlgorithm valid values")}`, [
        "RSA_1024",
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
        "EC_prime256v1",
        "EC_secp384r1",
        "EC_secp521r1",
      ]),
      options: {
        accepts: [],
        cite: at("acm/certificate.d.ts", 332, "CertificateArgs.options"),
        fields: {
          certificateTransparencyLoggingPreference: oneOf(apiPage("acm/RequestCertificate", "Options.CertificateTransparencyLoggingPreference: ENABLED | DISABLED"), ["ENABLED", "DISABLED"]),
        },
      },
      region: region("acm/certificate.d.ts", 340, "CertificateArgs"),
      subjectAlternativeNames: with_(
        rule(`${apiPage("acm/RequestCertificate", "SubjectAlternativeNames: 1-100 items (10 by the default quota), each 1-253 characters")}`, { kind: "count", min: 1, max: 10 }),
        { each: length(apiPage("acm/RequestCertificate", "SubjectAlternativeNames item: length 1-253"), 1, 253), error: "LimitExceededException" },
      ),
      validationMethod: oneOf(`${at("acm/certificate.d.ts", 351, "CertificateArgs.validationMethod")}; ${apiPage("acm/RequestCertificate", "ValidationMethod: EMAIL | DNS | HTTP")}`, [
        "EMAIL",
        "DNS",
        "HTTP",
      ]),
    },
  },
  [t.acmCertificateValidation]: {
    properties: {
      certificateArn: ref(at("acm/certificateValidation.d.ts", 173, "CertificateValidationArgs.certificateArn"), t.acmCertificate),
      region: region("acm/certificateValidation.d.ts", 177, "CertificateValidationArgs"),
      validationRecordFqdns: free(at("acm/certificateValidation.d.ts", 181, "CertificateValidationArgs.validationRecordFqdns"), "the names of the validation records"),
    },
  },
  [t.autoscalingGroup]: {
    autoName,
    properties: {
      name: iamlessName(at("autoscaling/group.d.ts", 1069, "GroupArgs.name"), apiPage("autoscaling/CreateAutoScalingGroup", "AutoScalingGroupName: length 1-255"), 255),
      defaultInstanceWarmup: range(at("autoscaling/group.d.ts", 962, "GroupArgs.defaultInstanceWarmup"), 0, undefined),
      enabledMetrics: with_(free(at("autoscaling/group.d.ts", 976, "GroupArgs.enabledMetrics"), "metric names"), {
        each: oneOf(at("autoscaling/group.d.ts", 976, "GroupArgs.enabledMetrics"), [
          "GroupMinSize",
          "GroupMaxSize",
          "GroupDesiredCapacity",
          "GroupInServiceInstances",
          "GroupInServiceCapacity",
          "GroupPendingInstances",
          "GroupPendingCapacity",
          "GroupStandbyInstances",
          "GroupStandbyCapacity",
          "GroupTerminatingInstances",
          "GroupTerminatingCapacity",
          "GroupTotalInstances",
          "GroupTotalCapacity",
          "WarmPoolDesiredCapacity",
          "WarmPoolWarmedCapacity",
          "WarmPoolPendingCapacity",
          "WarmPoolTerminatingCapacity",
          "WarmPoolTotalCapacity",
          "GroupAndWarmPoolDesiredCapacity",
          "GroupAndWarmPoolTotalCapacity",
        ]),
      }),
      healthCheckGracePeriod: range(at("autoscaling/group.d.ts", 992, "GroupArgs.healthCheckGracePeriod"), 0, undefined),
      healthCheckType: oneOf(at("autoscaling/group.d.ts", 996, "GroupArgs.healthCheckType"), ["EC2", "ELB"]),
      instanceRefresh: {
        accepts: [],
        cite: at("autoscaling/group.d.ts", 1022, "GroupArgs.instanceRefresh"),
        fields: {
          strategy: with_(oneOf(input(10583, "autoscaling.GroupInstanceRefresh.strategy"), ["Rolling"]), { required: true }),
          preferences: {
            accepts: [],
            cite: input(10579, "autoscaling.GroupInstanceRefresh.preferences"),
            fields: {
              alarmSpecification: free(input(10601, "autoscaling.GroupInstanceRefreshPreferences.alarmSpecification"), "alarm names"),
              autoRollback: flag(input(10605, "autoscaling.GroupInstanceRefreshPreferences.autoRollback")),
              instanceWarmup: range(input(10617, "autoscaling.GroupInstanceRefreshPreferences.instanceWarmup"), 0, undefined),
              maxHealthyPercentage: range(input(10621, "autoscaling.GroupInstanceRefreshPreferences.maxHealthyPercentage"), 100, 200),
              minHealthyPercentage: range(input(10625, "autoscaling.GroupInstanceRefreshPreferences.minHealthyPercentage"), 0, 100),
              skipMatching: flag(input(10633, "autoscaling.GroupInstanceRefreshPreferences.skipMatching")),
            },
          },
        },
      },
      launchTemplate: {
        accepts: [],
        cite: at("autoscaling/group.d.ts", 1032, "GroupArgs.launchTemplate"),
        fields: {
          id: ref(input(10649, "autoscaling.GroupLaunchTemplate.id"), t.ec2LaunchTemplate),
          version: rule(input(10657, "autoscaling.GroupLaunchTemplate.version"), {
            kind: "check",
            test: (v) => v === "$Latest" || v === "$Default" || /^\d+$/.test(String(v)),
            text: "a version number, $Latest or $Default",
          }),
        },
      },
      maxSize: with_(range(at("autoscaling/group.d.ts", 1045, "GroupArgs.maxSize"), 0, undefined), { required: true }),
      metricsGranularity: oneOf(at("autoscaling/group.d.ts", 1049, "GroupArgs.metricsGranularity"), ["1Minute"]),
      minSize: with_(range(at("autoscaling/group.d.ts", 1060, "GroupArgs.minSize"), 0, undefined), { required: true }),
      region: region("autoscaling/group.d.ts", 1090, "GroupArgs"),
      tags: {
        accepts: [{ kind: "count", max: 50 }],
        cite: `${at("autoscaling/group.d.ts", 1103, "GroupArgs.tags")}; ${apiPage("aws/tagging", "at most 50 user tags")}`,
        error: "ValidationError",
        fields: {
          key: with_(length(`${input(10938, "autoscaling.GroupTag.key")}; ${apiPage("aws/tagging", "key 1-128 characters")}`, 1, 128), { required: true }),
          value: length(`${input(10951, "autoscaling.GroupTag.value")}; ${apiPage("aws/tagging", "value 0-256 characters")}`, 0, 256),
          propagateAtLaunch: flag(input(10942, "autoscaling.GroupTag.propagateAtLaunch")),
        },
      },
      targetGroupArns: ref(at("autoscaling/group.d.ts", 1107, "GroupArgs.targetGroupArns"), t.lbTargetGroup),
      vpcZoneIdentifiers: with_(ref(at("autoscaling/group.d.ts", 1119, "GroupArgs.vpcZoneIdentifiers"), t.ec2Subnet), {
        accepts: [{ kind: "count", min: 1 }],
      }),
    },
    typeChecks: [
      {
        test: (i) => i.minSize === undefined || i.maxSize === undefined || Number(i.minSize) <= Number(i.maxSize),
        text: "minSize is at most maxSize",
        cite: apiPage("autoscaling/CreateAutoScalingGroup", "MinSize, MaxSize"),
      },
    ],
  },
  [t.autoscalingLifecycleHook]: {
    properties: {
      autoscalingGroupName: ref(at("autoscaling/lifecycleHook.d.ts", 175, "LifecycleHookArgs.autoscalingGroupName"), t.autoscalingGroup),
      defaultResult: oneOf(at("autoscaling/lifecycleHook.d.ts", 179, "LifecycleHookArgs.defaultResult"), ["CONTINUE", "ABANDON"]),
      heartbeatTimeout: with_(
        range(`${at("autoscaling/lifecycleHook.d.ts", 183, "LifecycleHookArgs.heartbeatTimeout")}; ${apiPage("autoscaling/PutLifecycleHook", "HeartbeatTimeout: 30 to 7200 seconds")}`, 30, 7200),
        {
          error: "ValidationError",
        },
      ),
      lifecycleTransition: oneOf(`${at("autoscaling/lifecycleHook.d.ts", 187, "LifecycleHookArgs.lifecycleTransition")}; ${apiPage("autoscaling/PutLifecycleHook", "LifecycleTransition")}`, [
        "autoscaling:EC2_INSTANCE_LAUNCHING",
        "autoscaling:EC2_INSTANCE_TERMINATING",
      ]),
      name: {
        ...rule(
          `${at("autoscaling/lifecycleHook.d.ts", 191, "LifecycleHookArgs.name")}; ${apiPage("autoscaling/PutLifecycleHook", "LifecycleHookName: length 1-255, pattern [A-Za-z0-9\\-_\\/]+")}`,
          { kind: "length", min: 1, max: 255 },
          { kind: "pattern", pattern: /^[A-Za-z0-9\-_/]+$/, text: "letters, digits and -_/" },
        ),
        error: "ValidationError",
        unique: { scope: "Auto Scaling group", perStack: false, why: "a hook's name is unique only among its own group's hooks, and the group is the stack's own" },
      },
      notificationMetadata: length(
        `${at("autoscaling/lifecycleHook.d.ts", 195, "LifecycleHookArgs.notificationMetadata")}; ${apiPage("autoscaling/PutLifecycleHook", "NotificationMetadata: length 1-1023")}`,
        1,
        1023,
      ),
      region: region("autoscaling/lifecycleHook.d.ts", 203, "LifecycleHookArgs"),
    },
  },
  [t.autoscalingPolicy]: {
    autoName,
    properties: {
      name: iamlessName(at("autoscaling/policy.d.ts", 473, "PolicyArgs.name"), apiPage("autoscaling/PutScalingPolicy", "PolicyName: length 1-255"), 255),
      autoscalingGroupName: ref(at("autoscaling/policy.d.ts", 445, "PolicyArgs.autoscalingGroupName"), t.autoscalingGroup),
      estimatedInstanceWarmup: range(at("autoscaling/policy.d.ts", 459, "PolicyArgs.estimatedInstanceWarmup"), 0, undefined),
      policyType: oneOf(at("autoscaling/policy.d.ts", 477, "PolicyArgs.policyType"), ["SimpleScaling", "StepScaling", "TargetTrackingScaling", "PredictiveScaling"]),
      region: region("autoscaling/policy.d.ts", 485, "PolicyArgs"),
      targetTrackingConfiguration: {
        accepts: [],
        cite: at("autoscaling/policy.d.ts", 520, "PolicyArgs.targetTrackingConfiguration"),
        fields: {
          targetValue: with_(range(input(11312, "autoscaling.PolicyTargetTrackingConfiguration.targetValue"), undefined, undefined, false), { required: true }),
          predefinedMetricSpecification: {
            accepts: [],
            cite: input(11308, "autoscaling.PolicyTargetTrackingConfiguration.predefinedMetricSpecification"),
            fields: {
              predefinedMetricType: oneOf(apiPage("autoscaling/PutScalingPolicy", "PredefinedMetricSpecification.PredefinedMetricType"), [
                "ASGAverageCPUUtilization",
                "ASGAverageNetworkIn",
                "ASGAverageNetworkOut",
                "ALBRequestCountPerTarget",
              ]),
            },
          },
        },
      },
    },
  },
  [t.cloudfrontCachePolicy]: {
    autoName,
    properties: {
      // No length limit of the name was read: only its type is judged.
      name: free(
        `${at("cloudfront/cachePolicy.d.ts", 165, "CachePolicyArgs.name")}; ${apiPage("cloudfront/CachePolicyConfig", "Name: a unique name to identify the cache policy")}`,
        "a name unique among the account's cache policies",
      ),
      comment: length(`${at("cloudfront/cachePolicy.d.ts", 149, "CachePolicyArgs.comment")}; ${apiPage("cloudfront/CachePolicyConfig", "Comment: up to 128 characters")}`, 0, 128),
      defaultTtl: range(at("cloudfront/cachePolicy.d.ts", 153, "CachePolicyArgs.defaultTtl"), 0, undefined),
      maxTtl: range(at("cloudfront/cachePolicy.d.ts", 157, "CachePolicyArgs.maxTtl"), 0, undefined),
      minTtl: with_(range(at("cloudfront/cachePolicy.d.ts", 161, "CachePolicyArgs.minTtl"), 0, undefined), { required: true }),
      parametersInCacheKeyAndForwardedToOrigin: with_(
        free(at("cloudfront/cachePolicy.d.ts", 169, "CachePolicyArgs.parametersInCacheKeyAndForwardedToOrigin"), "headers, cookies and query strings in the cache key"),
        { required: true },
      ),
    },
    typeChecks: [
      {
        test: (i) =>
          [i.minTtl, i.defaultTtl, i.maxTtl].every((v) => v === undefined) ||
          (Number(i.minTtl ?? 0) <= Number(i.defaultTtl ?? i.minTtl ?? 0) && Number(i.defaultTtl ?? 0) <= Number(i.maxTtl ?? Infinity)),
        text: "minTtl <= defaultTtl <= maxTtl",
        cite: apiPage("cloudfront/CachePolicyConfig", "MinTTL, DefaultTTL, MaxTTL"),
      },
    ],
  },
  [t.cloudfrontDistribution]: {
    properties: {
      aliases: with_(
        rule(`${at("cloudfront/distribution.d.ts", 755, "DistributionArgs.aliases")}; ${apiPage("cloudfront/quotas", "alternate domain names (CNAMEs) per distribution: 100")}`, {
          kind: "count",
          max: 100,
        }),
        {
          error: "TooManyDistributionCNAMEs",
        },
      ),
      defaultRootObject: with_(
        rule(
          `${at("cloudfront/distribution.d.ts", 787, "DistributionArgs.defaultRootObject")}; ${apiPage("cloudfront/CreateDistribution", "DistributionConfig.DefaultRootObject: an object name of at most 255 characters, without a leading /")}`,
          { kind: "length", min: 1, max: 255 },
          { kind: "pattern", pattern: /^[^/]/, text: "an object name without a leading /" },
        ),
        { error: "InvalidDefaultRootObject" },
      ),
      comment: with_(
        length(`${at("cloudfront/distribution.d.ts", 767, "DistributionArgs.comment")}; ${apiPage("cloudfront/CreateDistribution", "DistributionConfig.Comment: at most 128 characters")}`, 0, 128),
        {
          error: "InvalidArgument",
        },
      ),
      defaultCacheBehavior: {
        accepts: [],
        cite: at("cloudfront/distribution.d.ts", 783, "DistributionArgs.defaultCacheBehavior"),
        required: true,
        fields: cacheBehaviorFields(22579, 22655, "DistributionDefaultCacheBehavior"),
      },
      enabled: flag(at("cloudfront/distribution.d.ts", 791, "DistributionArgs.enabled")),
      httpVersion: oneOf(at("cloudfront/distribution.d.ts", 795, "DistributionArgs.httpVersion"), ["http1.1", "http2", "http2and3", "http3"]),
      isIpv6Enabled: flag(at("cloudfront/distribution.d.ts", 799, "DistributionArgs.isIpv6Enabled")),
      orderedCacheBehaviors: {
        accepts: [],
        cite: at("cloudfront/distribution.d.ts", 807, "DistributionArgs.orderedCacheBehaviors"),
        fields: {
          ...cacheBehaviorFields(22733, 22813, "DistributionOrderedCacheBehavior"),
          pathPattern: with_(length(input(22785, "cloudfront.DistributionOrderedCacheBehavior.pathPattern"), 1, 255), { required: true }),
        },
      },
      originGroups: {
        accepts: [],
        cite: at("cloudfront/distribution.d.ts", 811, "DistributionArgs.originGroups"),
        fields: {
          members: with_(rule(input(22966, "cloudfront.DistributionOriginGroup.members"), { kind: "count", min: 2, max: 2 }), { required: true }),
          failoverCriteria: {
            accepts: [],
            cite: input(22962, "cloudfront.DistributionOriginGroup.failoverCriteria"),
            fields: {
              statusCodes: with_(rule(input(22973, "cloudfront.DistributionOriginGroupFailoverCriteria.statusCodes"), { kind: "count", min: 1, max: 8 }), {
                each: oneOf(
                  `${input(22973, "cloudfront.DistributionOriginGroupFailoverCriteria.statusCodes")}; ${apiPage("cloudfront/CreateDistribution", "OriginGroupFailoverCriteria.StatusCodes: 400, 403, 404, 416, 500, 502, 503 or 504")}`,
                  [400, 403, 404, 416, 500, 502, 503, 504],
                ),
              }),
            },
          },
        },
      },
      origins: with_(
        rule(`${at("cloudfront/distribution.d.ts", 815, "DistributionArgs.origins")}; ${apiPage("cloudfront/quotas", "origins per distribution: 25")}`, { kind: "count", min: 1, max: 25 }),
        {
          required: true,
          error: "TooManyOrigins",
          fields: {
            connectionAttempts: range(input(22877, "cloudfront.DistributionOrigin.connectionAttempts"), 1, 3),
            connectionTimeout: range(input(22881, "cloudfront.DistributionOrigin.connectionTimeout"), 1, 10),
            domainName: with_(free(input(22893, "cloudfront.DistributionOrigin.domainName"), "the origin's domain name"), { required: true }),
            originAccessControlId: ref(input(22897, "cloudfront.DistributionOrigin.originAccessControlId"), t.cloudfrontOriginAccessControl),
            originId: with_(free(input(22900, "cloudfront.DistributionOrigin.originId"), "a name unique among the distribution's origins"), { required: true }),
          },
        },
      ),
      priceClass: oneOf(at("cloudfront/distribution.d.ts", 819, "DistributionArgs.priceClass"), ["PriceClass_All", "PriceClass_200", "PriceClass_100"]),
      restrictions: {
        accepts: [],
        cite: at("cloudfront/distribution.d.ts", 823, "DistributionArgs.restrictions"),
        required: true,
        fields: {
          geoRestriction: {
            accepts: [],
            cite: at("cloudfront/distribution.d.ts", 823, "DistributionArgs.restrictions"),
            fields: { restrictionType: oneOf(input(23017, "cloudfront.DistributionRestrictionsGeoRestriction.restrictionType"), ["none", "whitelist", "blacklist"]) },
          },
        },
      },
      viewerCertificate: {
        accepts: [],
        cite: at("cloudfront/distribution.d.ts", 841, "DistributionArgs.viewerCertificate"),
        required: true,
        fields: {
          acmCertificateArn: rule(input(23151, "cloudfront.DistributionViewerCertificate.acmCertificateArn"), {
            kind: "check",
            test: (v) => typeof v !== "string" || /^arn:aws[a-z-]*:acm:us-east-1:/.test(v),
            text: "an ACM certificate in us-east-1",
          }),
          // The accepted versions are listed on a CloudFront page the declaration links to but that was not read: not judged.
          minimumProtocolVersion: free(input(23163, "cloudfront.DistributionViewerCertificate.minimumProtocolVersion"), "a security policy name of CloudFront's (not judged: its list was not read)"),
          sslSupportMethod: oneOf(input(23167, "cloudfront.DistributionViewerCertificate.sslSupportMethod"), ["vip", "sni-only", "static-ip"]),
        },
      },
    },
  },
  [t.cloudfrontOriginAccessControl]: {
    autoName,
    properties: {
      name: with_(length(`${at("cloudfront/originAccessControl.d.ts", 127, "OriginAccessControlArgs.name")}; ${apiPage("cloudfront/OriginAccessControlConfig", "Name: up to 64 characters")}`, 1, 64), {
        error: "InvalidArgument",
      }),
      description: length(
        `${at("cloudfront/originAccessControl.d.ts", 123, "OriginAccessControlArgs.description")}; ${apiPage("cloudfront/OriginAccessControlConfig", "Description: up to 256 characters")}`,
        0,
        256,
      ),
      originAccessControlOriginType: oneOf(at("cloudfront/originAccessControl.d.ts", 131, "OriginAccessControlArgs.originAccessControlOriginType"), ["lambda", "mediapackagev2", "mediastore", "s3"]),
      signingBehavior: oneOf(at("cloudfront/originAccessControl.d.ts", 135, "OriginAccessControlArgs.signingBehavior"), ["always", "never", "no-override"]),
      signingProtocol: oneOf(at("cloudfront/originAccessControl.d.ts", 139, "OriginAccessControlArgs.signingProtocol"), ["sigv4"]),
    },
  },
  [t.cloudfrontResponseHeadersPolicy]: {
    autoName,
    properties: {
      // No length limit of the name was read: only its type is judged.
      name: free(at("cloudfront/responseHeadersPolicy.d.ts", 218, "ResponseHeadersPolicyArgs.name"), "a name unique among the account's response headers policies"),
      comment: length(at("cloudfront/responseHeadersPolicy.d.ts", 206, "ResponseHeadersPolicyArgs.comment"), 0, 128),
      corsConfig: free(at("cloudfront/responseHeadersPolicy.d.ts", 210, "ResponseHeadersPolicyArgs.corsConfig"), "a CORS configuration"),
      customHeadersConfig: free(at("cloudfront/responseHeadersPolicy.d.ts", 214, "ResponseHeadersPolicyArgs.customHeadersConfig"), "custom headers"),
      securityHeadersConfig: free(at("cloudfront/responseHeadersPolicy.d.ts", 226, "ResponseHeadersPolicyArgs.securityHeadersConfig"), "security headers"),
    },
  },
  [t.cloudwatchDashboard]: {
    properties: {
      dashboardBody: with_(free(at("cloudwatch/dashboard.d.ts", 135, "DashboardArgs.dashboardBody"), "a dashboard body (JSON)"), { required: true }),
      dashboardName: {
        ...rule(
          `${at("cloudwatch/dashboard.d.ts", 139, "DashboardArgs.dashboardName")}; ${apiPage("cloudwatch/PutDashboard", "DashboardName: alphanumerics, - and _ only, up to 255 characters; putting an existing name replaces that dashboard")}`,
          { kind: "length", min: 1, max: 255 },
          { kind: "pattern", pattern: /^[A-Za-z0-9_-]+$/, text: "alphanumerics, - and _" },
        ),
        required: true,
        error: "InvalidParameterInput",
        unique: { scope: "account", perStack: true, collision: "would put a dashboard of the same name, which replaces the first stack's dashboard" },
      },
      region: region("cloudwatch/dashboard.d.ts", 143, "DashboardArgs"),
    },
  },
  [t.cloudwatchMetricAlarm]: {
    properties: {
      actionsEnabled: flag(at("cloudwatch/metricAlarm.d.ts", 563, "MetricAlarmArgs.actionsEnabled")),
      alarmActions: alarmActions(at("cloudwatch/metricAlarm.d.ts", 567, "MetricAlarmArgs.alarmActions")),
      alarmDescription: with_(
        length(`${at("cloudwatch/metricAlarm.d.ts", 571, "MetricAlarmArgs.alarmDescription")}; ${apiPage("cloudwatch/PutMetricAlarm", "AlarmDescription: length 0-1024")}`, 0, 1024),
        {
          error: "ValidationError",
        },
      ),
      comparisonOperator: oneOf(at("cloudwatch/metricAlarm.d.ts", 575, "MetricAlarmArgs.comparisonOperator"), [
        "GreaterThanOrEqualToThreshold",
        "GreaterThanThreshold",
        "LessThanThreshold",
        "LessThanOrEqualToThreshold",
        "LessThanLowerOrGreaterThanUpperThreshold",
        "LessThanLowerThreshold",
        "GreaterThanUpperThreshold",
      ]),
      datapointsToAlarm: range(`${at("cloudwatch/metricAlarm.d.ts", 579, "MetricAlarmArgs.datapointsToAlarm")}; ${apiPage("cloudwatch/PutMetricAlarm", "DatapointsToAlarm: minimum 1")}`, 1, undefined),
      dimensions: with_(
        rule(`${at("cloudwatch/metricAlarm.d.ts", 583, "MetricAlarmArgs.dimensions")}; ${apiPage("cloudwatch/PutMetricAlarm", "Dimensions: at most 30 items")}`, {
          kind: "check",
          test: (v) => !v || typeof v !== "object" || Object.keys(v).length <= 30,
          text: "at most 30 dimensions",
        }),
        { error: "ValidationError" },
      ),
      evaluationPeriods: range(`${at("cloudwatch/metricAlarm.d.ts", 604, "MetricAlarmArgs.evaluationPeriods")}; ${apiPage("cloudwatch/PutMetricAlarm", "EvaluationPeriods: minimum 1")}`, 1, undefined),
      metricName: length(`${at("cloudwatch/metricAlarm.d.ts", 616, "MetricAlarmArgs.metricName")}; ${apiPage("cloudwatch/PutMetricAlarm", "MetricName: length 1-255")}`, 1, 255),
      metricQueries: with_(rule(at("cloudwatch/metricAlarm.d.ts", 621, "MetricAlarmArgs.metricQueries"), { kind: "count", min: 1, max: 20 }), { fields: metricQueryFields }),
      name: {
        ...length(
          `${at("cloudwatch/metricAlarm.d.ts", 625, "MetricAlarmArgs.name")}; ${apiPage("cloudwatch/PutMetricAlarm", "AlarmName: length 1-255; putting an existing name updates that alarm")}`,
          1,
          255,
        ),
        error: "ValidationError",
        unique: { scope: "account and region", perStack: true, collision: "would put alarms of the same names, which overwrite the first stack's alarms (thresholds, actions)" },
      },
      namespace: rule(
        `${at("cloudwatch/metricAlarm.d.ts", 629, "MetricAlarmArgs.namespace")}; ${apiPage("cloudwatch/PutMetricAlarm", "Namespace: length 1-255, pattern [^:].*")}`,
        { kind: "length", min: 1, max: 255 },
        { kind: "pattern", pattern: /^[^:]/, text: "not beginning with a colon" },
      ),
      okActions: alarmActions(at("cloudwatch/metricAlarm.d.ts", 634, "MetricAlarmArgs.okActions")),
      period: alarmPeriod(at("cloudwatch/metricAlarm.d.ts", 638, "MetricAlarmArgs.period")),
      region: region("cloudwatch/metricAlarm.d.ts", 643, "MetricAlarmArgs"),
      statistic: oneOf(at("cloudwatch/metricAlarm.d.ts", 647, "MetricAlarmArgs.statistic"), ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
      tags: tags("cloudwatch/metricAlarm.d.ts", 652, "MetricAlarmArgs"),
      threshold: range(at("cloudwatch/metricAlarm.d.ts", 663, "MetricAlarmArgs.threshold"), undefined, undefined, false),
      thresholdMetricId: length(`${at("cloudwatch/metricAlarm.d.ts", 667, "MetricAlarmArgs.thresholdMetricId")}; ${apiPage("cloudwatch/PutMetricAlarm", "ThresholdMetricId: length 1-255")}`, 1, 255),
      treatMissingData: oneOf(at("cloudwatch/metricAlarm.d.ts", 671, "MetricAlarmArgs.treatMissingData"), ["missing", "ignore", "breaching", "notBreaching"]),
    },
    typeChecks: [
      {
        test: (i) => (i.metricName === undefined) !== (i.metricQueries === undefined),
        text: "exactly one of metricName (a single metric) and metricQueries (metric math)",
        cite: apiPage("cloudwatch/PutMetricAlarm", "MetricName or Metrics, not both"),
      },
      {
        test: (i) => i.datapointsToAlarm === undefined || i.evaluationPeriods === undefined || Number(i.datapointsToAlarm) <= Number(i.evaluationPeriods),
        text: "datapointsToAlarm is at most evaluationPeriods",
        cite: apiPage("cloudwatch/PutMetricAlarm", "DatapointsToAlarm"),
      },
    ],
  },
  [t.cloudwatchLogGroup]: {
    properties: {
      kmsKeyId: ref(at("cloudwatch/logGroup.d.ts", 182, "LogGroupArgs.kmsKeyId"), t.kmsKey),
      name: with_(
        rule(
          `${at("cloudwatch/logGroup.d.ts", 192, "LogGroupArgs.name")}; ${apiPage("logs/CreateLogGroup", "logGroupName: 1 to 512 characters, pattern [\\.\\-_/#A-Za-z0-9]+")}`,
          { kind: "length", min: 1, max: 512 },
          { kind: "pattern", pattern: /^[.\-_/#A-Za-z0-9]+$/, text: "letters, digits and . - _ / #" },
        ),
        { error: "InvalidParameterException" },
      ),
      region: region("cloudwatch/logGroup.d.ts", 200, "LogGroupArgs"),
      retentionInDays: with_(
        oneOf(
          `${at("cloudwatch/logGroup.d.ts", 204, "LogGroupArgs.retentionInDays")}; ${apiPage("logs/PutRetentionPolicy", "retentionInDays: one of the listed numbers of days")}`,
          [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
        ),
        { error: "InvalidParameterException" },
      ),
    },
  },
  [t.cloudwatchLogResourcePolicy]: {
    properties: {
      policyDocument: with_(
        policySize(
          `${at("cloudwatch/logResourcePolicy.d.ts", 165, "LogResourcePolicyArgs.policyDocument")}; ${apiPage("logs/PutResourcePolicy", "policyDocument: 1 to 5,120 characters")}`,
          5120,
          "characters",
          "InvalidParameterException",
        ),
        { required: true },
      ),
      policyName: with_(free(at("cloudwatch/logResourcePolicy.d.ts", 169, "LogResourcePolicyArgs.policyName")), { exclusiveWith: ["resourceArn"] }),
      region: region("cloudwatch/logResourcePolicy.d.ts", 173, "LogResourcePolicyArgs"),
    },
  },
  [t.cloudwatchLogDelivery]: {
    properties: {
      deliveryDestinationArn: ref(at("cloudwatch/logDelivery.d.ts", 194, "LogDeliveryArgs.deliveryDestinationArn"), t.cloudwatchLogDeliveryDestination),
      deliverySourceName: ref(at("cloudwatch/logDelivery.d.ts", 198, "LogDeliveryArgs.deliverySourceName"), t.cloudwatchLogDeliverySource),
      region: region("cloudwatch/logDelivery.d.ts", 210, "LogDeliveryArgs"),
    },
  },
  [t.cloudwatchLogDeliveryDestination]: {
    properties: {
      deliveryDestinationConfiguration: {
        accepts: [],
        cite: at("cloudwatch/logDeliveryDestination.d.ts", 161, "LogDeliveryDestinationArgs.deliveryDestinationConfiguration"),
        fields: {
          destinationResourceArn: with_(ref(input(24990, "cloudwatch.LogDeliveryDestinationDeliveryDestinationConfiguration.destinationResourceArn"), ...bucketRef), { required: true }),
        },
      },
      name: deliveryName(at("cloudwatch/logDeliveryDestination.d.ts", 169, "LogDeliveryDestinationArgs.name"), "logs/PutDeliveryDestination", "destination"),
      outputFormat: oneOf(at("cloudwatch/logDeliveryDestination.d.ts", 173, "LogDeliveryDestinationArgs.outputFormat"), ["json", "plain", "w3c", "raw", "parquet"]),
      region: region("cloudwatch/logDeliveryDestination.d.ts", 177, "LogDeliveryDestinationArgs"),
    },
  },
  [t.cloudwatchLogDeliverySource]: {
    properties: {
      logType: with_(free(at("cloudwatch/logDeliverySource.d.ts", 146, "LogDeliverySourceArgs.logType"), "the log type the source's service sends (ACCESS_LOGS for CloudFront)"), { required: true }),
      name: deliveryName(at("cloudwatch/logDeliverySource.d.ts", 150, "LogDeliverySourceArgs.name"), "logs/PutDeliverySource", "source"),
      region: region("cloudwatch/logDeliverySource.d.ts", 154, "LogDeliverySourceArgs"),
      resourceArn: with_(ref(at("cloudwatch/logDeliverySource.d.ts", 158, "LogDeliverySourceArgs.resourceArn"), t.cloudfrontDistribution), { required: true }),
    },
  },
  [t.ec2DefaultSecurityGroup]: {
    properties: {
      egress: free(at("ec2/defaultSecurityGroup.d.ts", 200, "DefaultSecurityGroupArgs.egress"), "rule blocks (the program keeps none)"),
      ingress: free(at("ec2/defaultSecurityGroup.d.ts", 204, "DefaultSecurityGroupArgs.ingress"), "rule blocks (the program keeps none)"),
      region: region("ec2/defaultSecurityGroup.d.ts", 208, "DefaultSecurityGroupArgs"),
      tags: tags("ec2/defaultSecurityGroup.d.ts", 213, "DefaultSecurityGroupArgs"),
      vpcId: ref(at("ec2/defaultSecurityGroup.d.ts", 219, "DefaultSecurityGroupArgs.vpcId"), t.ec2Vpc),
    },
  },
  [t.ec2Eip]: {
    properties: {
      domain: oneOf(at("ec2/eip.d.ts", 363, "EipArgs.domain"), ["vpc", "standard"]),
      region: region("ec2/eip.d.ts", 388, "EipArgs"),
      tags: tags("ec2/eip.d.ts", 392, "EipArgs"),
    },
  },
  [t.ec2FlowLog]: {
    properties: {
      logDestination: ref(at("ec2/flowLog.d.ts", 436, "FlowLogArgs.logDestination"), ...bucketRef),
      logDestinationType: oneOf(at("ec2/flowLog.d.ts", 440, "FlowLogArgs.logDestinationType"), ["cloud-watch-logs", "s3", "kinesis-data-firehose"]),
      maxAggregationInterval: oneOf(at("ec2/flowLog.d.ts", 448, "FlowLogArgs.maxAggregationInterval"), [60, 600]),
      region: region("ec2/flowLog.d.ts", 452, "FlowLogArgs"),
      tags: tags("ec2/flowLog.d.ts", 468, "FlowLogArgs"),
      trafficType: oneOf(at("ec2/flowLog.d.ts", 474, "FlowLogArgs.trafficType"), ["ACCEPT", "REJECT", "ALL"]),
      vpcId: ref(at("ec2/flowLog.d.ts", 486, "FlowLogArgs.vpcId"), t.ec2Vpc),
    },
  },
  [t.ec2InternetGateway]: {
    properties: {
      region: region("ec2/internetGateway.d.ts", 153, "InternetGatewayArgs"),
      tags: tags("ec2/internetGateway.d.ts", 157, "InternetGatewayArgs"),
      vpcId: ref(at("ec2/internetGateway.d.ts", 175, "InternetGatewayArgs.vpcId"), t.ec2Vpc),
    },
  },
  [t.ec2LaunchTemplate]: {
    autoName,
    properties: {
      name: with_(
        rule(
          at("ec2/launchTemplate.d.ts", 499, "LaunchTemplateArgs.name"),
          { kind: "length", min: 3, max: 128 },
          { kind: "pattern", pattern: /^[a-zA-Z0-9().\-/_]+$/, text: "alphanumerics and ().-/_" },
        ),
        { error: "InvalidLaunchTemplateName.MalformedException" },
      ),
      blockDeviceMappings: {
        accepts: [],
        cite: at("ec2/launchTemplate.d.ts", 401, "LaunchTemplateArgs.blockDeviceMappings"),
        fields: {
          deviceName: free(at("ec2/launchTemplate.d.ts", 401, "LaunchTemplateArgs.blockDeviceMappings"), "a device name"),
          ebs: {
            accepts: [],
            cite: at("ec2/launchTemplate.d.ts", 401, "LaunchTemplateArgs.blockDeviceMappings"),
            fields: {
              deleteOnTermination: flag(input(36537, "ec2.LaunchTemplateBlockDeviceMappingEbs.deleteOnTermination")),
              encrypted: flag(input(36542, "ec2.LaunchTemplateBlockDeviceMappingEbs.encrypted")),
              volumeSize: range(input(36569, "ec2.LaunchTemplateBlockDeviceMappingEbs.volumeSize"), 1, 65536),
              volumeType: oneOf(input(36573, "ec2.LaunchTemplateBlockDeviceMappingEbs.volumeType"), ["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"]),
            },
          },
        },
      },
      description: with_(length(`${at("ec2/launchTemplate.d.ts", 423, "LaunchTemplateArgs.description")}; VersionDescription: up to 255 characters`, 0, 255), { error: "InvalidParameterValue" }),
      iamInstanceProfile: {
        accepts: [],
        cite: at("ec2/launchTemplate.d.ts", 448, "LaunchTemplateArgs.iamInstanceProfile"),
        fields: { arn: ref(at("ec2/launchTemplate.d.ts", 448, "LaunchTemplateArgs.iamInstanceProfile"), t.iamInstanceProfile) },
      },
      imageId: rule(at("ec2/launchTemplate.d.ts", 453, "LaunchTemplateArgs.imageId"), {
        kind: "pattern",
        pattern: /^(ami-[0-9a-f]{8}([0-9a-f]{9})?|resolve:ssm:.+)$/,
        text: "an AMI id (ami- and 8 or 17 hex digits) or resolve:ssm:<parameter>",
      }),
      instanceType: rule(at("ec2/launchTemplate.d.ts", 471, "LaunchTemplateArgs.instanceType"), {
        kind: "pattern",
        pattern: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
        text: "an instance type such as c6i.large",
      }),
      metadataOptions: {
        accepts: [],
        cite: at("ec2/launchTemplate.d.ts", 491, "LaunchTemplateArgs.metadataOptions"),
        fields: {
          httpEndpoint: oneOf(input(36943, "ec2.LaunchTemplateMetadataOptions.httpEndpoint"), ["enabled", "disabled"]),
          httpPutResponseHopLimit: range(input(36951, "ec2.LaunchTemplateMetadataOptions.httpPutResponseHopLimit"), 1, 64),
          httpTokens: oneOf(input(36955, "ec2.LaunchTemplateMetadataOptions.httpTokens"), ["optional", "required"]),
          instanceMetadataTags: oneOf(input(36959, "ec2.LaunchTemplateMetadataOptions.instanceMetadataTags"), ["enabled", "disabled"]),
        },
      },
      monitoring: { accepts: [], cite: at("ec2/launchTemplate.d.ts", 495, "LaunchTemplateArgs.monitoring"), fields: { enabled: flag(input(36967, "ec2.LaunchTemplateMonitoring.enabled")) } },
      networkInterfaces: {
        accepts: [],
        cite: at("ec2/launchTemplate.d.ts", 507, "LaunchTemplateArgs.networkInterfaces"),
        fields: {
          associatePublicIpAddress: flag(input(36977, "ec2.LaunchTemplateNetworkInterface.associatePublicIpAddress")),
          deleteOnTermination: flag(input(36985, "ec2.LaunchTemplateNetworkInterface.deleteOnTermination")),
          deviceIndex: range(input(36993, "ec2.LaunchTemplateNetworkInterface.deviceIndex"), 0, undefined),
          securityGroups: ref(input(37057, "ec2.LaunchTemplateNetworkInterface.securityGroups"), t.ec2SecurityGroup),
        },
      },
      region: region("ec2/launchTemplate.d.ts", 525, "LaunchTemplateArgs"),
      tagSpecifications: {
        accepts: [],
        cite: at("ec2/launchTemplate.d.ts", 539, "LaunchTemplateArgs.tagSpecifications"),
        fields: {
          resourceType: oneOf(input(37187, "ec2.LaunchTemplateTagSpecification.resourceType"), ["instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu"]),
          tags: tagsAt(input(37191, "ec2.LaunchTemplateTagSpecification.tags")),
        },
      },
      tags: tags("ec2/launchTemplate.d.ts", 543, "LaunchTemplateArgs"),
      updateDefaultVersion: flag(at("ec2/launchTemplate.d.ts", 549, "LaunchTemplateArgs.updateDefaultVersion")),
      userData: with_(
        rule(`${at("ec2/launchTemplate.d.ts", 553, "LaunchTemplateArgs.userData")}; ${apiPage("ec2/userData", "16 KB raw")}`, {
          kind: "check",
          test: (v) => typeof v !== "string" || decodedBase64Length(v) <= 16 * 1024,
          text: "base64 of at most 16 KB (16,384 bytes) of user data",
        }),
        { error: "InvalidParameterValue (User data is limited to 16384 bytes)" },
      ),
    },
  },
  [t.ec2Route]: {
    properties: {
      destinationCidrBlock: with_(
        cidr(`${at("ec2/route.d.ts", 297, "RouteArgs.destinationCidrBlock")}; ${apiPage("ec2/CreateRoute", "DestinationCidrBlock: the IPv4 CIDR block of the destination")}`, 0, 32),
        {
          error: "InvalidParameterValue",
        },
      ),
      // One target per route: the program sets exactly one of these (the internet gateway, or the
      // datastore's transit gateway or peering connection); CreateRoute refuses a route with two.
      gatewayId: with_(ref(at("ec2/route.d.ts", 315, "RouteArgs.gatewayId"), t.ec2InternetGateway), { exclusiveWith: ["transitGatewayId", "vpcPeeringConnectionId"] }),
      region: region("ec2/route.d.ts", 335, "RouteArgs"),
      routeTableId: with_(ref(at("ec2/route.d.ts", 339, "RouteArgs.routeTableId"), t.ec2RouteTable), { required: true }),
      transitGatewayId: with_(
        rule(`${at("ec2/route.d.ts", 345, "RouteArgs.transitGatewayId")}; ${apiPage("ec2/CreateRoute", "TransitGatewayId: the ID of a transit gateway")}`, {
          kind: "pattern",
          pattern: /^tgw-([0-9a-f]{8}|[0-9a-f]{17})$/,
          text: "a transit gateway id: tgw- and 8 or 17 hexadecimal digits",
        }),
        { error: "InvalidTransitGatewayID.NotFound (EC2 client error codes)", exclusiveWith: ["vpcPeeringConnectionId"] },
      ),
      vpcPeeringConnectionId: with_(
        rule(`${at("ec2/route.d.ts", 353, "RouteArgs.vpcPeeringConnectionId")}; ${apiPage("ec2/CreateRoute", "VpcPeeringConnectionId: the ID of a VPC peering connection")}`, {
          kind: "pattern",
          pattern: /^pcx-([0-9a-f]{8}|[0-9a-f]{17})$/,
          text: "a VPC peering connection id: pcx- and 8 or 17 hexadecimal digits",
        }),
        { error: "InvalidVpcPeeringConnectionID.Malformed (EC2 client error codes)" },
      ),
    },
  },
  [t.ec2RouteTable]: {
    properties: {
      region: region("ec2/routeTable.d.ts", 240, "RouteTableArgs"),
      routes: {
        accepts: [],
        cite: at("ec2/routeTable.d.ts", 244, "RouteTableArgs.routes"),
        fields: {
          cidrBlock: cidr(at("ec2/routeTable.d.ts", 244, "RouteTableArgs.routes"), 0, 32),
          gatewayId: ref(at("ec2/routeTable.d.ts", 244, "RouteTableArgs.routes"), t.ec2InternetGateway),
        },
      },
      tags: tags("ec2/routeTable.d.ts", 251, "RouteTableArgs"),
      vpcId: with_(ref(at("ec2/routeTable.d.ts", 257, "RouteTableArgs.vpcId"), t.ec2Vpc), { required: true }),
    },
  },
  [t.ec2RouteTableAssociation]: {
    properties: {
      region: region("ec2/routeTableAssociation.d.ts", 132, "RouteTableAssociationArgs"),
      routeTableId: with_(ref(at("ec2/routeTableAssociation.d.ts", 136, "RouteTableAssociationArgs.routeTableId"), t.ec2RouteTable), { required: true }),
      subnetId: with_(ref(at("ec2/routeTableAssociation.d.ts", 142, "RouteTableAssociationArgs.subnetId"), t.ec2Subnet), { exclusiveWith: ["gatewayId"] }),
    },
  },
  [t.ec2SecurityGroup]: {
    autoName,
    properties: {
      name: with_(length(`${at("ec2/securityGroup.d.ts", 355, "SecurityGroupArgs.name")}; ${apiPage("ec2/CreateSecurityGroup", "GroupName: up to 255 characters, not beginning with sg-")}`, 1, 255), {
        error: "InvalidParameterValue",
      }),
      description: ec2Description(at("ec2/securityGroup.d.ts", 343, "SecurityGroupArgs.description")),
      region: region("ec2/securityGroup.d.ts", 363, "SecurityGroupArgs"),
      tags: tags("ec2/securityGroup.d.ts", 371, "SecurityGroupArgs"),
      vpcId: ref(at("ec2/securityGroup.d.ts", 377, "SecurityGroupArgs.vpcId"), t.ec2Vpc),
    },
  },
  [t.ec2Subnet]: {
    properties: {
      availabilityZoneId: rule(at("ec2/subnet.d.ts", 382, "SubnetArgs.availabilityZoneId"), { kind: "pattern", pattern: /^[a-z]{2,}[0-9]+-az[0-9]+$/, text: "an AZ ID such as use1-az1" }),
      cidrBlock: {
        ...cidr(
          `${at("ec2/subnet.d.ts", 386, "SubnetArgs.cidrBlock")}; ${apiPage("ec2/CreateSubnet", "an IPv4 subnet is between a /28 and a /16 netmask, within the VPC's block, and overlaps no other subnet of the VPC")}`,
          16,
          28,
        ),
        error: "InvalidSubnet.Range",
        unique: { scope: "VPC", perStack: false, why: "each stack has its own VPCs; a replacement of the same block is refused by the update rehearsal (InvalidSubnet.Conflict)" },
      },
      region: region("ec2/subnet.d.ts", 451, "SubnetArgs"),
      tags: tags("ec2/subnet.d.ts", 455, "SubnetArgs"),
      vpcId: with_(ref(at("ec2/subnet.d.ts", 461, "SubnetArgs.vpcId"), t.ec2Vpc), { required: true }),
    },
  },
  [t.ec2Vpc]: {
    properties: {
      cidrBlock: with_(cidr(`${at("ec2/vpc.d.ts", 310, "VpcArgs.cidrBlock")}; ${apiPage("ec2/CreateVpc", "an IPv4 block between a /16 and a /28 netmask")}`, 16, 28), { error: "InvalidVpc.Range" }),
      enableDnsHostnames: flag(at("ec2/vpc.d.ts", 314, "VpcArgs.enableDnsHostnames")),
      enableDnsSupport: flag(at("ec2/vpc.d.ts", 318, "VpcArgs.enableDnsSupport")),
      region: region("ec2/vpc.d.ts", 354, "VpcArgs"),
      tags: tags("ec2/vpc.d.ts", 358, "VpcArgs"),
    },
  },
  [t.ec2VpcEndpoint]: {
    properties: {
      policy: policySize(`${at("ec2/vpcEndpoint.d.ts", 467, "VpcEndpointArgs.policy")}; ${apiPage("iam/quotas", "a VPC endpoint policy is at most 20,480 characters")}`, 20480),
      privateDnsEnabled: flag(at("ec2/vpcEndpoint.d.ts", 471, "VpcEndpointArgs.privateDnsEnabled")),
      region: region("ec2/vpcEndpoint.d.ts", 476, "VpcEndpointArgs"),
      routeTableIds: ref(at("ec2/vpcEndpoint.d.ts", 484, "VpcEndpointArgs.routeTableIds"), t.ec2RouteTable),
      securityGroupIds: ref(at("ec2/vpcEndpoint.d.ts", 488, "VpcEndpointArgs.securityGroupIds"), t.ec2SecurityGroup),
      serviceName: with_(
        rule(at("ec2/vpcEndpoint.d.ts", 493, "VpcEndpointArgs.serviceName"), {
          kind: "pattern",
          pattern: /^(com\.amazonaws|aws\.[a-z]+)\.[a-z0-9-]+\.[a-z0-9.-]+$/,
          text: "com.amazonaws.<region>.<service>",
        }),
        { required: true },
      ),
      subnetIds: ref(at("ec2/vpcEndpoint.d.ts", 509, "VpcEndpointArgs.subnetIds"), t.ec2Subnet),
      tags: tags("ec2/vpcEndpoint.d.ts", 513, "VpcEndpointArgs"),
      vpcEndpointType: oneOf(at("ec2/vpcEndpoint.d.ts", 519, "VpcEndpointArgs.vpcEndpointType"), ["Gateway", "GatewayLoadBalancer", "Interface", "Resource", "ServiceNetwork"]),
      vpcId: with_(ref(at("ec2/vpcEndpoint.d.ts", 523, "VpcEndpointArgs.vpcId"), t.ec2Vpc), { required: true }),
    },
  },
  [t.iamInstanceProfile]: {
    autoName,
    properties: {
      name: iamName(at("iam/instanceProfile.d.ts", 168, "InstanceProfileArgs.name"), 128),
      role: ref(at("iam/instanceProfile.d.ts", 180, "InstanceProfileArgs.role"), t.iamRole),
    },
  },
  [t.iamRole]: {
    autoName,
    properties: {
      name: iamName(at("iam/role.d.ts", 398, "RoleArgs.name"), 64),
      assumeRolePolicy: policySize(`${at("iam/role.d.ts", 370, "RoleArgs.assumeRolePolicy")}; ${apiPage("iam/quotas", "role trust policy: 2,048 characters (the default quota)")}`, 2048),
      description: length(`${at("iam/role.d.ts", 378, "RoleArgs.description")}; ${apiPage("iam/quotas", "role description: up to 1,000 characters")}`, 0, 1000),
    },
  },
  [t.iamRolePolicy]: {
    autoName,
    properties: {
      name: iamName(at("iam/rolePolicy.d.ts", 140, "RolePolicyArgs.name"), 128),
      policy: policySize(`${at("iam/rolePolicy.d.ts", 149, "RolePolicyArgs.policy")}; ${apiPage("iam/quotas", "inline policies of a role: 10,240 characters in all")}`, 10240),
      role: ref(at("iam/rolePolicy.d.ts", 155, "RolePolicyArgs.role"), t.iamRole),
    },
  },
  [t.iamRolePolicyAttachment]: {
    properties: {
      policyArn: rule(at("iam/rolePolicyAttachment.d.ts", 118, "RolePolicyAttachmentArgs.policyArn"), {
        kind: "pattern",
        pattern: /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/,
        text: "an IAM policy ARN",
      }),
      role: ref(at("iam/rolePolicyAttachment.d.ts", 122, "RolePolicyAttachmentArgs.role"), t.iamRole),
    },
  },
  [t.kmsKey]: {
    properties: {
      deletionWindowInDays: with_(range(`${at("kms/key.d.ts", 540, "KeyArgs.deletionWindowInDays")}; ${apiPage("kms/ScheduleKeyDeletion", "PendingWindowInDays: 7 to 30")}`, 7, 30), {
        error: "ValidationException",
      }),
      description: length(at("kms/key.d.ts", 546, "KeyArgs.description"), 0, 8192),
      enableKeyRotation: flag(at("kms/key.d.ts", 550, "KeyArgs.enableKeyRotation")),
      policy: policySize(
        `${at("kms/key.d.ts", 567, "KeyArgs.policy")}; ${apiPage("kms/PutKeyPolicy", "Policy: up to 32 kilobytes (32768 bytes)")}`,
        32768,
        "bytes",
        "LimitExceededException / MalformedPolicyDocumentException",
      ),
      region: region("kms/key.d.ts", 573, "KeyArgs"),
    },
  },
  [t.lbListener]: {
    properties: {
      certificateArn: ref(at("lb/listener.d.ts", 614, "ListenerArgs.certificateArn"), t.acmCertificateValidation),
      defaultActions: with_(rule(at("lb/listener.d.ts", 618, "ListenerArgs.defaultActions"), { kind: "count", min: 1 }), {
        required: true,
        fields: {
          type: with_(oneOf(input(57675, "lb.ListenerDefaultAction.type"), ["forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc", "jwt-validation"]), {
            required: true,
          }),
          targetGroupArn: ref(input(57671, "lb.ListenerDefaultAction.targetGroupArn"), t.lbTargetGroup),
        },
      }),
      loadBalancerArn: with_(ref(at("lb/listener.d.ts", 622, "ListenerArgs.loadBalancerArn"), t.lbLoadBalancer), { required: true }),
      port: port(at("lb/listener.d.ts", 632, "ListenerArgs.port")),
      protocol: oneOf(at("lb/listener.d.ts", 636, "ListenerArgs.protocol"), ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"]),
      region: region("lb/listener.d.ts", 640, "ListenerArgs"),
      sslPolicy: free(at("lb/listener.d.ts", 720, "ListenerArgs.sslPolicy"), "an ELB security policy name"),
    },
    typeChecks: [
      {
        test: (i) => !["HTTPS", "TLS"].includes(String(i.protocol)) || (i.sslPolicy !== undefined && i.certificateArn !== undefined),
        text: "an HTTPS or TLS listener has a certificate and an SSL policy",
        cite: at("lb/listener.d.ts", 720, "ListenerArgs.sslPolicy"),
      },
    ],
  },
  [t.lbLoadBalancer]: {
    autoName,
    properties: {
      name: {
        ...elbName(at("lb/loadBalancer.d.ts", 562, "LoadBalancerArgs.name"), "elbv2/CreateLoadBalancer", "Region per account"),
        unique: { scope: "account and region", perStack: true, collision: "would create a load balancer of the same name: DuplicateLoadBalancerName" },
      },
      accessLogs: {
        accepts: [],
        cite: at("lb/loadBalancer.d.ts", 470, "LoadBalancerArgs.accessLogs"),
        fields: {
          bucket: with_(ref(input(58259, "lb.LoadBalancerAccessLogs.bucket"), ...bucketRef), { required: true }),
          enabled: flag(input(58263, "lb.LoadBalancerAccessLogs.enabled")),
          prefix: free(input(58267, "lb.LoadBalancerAccessLogs.prefix"), "a key prefix"),
        },
      },
      enableCrossZoneLoadBalancing: flag(at("lb/loadBalancer.d.ts", 498, "LoadBalancerArgs.enableCrossZoneLoadBalancing")),
      enableDeletionProtection: flag(at("lb/loadBalancer.d.ts", 502, "LoadBalancerArgs.enableDeletionProtection")),
      internal: flag(at("lb/loadBalancer.d.ts", 542, "LoadBalancerArgs.internal")),
      ipAddressType: oneOf(at("lb/loadBalancer.d.ts", 546, "LoadBalancerArgs.ipAddressType"), ["ipv4", "dualstack", "dualstack-without-public-ipv4"]),
      loadBalancerType: oneOf(at("lb/loadBalancer.d.ts", 554, "LoadBalancerArgs.loadBalancerType"), ["application", "gateway", "network"]),
      region: region("lb/loadBalancer.d.ts", 574, "LoadBalancerArgs"),
      securityGroups: with_(ref(at("lb/loadBalancer.d.ts", 582, "LoadBalancerArgs.securityGroups"), t.ec2SecurityGroup), { accepts: [{ kind: "count", max: 5 }] }),
      subnetMappings: with_(rule(at("lb/loadBalancer.d.ts", 586, "LoadBalancerArgs.subnetMappings"), { kind: "count", min: 1 }), {
        exclusiveWith: ["subnets"],
        fields: {
          allocationId: ref(input(58313, "lb.LoadBalancerSubnetMapping.allocationId"), t.ec2Eip),
          subnetId: with_(ref(input(58326, "lb.LoadBalancerSubnetMapping.subnetId"), t.ec2Subnet), { required: true }),
        },
      }),
      tags: tags("lb/loadBalancer.d.ts", 594, "LoadBalancerArgs"),
    },
    typeChecks: [
      {
        test: (i) => !Array.isArray(i.subnetMappings) || new Set((i.subnetMappings as { subnetId?: unknown }[]).map((m) => m.subnetId)).size === i.subnetMappings.length,
        text: "one subnet per Availability Zone (no subnet twice)",
        cite: input(58326, "lb.LoadBalancerSubnetMapping.subnetId"),
      },
    ],
  },
  [t.lbTargetGroup]: {
    autoName,
    properties: {
      name: {
        ...elbName(at("lb/targetGroup.d.ts", 457, "TargetGroupArgs.name"), "elbv2/CreateTargetGroup", "Region per account"),
        unique: { scope: "account and region", perStack: true, collision: "would create a target group of the same name: DuplicateTargetGroupName" },
      },
      connectionTermination: flag(at("lb/targetGroup.d.ts", 425, "TargetGroupArgs.connectionTermination")),
      deregistrationDelay: range(at("lb/targetGroup.d.ts", 429, "TargetGroupArgs.deregistrationDelay"), 0, 3600),
      healthCheck: {
        accepts: [],
        cite: at("lb/targetGroup.d.ts", 433, "TargetGroupArgs.healthCheck"),
        fields: {
          enabled: flag(input(58332, "lb.TargetGroupHealthCheck.enabled")),
          healthyThreshold: range(input(58336, "lb.TargetGroupHealthCheck.healthyThreshold"), 2, 10),
          interval: range(input(58340, "lb.TargetGroupHealthCheck.interval"), 5, 300),
          matcher: rule(input(58344, "lb.TargetGroupHealthCheck.matcher"), {
            kind: "pattern",
            pattern: /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/,
            text: "HTTP codes, comma-separated values or a range (200,202 or 200-299)",
          }),
          path: length(input(58355, "lb.TargetGroupHealthCheck.path"), 1, 1024),
          port: rule(input(58362, "lb.TargetGroupHealthCheck.port"), {
            kind: "check",
            test: (v) => v === "traffic-port" || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 65535),
            text: "traffic-port or a port number",
          }),
          protocol: oneOf(input(58368, "lb.TargetGroupHealthCheck.protocol"), ["TCP", "HTTP", "HTTPS"]),
          timeout: range(input(58376, "lb.TargetGroupHealthCheck.timeout"), 2, 120),
          unhealthyThreshold: range(input(58380, "lb.TargetGroupHealthCheck.unhealthyThreshold"), 2, 10),
        },
      },
      port: port(`${at("lb/targetGroup.d.ts", 465, "TargetGroupArgs.port")}; ${apiPage("elbv2/CreateTargetGroup", "Port: 1-65535")}`),
      protocol: oneOf(at("lb/targetGroup.d.ts", 473, "TargetGroupArgs.protocol"), ["GENEVE", "HTTP", "HTTPS", "TCP", "TCP_UDP", "TLS", "UDP", "QUIC", "TCP_QUIC"]),
      region: region("lb/targetGroup.d.ts", 488, "TargetGroupArgs"),
      tags: tags("lb/targetGroup.d.ts", 500, "TargetGroupArgs"),
      targetHealthStates: {
        accepts: [],
        cite: at("lb/targetGroup.d.ts", 518, "TargetGroupArgs.targetHealthStates"),
        fields: {
          enableUnhealthyConnectionTermination: flag(input(58444, "lb.TargetGroupTargetHealthState.enableUnhealthyConnectionTermination")),
          unhealthyDrainingInterval: range(input(58448, "lb.TargetGroupTargetHealthState.unhealthyDrainingInterval"), 0, 360000),
        },
      },
      targetType: oneOf(`${at("lb/targetGroup.d.ts", 522, "TargetGroupArgs.targetType")}; ${apiPage("elbv2/CreateTargetGroup", "TargetType: instance | ip | lambda | alb")}`, [
        "instance",
        "ip",
        "lambda",
        "alb",
      ]),
      vpcId: ref(at("lb/targetGroup.d.ts", 536, "TargetGroupArgs.vpcId"), t.ec2Vpc),
    },
    typeChecks: [
      {
        test: (i) => {
          const hc = i.healthCheck as { timeout?: unknown; interval?: unknown } | undefined;
          return !hc || hc.timeout === undefined || hc.interval === undefined || Number(hc.timeout) < Number(hc.interval);
        },
        text: "the health check's timeout is shorter than its interval",
        cite: apiPage("elbv2/CreateTargetGroup", "HealthCheckTimeoutSeconds, HealthCheckIntervalSeconds"),
      },
    ],
  },
  [t.route53DelegationSet]: {
    properties: {
      referenceName: free(
        `${at("route53/delegationSet.d.ts", 93, "DelegationSetArgs.referenceName")}; ${apiPage("route53/CreateReusableDelegationSet", "CallerReference: the provider makes it unique")}`,
        "a prefix of the caller reference",
      ),
    },
  },
  [t.route53HealthCheck]: {
    properties: {
      failureThreshold: with_(range(`${at("route53/healthCheck.d.ts", 403, "HealthCheckArgs.failureThreshold")}; ${apiPage("route53/HealthCheckConfig", "FailureThreshold: 1-10")}`, 1, 10), {
        error: "InvalidInput",
      }),
      fqdn: length(`${at("route53/healthCheck.d.ts", 407, "HealthCheckArgs.fqdn")}; ${apiPage("route53/HealthCheckConfig", "FullyQualifiedDomainName: up to 255 characters")}`, 1, 255),
      measureLatency: flag(at("route53/healthCheck.d.ts", 423, "HealthCheckArgs.measureLatency")),
      port: port(`${at("route53/healthCheck.d.ts", 427, "HealthCheckArgs.port")}; ${apiPage("route53/HealthCheckConfig", "Port: 1-65535")}`),
      requestInterval: with_(oneOf(`${at("route53/healthCheck.d.ts", 440, "HealthCheckArgs.requestInterval")}; ${apiPage("route53/HealthCheckConfig", "RequestInterval: 10 or 30")}`, [10, 30]), {
        error: "InvalidInput",
      }),
      resourcePath: length(`${at("route53/healthCheck.d.ts", 444, "HealthCheckArgs.resourcePath")}; ${apiPage("route53/HealthCheckConfig", "ResourcePath: up to 255 characters")}`, 0, 255),
      tags: tags("route53/healthCheck.d.ts", 456, "HealthCheckArgs"),
      type: with_(
        oneOf(at("route53/healthCheck.d.ts", 468, "HealthCheckArgs.type"), ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP", "CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"]),
        { required: true },
      ),
    },
  },
  [t.route53QueryLog]: {
    properties: {
      cloudwatchLogGroupArn: with_(ref(at("route53/queryLog.d.ts", 117, "QueryLogArgs.cloudwatchLogGroupArn"), t.cloudwatchLogGroup), { required: true }),
      zoneId: with_(ref(at("route53/queryLog.d.ts", 121, "QueryLogArgs.zoneId"), t.route53Zone), { required: true }),
    },
  },
  [t.route53Record]: {
    properties: {
      allowOverwrite: flag(at("route53/record.d.ts", 375, "RecordArgs.allowOverwrite")),
      healthCheckId: ref(at("route53/record.d.ts", 397, "RecordArgs.healthCheckId"), t.route53HealthCheck),
      latencyRoutingPolicies: {
        accepts: [{ kind: "count", max: 1 }],
        cite: at("route53/record.d.ts", 401, "RecordArgs.latencyRoutingPolicies"),
        fields: { region: with_(oneOf(input(84139, "route53.RecordLatencyRoutingPolicy.region"), awsRegions), { required: true }) },
      },
      name: with_(length(`${at("route53/record.d.ts", 409, "RecordArgs.name")}; ${apiPage("route53/ResourceRecordSet", "Name: up to 1024 characters, a domain name of at most 255 octets")}`, 1, 255), {
        required: true,
        error: "InvalidInput",
      }),
      records: with_(rule(`${at("route53/record.d.ts", 413, "RecordArgs.records")}; ${apiPage("route53/ResourceRecordSet", "ResourceRecords: at least one value")}`, { kind: "count", min: 1 }), {
        each: length(`${at("route53/record.d.ts", 413, "RecordArgs.records")}; ${apiPage("route53/ResourceRecordSet", "ResourceRecord.Value: up to 4000 characters")}`, 1, 4000),
      }),
      setIdentifier: length(`${at("route53/record.d.ts", 417, "RecordArgs.setIdentifier")}; ${apiPage("route53/ResourceRecordSet", "SetIdentifier: length 1-128")}`, 1, 128),
      ttl: with_(range(`${at("route53/record.d.ts", 421, "RecordArgs.ttl")}; ${apiPage("route53/ResourceRecordSet", "TTL: 0 to 2147483647")}`, 0, 2147483647), { error: "InvalidInput" }),
      type: with_(
        oneOf(at("route53/record.d.ts", 425, "RecordArgs.type"), ["A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"]),
        { required: true },
      ),
      zoneId: with_(ref(at("route53/record.d.ts", 433, "RecordArgs.zoneId"), t.route53Zone), { required: true }),
    },
    typeChecks: [
      {
        test: (i) => i.aliases !== undefined || (i.ttl !== undefined && i.records !== undefined),
        text: "a record that is not an alias has a TTL and values",
        cite: apiPage("route53/ResourceRecordSet", "TTL and ResourceRecords, required unless AliasTarget"),
      },
      {
        test: (i) => i.latencyRoutingPolicies === undefined || i.setIdentifier !== undefined,
        text: "a latency record has a set identifier",
        cite: at("route53/record.d.ts", 417, "RecordArgs.setIdentifier"),
      },
    ],
  },
  [t.route53Zone]: {
    properties: {
      comment: length(`${at("route53/zone.d.ts", 236, "ZoneArgs.comment")}; ${apiPage("route53/CreateHostedZone", "HostedZoneConfig.Comment: up to 256 characters")}`, 0, 256),
      delegationSetId: ref(at("route53/zone.d.ts", 240, "ZoneArgs.delegationSetId"), t.route53DelegationSet),
      forceDestroy: flag(at("route53/zone.d.ts", 248, "ZoneArgs.forceDestroy")),
      name: {
        ...length(
          `${at("route53/zone.d.ts", 252, "ZoneArgs.name")}; ${apiPage("route53/CreateHostedZone", "Name: up to 1024 characters; a second zone of the name on the same delegation set is ConflictingDomainExists")}`,
          1,
          253,
        ),
        required: true,
        error: "InvalidDomainName",
        unique: { scope: "delegation set", perStack: false, why: "the name is the stack's own domain (edge:domain), on the stack's own delegation set" },
      },
    },
    importReads: [
      { property: "comment", why: "whatever comment the zone was created with", cite: at("route53/zone.d.ts", 236, "ZoneArgs.comment") },
      { property: "tags", why: "tags set by whoever created the zone", cite: at("route53/zone.d.ts", 256, "ZoneArgs.tags") },
      {
        property: "delegationSetId",
        why: "the reusable delegation set it was created on; replace-only, so a difference would replace the adopted zone",
        cite: at("route53/zone.d.ts", 240, "ZoneArgs.delegationSetId"),
      },
    ],
  },
  [t.s3Bucket]: {
    autoName: { property: "bucket", cite: `${autoNameCite}; the bucket's autoname is lowercase, at most 63 characters` },
    properties: {
      bucket: { ...bucketName(at("s3/bucket.d.ts", 410, "BucketArgs.bucket")), unique: { scope: "world", perStack: true, collision: "would ask for the same bucket name: BucketAlreadyOwnedByYou" } },
      forceDestroy: flag(at("s3/bucket.d.ts", 428, "BucketArgs.forceDestroy")),
      region: region("s3/bucket.d.ts", 466, "BucketArgs"),
    },
  },
  [t.s3BucketLifecycleConfiguration]: {
    properties: {
      bucket: with_(ref(at("s3/bucketLifecycleConfiguration.d.ts", 427, "BucketLifecycleConfigurationArgs.bucket"), ...bucketRef), { required: true }),
      region: region("s3/bucketLifecycleConfiguration.d.ts", 437, "BucketLifecycleConfigurationArgs"),
      rules: with_(rule(at("s3/bucketLifecycleConfiguration.d.ts", 441, "BucketLifecycleConfigurationArgs.rules"), { kind: "count", min: 1, max: 1000 }), {
        fields: {
          id: with_(length(input(85394, "s3.BucketLifecycleConfigurationRule.id"), 1, 255), { required: true }),
          status: with_(oneOf(input(85412, "s3.BucketLifecycleConfigurationRule.status"), ["Enabled", "Disabled"]), { required: true }),
          expiration: {
            accepts: [],
            cite: input(85386, "s3.BucketLifecycleConfigurationRule.expiration"),
            fields: { days: range(input(85432, "s3.BucketLifecycleConfigurationRuleExpiration.days"), 1, undefined) },
          },
          abortIncompleteMultipartUpload: {
            accepts: [],
            cite: input(85382, "s3.BucketLifecycleConfigurationRule.abortIncompleteMultipartUpload"),
            fields: { daysAfterInitiation: range(input(85422, "s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload.daysAfterInitiation"), 1, undefined) },
          },
          filter: free(input(85390, "s3.BucketLifecycleConfigurationRule.filter"), "an object filter (empty: every object)"),
        },
      }),
    },
  },
  [t.s3BucketObjectv2]: {
    properties: {
      bucket: with_(ref(at("s3/bucketObjectv2.d.ts", 525, "BucketObjectv2Args.bucket"), ...bucketRef), { required: true }),
      cacheControl: free(at("s3/bucketObjectv2.d.ts", 533, "BucketObjectv2Args.cacheControl"), "a Cache-Control header value"),
      content: free(at("s3/bucketObjectv2.d.ts", 541, "BucketObjectv2Args.content"), "the object's text"),
      contentType: free(at("s3/bucketObjectv2.d.ts", 561, "BucketObjectv2Args.contentType"), "a MIME type"),
      key: with_(length(`${at("s3/bucketObjectv2.d.ts", 573, "BucketObjectv2Args.key")}; ${apiPage("s3/objectKey", "1 to 1,024 bytes")}`, 1, 1024, "bytes"), {
        required: true,
        error: "KeyTooLongError",
      }),
      region: region("s3/bucketObjectv2.d.ts", 605, "BucketObjectv2Args"),
      serverSideEncryption: oneOf(at("s3/bucketObjectv2.d.ts", 609, "BucketObjectv2Args.serverSideEncryption"), ["AES256", "aws:kms", "aws:kms:dsse", "aws:fsx"]),
    },
  },
  [t.s3BucketOwnershipControls]: {
    properties: {
      bucket: with_(ref(at("s3/bucketOwnershipControls.d.ts", 102, "BucketOwnershipControlsArgs.bucket"), ...bucketRef), { required: true }),
      region: region("s3/bucketOwnershipControls.d.ts", 106, "BucketOwnershipControlsArgs"),
      rule: {
        accepts: [],
        cite: at("s3/bucketOwnershipControls.d.ts", 110, "BucketOwnershipControlsArgs.rule"),
        required: true,
        fields: { objectOwnership: oneOf(input(86146, "s3.BucketOwnershipControlsRule.objectOwnership"), ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"]) },
      },
    },
  },
  [t.s3BucketPolicy]: {
    properties: {
      bucket: with_(ref(at("s3/bucketPolicy.d.ts", 119, "BucketPolicyArgs.bucket"), ...bucketRef), { required: true }),
      policy: policySize(`${at("s3/bucketPolicy.d.ts", 123, "BucketPolicyArgs.policy")}; ${apiPage("s3/PutBucketPolicy", "20 KB")}`, 20480, "bytes", "PolicyTooLarge"),
      region: region("s3/bucketPolicy.d.ts", 127, "BucketPolicyArgs"),
    },
  },
  [t.s3BucketPublicAccessBlock]: {
    properties: {
      blockPublicAcls: flag(at("s3/bucketPublicAccessBlock.d.ts", 135, "BucketPublicAccessBlockArgs.blockPublicAcls")),
      blockPublicPolicy: flag(at("s3/bucketPublicAccessBlock.d.ts", 139, "BucketPublicAccessBlockArgs.blockPublicPolicy")),
      bucket: with_(ref(at("s3/bucketPublicAccessBlock.d.ts", 143, "BucketPublicAccessBlockArgs.bucket"), ...bucketRef), { required: true }),
      ignorePublicAcls: flag(at("s3/bucketPublicAccessBlock.d.ts", 147, "BucketPublicAccessBlockArgs.ignorePublicAcls")),
      region: region("s3/bucketPublicAccessBlock.d.ts", 151, "BucketPublicAccessBlockArgs"),
      restrictPublicBuckets: flag(at("s3/bucketPublicAccessBlock.d.ts", 155, "BucketPublicAccessBlockArgs.restrictPublicBuckets")),
    },
  },
  [t.s3BucketReplicationConfig]: {
    properties: {
      bucket: with_(ref(at("s3/bucketReplicationConfig.d.ts", 351, "BucketReplicationConfigArgs.bucket"), ...bucketRef), { required: true }),
      region: region("s3/bucketReplicationConfig.d.ts", 355, "BucketReplicationConfigArgs"),
      role: with_(ref(at("s3/bucketReplicationConfig.d.ts", 359, "BucketReplicationConfigArgs.role"), t.iamRole), { required: true }),
      rules: with_(rule(at("s3/bucketReplicationConfig.d.ts", 363, "BucketReplicationConfigArgs.rules"), { kind: "count", min: 1, max: 1000 }), {
        required: true,
        fields: {
          id: length(input(86168, "s3.BucketReplicationConfigRule.id"), 0, 255),
          status: with_(oneOf(input(86186, "s3.BucketReplicationConfigRule.status"), ["Enabled", "Disabled"]), { required: true }),
          priority: range(input(86178, "s3.BucketReplicationConfigRule.priority"), 0, undefined),
          destination: with_(free(input(86156, "s3.BucketReplicationConfigRule.destination"), "the destination bucket and storage class"), { required: true }),
          deleteMarkerReplication: free(input(86152, "s3.BucketReplicationConfigRule.deleteMarkerReplication"), "Enabled or Disabled"),
          filter: free(input(86164, "s3.BucketReplicationConfigRule.filter"), "an object filter"),
        },
      }),
    },
  },
  [t.s3BucketServerSideEncryptionConfiguration]: {
    properties: {
      bucket: with_(ref(at("s3/bucketServerSideEncryptionConfiguration.d.ts", 157, "BucketServerSideEncryptionConfigurationArgs.bucket"), ...bucketRef), { required: true }),
      region: region("s3/bucketServerSideEncryptionConfiguration.d.ts", 167, "BucketServerSideEncryptionConfigurationArgs"),
      rules: with_(rule(at("s3/bucketServerSideEncryptionConfiguration.d.ts", 171, "BucketServerSideEncryptionConfigurationArgs.rules"), { kind: "count", min: 1, max: 1 }), {
        required: true,
        fields: {
          applyServerSideEncryptionByDefault: {
            accepts: [],
            cite: at("s3/bucketServerSideEncryptionConfiguration.d.ts", 171, "BucketServerSideEncryptionConfigurationArgs.rules"),
            fields: {
              sseAlgorithm: with_(oneOf(input(86484, "s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault.sseAlgorithm"), ["AES256", "aws:kms", "aws:kms:dsse"]), {
                required: true,
              }),
            },
          },
        },
      }),
    },
  },
  [t.s3BucketVersioning]: {
    properties: {
      bucket: with_(ref(at("s3/bucketVersioning.d.ts", 189, "BucketVersioningArgs.bucket"), ...bucketRef), { required: true }),
      region: region("s3/bucketVersioning.d.ts", 203, "BucketVersioningArgs"),
      versioningConfiguration: {
        accepts: [],
        cite: at("s3/bucketVersioning.d.ts", 207, "BucketVersioningArgs.versioningConfiguration"),
        required: true,
        fields: { status: with_(oneOf(input(86884, "s3.BucketVersioningVersioningConfiguration.status"), ["Enabled", "Suspended", "Disabled"]), { required: true }) },
      },
    },
  },
  [t.snsTopic]: {
    properties: {
      kmsMasterKeyId: ref(at("sns/topic.d.ts", 453, "TopicArgs.kmsMasterKeyId"), t.kmsKey),
      name: {
        ...rule(
          `${at("sns/topic.d.ts", 469, "TopicArgs.name")}; ${apiPage("sns/CreateTopic", "Name: 1-256 of A-Z, a-z, 0-9, _ and -; an existing name returns the existing topic")}`,
          { kind: "length", min: 1, max: 256 },
          { kind: "pattern", pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, text: "ASCII letters, numbers, underscores and hyphens (.fifo at the end of a FIFO topic)" },
        ),
        error: "InvalidParameter",
        unique: {
          scope: "account and region",
          perStack: true,
          collision:
            "would get the first stack's topic back from CreateTopic (it returns the existing topic of that name): both stacks' alarms then publish to one topic, and removing either stack deletes it",
        },
      },
      region: region("sns/topic.d.ts", 481, "TopicArgs"),
      tags: tags("sns/topic.d.ts", 501, "TopicArgs"),
    },
  },
  [t.snsTopicSubscription]: {
    properties: {
      endpoint: with_(free(at("sns/topicSubscription.d.ts", 388, "TopicSubscriptionArgs.endpoint"), "an address for the protocol (an email address, a URL)"), { required: true }),
      protocol: with_(
        oneOf(`${at("sns/topicSubscription.d.ts", 404, "TopicSubscriptionArgs.protocol")}; ${apiPage("sns/Subscribe", "Protocol")}`, [
          "sqs",
          "sms",
          "lambda",
          "firehose",
          "application",
          "email",
          "email-json",
          "http",
          "https",
        ]),
        { required: true },
      ),
      region: region("sns/topicSubscription.d.ts", 416, "TopicSubscriptionArgs"),
      topic: with_(ref(at("sns/topicSubscription.d.ts", 428, "TopicSubscriptionArgs.topic"), t.snsTopic), { required: true }),
    },
  },
  [t.vpcSecurityGroupEgressRule]: securityGroupRule("vpc/securityGroupEgressRule.d.ts", "SecurityGroupEgressRuleArgs", {
    cidrIpv4: 204,
    description: 212,
    fromPort: 216,
    ipProtocol: 220,
    prefixListId: 224,
    referencedSecurityGroupId: 228,
    region: 232,
    securityGroupId: 236,
    toPort: 246,
  }),
  [t.vpcSecurityGroupIngressRule]: securityGroupRule("vpc/securityGroupIngressRule.d.ts", "SecurityGroupIngressRuleArgs", {
    cidrIpv4: 212,
    description: 220,
    fromPort: 224,
    ipProtocol: 228,
    referencedSecurityGroupId: 236,
    region: 240,
    securityGroupId: 244,
    toPort: 254,
  }),
};

/** A name whose only documented limit is its length, at the API page given. */
function iamlessName(cite: string, page: string, max: number): Contract {
  return with_(length(`${cite}; ${page}`, 1, max), { error: "ValidationError" });
}

function cacheBehaviorFields(allowedMethodsLine: number, viewerProtocolLine: number, iface: string): Record<string, Contract> {
  const methods = [
    ["GET", "HEAD"],
    ["GET", "HEAD", "OPTIONS"],
    ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
  ];
  return {
    allowedMethods: with_(
      rule(`${input(allowedMethodsLine, `cloudfront.${iface}.allowedMethods`)}; ${apiPage("cloudfront/CreateDistribution", "AllowedMethods: GET and HEAD; GET, HEAD and OPTIONS; or all seven")}`, {
        kind: "check",
        test: (v) => !Array.isArray(v) || methods.some((m) => m.length === v.length && m.every((x) => v.includes(x))),
        text: "GET and HEAD; GET, HEAD and OPTIONS; or GET, HEAD, OPTIONS, PUT, POST, PATCH and DELETE",
      }),
      { required: true, error: "InvalidArgument" },
    ),
    cachePolicyId: ref(input(allowedMethodsLine + 4, `cloudfront.${iface}.cachePolicyId`), t.cloudfrontCachePolicy),
    viewerProtocolPolicy: with_(oneOf(input(viewerProtocolLine, `cloudfront.${iface}.viewerProtocolPolicy`), ["allow-all", "https-only", "redirect-to-https"]), { required: true }),
  };
}

function securityGroupRule(file: InstalledAwsFile, iface: string, lines: Record<string, number>): TypeContract {
  const cite = (p: string) => at(file, lines[p]!, `${iface}.${p}`);
  return {
    properties: {
      cidrIpv4: cidr(cite("cidrIpv4"), 0, 32),
      description: ec2Description(cite("description")),
      fromPort: rulePort(cite("fromPort")),
      ipProtocol: with_(ipProtocol(cite("ipProtocol")), { required: true }),
      ...(lines.prefixListId ? { prefixListId: free(cite("prefixListId"), "a prefix list id (pl-…)") } : {}),
      referencedSecurityGroupId: ref(cite("referencedSecurityGroupId"), t.ec2SecurityGroup),
      region: region(file, lines.region!, iface),
      securityGroupId: with_(ref(cite("securityGroupId"), t.ec2SecurityGroup), { required: true }),
      toPort: rulePort(cite("toPort")),
    },
    typeChecks: [
      {
        test: (i) => ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"].filter((p) => i[p] !== undefined).length === 1,
        text: "exactly one of cidrIpv4, cidrIpv6, prefixListId and referencedSecurityGroupId",
        cite: cite("toPort"),
      },
    ],
  };
}

/** Bytes a base64 string decodes to. */
function decodedBase64Length(value: string): number {
  const clean = value.replace(/\s/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}
