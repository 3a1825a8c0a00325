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

export const priceTable = {
  /** The day these prices were checked; re-read the sources when it is a year old. */
  date: checked,
  sources: [
    {
      prices: "ec2PerVcpuHour, ec2PerHour",
      url: "https://aws.amazon.com/ec2/pricing/on-demand/",
      checked,
      note: "no stored copy of AWS's page renders the rates; third-party transcriptions of it (calculator exports, cost tools) agree on c6i.large $0.085, c6i.xlarge $0.17, m6i.large $0.096, r6i.large $0.126, t3.* in us-east-1",
    },
    {
      prices: "regionFactor",
      url: "https://aws.amazon.com/ec2/pricing/on-demand/",
      checked,
      note: "not confirmed: no stored copy gives eu-west-1 or Asia Pacific rates; the factors (from c6i.large per region) apply one ratio to every family and to load balancers",
    },
    {
      prices: "nlbPerHour, nlbPerLcuHour",
      url: "https://aws.amazon.com/elasticloadbalancing/pricing/",
      checked,
      note: "transcription of the page dated 2026-09-20 (api-evangelist/amazon-elastic-load-balancing, its us-east-1 pricing examples): $0.006 per NLCU confirmed; $0.0225 per hour is quoted for the Application Load Balancer, the NLB's hourly rate itself is not in it",
    },
    {
      prices: "publicIpv4PerHour",
      url: "https://community.aws/content/2c6cKl0W4KQZIO6dWnnDHs1tHSp/aws-to-charge-public-ipv4-addresses",
      checked,
      note: "(2024-05-21, quoting AWS's announcement) $0.005 per hour for every public IPv4 address, Elastic IPs and addresses assigned to instances alike, since 2024-02-01; BYOIP addresses are exempt",
    },
    {
      prices: "route53ZonePerMonth, route53PerMillionQueries, route53LatencyPerMillionQueries, route53HealthCheckPerMonth",
      url: "https://aws.amazon.com/route53/pricing/",
      checked,
      note: "transcription of the page dated 2026-09-20 (api-evangelist/amazon-route53-resolver): $0.50 per zone (first 25), $0.40 per million standard queries and $0.60 per million latency-based routing queries (first billion), $0.50 per AWS-endpoint health check plus $1.00 per optional feature (HTTPS, 10 s interval, latency measurement)",
    },
    {
      prices: "cloudwatchAlarmPerMetricMonth, cloudwatchCompositeAlarmPerMonth, cloudwatchDashboardPerMonth",
      url: "https://aws.amazon.com/cloudwatch/pricing/",
      checked,
      note: "$3.00 per dashboard confirmed by a 2022 transcription of the page (github.com/nishinoshake/aws-rough/issues/37); the alarm rates ($0.10 per standard-resolution metric, an anomaly band counting 3; $0.50 per composite alarm) were not found in a stored copy",
    },
    {
      prices: "kmsKeyPerMonth, kmsPer10kRequests",
      url: "https://aws.amazon.com/kms/pricing/",
      checked,
      note: "$1 per key-month and $0.03 per 10,000 requests beyond 20,000 free a month, per a 2026-03 transcription of the page (cloudburn.io/blog/aws-kms-pricing); not in the estimate: a rotating key costs $1 a month more after each of its first two yearly rotations",
    },
    {
      prices: "snsPerMillionHttpsDeliveries",
      url: "https://aws.amazon.com/sns/pricing/",
      checked,
      note: "not confirmed: no stored copy of the page was found",
    },
    {
      prices: "cloudfrontPerGbOut, cloudfrontPer10kHttpsRequests",
      url: "https://aws.amazon.com/cloudfront/pricing/",
      checked,
      note: "transcription of the page dated 2026-09-05 (api-evangelist/cloudfront) gives the always-free 1 TB and 10 M requests a month (which would cover the default snippet assumption) and the flat-rate plans, not the per-GB rates; $0.085 per GB (first 10 TB, North America and Europe) and $0.0100 per 10,000 HTTPS requests are from third-party transcriptions",
    },
    {
      prices: "s3PerGbMonth",
      url: "https://aws.amazon.com/s3/pricing/",
      checked,
      note: "not confirmed: the transcription of the page dated 2026-09-20 (api-evangelist/amazon-s3) renders the storage rates as template tokens",
    },
    {
      prices: "vpcInterfaceEndpointPerAzHour, vpcInterfaceEndpointPerGb",
      url: "https://aws.amazon.com/privatelink/pricing/",
      checked,
      note: "not confirmed against a stored copy: $0.01 per interface endpoint per AZ-hour and $0.01 per GB processed (first PB), us-east-1, applied in every region; gateway endpoints (S3) are free",
    },
    {
      prices: "cloudflarePlanPerMonth",
      url: "https://www.cloudflare.com/plans/",
      checked,
      note: "not confirmed: stored copies (support.cloudflare.com's billing-policy article, a 2025-12 comparison) show Pro $20 and Business $200 a month, the annual-billing price; the table keeps the monthly-billing $25 and $250, which no stored copy shows",
    },
  ] as PriceSource[],
  hoursPerMonth: 730,
  /** EC2 on-demand in us-east-1: per vCPU-hour for families whose price is linear in size, per hour for burstable types. */
  ec2PerVcpuHour: { c5: 0.0425, c6i: 0.0425, c7i: 0.044625, m5: 0.048, m6i: 0.048, m7i: 0.0504, r6i: 0.063 } as Record<string, number>,
  ec2PerHour: {
    "t3.nano": 0.0052,
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "t3.xlarge": 0.1664,
    "t3.2xlarge": 0.3328,
  } as Record<string, number>,
  /**
   * A region's price over us-east-1's (EC2 and load balancers; c6i.large: $0.085 us-east-1,
   * $0.096 eu-west-1, $0.097 eu-central-1, $0.098 ap-southeast-1, $0.107 ap-northeast-1).
   */
  regionFactor: {
    "us-east-1": 1,
    "us-east-2": 1,
    "us-west-2": 1,
    "eu-west-1": 1.13,
    "eu-central-1": 1.14,
    "ap-southeast-1": 1.15,
    "ap-northeast-1": 1.26,
  } as Record<string, number>,
  nlbPerHour: 0.0225,
  nlbPerLcuHour: 0.006,
  publicIpv4PerHour: 0.005,
  route53ZonePerMonth: 0.5,
  /** An HTTPS health check of an AWS endpoint at a 10 s interval: $0.50 base, $1.00 HTTPS, $1.00 fast interval; $1.00 more with latency measurement. */
  route53HealthCheckPerMonth: { base: 0.5, https: 1, fastInterval: 1, latency: 1 },
  route53PerMillionQueries: 0.4,
  /** Queries answered by a latency-routed record set (the ingest name). */
  route53LatencyPerMillionQueries: 0.6,
  /** A standard-resolution alarm: per metric it evaluates (an anomaly detection band counts 3, its metric and the band's two). */
  cloudwatchAlarmPerMetricMonth: 0.1,
  cloudwatchCompositeAlarmPerMonth: 0.5,
  /** Per dashboard beyond the account's first three free. */
  cloudwatchDashboardPerMonth: 3,
  kmsKeyPerMonth: 1,
  kmsPer10kRequests: 0.03,
  /** Email and HTTPS deliveries: topics cost nothing, the first 1,000 emails and 100,000 HTTPS deliveries a month are free. */
  snsPerMillionHttpsDeliveries: 0.6,
  cloudfrontPerGbOut: 0.085,
  cloudfrontPer10kHttpsRequests: 0.01,
  s3PerGbMonth: 0.023,
  /** An interface VPC endpoint, per availability zone it has a network interface in, in us-east-1. */
  vpcInterfaceEndpointPerAzHour: 0.01,
  /** Data an interface endpoint processes, first PB a month, in us-east-1. */
  vpcInterfaceEndpointPerGb: 0.01,
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
  [t.route53KeySigningKey]: "free; its KMS key is priced as a KMS key",
  [t.route53domainsDelegationSignerRecord]: "a registrar record, free",
  [t.s3BucketLifecycleConfiguration]: "configuration",
  "aws:cloudwatch/logDeliverySource:LogDeliverySource": "configuration; delivered bytes are priced with the flow logs",
  "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": "configuration; delivered bytes are priced with the flow logs",
  [t.cloudflareZoneDnsSettings]: "included in the zone's plan",
};
