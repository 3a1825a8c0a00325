/**
 * The catalog rules relevant to the resource types this program declares (Checkov, trivy-checks,
 * AWS Security Hub), each a group of the catalogs' ids for one check, with how the stack stands to
 * it: `enforced` (mandatory policies refuse every case the rule refuses, citing it), `partial` (a
 * policy refuses part of it; `note` says which part is left), `waived` (a waiver of
 * policies/waivers.ts whose condition the honouring policy checks on every plan; the shipped
 * stacks take it), `unguarded` (the program meets it, `holds` says how a plan shows that, and no
 * policy refuses a hand edit that breaks it). There is no `violated`: a rule the prod plan breaks
 * without a waiver fails test/policies/coverage.spec.ts.
 *
 * Not bundled into the pack (index.ts does not import it): docs/security.md's table and the test
 * read it.
 */
import type { DeclaredResource } from "../models/declaredResource";
import { judgedForeignTypes, resourceTypes } from "../models/resourceTypes";
import type { ControlId } from "./controls";

export type CoverageStatus = "enforced" | "partial" | "waived" | "unguarded";

/** A resource of a plan, as `holds` reads it (the plan JSON's shape). */
export type PlanResource = Pick<DeclaredResource, "type" | "inputs"> & { name: string };

export interface CatalogRule {
  /** A short id for the table. */
  id: string;
  /** What the rule asks, in one line. */
  rule: string;
  /** Every catalog id that states it, each registered in controls.ts. */
  controls: readonly ControlId[];
  status: CoverageStatus;
  /** The policies that refuse it (`enforced`, `partial`). */
  by?: readonly string[];
  /** The waiver that covers it (`waived`). */
  waiver?: string;
  /** For `partial` and `unguarded`: what is left unguarded, and why. */
  note?: string;
  /** For `unguarded`: whether a plan's resources meet the rule. */
  holds?: (resources: readonly PlanResource[]) => boolean;
}

const of = (resources: readonly PlanResource[], type: string) => resources.filter((r) => r.type === type);

export const catalogRules: readonly CatalogRule[] = [
  // S3
  {
    id: "s3-public-access-block",
    rule: "Every bucket has a public access block with all four settings on",
    controls: ["S3.8", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6", "AVD-AWS-0086", "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093", "AVD-AWS-0094"],
    status: "enforced",
    by: ["disallow-public-bucket"],
  },
  {
    id: "s3-not-public",
    rule: "No bucket policy or ACL lets everyone read or write",
    controls: ["S3.2", "S3.3", "CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_70", "CKV2_AWS_43", "AVD-AWS-0092"],
    status: "enforced",
    by: ["disallow-public-bucket", "disallow-public-bucket-acl"],
  },
  { id: "s3-other-accounts", rule: "No bucket policy grants another account", controls: ["S3.6"], status: "enforced", by: ["disallow-foreign-bucket-access"] },
  { id: "s3-tls-only", rule: "Every bucket policy denies requests without TLS", controls: ["S3.5"], status: "enforced", by: ["enforce-bucket-tls"] },
  { id: "s3-acls-disabled", rule: "Bucket ACLs are disabled (BucketOwnerEnforced)", controls: ["S3.12", "CKV2_AWS_65"], status: "enforced", by: ["disable-bucket-acls"] },
  { id: "s3-versioning", rule: "Every bucket is versioned", controls: ["S3.14", "CKV_AWS_21", "AVD-AWS-0090"], status: "enforced", by: ["enable-bucket-versioning"] },
  {
    id: "s3-lifecycle",
    rule: "Every bucket has a lifecycle configuration that aborts abandoned uploads",
    controls: ["S3.13", "S3.10", "CKV2_AWS_61", "CKV_AWS_300"],
    status: "enforced",
    by: ["enable-bucket-lifecycle"],
  },
  { id: "s3-default-encryption", rule: "Every bucket declares default encryption", controls: ["CKV_AWS_19"], status: "enforced", by: ["enable-bucket-encryption"] },
  { id: "s3-kms-encryption", rule: "Buckets are encrypted with KMS keys", controls: ["S3.17", "CKV_AWS_145", "AVD-AWS-0132"], status: "waived", waiver: "buckets-sse-s3" },
  { id: "s3-access-logs", rule: "Buckets log their requests (server access logging)", controls: ["S3.9", "CKV_AWS_18", "AVD-AWS-0089"], status: "waived", waiver: "origin-bucket-access-logs" },
  {
    id: "s3-replication",
    rule: "Buckets replicate to another region",
    controls: ["S3.7", "CKV_AWS_144"],
    status: "waived",
    waiver: "buckets-single-region",
    note: "the snippet's origin is held to replicating by enforce-origin-replication; the log buckets and the replica take the waiver",
  },
  { id: "s3-event-notifications", rule: "Buckets send event notifications", controls: ["S3.11", "CKV2_AWS_62"], status: "waived", waiver: "bucket-writes-known" },
  { id: "s3-object-lock", rule: "Buckets have Object Lock", controls: ["S3.15", "CKV_AWS_143"], status: "waived", waiver: "versions-not-locks" },

  // CloudFront
  { id: "cdn-viewer-https", rule: "Viewers reach the distribution over HTTPS only", controls: ["CloudFront.3", "CKV_AWS_34", "AVD-AWS-0012"], status: "enforced", by: ["disallow-plain-http-viewers"] },
  {
    id: "cdn-viewer-tls",
    rule: "The distribution requires a recommended TLS policy (TLS 1.2, 2021 ciphers, or newer)",
    controls: ["CloudFront.15", "CKV_AWS_174", "AVD-AWS-0013"],
    status: "enforced",
    by: ["configure-minimum-tls"],
  },
  {
    id: "cdn-certificate",
    rule: "The distribution uses a custom certificate, served with SNI",
    controls: ["CloudFront.7", "CloudFront.8", "CKV2_AWS_42"],
    status: "enforced",
    by: ["configure-minimum-tls"],
  },
  { id: "cdn-origin-access-control", rule: "S3 origins are read through origin access control", controls: ["CloudFront.13", "CKV2_AWS_46"], status: "enforced", by: ["enforce-origin-access-control"] },
  { id: "cdn-origin-exists", rule: "No S3 origin names a bucket the stack does not hold", controls: ["CloudFront.12"], status: "enforced", by: ["enforce-declared-origin-buckets"] },
  { id: "cdn-origin-failover", rule: "The distribution fails over between origins", controls: ["CloudFront.4", "CKV_AWS_310"], status: "enforced", by: ["enforce-cdn-origin-failover"] },
  {
    id: "cdn-origin-tls",
    rule: "Custom origins are fetched over HTTPS without SSLv3",
    controls: ["CloudFront.9", "CloudFront.10", "CKV2_AWS_54", "CKV2_AWS_72"],
    status: "enforced",
    by: ["enforce-cdn-origin-tls"],
  },
  { id: "cdn-default-root-object", rule: "The distribution names its default root object", controls: ["CloudFront.1", "CKV_AWS_305"], status: "enforced", by: ["configure-cdn-default-root-object"] },
  { id: "cdn-security-headers", rule: "Responses carry a headers policy with a year of HSTS", controls: ["CKV2_AWS_32", "CKV_AWS_259"], status: "enforced", by: ["enforce-cdn-hsts"] },
  {
    id: "cdn-access-logs",
    rule: "The distribution logs its requests (legacy standard logging)",
    controls: ["CloudFront.5", "CKV_AWS_86", "AVD-AWS-0010"],
    status: "waived",
    waiver: "cdn-legacy-logging",
  },
  { id: "cdn-waf", rule: "A WAF web ACL fronts the distribution", controls: ["CloudFront.6", "CKV_AWS_68", "CKV2_AWS_47", "AVD-AWS-0011"], status: "waived", waiver: "cdn-static-script-waf" },
  { id: "cdn-geo-restriction", rule: "The distribution restricts the countries it serves", controls: ["CKV_AWS_374"], status: "waived", waiver: "cdn-worldwide-script" },

  // Certificates
  {
    id: "acm-renewal",
    rule: "Certificates renew before they expire",
    controls: ["ACM.1"],
    status: "partial",
    by: ["enforce-dns-validation"],
    note: "the plan holds certificates to DNS validation, which ACM renews unattended while the validation record stays; whether a renewal then succeeds is the DaysToExpiry alarm's to see",
  },
  { id: "acm-key", rule: "Certificate keys are RSA 2048+ (or EC)", controls: ["ACM.2"], status: "enforced", by: ["configure-acm-certificate"] },
  { id: "acm-transparency", rule: "Certificates are logged for transparency and name no wildcard", controls: ["CKV_AWS_234", "CKV2_AWS_71"], status: "enforced", by: ["configure-acm-certificate"] },

  // Load balancers
  {
    id: "lb-listener-encryption",
    rule: "Listeners terminate TLS (HTTPS on ALBs, TLS on NLBs)",
    controls: ["ELB.18", "CKV_AWS_2", "CKV2_AWS_74", "AVD-AWS-0054"],
    status: "enforced",
    by: ["configure-listener-tls"],
  },
  { id: "lb-tls-policy", rule: "TLS listeners use a recommended security policy", controls: ["ELB.17", "CKV_AWS_103", "AVD-AWS-0047"], status: "enforced", by: ["configure-listener-tls"] },
  { id: "lb-deletion-protection", rule: "Load balancers have deletion protection", controls: ["ELB.6", "CKV_AWS_150"], status: "enforced", by: ["enable-lb-deletion-protection"] },
  { id: "lb-access-logs", rule: "Load balancers write access logs", controls: ["ELB.5", "CKV_AWS_91"], status: "enforced", by: ["enable-lb-access-logs"] },
  { id: "lb-target-encryption", rule: "Target groups forward and health-check over TLS", controls: ["ELB.21", "ELB.22"], status: "waived", waiver: "nlb-targets-in-vpc" },
  {
    id: "lb-cross-zone",
    rule: "Network load balancers balance across zones",
    controls: ["CKV_AWS_152"],
    status: "unguarded",
    note: "availability rather than exposure; IngestLoadBalancer turns it on",
    holds: (rs) => of(rs, resourceTypes.lbLoadBalancer).every((lb) => lb.inputs.loadBalancerType !== "network" || lb.inputs.enableCrossZoneLoadBalancing === true),
  },
  {
    id: "lb-multi-az",
    rule: "Load balancers span at least two zones",
    controls: ["ELB.13"],
    status: "unguarded",
    note: "the region-loss capacity policy assumes it; IngestNetwork gives each load balancer a subnet per zone",
    holds: (rs) => of(rs, resourceTypes.lbLoadBalancer).every((lb) => ((lb.inputs.subnetMappings ?? lb.inputs.subnets ?? []) as unknown[]).length >= 2),
  },

  // Hosts and their network
  { id: "imdsv2", rule: "Hosts require IMDSv2 tokens", controls: ["EC2.8", "EC2.170", "AutoScaling.3", "CKV_AWS_79", "AVD-AWS-0028", "AVD-AWS-0130"], status: "enforced", by: ["enforce-imdsv2"] },
  { id: "imds-hop-limit", rule: "Metadata answers travel one hop", controls: ["AutoScaling.4", "CKV_AWS_341"], status: "enforced", by: ["enforce-imdsv2"] },
  {
    id: "ebs-encryption",
    rule: "EBS volumes are encrypted",
    controls: ["EC2.3", "CKV_AWS_3", "CKV_AWS_8", "AVD-AWS-0008", "AVD-AWS-0026", "AVD-AWS-0131"],
    status: "enforced",
    by: ["enable-ebs-encryption"],
  },
  { id: "host-public-ip", rule: "Hosts get no public IPv4 address", controls: ["EC2.9", "EC2.25", "AutoScaling.5", "CKV_AWS_88", "AVD-AWS-0009"], status: "enforced", by: ["disallow-public-host-ip"] },
  { id: "subnet-public-ip", rule: "Subnets do not auto-assign public addresses", controls: ["EC2.15", "CKV_AWS_130", "AVD-AWS-0164"], status: "enforced", by: ["disallow-subnet-public-ip"] },
  {
    id: "sg-ingress",
    rule: "Security groups admit the world only on authorized ports, never admin or high-risk ones",
    controls: ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "AVD-AWS-0107"],
    status: "enforced",
    by: ["disallow-public-ingress"],
  },
  { id: "sg-egress", rule: "Security groups send nothing to the whole internet", controls: ["CKV_AWS_382", "AVD-AWS-0104"], status: "enforced", by: ["disallow-public-egress"] },
  {
    id: "default-security-group",
    rule: "Default security groups have no rules",
    controls: ["EC2.2", "CKV2_AWS_12", "AVD-AWS-0173"],
    status: "enforced",
    by: ["disallow-default-security-group-rules"],
  },
  { id: "flow-logs", rule: "Every VPC has flow logs", controls: ["EC2.6", "CKV2_AWS_11", "AVD-AWS-0178"], status: "enforced", by: ["enable-vpc-flow-logs"] },
  { id: "launch-templates", rule: "Auto Scaling groups launch from launch templates", controls: ["AutoScaling.9", "CKV_AWS_315"], status: "enforced", by: ["disallow-launch-configuration"] },
  {
    id: "asg-elb-health-check",
    rule: "Groups behind a load balancer use its health checks",
    controls: ["AutoScaling.1", "CKV2_AWS_15"],
    status: "unguarded",
    note: "recovery-time's to judge (a host that fails the load balancer's check is replaced); HostFleet sets it",
    holds: (rs) => of(rs, resourceTypes.autoscalingGroup).every((g) => !(g.inputs.targetGroupArns ?? []).length || g.inputs.healthCheckType === "ELB"),
  },
  {
    id: "user-data-secrets",
    rule: "No AWS keys in user data",
    controls: ["CKV_AWS_46", "AVD-AWS-0029", "AVD-AWS-0129"],
    status: "unguarded",
    note: "the hosts read the datastore password from an SSM parameter at boot; no policy reads user data for keys",
    holds: (rs) =>
      of(rs, resourceTypes.ec2LaunchTemplate).every((t) => {
        const text = Buffer.from(String(t.inputs.userData ?? ""), "base64").toString("utf8");
        return !/AKIA[0-9A-Z]{16}|aws_secret_access_key/i.test(text);
      }),
  },
  {
    id: "vpc-endpoints",
    rule: "VPCs have interface endpoints for EC2 and Systems Manager",
    controls: ["EC2.10", "EC2.57"],
    status: "unguarded",
    note: "the network paths' to guard (their reachability is checked by the network-path model); IngestNetwork declares them",
    holds: (rs) => {
      const endpoints = of(rs, resourceTypes.ec2VpcEndpoint).map((e) => String(e.inputs.serviceName));
      const vpcs = of(rs, resourceTypes.ec2Vpc).length;
      return ["ec2", "ssm"].every((svc) => endpoints.filter((s) => s.endsWith(`.${svc}`)).length >= vpcs);
    },
  },

  // IAM
  {
    id: "iam-wildcard-actions",
    rule: 'No policy allows "*" or a whole service',
    controls: ["IAM.1", "IAM.21", "CKV_AWS_62", "CKV_AWS_63", "CKV2_AWS_40"],
    status: "enforced",
    by: ["disallow-wildcard-iam", "disallow-iam-privilege-escalation"],
  },
  {
    id: "iam-unconstrained-writes",
    rule: 'No policy allows writes or decryption on Resource "*"',
    controls: ["CKV_AWS_290", "CKV_AWS_355", "KMS.1", "KMS.2"],
    status: "enforced",
    by: ["disallow-wildcard-iam"],
  },
  {
    id: "iam-privilege-escalation",
    rule: "No policy lets its holder raise its own permissions",
    controls: ["CKV_AWS_286", "AVD-AWS-0342"],
    status: "enforced",
    by: ["disallow-iam-privilege-escalation"],
  },
  { id: "iam-managed-admin", rule: "No role gets AdministratorAccess or IAMFullAccess", controls: ["CKV_AWS_274", "CKV2_AWS_56"], status: "enforced", by: ["disallow-broad-managed-policies"] },
  { id: "iam-trust", rule: "Roles trust named service principals only", controls: ["CKV_AWS_60", "CKV_AWS_61"], status: "enforced", by: ["enforce-service-trust"] },

  // KMS, SNS
  { id: "kms-rotation", rule: "Keys rotate yearly", controls: ["KMS.4", "CKV_AWS_7", "AVD-AWS-0065"], status: "enforced", by: ["enable-kms-key-rotation"] },
  { id: "kms-not-public", rule: "Key policies are declared and grant no one everyone", controls: ["KMS.5", "CKV_AWS_33", "CKV2_AWS_64"], status: "enforced", by: ["disallow-public-key-policy"] },
  { id: "sns-encryption", rule: "Topics are encrypted with a customer key", controls: ["SNS.1", "CKV_AWS_26", "AVD-AWS-0095", "AVD-AWS-0136"], status: "enforced", by: ["enable-topic-encryption"] },
  {
    id: "sns-not-public",
    rule: "No topic policy grants everyone",
    controls: ["SNS.4", "CKV_AWS_169"],
    status: "unguarded",
    note: "the stack declares no topic policy (SNS's default lets the owner only); a hand-added one is not judged",
    holds: (rs) => of(rs, judgedForeignTypes.snsTopicPolicy).length === 0,
  },

  // Route 53, CloudWatch
  { id: "route53-query-logging", rule: "Public zones log DNS queries", controls: ["Route53.2", "CKV2_AWS_39"], status: "enforced", by: ["enable-query-logging"] },
  { id: "route53-dnssec", rule: "Public zones are DNSSEC-signed", controls: ["CKV2_AWS_38"], status: "waived", waiver: "dnssec-two-providers" },
  { id: "route53-a-records", rule: "A records point at the stack's resources", controls: ["CKV2_AWS_23"], status: "enforced", by: ["disallow-foreign-addresses"] },
  {
    id: "log-groups",
    rule: "Log groups keep a year and are encrypted with a customer key",
    controls: ["CKV_AWS_66", "CKV_AWS_338", "CKV_AWS_158", "AVD-AWS-0017"],
    status: "enforced",
    by: ["configure-log-group"],
  },
  { id: "alarm-actions", rule: "Alarm actions are enabled", controls: ["CKV_AWS_319"], status: "enforced", by: ["enforce-alarm-actions"] },
];

/** How many rules stand each way. */
export function coverageCounts(rules: readonly CatalogRule[] = catalogRules): Record<CoverageStatus, number> {
  const counts: Record<CoverageStatus, number> = { enforced: 0, partial: 0, waived: 0, unguarded: 0 };
  for (const rule of rules) counts[rule.status]++;
  return counts;
}
