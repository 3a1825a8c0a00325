/**
 * Where the program's knowledge of the providers and the cloud APIs comes from: the provider files
 * read (each at the commit it was read at), the installed SDK declaration files read, and the API
 * reference pages read. The replace rules (`tools/diff/replaceRules.ts`) and the API contracts
 * (`models/aws/contracts.ts`, `models/cloudflare/contracts.ts`) cite only through the builders
 * here, whose file arguments are the keys of these tables: a citation of a file or page nobody
 * read does not type-check.
 *
 * Citation forms:
 * - `terraform-provider-aws internal/service/<file>:<line>@<commit>`: the line read at that commit;
 * - `terraform-provider-aws internal/service/<file>@<commit> "<attribute>"`: the schema attribute to
 *   look up in the file as it was at that commit;
 * - `node_modules/@pulumi/aws/<file>:<line> <Interface.member> (installed @pulumi/aws <version>)`:
 *   the doc comment of a declaration in the installed package (what deploys; the doc text is the
 *   provider's documentation of the attribute), checked line by line by
 *   `test/models/contracts/citations.spec.ts`;
 * - an API reference page's URL and the section read there.
 *
 * Pure module: no Pulumi imports.
 */

/**
 * The commit each terraform-provider-aws file under internal/service/ was read at (the stored
 * version of the file; files were read at different commits).
 */
export const awsFileRead = {
  "acm/certificate.go": "01661ea3cbe6b07ed725b03c587d24ceb464484a",
  "acm/certificate_validation.go": "004eea7f9b6658d88d652e89e10c7520a10ad6b8",
  "autoscaling/group.go": "eeecacfa18e259c26acee2806655620336bfb519",
  "autoscaling/launch_configuration.go": "1037711a99b6edb1a97fc6c5c1aa6644f010c4b8",
  "autoscaling/lifecycle_hook.go": "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
  "autoscaling/policy.go": "007ce0a8dd1d97df0e44eeaa5d467b8f1443f4d1",
  "cloudfront/cache_policy.go": "37d5fa21a55236b69462d557ee4a6fe3cfdfc472",
  "cloudfront/distribution.go": "acde588265bb9030379201e363f9f682879b51bd",
  "cloudfront/origin_access_control.go": "09537f6131639c1d49ebcc38fc11972d6a4b60b5",
  "cloudfront/origin_access_identity.go": "b11fc0fdd2efcc87bbff031692818008455bd048",
  "cloudfront/response_headers_policy.go": "4e81648bd90b5da518944cc2a39dc274d054e91e",
  "cloudwatch/composite_alarm.go": "050ac11163cab8cdae5936a7f40b0e528ff780df",
  "cloudwatch/dashboard.go": "0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff",
  "cloudwatch/metric_alarm.go": "055611a654738da73e7b1e2b5d2b7672c6d4d531",
  "ec2/ec2_eip.go": "01606926a0c0ab9174aec440f976a48b0baee722",
  "ec2/ec2_instance.go": "5c58e0c2b9ff434d647f71c6b505f655b561ae21",
  "ec2/ec2_launch_template.go": "c49358f89b43a4d9c8e533cd0610cd72cbd11eb3",
  "ec2/vpc_.go": "00081ce41cc691433ac19bf42227cdabffd0454d",
  "ec2/vpc_default_security_group.go": "01f431114674c27cf790fafb67ac274bf8f765e1",
  "ec2/vpc_endpoint.go": "008db85aad5e56627b1eecab8830464a282552ed",
  "ec2/vpc_flow_log.go": "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
  "ec2/vpc_internet_gateway.go": "08923b68b5ad6fcfdd38362fb5247e39a9b07add",
  "ec2/vpc_route.go": "c49358f89b43a4d9c8e533cd0610cd72cbd11eb3",
  "ec2/vpc_route_table.go": "022092419b7cda11527df3c6b51cbfe1876c1722",
  "ec2/vpc_route_table_association.go": "0be71beb458ad8875e0acc5c91519c0ceeb214aa",
  "ec2/vpc_security_group.go": "01606926a0c0ab9174aec440f976a48b0baee722",
  "ec2/vpc_security_group_ingress_rule.go": "00a322094b4b9ade8a81b244345dbcf4b52ee8d6",
  "ec2/vpc_security_group_rule.go": "acde588265bb9030379201e363f9f682879b51bd",
  "ec2/vpc_subnet.go": "00cda125a19d31754cb0d073cf551264c57955cb",
  "elbv2/listener.go": "01c08000ddb14181b5bd19201d8fca311dc570e4",
  "elbv2/load_balancer.go": "af55dfb90500e80afb9d9ba64a76024e500c948a",
  "elbv2/target_group.go": "013cfb4cddc9c44a28f34abad0c11768bcdb9b85",
  "iam/group_policy_attachment.go": "4c72bcc7dc2f5ace40ce61f2a90e12a62cf4ec9a",
  "iam/instance_profile.go": "013f1736b90439e5a19567a87d3e5cd11858c420",
  "iam/policy.go": "fd91d1b7945cd7b14e91b4f8e9770d14a6f793d9",
  "iam/policy_attachment.go": "6417f751ee08a8b37a8663975fdd606e513bd67a",
  "iam/role.go": "0040ea6911af00bea2cca6dbb14e86829826ad8e",
  "iam/role_policy.go": "02f97af85f89a04e8ed89f5e8b64a9a67f3cfe07",
  "iam/role_policy_attachment.go": "04c79849dbe7fbe76c3054b364357bcdaade9ac5",
  "iam/role_policy_attachments_exclusive.go": "feaafa423b63f3d3875aa4554aca3d749529b93a",
  "iam/user_policy_attachment.go": "81ae62fe1923da7df3e2e3d1444f883c64396a12",
  "kms/key.go": "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
  "logs/delivery.go": "009ebbba773eb7f1e3b286e30033836f4d115bd9",
  "logs/delivery_destination.go": "1e67cc5d48a621fe85585ada9c1cfb26802a4da7",
  "logs/delivery_source.go": "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
  "logs/group.go": "b11fc0fdd2efcc87bbff031692818008455bd048",
  "logs/resource_policy.go": "b9d9b25a270cf1cf4aefb6ba57ebe323dfa421b1",
  "route53/delegation_set.go": "01606926a0c0ab9174aec440f976a48b0baee722",
  "route53/health_check.go": "01606926a0c0ab9174aec440f976a48b0baee722",
  "route53/hosted_zone_dnssec.go": "8966abc2530eba5ffd5f6212bfae9802721e52b7",
  "route53/key_signing_key.go": "7417a81acca4961b7718fafe6e825b65700b7e0e",
  "route53/query_log.go": "acd1aed7060421923af9a35e4434d4df2bd6c3da",
  "route53/record.go": "00655c1681ea1e49ab10cd32d3f8bee372b2095b",
  "route53/zone.go": "036631a1dee59efb6d1986c0a19b373402bda29f",
  "route53domains/delegation_signer_record.go": "fc65184c2acec4d6eaeb627a38a39705e00f5dc3",
  "s3/bucket.go": "4c72bcc7dc2f5ace40ce61f2a90e12a62cf4ec9a",
  "s3/bucket_acl.go": "8a0b630aa00be415497be382fed4294db03af6c3",
  "s3/bucket_lifecycle_configuration.go": "edd83424302044e8c32a0ca62412fa55499cd136",
  "s3/bucket_ownership_controls.go": "01c08000ddb14181b5bd19201d8fca311dc570e4",
  "s3/bucket_policy.go": "0073593e7d6993ba482409f4dc35438daaa79bb3",
  "s3/bucket_public_access_block.go": "01606926a0c0ab9174aec440f976a48b0baee722",
  "s3/bucket_replication_configuration.go": "e96a78948f415f154c6adf85d9ed83ef49e7e373",
  "s3/bucket_server_side_encryption_configuration.go": "01606926a0c0ab9174aec440f976a48b0baee722",
  "s3/bucket_versioning.go": "01c08000ddb14181b5bd19201d8fca311dc570e4",
  "s3/object.go": "033c721bf1eda7db79395cd73acb54c7efa57ffc",
  "sns/topic.go": "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
  "sns/topic_subscription.go": "04a2e6e5bc625ec85ea8c678219b483fc674877e",
} as const;
export type AwsFile = keyof typeof awsFileRead;

/** A provider file as it was read: `terraform-provider-aws internal/service/<file>@<commit>`. */
export const awsFile = (file: AwsFile) => `terraform-provider-aws internal/service/${file}@${awsFileRead[file].slice(0, 12)}`;
/** A schema attribute to look up in a provider file, with what it says of it (`ForceNew`, a validator). */
export const awsAttribute = (file: AwsFile, attribute: string, says: string) => `${awsFile(file)} "${attribute}" ${says}`;
/** A line of a provider file at the commit it was read at. */
export const awsLine = (file: AwsFile, line: number) => `terraform-provider-aws internal/service/${file}:${line}@${awsFileRead[file].slice(0, 12)}`;

/** The terraform-provider-cloudflare commit its schema files were read at (`internal/services/<service>/schema.go`). */
export const cloudflareCommit = "a2efdc5786ae9726d56928dbfe91933bd92404ca";
/** A line of a Cloudflare resource's schema, with what it says. */
export const cloudflareSchemaLine = (service: string, line: number, says: string) =>
  `terraform-provider-cloudflare internal/services/${service}/schema.go:${line}@${cloudflareCommit.slice(0, 12)} ${says}`;

/** The pulumi-terraform-bridge commit its naming rules were read at. */
export const bridgeCommit = "59de6c661df1e7561e6ece7ad7f1c835c63010c4";

/** The installed SDK versions whose declaration files are cited (`package.json` of each). */
export const installedVersions = { aws: "7.48.0", cloudflare: "6.22.1" } as const;

/** Declaration files of the installed @pulumi/aws read (relative to `node_modules/@pulumi/aws/`). */
export const installedAwsRead = [
  "acm/certificate.d.ts",
  "acm/certificateValidation.d.ts",
  "autoscaling/group.d.ts",
  "autoscaling/lifecycleHook.d.ts",
  "autoscaling/policy.d.ts",
  "cloudfront/cachePolicy.d.ts",
  "cloudfront/distribution.d.ts",
  "cloudfront/originAccessControl.d.ts",
  "cloudfront/responseHeadersPolicy.d.ts",
  "cloudwatch/dashboard.d.ts",
  "cloudwatch/logDelivery.d.ts",
  "cloudwatch/logGroup.d.ts",
  "cloudwatch/logResourcePolicy.d.ts",
  "cloudwatch/logDeliveryDestination.d.ts",
  "cloudwatch/logDeliverySource.d.ts",
  "cloudwatch/metricAlarm.d.ts",
  "ec2/defaultSecurityGroup.d.ts",
  "ec2/eip.d.ts",
  "ec2/flowLog.d.ts",
  "ec2/internetGateway.d.ts",
  "ec2/launchTemplate.d.ts",
  "ec2/route.d.ts",
  "ec2/routeTable.d.ts",
  "ec2/routeTableAssociation.d.ts",
  "ec2/securityGroup.d.ts",
  "ec2/subnet.d.ts",
  "ec2/vpc.d.ts",
  "ec2/vpcEndpoint.d.ts",
  "iam/instanceProfile.d.ts",
  "iam/role.d.ts",
  "iam/rolePolicy.d.ts",
  "iam/rolePolicyAttachment.d.ts",
  "kms/key.d.ts",
  "lb/listener.d.ts",
  "lb/loadBalancer.d.ts",
  "lb/targetGroup.d.ts",
  "route53/delegationSet.d.ts",
  "route53/healthCheck.d.ts",
  "route53/queryLog.d.ts",
  "route53/record.d.ts",
  "route53/zone.d.ts",
  "s3/bucket.d.ts",
  "s3/bucketLifecycleConfiguration.d.ts",
  "s3/bucketObjectv2.d.ts",
  "s3/bucketOwnershipControls.d.ts",
  "s3/bucketPolicy.d.ts",
  "s3/bucketPublicAccessBlock.d.ts",
  "s3/bucketReplicationConfig.d.ts",
  "s3/bucketServerSideEncryptionConfiguration.d.ts",
  "s3/bucketVersioning.d.ts",
  "sns/topic.d.ts",
  "sns/topicSubscription.d.ts",
  "types/input.d.ts",
  "vpc/securityGroupEgressRule.d.ts",
  "vpc/securityGroupIngressRule.d.ts",
] as const;
export type InstalledAwsFile = (typeof installedAwsRead)[number];

/** Declaration files of the installed @pulumi/cloudflare read (relative to `node_modules/@pulumi/cloudflare/`). */
export const installedCloudflareRead = ["dnsRecord.d.ts", "zone.d.ts", "zoneDnsSettings.d.ts", "types/input.d.ts"] as const;
export type InstalledCloudflareFile = (typeof installedCloudflareRead)[number];

/**
 * The doc comment at `line` of an installed @pulumi/aws declaration file, on `symbol`
 * (`Interface.member`): `node_modules/@pulumi/aws/lb/loadBalancer.d.ts:408 LoadBalancerArgs.name (installed @pulumi/aws 7.48.0)`.
 */
export const installedAws = (file: InstalledAwsFile, line: number, symbol: string) => `node_modules/@pulumi/aws/${file}:${line} ${symbol} (installed @pulumi/aws ${installedVersions.aws})`;
/** The same for an installed @pulumi/cloudflare declaration file. */
export const installedCloudflare = (file: InstalledCloudflareFile, line: number, symbol: string) =>
  `node_modules/@pulumi/cloudflare/${file}:${line} ${symbol} (installed @pulumi/cloudflare ${installedVersions.cloudflare})`;

/**
 * The API reference pages read, by a short key: what each API accepts and the error it answers
 * otherwise. A contract or a rehearsal rule cites a page by its key.
 */
export const apiPagesRead = {
  "aws/tagging": "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (Tag naming limits and requirements)",
  "aws/regions": "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
  "acm/RequestCertificate": "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html",
  "autoscaling/CreateAutoScalingGroup": "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html",
  "autoscaling/PutLifecycleHook": "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html",
  "autoscaling/PutScalingPolicy": "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html",
  "autoscaling/DescribeInstanceRefreshes": "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeInstanceRefreshes.html",
  "cloudfront/CreateDistribution": "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html",
  "cloudfront/CachePolicyConfig": "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CachePolicyConfig.html",
  "cloudfront/OriginAccessControlConfig": "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_OriginAccessControlConfig.html",
  "cloudfront/quotas": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html",
  "cloudwatch/PutMetricAlarm": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  "cloudwatch/PutDashboard": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
  "logs/CreateLogGroup": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  "logs/PutRetentionPolicy": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  "logs/PutResourcePolicy": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html",
  "logs/PutDeliverySource": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html",
  "logs/PutDeliveryDestination": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliveryDestination.html",
  "logs/DeleteDeliverySource": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteDeliverySource.html",
  "ec2/CreateVpc": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html",
  "ec2/CreateRoute": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html",
  "ec2/CreateSubnet": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html",
  "ec2/DeleteSubnet": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html",
  "ec2/DeleteSecurityGroup": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html",
  "ec2/errors": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (client error codes)",
  "ec2/CreateSecurityGroup": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  "ec2/userData": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html (user data is limited to 16 KB, in raw form, before it is base64-encoded)",
  "elbv2/CreateLoadBalancer": "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  "elbv2/CreateTargetGroup": "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
  "elbv2/DeleteLoadBalancer": "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html",
  "elbv2/DeleteTargetGroup": "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html",
  "iam/quotas": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (IAM and AWS STS character limits)",
  "kms/ScheduleKeyDeletion": "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
  "kms/PutKeyPolicy": "https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html",
  "route53/CreateHostedZone": "https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html",
  "route53/DeleteHostedZone": "https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html",
  "route53/HealthCheckConfig": "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html",
  "route53/ResourceRecordSet": "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html",
  "route53/CreateReusableDelegationSet": "https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateReusableDelegationSet.html",
  "s3/bucketnamingrules": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  "s3/DeleteBucket": "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html (BucketNotEmpty, S3 error responses)",
  "s3/PutBucketPolicy": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html (a bucket policy is limited to 20 KB)",
  "s3/objectKey": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html (a key is 1 to 1,024 bytes of UTF-8)",
  "sns/CreateTopic": "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
  "sns/Subscribe": "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html",
  "cloudflare/dns-records": "https://developers.cloudflare.com/api/resources/dns/subresources/records/ (schema dns-records_ttl: 1 means automatic, else 60 to 86,400 s on non-Enterprise zones)",
  "cloudflare/record-attributes": "https://developers.cloudflare.com/dns/manage-dns-records/reference/record-attributes/",
  "cloudflare/zones": "https://developers.cloudflare.com/api/resources/zones/methods/create/",
} as const;
export type ApiPage = keyof typeof apiPagesRead;
/** An API reference page read, with the section or parameter that says so. */
export const apiPage = (page: ApiPage, says: string) => `${apiPagesRead[page]}: ${says}`;
