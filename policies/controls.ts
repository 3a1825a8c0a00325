/**
 * Every catalog control the pack cites, written once: the catalog, what the rule checks as its
 * source says, and where that source was read. Policies cite controls only through their metadata
 * (`policies/metadata.ts`), by these ids, so a control id is typed here and nowhere else.
 *
 * Sources, each re-read for the check it is cited for:
 * - Checkov: bridgecrewio/checkov at {@link checkovCommit} (the check's `scan_resource_conf` or
 *   graph YAML);
 * - trivy: aquasecurity/trivy-checks at {@link trivyCommit} (the rego's `deny` rules; trivy reports
 *   the rego's `id: AWS-NNNN` as AVD-AWS-NNNN);
 * - AWS Security Hub CSPM control reference (docs.aws.amazon.com/securityhub/latest/userguide/
 *   `<service>-controls.html`), read 2026-12-06 in a stored copy of each page.
 *
 * Controls that must not be cited are listed too ({@link uncitable}), with why: a retired control,
 * a deprecated check, an account-level control a resource cannot meet.
 */

export const checkovCommit = "03d5fdad8d6154b1565799a7b1fb8070c158866f";
export const trivyCommit = "80e5382269707262f35cf893bdc0805cb72217e9";

export type Catalog = "checkov" | "trivy" | "securityhub";

export interface Control {
  catalog: Catalog;
  /** The rule as its source words it. */
  title: string;
  /** What the rule checks, as read in its source, in the terms the citing policy needs. */
  checks: string;
  /** Checkov or trivy: the file at the pinned commit; Security Hub: the control's page. */
  source: string;
}

const checkov = (path: string, title: string, checks: string): Control => ({
  catalog: "checkov",
  title,
  checks,
  source: `https://github.com/bridgecrewio/checkov/blob/${checkovCommit}/checkov/terraform/checks/${path}`,
});

const trivy = (path: string, title: string, checks: string): Control => ({
  catalog: "trivy",
  title,
  checks,
  source: `https://github.com/aquasecurity/trivy-checks/blob/${trivyCommit}/checks/cloud/aws/${path}`,
});

/** `S3.14` → its section of the Security Hub control reference. */
function securityHubPage(id: string): string {
  const [service, number] = id.split(".");
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/${service!.toLowerCase()}-controls.html#${service!.toLowerCase()}-${number}`;
}

const hub = (id: string, title: string, checks: string): Control => ({ catalog: "securityhub", title, checks, source: securityHubPage(id) });

const r = (file: string) => `resource/aws/${file}.py`;
const g = (file: string) => `graph_checks/aws/${file}.yaml`;

export const controls = {
  // S3
  "S3.2": hub("S3.2", "S3 general purpose buckets should block public read access", "the bucket's public access block, bucket policy and ACL permit no public read"),
  "S3.3": hub("S3.3", "S3 general purpose buckets should block public write access", "the bucket's public access block, bucket policy and ACL permit no public write"),
  "S3.5": hub("S3.5", "S3 general purpose buckets should require requests to use SSL", "the bucket policy denies s3:* when aws:SecureTransport is false"),
  "S3.6": hub(
    "S3.6",
    "S3 general purpose bucket policies should restrict access to other AWS accounts",
    "no Allow of s3:DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy, PutEncryptionConfiguration or PutObjectAcl to a principal of another account",
  ),
  "S3.7": hub("S3.7", "S3 general purpose buckets should use cross-Region replication", "every bucket, a replication destination included, replicates to another region"),
  "S3.8": hub("S3.8", "S3 general purpose buckets should block public access", "the bucket-level public access block has all four settings true"),
  "S3.9": hub("S3.9", "S3 general purpose buckets should have server access logging enabled", "server access logging is on"),
  "S3.10": hub("S3.10", "S3 general purpose buckets with versioning enabled should have Lifecycle configurations", "a versioned bucket has a lifecycle configuration"),
  "S3.11": hub("S3.11", "S3 general purpose buckets should have event notifications enabled", "event notifications are configured"),
  "S3.12": hub("S3.12", "ACLs should not be used to manage user access to S3 general purpose buckets", "no ACL grants user access (object ownership BucketOwnerEnforced)"),
  "S3.13": hub("S3.13", "S3 general purpose buckets should have Lifecycle configurations", "a lifecycle configuration exists"),
  "S3.14": hub("S3.14", "S3 general purpose buckets should have versioning enabled", "versioning is Enabled (fails when suspended or never enabled)"),
  "S3.15": hub("S3.15", "S3 general purpose buckets should have Object Lock enabled", "Object Lock is enabled"),
  "S3.17": hub("S3.17", "S3 general purpose buckets should be encrypted at rest with AWS KMS keys", "default encryption is SSE-KMS or DSSE-KMS; SSE-S3 fails"),
  CKV_AWS_18: checkov(g("S3BucketLogging"), "Ensure the S3 bucket has access logging enabled", "an aws_s3_bucket_logging (or logging block) for the bucket"),
  CKV_AWS_19: checkov(g("S3BucketEncryption"), "Ensure all data stored in the S3 bucket is securely encrypted at rest", "a server-side encryption configuration for the bucket"),
  CKV_AWS_20: checkov(g("S3PublicACLRead"), "S3 Bucket has an ACL defined which allows public READ access.", "no public-read / public-read-write ACL"),
  CKV_AWS_21: checkov(g("S3BucketVersioning"), "Ensure all data stored in the S3 bucket have versioning enabled", "an aws_s3_bucket_versioning with status Enabled for the bucket"),
  CKV_AWS_53: checkov(r("S3BlockPublicACLs"), "Ensure S3 bucket has block public ACLS enabled", "block_public_acls true"),
  CKV_AWS_54: checkov(r("S3BlockPublicPolicy"), "Ensure S3 bucket has block public policy enabled", "block_public_policy true"),
  CKV_AWS_55: checkov(r("S3IgnorePublicACLs"), "Ensure S3 bucket has ignore public ACLs enabled", "ignore_public_acls true"),
  CKV_AWS_56: checkov(r("S3RestrictPublicBuckets"), "Ensure S3 bucket has 'restrict_public_buckets' enabled", "restrict_public_buckets true"),
  CKV_AWS_57: checkov(g("S3PublicACLWrite"), "S3 Bucket has an ACL defined which allows public WRITE access.", "no public-read-write ACL"),
  CKV_AWS_70: checkov(
    r("S3AllowsAnyPrincipal"),
    "Ensure S3 bucket does not allow an action with any Principal",
    "no Allow to Principal * without a narrowing condition (AWS:SourceArn, aws:PrincipalAccount, …)",
  ),
  CKV_AWS_143: checkov(r("S3BucketObjectLock"), "Ensure that S3 bucket has lock configuration enabled by default", "object lock enabled on the bucket"),
  CKV_AWS_144: checkov(g("S3BucketReplicationConfiguration"), "Ensure that S3 bucket has cross-region replication enabled", "a replication configuration for every bucket"),
  CKV_AWS_145: checkov(g("S3KMSEncryptedByDefault"), "Ensure that S3 buckets are encrypted with KMS by default", "default encryption aws:kms"),
  CKV_AWS_300: checkov(r("S3AbortIncompleteUploads"), "Ensure S3 lifecycle configuration sets period for aborting failed uploads", "every enabled lifecycle rule aborts incomplete multipart uploads"),
  CKV2_AWS_6: checkov(g("S3BucketHasPublicAccessBlock"), "Ensure that S3 bucket has a Public Access block", "an aws_s3_bucket_public_access_block for every bucket"),
  CKV2_AWS_43: checkov(g("S3NotAllowAccessToAllAuthenticatedUsers"), "Ensure S3 Bucket does not allow access to all Authenticated users", "no ACL grant to AuthenticatedUsers"),
  CKV2_AWS_61: checkov(g("S3BucketLifecycle"), "Ensure that an S3 bucket has a lifecycle configuration", "an aws_s3_bucket_lifecycle_configuration for every bucket"),
  CKV2_AWS_62: checkov(g("S3BucketEventNotifications"), "Ensure S3 buckets should have event notifications enabled", "an aws_s3_bucket_notification for every bucket"),
  CKV2_AWS_65: checkov(g("AWSdisableS3ACL"), "Ensure access control lists for S3 buckets are disabled", "object ownership BucketOwnerEnforced"),
  "AVD-AWS-0086": trivy("s3/block_public_acls.rego", "S3 Access block should block public ACL", "block_public_acls true on the bucket's public access block"),
  "AVD-AWS-0087": trivy("s3/block_public_policy.rego", "S3 Access block should block public policy", "block_public_policy true"),
  "AVD-AWS-0089": trivy("s3/enable_logging.rego", "S3 Bucket Logging", "server access logging on"),
  "AVD-AWS-0090": trivy("s3/enable_versioning.rego", "S3 Data should be versioned", "versioning enabled"),
  "AVD-AWS-0091": trivy("s3/ignore_public_acls.rego", "S3 Access Block should Ignore Public ACL", "ignore_public_acls true"),
  "AVD-AWS-0092": trivy("s3/no_public_access_with_acl.rego", "S3 Buckets not publicly accessible through ACL.", "no public canned ACL"),
  "AVD-AWS-0093": trivy("s3/no_public_buckets.rego", "S3 Access block should restrict public bucket to limit access", "restrict_public_buckets true"),
  "AVD-AWS-0094": trivy("s3/specify_public_access_block.rego", "S3 buckets should each define an aws_s3_bucket_public_access_block", "a public access block for every bucket"),
  "AVD-AWS-0132": trivy("s3/encryption_customer_key.rego", "S3 encryption should use Customer Managed Keys", "default encryption with a customer-managed KMS key"),

  // CloudFront
  "CloudFront.1": hub("CloudFront.1", "CloudFront distributions should have a default root object configured", "a distribution with S3 origins has DefaultRootObject"),
  "CloudFront.3": hub("CloudFront.3", "CloudFront distributions should require encryption in transit", "no cache behavior has ViewerProtocolPolicy allow-all"),
  "CloudFront.4": hub("CloudFront.4", "CloudFront distributions should have origin failover configured", "an origin group of two or more origins"),
  "CloudFront.5": hub("CloudFront.5", "CloudFront distributions should have logging enabled", "standard logging (legacy) only"),
  "CloudFront.6": hub("CloudFront.6", "CloudFront distributions should have WAF enabled", "a WAF (Classic or v2) web ACL associated"),
  "CloudFront.7": hub("CloudFront.7", "CloudFront distributions should use custom SSL/TLS certificates", "not the default *.cloudfront.net certificate"),
  "CloudFront.8": hub("CloudFront.8", "CloudFront distributions should use SNI to serve HTTPS requests", "a custom certificate served with SNI, not a dedicated IP"),
  "CloudFront.9": hub("CloudFront.9", "CloudFront distributions should encrypt traffic to custom origins", "no custom origin with http-only, nor match-viewer with allow-all viewers"),
  "CloudFront.10": hub("CloudFront.10", "CloudFront distributions should not use deprecated SSL protocols between edge locations and custom origins", "no custom origin allows SSLv3"),
  "CloudFront.12": hub("CloudFront.12", "CloudFront distributions should not point to non-existent S3 origins", "every S3 origin's bucket exists"),
  "CloudFront.13": hub("CloudFront.13", "CloudFront distributions should use origin access control", "S3 origins use origin access control"),
  "CloudFront.15": hub(
    "CloudFront.15",
    "CloudFront distributions should use the recommended TLS security policy",
    "TLSv1.2_2021, TLSv1.2_2025 or TLSv1.3_2025, for custom certificates without legacy clients",
  ),
  CKV_AWS_34: checkov(r("CloudfrontDistributionEncryption"), "Ensure CloudFront distribution ViewerProtocolPolicy is set to HTTPS", "no cache behavior with viewer_protocol_policy allow-all"),
  CKV_AWS_68: checkov(r("WAFEnabled"), "CloudFront Distribution should have WAF enabled", "web_acl_id set"),
  CKV_AWS_86: checkov(r("CloudfrontDistributionLogging"), "Ensure CloudFront distribution has Access Logging enabled", "a logging_config block (legacy standard logging)"),
  CKV_AWS_174: checkov(
    r("CloudfrontTLS12"),
    "Verify CloudFront Distribution Viewer Certificate is using TLS v1.2 or higher",
    "not the default certificate, minimum_protocol_version ^TLSv1.(2|3)_YYYY$ (TLSv1.2_2019 passes)",
  ),
  CKV_AWS_259: checkov(
    r("CloudFrontResponseHeaderStrictTransportSecurity"),
    "Ensure CloudFront response header policy enforces Strict Transport Security",
    "HSTS max-age ≥ 1 year, includeSubdomains, preload and override all set",
  ),
  CKV_AWS_305: checkov(r("CloudfrontDistributionDefaultRoot"), "Ensure CloudFront distribution has a default root object configured", "default_root_object set"),
  CKV_AWS_310: checkov(r("CloudfrontDistributionOriginFailover"), "Ensure CloudFront distributions should have origin failover configured", "an origin group with failover"),
  CKV_AWS_374: checkov(r("CloudFrontGeoRestrictionDisabled"), "Ensure AWS CloudFront web distribution has geo restriction enabled", "restriction_type is not none"),
  CKV2_AWS_32: checkov(g("CloudFrontHasResponseHeadersPolicy"), "Ensure CloudFront distribution has a response headers policy attached", "every cache behavior names a response headers policy"),
  CKV2_AWS_42: checkov(g("CloudFrontHasCustomSSLCertificate"), "Ensure AWS CloudFront distribution uses custom SSL certificate", "not the default certificate"),
  CKV2_AWS_46: checkov(
    g("CLoudFrontS3OriginConfigWithOAI"),
    "Ensure AWS CloudFront Distribution with S3 have Origin Access set to enabled",
    "an S3 origin has s3_origin_config or origin_access_control_id",
  ),
  CKV2_AWS_47: checkov(
    g("CloudFrontWebACLConfiguredWIthLog4jVulnerability"),
    "Ensure AWS CloudFront attached WAFv2 WebACL is configured with AMR for Log4j Vulnerability",
    "a WAFv2 web ACL with the known-bad-inputs managed rule",
  ),
  CKV2_AWS_54: checkov(
    g("CloudFrontUsesSecureProtocolsForHTTPS"),
    "Ensure AWS CloudFront distribution is using secure SSL protocols for HTTPS communication",
    "no custom origin's origin_ssl_protocols contains SSLv3",
  ),
  CKV2_AWS_72: checkov(g("CloudfrontOriginNotHTTPSOnly"), "Ensure AWS CloudFront origin protocol policy enforces HTTPS-only", "custom origins use origin_protocol_policy https-only"),
  "AVD-AWS-0010": trivy("cloudfront/enable_logging.rego", "Cloudfront distribution should have Access Logging configured", "a logging bucket (legacy logging)"),
  "AVD-AWS-0011": trivy("cloudfront/enable_waf.rego", "CloudFront distribution does not have a WAF in front.", "a WAF web ACL id"),
  "AVD-AWS-0012": trivy("cloudfront/enforce_https.rego", "CloudFront distribution allows unencrypted (HTTP) communications.", "no cache behavior with allow-all"),
  "AVD-AWS-0013": trivy(
    "cloudfront/use_secure_tls_policy.rego",
    "CloudFront distribution uses outdated SSL/TLS protocols.",
    "minimum protocol TLSv1.2_2021, TLSv1.2_2025 or TLSv1.3_2025 (default certificate skipped)",
  ),

  // ACM
  "ACM.1": hub(
    "ACM.1",
    "Imported and ACM-issued certificates should be renewed after a specified time period",
    "the certificate renews before it expires (ACM renews DNS-validated certificates unattended)",
  ),
  "ACM.2": hub("ACM.2", "RSA certificates managed by ACM should use a key length of at least 2,048 bits", "RSA keys of 2,048 bits or more"),
  CKV_AWS_234: checkov(
    r("ACMCertSetLoggingPreference"),
    "Verify logging preference for ACM certificates",
    "options.certificate_transparency_logging_preference ENABLED (or the options block left out)",
  ),
  CKV2_AWS_71: checkov(g("ACMWildcardDomainName"), "Ensure AWS ACM Certificate domain name does not include wildcards", "no * in the domain name"),

  // Load balancers
  "ELB.5": hub("ELB.5", "Application and Classic Load Balancers logging should be enabled", "access logs on Application and Classic load balancers (not Network)"),
  "ELB.6": hub("ELB.6", "Application, Gateway, and Network Load Balancers should have deletion protection enabled", "deletion protection on"),
  "ELB.17": hub(
    "ELB.17",
    "Application and Network Load Balancers with listeners should use recommended security policies",
    "HTTPS/TLS listeners use TLS13-1-3-2021-06, TLS13-1-3-FIPS-2023-04, TLS13-1-2-Res-2021-06, TLS13-1-2-Res-FIPS-2023-04 or their 2025-09 PQ variants",
  ),
  "ELB.18": hub("ELB.18", "Application and Network Load Balancer listeners should use secure protocols to encrypt data in transit", "ALB listeners HTTPS, NLB listeners TLS"),
  "ELB.21": hub("ELB.21", "Application and Network Load Balancer target groups should use encrypted health check protocols", "health checks over HTTPS"),
  "ELB.22": hub("ELB.22", "ELB target groups should use encrypted transport protocols", "target group protocol HTTPS, TLS or QUIC"),
  "ELB.13": hub("ELB.13", "Application, Network and Gateway Load Balancers should span multiple Availability Zones", "registered instances in at least two Availability Zones"),
  CKV_AWS_152: checkov(
    r("LBCrossZone"),
    "Ensure that Load Balancer (Network/Gateway) has cross-zone load balancing enabled",
    "enable_cross_zone_load_balancing true on network and gateway load balancers",
  ),
  CKV_AWS_2: checkov(r("ALBListenerHTTPS"), "Ensure ALB protocol is HTTPS", "HTTP listeners only (HTTPS, TLS, TCP, UDP and TCP_UDP pass; HTTP passes with a redirect to HTTPS)"),
  CKV_AWS_91: checkov(r("ELBv2AccessLogs"), "Ensure the ELBv2 (Application/Network) has access logging enabled", "access_logs.enabled on aws_lb / aws_alb"),
  CKV_AWS_103: checkov(g("AppLoadBalancerTLS12"), "Ensure that load balancer is using at least TLS 1.2", "TLS/HTTPS listeners use a TLS 1.2+ policy (TCP, UDP and TCP_UDP pass)"),
  CKV_AWS_150: checkov(r("LBDeletionProtection"), "Ensure that Load Balancer has deletion protection enabled", "enable_deletion_protection true"),
  CKV2_AWS_74: checkov(g("LBWeakCiphers"), "Ensure AWS Load Balancers use strong ciphers", "listeners are TLS/HTTPS with an ssl_policy set and not one of the weak ones"),
  "AVD-AWS-0047": trivy("elb/use_secure_tls_policy.rego", "An outdated SSL policy is in use by a load balancer.", "no listener uses a listed outdated policy"),
  "AVD-AWS-0054": trivy("elb/http_not_used.rego", "Use of plain HTTP.", "application load balancer listeners: HTTP only with a redirect"),

  // EC2, Auto Scaling, VPC
  "EC2.2": hub("EC2.2", "VPC default security groups should not allow inbound or outbound traffic", "the default security group has no rules"),
  "EC2.3": hub("EC2.3", "Attached Amazon EBS volumes should be encrypted at-rest", "every attached EBS volume is encrypted"),
  "EC2.6": hub("EC2.6", "VPC flow logging should be enabled in all VPCs", "a flow log per VPC"),
  "EC2.8": hub("EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "instances require IMDSv2 tokens"),
  "EC2.9": hub("EC2.9", "Amazon EC2 instances should not have a public IPv4 address", "instances have no public IPv4 address"),
  "EC2.13": hub("EC2.13", "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22", "no world ingress to 22"),
  "EC2.14": hub("EC2.14", "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389", "no world ingress to 3389"),
  "EC2.15": hub("EC2.15", "Amazon EC2 subnets should not automatically assign public IP addresses", "subnets do not auto-assign public IPv4 or IPv6 addresses"),
  "EC2.18": hub("EC2.18", "Security groups should only allow unrestricted incoming traffic for authorized ports", "world ingress only on authorized TCP ports (default 80, 443)"),
  "EC2.19": hub("EC2.19", "Security groups should not allow unrestricted access to ports with high risk", "no world ingress to high-risk ports"),
  "EC2.25": hub("EC2.25", "Amazon EC2 launch templates should not assign public IPs to network interfaces", "launch template network interfaces do not associate public IPs"),
  "EC2.170": hub("EC2.170", "EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)", "launch templates require IMDSv2 tokens"),
  "AutoScaling.3": hub(
    "AutoScaling.3",
    "Auto Scaling group launch configurations should configure EC2 instances to require Instance Metadata Service Version 2 (IMDSv2)",
    "launch configurations require IMDSv2",
  ),
  "AutoScaling.4": hub("AutoScaling.4", "Auto Scaling group launch configuration should not have a metadata response hop limit greater than 1", "launch configurations' hop limit is 1"),
  "AutoScaling.5": hub(
    "AutoScaling.5",
    "Amazon EC2 instances launched using Auto Scaling group launch configurations should not have Public IP addresses",
    "launch configurations do not associate public IPs",
  ),
  "AutoScaling.9": hub("AutoScaling.9", "Amazon EC2 Auto Scaling groups should use Amazon EC2 launch templates", "groups launch from launch templates"),
  "EC2.10": hub("EC2.10", "Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon EC2 service", "every VPC has an interface endpoint for the EC2 API"),
  "EC2.57": hub("EC2.57", "VPCs should be configured with an interface endpoint for Systems Manager", "every VPC has an interface endpoint for Systems Manager"),
  "AutoScaling.1": hub(
    "AutoScaling.1",
    "Amazon EC2 Auto Scaling groups associated with a load balancer should use ELB health checks",
    "a group attached to a load balancer uses the ELB health check type",
  ),
  CKV_AWS_46: checkov(
    r("EC2Credentials"),
    "Ensure no hard-coded secrets exist in EC2 user data",
    "no AWS access key or secret in the user data of instances, launch templates and launch configurations",
  ),
  CKV2_AWS_15: checkov(
    g("AutoScallingEnabledELB"),
    "Ensure that auto Scaling groups that are associated with a load balancer, are using Elastic Load Balancing health checks.",
    "health_check_type ELB on a group attached to a load balancer",
  ),
  "AVD-AWS-0029": trivy("ec2/no_secrets_in_user_data.rego", "User data for EC2 instances must not contain sensitive AWS keys", "no AWS keys in an instance's user data"),
  "AVD-AWS-0129": trivy("ec2/as_no_secrets_in_user_data.rego", "User data for EC2 instances must not contain sensitive AWS keys", "no AWS keys in a launch configuration's user data"),
  CKV_AWS_3: checkov(r("EBSEncryption"), "Ensure all data stored in the EBS is securely encrypted", "aws_ebs_volume encrypted true"),
  CKV_AWS_8: checkov(
    r("LaunchConfigurationEBSEncryption"),
    "Ensure all data stored in the Launch configuration or instance Elastic Blocks Store is securely encrypted",
    "launch configurations and instances declare an encrypted root device and encrypted EBS devices",
  ),
  CKV_AWS_24: checkov(r("SecurityGroupUnrestrictedIngress22"), "Ensure no security groups allow ingress from 0.0.0.0:0 to port 22", "no world ingress to 22"),
  CKV_AWS_25: checkov(r("SecurityGroupUnrestrictedIngress3389"), "Ensure no security groups allow ingress from 0.0.0.0:0 to port 3389", "no world ingress to 3389"),
  CKV_AWS_79: checkov(r("IMDSv1Disabled"), "Ensure Instance Metadata Service Version 1 is not enabled", "http_tokens required on instances, launch templates and launch configurations"),
  CKV_AWS_88: checkov(r("EC2PublicIP"), "EC2 instance should not have public IP.", "instances and launch template interfaces do not associate a public IP"),
  CKV_AWS_130: checkov(r("SubnetPublicIP"), "Ensure VPC subnets do not assign public IP by default", "map_public_ip_on_launch not true"),
  CKV_AWS_260: checkov(r("SecurityGroupUnrestrictedIngress80"), "Ensure no security groups allow ingress from 0.0.0.0:0 to port 80", "no world ingress to 80"),
  CKV_AWS_277: checkov(r("SecurityGroupUnrestrictedIngressAny"), "Ensure no security groups allow ingress from 0.0.0.0:0 to port -1", "no world ingress on every port"),
  CKV_AWS_315: checkov(r("AutoScalingLaunchTemplate"), "Ensure EC2 Auto Scaling groups use EC2 launch templates", "groups use a launch template"),
  CKV_AWS_341: checkov(r("LaunchTemplateMetadataHop"), "Ensure Launch template should not have a metadata response hop limit greater than 1", "http_put_response_hop_limit at most 1"),
  CKV_AWS_382: checkov(r("SecurityGroupUnrestrictedEgressAny"), "Ensure no security groups allow egress from 0.0.0.0:0 to port -1", "no egress to 0.0.0.0/0 on every port"),
  CKV2_AWS_11: checkov(g("VPCHasFlowLog"), "Ensure VPC flow logging is enabled in all VPCs", "a flow log for every VPC"),
  CKV2_AWS_12: checkov(g("VPCHasRestrictedSG"), "Ensure the default security group of every VPC restricts all traffic", "the default security group has no rules"),
  "AVD-AWS-0008": trivy("ec2/as_enable_at_rest_encryption.rego", "Launch configuration with unencrypted block device.", "launch configuration root and EBS devices encrypted"),
  "AVD-AWS-0009": trivy("ec2/no_public_ip.rego", "Launch configuration should not have a public IP address.", "associate_public_ip_address not true"),
  "AVD-AWS-0026": trivy("ec2/enable_volume_encryption.rego", "EBS volumes must be encrypted", "aws_ebs_volume encrypted"),
  "AVD-AWS-0028": trivy("ec2/enforce_http_token_imds.rego", "aws_instance should activate session tokens for Instance Metadata Service.", "instances require IMDSv2 tokens"),
  "AVD-AWS-0104": trivy("ec2/no_public_egress_sgr.rego", "A security group rule should not allow unrestricted egress to any IP address.", "no egress rule to a /0"),
  "AVD-AWS-0107": trivy("ec2/no_public_ingress_sgr.rego", "Security groups should not allow unrestricted ingress to SSH or RDP from any IP address.", "no world ingress to 22 or 3389"),
  "AVD-AWS-0130": trivy("ec2/as_enforce_http_token_imds.rego", "aws_instance should activate session tokens for Instance Metadata Service.", "launch configurations require IMDSv2 tokens"),
  "AVD-AWS-0131": trivy("ec2/enable_at_rest_encryption.rego", "Instance with unencrypted block device.", "instance root and EBS devices encrypted"),
  "AVD-AWS-0164": trivy("ec2/no_public_ip_subnet.rego", "Instances in a subnet should not receive a public IP address by default.", "map_public_ip_on_launch not true"),
  "AVD-AWS-0173": trivy("ec2/restrict_all_in_default_sg.rego", "Default security group should restrict all traffic", "the default security group has no rules"),
  "AVD-AWS-0178": trivy("ec2/require_vpc_flow_logs_for_all_vpcs.rego", "VPC Flow Logs should be enabled for all VPCs", "a flow log for every VPC"),

  // IAM
  "IAM.1": hub("IAM.1", 'IAM policies should not allow full "*" administrative privileges', 'customer managed policies (AWS::IAM::Policy) allow no "*" action on "*"'),
  "IAM.21": hub(
    "IAM.21",
    "IAM customer managed policies that you create should not allow wildcard actions for services",
    'customer managed policies (AWS::IAM::Policy) allow no "<service>:*" action (nor NotAction with Allow)',
  ),
  CKV_AWS_60: checkov(r("IAMRoleAllowsPublicAssume"), "Ensure IAM role allows only specific services or principals to assume it", 'no trust statement with Principal "*" / AWS "*"'),
  CKV_AWS_61: checkov(r("IAMRoleAllowAssumeFromAccount"), "Ensure AWS IAM policy does not allow assume role permission across all services", "no trust of a whole account's root"),
  CKV_AWS_62: checkov(
    r("IAMAdminPolicyDocument"),
    'Ensure IAM policies that allow full "*-*" administrative privileges are not created',
    'no Allow of Action "*" on Resource "*" (inline and managed policies)',
  ),
  CKV_AWS_63: checkov(r("IAMStarActionPolicyDocument"), 'Ensure no IAM policies documents allow "*" as a statement\'s actions', 'no Allow of Action "*"'),
  CKV_AWS_274: checkov(r("IAMManagedAdminPolicy"), "Disallow IAM roles, users, and groups from using the AWS AdministratorAccess policy", "no attachment of AdministratorAccess"),
  CKV_AWS_286: checkov(
    r("IAMPrivilegeEscalation"),
    "Ensure IAM policies does not allow privilege escalation",
    'cloudsplaining: actions that escalate privileges (iam:PassRole, iam:Put*Policy, iam:Attach*Policy, …) allowed on Resource "*"',
  ),
  CKV_AWS_290: checkov(r("IAMWriteAccess"), "Ensure IAM policies does not allow write access without constraints", 'cloudsplaining: write actions on Resource "*"'),
  CKV_AWS_355: checkov(
    r("IAMStarResourcePolicyDocument"),
    'Ensure no IAM policies documents allow "*" as a statement\'s resource for restrictable actions',
    'actions that support resource-level permissions allowed on Resource "*"',
  ),
  CKV2_AWS_40: checkov(g("IAMPolicyNotAllowFullIAMAccess"), "Ensure AWS IAM policy does not allow full IAM privileges", 'no Allow of Action "iam:*" (or "*")'),
  CKV2_AWS_56: checkov(g("IAMManagedIAMFullAccessPolicy"), "Ensure AWS Managed IAMFullAccess IAM policy is not used.", "no attachment of IAMFullAccess"),
  "AVD-AWS-0342": trivy("iam/filter_iam_pass_role.rego", "IAM Pass Role Filtering", "a policy allows iam:PassRole without a Deny of it"),

  // KMS
  "KMS.1": hub("KMS.1", "IAM customer managed policies should not allow decryption actions on all KMS keys", 'managed policies allow no kms:Decrypt / kms:ReEncryptFrom on Resource "*"'),
  "KMS.2": hub("KMS.2", "IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys", 'inline policies allow no kms:Decrypt / kms:ReEncryptFrom on Resource "*"'),
  "KMS.4": hub("KMS.4", "AWS KMS key rotation should be enabled", "automatic rotation on for symmetric customer managed keys"),
  "KMS.5": hub("KMS.5", "KMS keys should not be publicly accessible", "the key policy does not grant access to everyone"),
  CKV_AWS_7: checkov(r("KMSRotation"), "Ensure rotation for customer created CMKs is enabled", "enable_key_rotation true on symmetric keys"),
  CKV_AWS_33: checkov(r("KMSKeyWildcardPrincipal"), "Ensure KMS key policy does not contain wildcard (*) principal", 'no Allow statement without a Condition to Principal "*" or AWS "*"'),
  CKV2_AWS_64: checkov(g("KmsKeyPolicyIsDefined"), "Ensure KMS key Policy is defined", "the key declares its policy"),
  "AVD-AWS-0065": trivy("kms/auto_rotate_keys.rego", "A KMS key is not configured to auto-rotate.", "rotation on for ENCRYPT_DECRYPT keys"),

  // SNS
  "SNS.1": hub("SNS.1", "SNS topics should be encrypted at-rest using AWS KMS", "a KMS key on the topic"),
  "SNS.4": hub("SNS.4", "SNS topic access policies should not allow public access", "no topic policy grants everyone"),
  CKV_AWS_169: checkov(
    r("SNSTopicPolicyAnyPrincipal"),
    "Ensure SNS topic policy is not public by only allowing specific services or principals to access it",
    "no aws_sns_topic_policy statement to Principal *",
  ),
  CKV_AWS_26: checkov(r("SNSTopicEncryption"), "Ensure all data stored in the SNS topic is encrypted", "kms_master_key_id set"),
  "AVD-AWS-0095": trivy("sns/enable_topic_encryption.rego", "Unencrypted SNS topic.", "a KMS key on the topic"),
  "AVD-AWS-0136": trivy("sns/topic_encryption_with_cmk.rego", "SNS topic not encrypted with CMK.", "not the AWS managed alias/aws/sns"),

  // Route 53, CloudWatch
  "Route53.2": hub("Route53.2", "Route 53 public hosted zones should log DNS queries", "a query logging configuration for the public zone"),
  CKV2_AWS_23: checkov(
    g("Route53ARecordAttachedResource"),
    "Route53 A Record has Attached Resource",
    "a Route 53 A record is an alias or connected to a resource of the configuration (an Elastic IP, a load balancer), not a literal address",
  ),
  CKV2_AWS_38: checkov(
    g("Route53ZoneEnableDNSSECSigning"),
    "Ensure Domain Name System Security Extensions (DNSSEC) signing is enabled for Amazon Route 53 public hosted zones",
    "a hosted zone DNSSEC resource signing the public zone",
  ),
  CKV2_AWS_39: checkov(
    g("Route53ZoneHasMatchingQueryLog"),
    "Ensure Domain Name System (DNS) query logging is enabled for Amazon Route 53 hosted zones",
    "an aws_route53_query_log for every public zone",
  ),
  CKV_AWS_66: checkov(r("CloudWatchLogGroupRetention"), "Ensure that CloudWatch Log Group specifies retention days", "retention_in_days set"),
  CKV_AWS_158: checkov(r("CloudWatchLogGroupKMSKey"), "Ensure that CloudWatch Log Group is encrypted by KMS", "kms_key_id set"),
  CKV_AWS_319: checkov(r("CloudWatchAlarmsEnabled"), "Ensure that CloudWatch alarm actions are enabled", "actions_enabled not false"),
  CKV_AWS_338: checkov(r("CloudWatchLogGroupRetentionYear"), "Ensure CloudWatch log groups retains logs for at least 1 year", "retention_in_days of 365 or more (or 0, forever)"),
  "AVD-AWS-0017": trivy("cloudwatch/log_group_customer_key.rego", "CloudWatch log groups should be encrypted using CMK", "a KMS key on the log group"),
} as const satisfies Record<string, Control>;

export type ControlId = keyof typeof controls;

/** Ids that name a real catalog rule but must not be cited, with why: a test refuses them anywhere in the metadata. */
export const uncitable: Readonly<Record<string, string>> = {
  "CloudFront.2": "retired by Security Hub; it asked for the origin access identity that enforce-origin-access-control refuses in favour of origin access control (CloudFront.13)",
  "S3.1": "an account-level control (AWS::::Account): no bucket of the stack can meet or fail it",
  "S3.4": "retired by Security Hub (default encryption is now always on); CKV_AWS_19 judges the declared configuration",
  "AVD-AWS-0057": "deprecated in trivy-checks, and it never judged AWS managed policies",
  "AVD-AWS-0088": "deprecated in trivy-checks (S3 encrypts every object by default)",
};
