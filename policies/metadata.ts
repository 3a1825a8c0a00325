/**
 * One metadata record per policy of the pack: its severity, the service it guards, the incident it
 * prevents, how to fix a violation, and the catalog controls each of its checks enforces. The pack
 * (`pack.ts`) sets Pulumi Cloud's policy fields from it (severity, remediationSteps, url, framework,
 * tags), the README's policy table and `docs/policies.md` are generated from it, and a policy's
 * messages cite their controls through {@link cite}: a control id is written in `controls.ts` and
 * referenced here, nowhere else.
 *
 * A check's controls are those whose rule checks what that check refuses (`controls.ts` says what
 * each rule checks, from its source): a policy stricter than a catalog cites it only on the cases
 * the catalog refuses too, and says where it is stricter.
 */
import type { PolicyComplianceFramework, Severity } from "@pulumi/policy";
import type { IncidentId } from "../models/incidents";
import { controls, ControlId } from "./controls";

export interface PolicyMetadata {
  name: string;
  severity: Severity;
  /** The service the policy guards, as a tag: `s3`, `cloudfront`, `elb`, `ec2`, `iam`, `kms`, `route53`, `cloudflare`, … */
  service: string;
  /** The post-mortem it prevents; undefined for the plain security baseline. */
  incident?: IncidentId;
  /** The smallest fix of a violation, as Pulumi Cloud shows it beside the finding. */
  remediationSteps: string;
  /** Each named check of the policy with the catalog controls that refuse exactly what it refuses; `{}` where no catalog has the rule. */
  checks: Readonly<Record<string, readonly ControlId[]>>;
  /** Where the policy refuses more than every catalog it cites, said plainly (the docs show it). */
  stricterThanCatalogs?: string;
}

/** Where the policies' documentation lives (`docs/policies.md`, a section per policy); rename `edge-org` with CODEOWNERS when the repository moves. */
export const policyDocsUrl = "https://github.com/edge-org/edge/blob/main/docs/policies.md";

const baseline = (m: Omit<PolicyMetadata, "checks"> & { checks?: PolicyMetadata["checks"] }): PolicyMetadata => ({ checks: {}, ...m });

export const policyMetadata: readonly PolicyMetadata[] = [
  // DNS and recovery (incidents 000 and 001).
  baseline({
    name: "enforce-failover-ttl",
    severity: "high",
    service: "dns",
    incident: "000",
    remediationSteps: "Lower the record's TTL to the bound the message names (failover records within their bound, NS and SOA within theirs).",
  }),
  baseline({
    name: "enforce-provider-parity",
    severity: "high",
    service: "dns",
    incident: "001",
    remediationSteps: "Declare the record in edge:dns (DnsRecords renders it to both providers), never in one provider alone.",
  }),
  baseline({
    name: "enforce-response-size",
    severity: "high",
    service: "dns",
    incident: "001",
    remediationSteps: "Drop records or shorten names until every answer fits the limit the message names.",
  }),
  baseline({ name: "enforce-snippet-on-cdn", severity: "critical", service: "dns", incident: "000", remediationSteps: "Point the snippet hostname at the CDN distribution in both providers." }),
  baseline({
    name: "disallow-half-signed-zone",
    severity: "critical",
    service: "dns",
    incident: "001",
    remediationSteps: "Remove the DNSSEC key, signing setting or DS record: DNSSEC stays off while Route 53 and Cloudflare both hold the zone.",
  }),
  baseline({
    name: "enforce-cdn-origin-failover",
    severity: "high",
    service: "cloudfront",
    incident: "000",
    remediationSteps: "Serve every cache behavior from an origin group of two S3 buckets in two regions, failing over on the six status codes SnippetCdn lists.",
    checks: { originGroup: ["CloudFront.4", "CKV_AWS_310"] },
    stricterThanCatalogs: "the catalogs accept any origin group; this policy wants two buckets in two regions and failover on 500, 502, 503, 504, 403 and 404.",
  }),
  baseline({
    name: "enforce-proxy-memory",
    severity: "high",
    service: "ec2",
    incident: "000",
    remediationSteps: "Lower nginx's connection limits or pick an instance type with more memory, as the message's numbers say.",
  }),
  baseline({
    name: "enforce-region-loss-capacity",
    severity: "high",
    service: "autoscaling",
    incident: "002",
    remediationSteps: "Raise the other regions' maximum hosts until they carry peak × burst with the largest region lost.",
  }),
  baseline({
    name: "enforce-datastore-budget",
    severity: "high",
    service: "ec2",
    incident: "002",
    remediationSteps: "Lower hosts × processes × pool or raise the datastore's max connections, as the message's numbers say.",
  }),
  baseline({ name: "missing-second-region", severity: "critical", service: "ec2", incident: "002", remediationSteps: "Add a second ingestion region in edge:regions." }),
  baseline({
    name: "enforce-drain-before-terminate",
    severity: "high",
    service: "autoscaling",
    incident: "003",
    remediationSteps: "Raise the lifecycle hook's heartbeat and the target group's draining above the drain the hosts run.",
  }),
  baseline({
    name: "enforce-recovery-time",
    severity: "high",
    service: "route53",
    incident: "003",
    remediationSteps: "Shorten the timer the message names (a TTL, a health check interval, a timeout) until the failure mode recovers within its bound.",
  }),
  baseline({
    name: "enforce-alarm-actions",
    severity: "high",
    service: "cloudwatch",
    incident: "000",
    remediationSteps: "Give the alarm enabled alarm and OK actions that notify the alarm topic.",
    checks: { actions: ["CKV_AWS_319"] },
    stricterThanCatalogs: "OK actions are required too.",
  }),
  baseline({
    name: "enforce-alarm-coverage",
    severity: "high",
    service: "cloudwatch",
    incident: "000",
    remediationSteps: "Declare a warning and a critical alarm for the resource (the Alarms component does).",
  }),
  baseline({
    name: "configure-alarm-thresholds",
    severity: "medium",
    service: "cloudwatch",
    incident: "000",
    remediationSteps: "Keep levels within the metric's range, the warning before the critical in the metric's direction.",
  }),

  // S3.
  baseline({
    name: "disallow-public-bucket",
    severity: "critical",
    service: "s3",
    incident: "000",
    remediationSteps: "Give every bucket a public access block with all four settings true, grant reads to the distribution only (AWS:SourceArn), and use no public ACL.",
    checks: {
      blockPublicAcls: ["S3.8", "CKV_AWS_53", "AVD-AWS-0086"],
      blockPublicPolicy: ["S3.8", "CKV_AWS_54", "AVD-AWS-0087"],
      ignorePublicAcls: ["S3.8", "CKV_AWS_55", "AVD-AWS-0091"],
      restrictPublicBuckets: ["S3.8", "CKV_AWS_56", "AVD-AWS-0093"],
      missingPublicAccessBlock: ["S3.8", "CKV2_AWS_6", "AVD-AWS-0094"],
      publicPolicy: ["S3.2", "S3.3", "CKV_AWS_70"],
      anyDistribution: [],
      publicAcl: ["S3.2", "S3.3", "CKV_AWS_20", "CKV_AWS_57", "AVD-AWS-0092"],
    },
    stricterThanCatalogs: "a grant to cloudfront.amazonaws.com without an AWS:SourceArn condition (any account's distribution) is refused too.",
  }),
  baseline({
    name: "disallow-public-bucket-acl",
    severity: "critical",
    service: "s3",
    remediationSteps: "Remove the public canned ACL or the AllUsers / AuthenticatedUsers grant; serve public content through the CDN.",
    checks: {
      cannedAcl: ["S3.2", "S3.3", "CKV_AWS_20", "CKV_AWS_57", "AVD-AWS-0092"],
      allUsersGrant: ["S3.2", "S3.3", "CKV_AWS_20", "AVD-AWS-0092"],
      authenticatedUsersGrant: ["S3.2", "S3.3", "CKV2_AWS_43", "AVD-AWS-0092"],
    },
  }),
  baseline({
    name: "disallow-foreign-bucket-access",
    severity: "high",
    service: "s3",
    remediationSteps: "Grant bucket access to this account's principals and AWS service principals only, never to another account.",
    checks: { awsPrincipal: ["S3.6"] },
    stricterThanCatalogs: "S3.6 refuses only five bucket-administration actions to other accounts; this policy refuses any action to another account.",
  }),
  baseline({
    name: "enforce-bucket-tls",
    severity: "medium",
    service: "s3",
    remediationSteps: "Add the statement that denies s3:* on the bucket and its objects when aws:SecureTransport is false (denyPlainHttp in components/logBucket.ts).",
    checks: { denyPlainHttp: ["S3.5"] },
  }),
  baseline({
    name: "disable-bucket-acls",
    severity: "medium",
    service: "s3",
    remediationSteps: "Add an aws.s3.BucketOwnershipControls with objectOwnership BucketOwnerEnforced for the bucket.",
    checks: { ownerEnforced: ["S3.12", "CKV2_AWS_65"] },
  }),
  baseline({
    name: "enable-bucket-versioning",
    severity: "low",
    service: "s3",
    remediationSteps: "Add an aws.s3.BucketVersioning with status Enabled for the bucket, and expire noncurrent versions in its lifecycle.",
    checks: { versioning: ["S3.14", "CKV_AWS_21", "AVD-AWS-0090"] },
  }),
  baseline({
    name: "enable-bucket-lifecycle",
    severity: "low",
    service: "s3",
    remediationSteps: "Add an aws.s3.BucketLifecycleConfiguration whose enabled rules expire noncurrent versions and abort incomplete multipart uploads.",
    checks: { lifecycle: ["S3.13", "S3.10", "CKV2_AWS_61"], abortUploads: ["CKV_AWS_300"] },
  }),
  baseline({
    name: "enable-bucket-encryption",
    severity: "medium",
    service: "s3",
    remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket.",
    checks: { defaultEncryption: ["CKV_AWS_19"] },
  }),
  baseline({
    name: "enable-bucket-kms-encryption",
    severity: "low",
    service: "s3",
    remediationSteps: "Encrypt the bucket with a customer-managed KMS key, or take a waiver whose condition holds.",
    checks: { kms: ["S3.17", "CKV_AWS_145", "AVD-AWS-0132"] },
  }),
  baseline({
    name: "enable-bucket-access-logs",
    severity: "medium",
    service: "s3",
    remediationSteps: "Add an aws.s3.BucketLogging into a log bucket, or take a waiver whose condition holds.",
    checks: { serverAccessLogs: ["S3.9", "CKV_AWS_18", "AVD-AWS-0089"] },
  }),
  baseline({
    name: "enable-bucket-replication",
    severity: "low",
    service: "s3",
    remediationSteps: "Replicate the bucket to another region, or take a waiver whose condition holds.",
    checks: { replication: ["S3.7", "CKV_AWS_144"] },
  }),
  baseline({
    name: "enable-bucket-event-notifications",
    severity: "low",
    service: "s3",
    remediationSteps: "Add an aws.s3.BucketNotification, or take a waiver whose condition holds.",
    checks: { notifications: ["S3.11", "CKV2_AWS_62"] },
  }),
  baseline({
    name: "enable-bucket-object-lock",
    severity: "low",
    service: "s3",
    remediationSteps: "Create the bucket with Object Lock, or take a waiver whose condition holds.",
    checks: { objectLock: ["S3.15", "CKV_AWS_143"] },
  }),
  baseline({
    name: "enforce-origin-replication",
    severity: "high",
    service: "s3",
    incident: "000",
    remediationSteps: "Replicate the origin group's primary bucket, all of it and its deletes, to the secondary.",
    checks: { originReplicates: ["S3.7", "CKV_AWS_144"] },
    stricterThanCatalogs: "the rule must cover the whole bucket, replicate deletes, and target the origin group's other bucket.",
  }),

  // CloudFront.
  baseline({
    name: "disallow-plain-http-viewers",
    severity: "high",
    service: "cloudfront",
    incident: "000",
    remediationSteps: 'Set viewerProtocolPolicy "redirect-to-https" (or "https-only") on every cache behavior.',
    checks: { viewerProtocol: ["CloudFront.3", "CKV_AWS_34", "AVD-AWS-0012"] },
  }),
  baseline({
    name: "configure-minimum-tls",
    severity: "high",
    service: "cloudfront",
    incident: "000",
    remediationSteps: 'Serve the distribution under the zone\'s name with an ACM certificate, minimumProtocolVersion "TLSv1.2_2021" and sslSupportMethod "sni-only".',
    checks: {
      defaultCertificate: ["CloudFront.7", "CKV_AWS_174", "CKV2_AWS_42"],
      belowTls12: ["CloudFront.15", "CKV_AWS_174", "AVD-AWS-0013"],
      cbcCiphers: ["CloudFront.15", "AVD-AWS-0013"],
      dedicatedIp: ["CloudFront.8"],
    },
  }),
  baseline({
    name: "enforce-cdn-origin-tls",
    severity: "high",
    service: "cloudfront",
    remediationSteps: 'Give every custom origin originProtocolPolicy "https-only" and originSslProtocols ["TLSv1.2"].',
    checks: { httpOrigin: ["CloudFront.9", "CKV2_AWS_72"], sslv3: ["CloudFront.10", "CKV2_AWS_54"], oldTls: [] },
    stricterThanCatalogs: "TLSv1 and TLSv1.1 toward origins are refused too, not only SSLv3.",
  }),
  baseline({
    name: "enforce-origin-access-control",
    severity: "high",
    service: "cloudfront",
    incident: "000",
    remediationSteps: 'Set originAccessControlId to an aws.cloudfront.OriginAccessControl (origin type "s3", signing "always").',
    checks: { legacyIdentity: ["CloudFront.13"], unsigned: ["CloudFront.13", "CKV2_AWS_46"] },
  }),
  baseline({
    name: "enforce-declared-origin-buckets",
    severity: "critical",
    service: "cloudfront",
    incident: "000",
    remediationSteps: "Point the origin at a declared bucket's bucketRegionalDomainName.",
    checks: { declared: ["CloudFront.12"] },
  }),
  baseline({
    name: "configure-cdn-default-root-object",
    severity: "medium",
    service: "cloudfront",
    remediationSteps: 'Set defaultRootObject to the loader\'s key ("loader.js").',
    checks: { defaultRootObject: ["CloudFront.1", "CKV_AWS_305"] },
  }),
  baseline({
    name: "enforce-cdn-hsts",
    severity: "medium",
    service: "cloudfront",
    remediationSteps: "Attach a response headers policy to every cache behavior whose strictTransportSecurity has a max-age of at least a year, includeSubdomains, preload and override.",
    checks: { headersPolicy: ["CKV2_AWS_32"], hsts: ["CKV_AWS_259"] },
  }),
  baseline({
    name: "enable-cdn-access-logs",
    severity: "medium",
    service: "cloudfront",
    remediationSteps: "Give the distribution a loggingConfig, or take a waiver whose condition holds.",
    checks: { legacyLogging: ["CloudFront.5", "CKV_AWS_86", "AVD-AWS-0010"] },
  }),
  baseline({
    name: "enable-cdn-waf",
    severity: "medium",
    service: "cloudfront",
    remediationSteps: "Associate a WAFv2 web ACL (webAclId), or take a waiver whose condition holds.",
    checks: { webAcl: ["CloudFront.6", "CKV_AWS_68", "CKV2_AWS_47", "AVD-AWS-0011"] },
  }),
  baseline({
    name: "configure-cdn-geo-restriction",
    severity: "low",
    service: "cloudfront",
    remediationSteps: "Restrict the distribution to the countries it serves, or take a waiver whose condition holds.",
    checks: { geoRestriction: ["CKV_AWS_374"] },
  }),

  // Certificates and load balancers.
  baseline({
    name: "enforce-dns-validation",
    severity: "medium",
    service: "acm",
    remediationSteps: 'Set validationMethod "DNS" and declare the validation records (DnsValidatedCertificate does).',
    checks: { dnsValidated: ["ACM.1"] },
  }),
  baseline({
    name: "configure-acm-certificate",
    severity: "medium",
    service: "acm",
    remediationSteps: 'Keep options.certificateTransparencyLoggingPreference "ENABLED", a key of RSA 2048+ or EC, and no wildcard name.',
    checks: { transparencyLogging: ["CKV_AWS_234"], keyLength: ["ACM.2"], wildcard: ["CKV2_AWS_71"] },
  }),
  baseline({
    name: "configure-listener-tls",
    severity: "high",
    service: "elb",
    remediationSteps: 'Set protocol "TLS" with a certificateArn and sslPolicy "ELBSecurityPolicy-TLS13-1-2-Res-2021-06".',
    checks: { plainHttp: ["ELB.18", "CKV_AWS_2", "CKV2_AWS_74", "AVD-AWS-0054"], plainTcp: ["ELB.18", "CKV2_AWS_74"], weakPolicy: ["ELB.17", "CKV_AWS_103", "CKV2_AWS_74", "AVD-AWS-0047"] },
  }),
  baseline({
    name: "enable-lb-deletion-protection",
    severity: "medium",
    service: "elb",
    incident: "001",
    remediationSteps: 'Set enableDeletionProtection: true (docs/runbook.md, "Removing a region", says how to lift it).',
    checks: { deletionProtection: ["ELB.6", "CKV_AWS_150"] },
  }),
  baseline({
    name: "enable-lb-access-logs",
    severity: "medium",
    service: "elb",
    remediationSteps: 'Set accessLogs: { enabled: true, bucket: <the region\'s log bucket>, prefix: "nlb" }.',
    checks: { application: ["ELB.5", "CKV_AWS_91"], network: ["CKV_AWS_91"] },
  }),
  baseline({
    name: "enforce-target-group-tls",
    severity: "medium",
    service: "elb",
    remediationSteps: "Forward and health-check over TLS/HTTPS, or take a waiver whose condition holds.",
    checks: { transport: ["ELB.22"], healthCheck: ["ELB.21"] },
  }),

  // Compute and network.
  baseline({
    name: "enforce-imdsv2",
    severity: "high",
    service: "ec2",
    remediationSteps: 'Set metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 }.',
    checks: {
      templateTokens: ["EC2.170", "CKV_AWS_79"],
      configurationTokens: ["AutoScaling.3", "CKV_AWS_79", "AVD-AWS-0130"],
      instanceTokens: ["EC2.8", "CKV_AWS_79", "AVD-AWS-0028"],
      templateHopLimit: ["CKV_AWS_341"],
      configurationHopLimit: ["AutoScaling.4", "CKV_AWS_341"],
      instanceHopLimit: [],
    },
    stricterThanCatalogs: "instances' hop limit must be 1 too.",
  }),
  baseline({
    name: "enable-ebs-encryption",
    severity: "high",
    service: "ec2",
    remediationSteps: "Declare every EBS volume (the root one included) with encrypted: true.",
    checks: {
      template: ["EC2.3"],
      configuration: ["EC2.3", "CKV_AWS_8", "AVD-AWS-0008"],
      instance: ["EC2.3", "CKV_AWS_8", "AVD-AWS-0131"],
      volume: ["CKV_AWS_3", "AVD-AWS-0026"],
    },
    stricterThanCatalogs: "a launch template must declare its root volume, encrypted; the catalogs accept one that leaves it to the AMI.",
  }),
  baseline({
    name: "disallow-launch-configuration",
    severity: "medium",
    service: "autoscaling",
    incident: "003",
    remediationSteps: "Launch from an aws.ec2.LaunchTemplate.",
    checks: { launchTemplate: ["AutoScaling.9", "CKV_AWS_315"] },
  }),
  baseline({
    name: "disallow-public-host-ip",
    severity: "high",
    service: "ec2",
    remediationSteps: 'Give the launch template a network interface with associatePublicIpAddress "false"; hosts reach AWS through VPC endpoints.',
    checks: { template: ["EC2.25", "CKV_AWS_88"], templateUnstated: [], configuration: ["AutoScaling.5", "AVD-AWS-0009"], instance: ["EC2.9", "CKV_AWS_88"] },
    stricterThanCatalogs: "a launch template that leaves the choice to its subnet (no network interface saying false) is refused too.",
  }),
  baseline({
    name: "disallow-subnet-public-ip",
    severity: "medium",
    service: "ec2",
    remediationSteps: "Set mapPublicIpOnLaunch and assignIpv6AddressOnCreation to false.",
    checks: { ipv4: ["EC2.15", "CKV_AWS_130", "AVD-AWS-0164"], ipv6: ["EC2.15"] },
  }),
  baseline({
    name: "disallow-public-ingress",
    severity: "critical",
    service: "ec2",
    remediationSteps: "Narrow the rule to the load balancer's listener ports, or admit only the VPC's or the load balancer's addresses.",
    checks: {
      everyPort: ["EC2.18", "EC2.19", "CKV_AWS_277"],
      adminPort22: ["EC2.13", "EC2.19", "CKV_AWS_24", "AVD-AWS-0107"],
      adminPort3389: ["EC2.14", "EC2.19", "CKV_AWS_25", "AVD-AWS-0107"],
      otherPort: ["EC2.18"],
      port80: ["CKV_AWS_260"],
    },
    stricterThanCatalogs: "only the listener ports (443) may be open to the world; EC2.18 also authorizes 80, so a rule opening 80 cites CKV_AWS_260 alone.",
  }),
  baseline({
    name: "disallow-public-egress",
    severity: "high",
    service: "ec2",
    remediationSteps: "Send only to a VPC endpoint's security group, the S3 prefix list of a gateway endpoint, or the datastore's private networks.",
    checks: { wholeInternetEveryPort: ["CKV_AWS_382", "AVD-AWS-0104"], wholeInternet: ["AVD-AWS-0104"], publicNetwork: [] },
    stricterThanCatalogs: "any public destination is refused, not only a /0, and a prefix list must be one the stack's gateway endpoint exposes.",
  }),
  baseline({
    name: "disallow-public-prefix-lists",
    severity: "high",
    service: "ec2",
    remediationSteps: "Keep private networks only in the stack's managed prefix lists; reach AWS services through a gateway endpoint's list.",
    checks: { publicEntry: [] },
  }),
  baseline({
    name: "disallow-default-security-group-rules",
    severity: "medium",
    service: "ec2",
    remediationSteps: "Adopt the VPC's default security group with aws.ec2.DefaultSecurityGroup and no rules.",
    checks: { empty: ["EC2.2", "CKV2_AWS_12", "AVD-AWS-0173"] },
  }),
  baseline({
    name: "enable-vpc-flow-logs",
    severity: "medium",
    service: "ec2",
    remediationSteps: 'Add an aws.ec2.FlowLog of trafficType "ALL" for the VPC.',
    checks: { flowLog: ["EC2.6", "CKV2_AWS_11", "AVD-AWS-0178"] },
  }),
  baseline({
    name: "enforce-required-paths",
    severity: "critical",
    service: "ec2",
    incident: "002",
    remediationSteps: "Open the hop the message names (the security group rule, route, network ACL entry, endpoint or endpoint policy statement) for the flow it names.",
  }),
  baseline({
    name: "disallow-unneeded-paths",
    severity: "high",
    service: "ec2",
    remediationSteps: "Remove the rule, route, endpoint or statement the message names, or narrow it to the flows that use it.",
  }),

  // IAM and KMS.
  baseline({
    name: "disallow-wildcard-iam",
    severity: "critical",
    service: "iam",
    remediationSteps: 'List the actions the role needs on the ARNs it needs them on; never "*" or "<service>:*".',
    checks: {
      everyAction: ["CKV_AWS_63", "CKV2_AWS_40"],
      everyActionEveryResource: ["CKV_AWS_62", "CKV_AWS_63", "CKV2_AWS_40"],
      everyActionEveryResourceManaged: ["IAM.1", "CKV_AWS_62", "CKV_AWS_63", "CKV2_AWS_40"],
      notAction: [],
      notActionManaged: ["IAM.21"],
      serviceWildcard: [],
      serviceWildcardManaged: ["IAM.21"],
      writeOnEveryResource: ["CKV_AWS_290", "CKV_AWS_355"],
      decryptEveryKey: ["KMS.2", "CKV_AWS_290", "CKV_AWS_355"],
      decryptEveryKeyManaged: ["KMS.1", "CKV_AWS_290", "CKV_AWS_355"],
      unreadable: [],
    },
    stricterThanCatalogs: '"<service>:*" and NotAction are refused in inline role policies too, where IAM.21 judges only customer managed policies.',
  }),
  baseline({
    name: "disallow-iam-privilege-escalation",
    severity: "critical",
    service: "iam",
    remediationSteps: "Remove iam:* and iam:PassRole from host and service roles; a role that must pass one names that role's ARN exactly.",
    checks: { fullIam: ["CKV2_AWS_40"], passRoleAnywhere: ["CKV_AWS_286", "AVD-AWS-0342"], passRoleWildcard: ["AVD-AWS-0342"], escalationAction: ["CKV_AWS_286"], escalationWildcard: [] },
    stricterThanCatalogs: 'iam:PassRole or a policy-writing action on a wildcard role ARN (role/*) is refused too, where CKV_AWS_286 judges only Resource "*".',
  }),
  baseline({
    name: "disallow-broad-managed-policies",
    severity: "critical",
    service: "iam",
    remediationSteps: "Detach it and grant the named actions on named resources in a role policy.",
    checks: { administrator: ["CKV_AWS_274"], iamFullAccess: ["CKV2_AWS_56"], powerUser: [], fullAccess: [] },
    stricterThanCatalogs: "PowerUserAccess and every AWS managed *FullAccess policy are refused too.",
  }),
  baseline({
    name: "enforce-service-trust",
    severity: "critical",
    service: "iam",
    remediationSteps: 'Trust only the AWS service that uses the role: Principal: { Service: "ec2.amazonaws.com" }.',
    checks: { everyone: ["CKV_AWS_60"], account: ["CKV_AWS_61"], other: [] },
    stricterThanCatalogs: "users, federated principals and NotPrincipal are refused too.",
  }),
  baseline({
    name: "enable-kms-key-rotation",
    severity: "medium",
    service: "kms",
    remediationSteps: "Set enableKeyRotation: true (rotationPeriodInDays at most 365).",
    checks: { rotation: ["KMS.4", "CKV_AWS_7", "AVD-AWS-0065"], period: [] },
  }),
  baseline({
    name: "disallow-public-key-policy",
    severity: "critical",
    service: "kms",
    remediationSteps: "Declare the key's policy, granting this account's root and the named AWS service principals only (with aws:SourceAccount).",
    checks: { everyone: ["KMS.5", "CKV_AWS_33"], everyoneWithCondition: [], undeclared: ["CKV2_AWS_64"], unreadable: [] },
    stricterThanCatalogs: 'a Principal "*" is refused even with a condition.',
  }),
  baseline({
    name: "enable-topic-encryption",
    severity: "medium",
    service: "sns",
    incident: "000",
    remediationSteps: "Set kmsMasterKeyId to a customer-managed key whose policy lets cloudwatch.amazonaws.com use it.",
    checks: { encrypted: ["SNS.1", "CKV_AWS_26", "AVD-AWS-0095"], customerKey: ["AVD-AWS-0136"] },
  }),

  // Route 53, CloudWatch Logs, Cloudflare.
  baseline({
    name: "enable-query-logging",
    severity: "medium",
    service: "route53",
    incident: "001",
    remediationSteps: "Add an aws.route53.QueryLog for the zone into a us-east-1 log group (DnsQueryLog does).",
    checks: { queryLog: ["Route53.2", "CKV2_AWS_39"] },
  }),
  baseline({
    name: "enable-dnssec-signing",
    severity: "medium",
    service: "route53",
    incident: "001",
    remediationSteps: "Sign the zone, or take the waiver whose condition holds while two providers serve it.",
    checks: { signing: ["CKV2_AWS_38"] },
  }),
  baseline({
    name: "configure-log-group",
    severity: "medium",
    service: "cloudwatch",
    remediationSteps: "Set retentionInDays to 365 or more and kmsKeyId to a customer-managed key.",
    checks: { retentionSet: ["CKV_AWS_66", "CKV_AWS_338"], retentionYear: ["CKV_AWS_338"], kms: ["CKV_AWS_158", "AVD-AWS-0017"] },
  }),
  baseline({ name: "missing-caa", severity: "medium", service: "dns", remediationSteps: "Publish CAA records at the apex in each provider that allow only ACM's CAs." }),
  baseline({
    name: "missing-dmarc",
    severity: "medium",
    service: "dns",
    remediationSteps: "Publish one enforcing DMARC record (and a null MX and SPF -all for a domain that sends no mail) in each provider.",
  }),
  baseline({ name: "disallow-dangling-records", severity: "high", service: "dns", remediationSteps: "Point the record at the stack's resource output (its dnsName or domainName), or delete it." }),
  baseline({
    name: "disallow-foreign-addresses",
    severity: "high",
    service: "dns",
    remediationSteps: "Point A and AAAA records at the stack's Elastic IPs (or alias the resource), never at a literal address the stack does not own.",
    checks: { literalAddressRoute53: ["CKV2_AWS_23"], literalAddressCloudflare: [] },
  }),
  baseline({
    name: "disallow-proxied-records",
    severity: "critical",
    service: "cloudflare",
    incident: "001",
    remediationSteps: "Set proxied: false: the secondary serves the primary's addresses, and the CAA lets only ACM issue for the zone.",
  }),

  // What the clouds' APIs accept (a refused value stops the first deploy midway).
  baseline({
    name: "enforce-api-contracts",
    severity: "high",
    service: "api",
    remediationSteps: "Set the property the message names to a value the API accepts (its range, length, characters or values), and keep the stack's name in names an account holds once.",
  }),
];

const byName = new Map(policyMetadata.map((m) => [m.name, m]));

/** The metadata of `policy`; throws for a policy without one (a test holds every policy to having one). */
export function metadataFor(policy: string): PolicyMetadata {
  const found = byName.get(policy);
  if (!found) throw new Error(`policy ${policy} has no record in policies/metadata.ts`);
  return found;
}

/** Every catalog control of a policy, each once, in the order its checks name them. */
export function policyControls(meta: PolicyMetadata): ControlId[] {
  return [...new Set(Object.values(meta.checks).flat())];
}

/** The controls of one check of `policy`. */
export function checkControls(policy: string, check: string): readonly ControlId[] {
  const controlsOfCheck = metadataFor(policy).checks[check];
  if (!controlsOfCheck) throw new Error(`policy ${policy} has no check ${check} in policies/metadata.ts`);
  return controlsOfCheck;
}

/**
 * A message's closing words for the checks a finding fails: `Security baseline (S3.8, CKV_AWS_53).`,
 * each control once, or without controls where no catalog has the case.
 */
export function cite(policy: string, ...checks: string[]): string {
  const ids = [...new Set(checks.flatMap((check) => checkControls(policy, check)))];
  return ids.length > 0 ? `Security baseline (${ids.join(", ")}).` : "Security baseline.";
}

/** The section of `docs/policies.md` that documents `policy`. */
export function policyUrl(policy: string): string {
  return `${policyDocsUrl}#${policy}`;
}

/** The framework Pulumi Cloud shows: the catalog the policy's controls come from (Security Hub before Checkov before trivy), or none. */
export function policyFramework(meta: PolicyMetadata): PolicyComplianceFramework | undefined {
  const ids = policyControls(meta);
  const frameworks = [
    { catalog: "securityhub", name: "AWS Security Hub CSPM controls", version: "2026-12-06" },
    { catalog: "checkov", name: "Checkov", version: "checkov@03d5fdad" },
    { catalog: "trivy", name: "trivy-checks", version: "trivy-checks@80e53822" },
  ] as const;
  for (const framework of frameworks) {
    const cited = ids.filter((id) => controls[id].catalog === framework.catalog);
    if (cited.length === 0) continue;
    return { name: framework.name, version: framework.version, reference: cited.join(", "), specification: controls[cited[0]!].source };
  }
  return undefined;
}

/** Pulumi Cloud's tags: the incident, the service and each control cited. */
export function policyTags(meta: PolicyMetadata): string[] {
  return [...(meta.incident ? [`incident:${meta.incident}`] : []), `service:${meta.service}`, ...policyControls(meta).map((id) => `control:${id}`)];
}
