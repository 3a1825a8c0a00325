/**
 * Which property changes make a provider replace a resource, for every resource type the program
 * declares, taken from the providers' own schemas: terraform-provider-aws (which @pulumi/aws
 * bridges) marks such attributes `ForceNew` or forces new in a `CustomizeDiff`, and its framework
 * resources mark them with a `RequiresReplace` plan modifier, as the Cloudflare provider does.
 * Each rule cites where.
 *
 * Citations: `file:line@commit` where the line was read at that commit; `file@commit "attribute"`
 * names the schema attribute to look up in the file as it was at that commit, the commit each
 * file was read at (`awsFileRead` in `models/providerSources.ts`). Where the installed @pulumi/aws
 * documents a rule that differs from the pinned provider source (the NLB's subnets: newer providers
 * add subnets in place), the installed package is what deploys, and its declaration file is cited.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes as t } from "../../models/resourceTypes";
import { AwsFile, awsAttribute, awsFile, awsLine, bridgeCommit, cloudflareSchemaLine } from "../../models/providerSources";

const aws = (file: AwsFile, attribute: string, marker: "ForceNew" | "RequiresReplace" = "ForceNew") => awsAttribute(file, attribute, marker);
const awsFramework = (file: AwsFile, attribute: string) => aws(file, attribute, "RequiresReplace");
const cloudflare = (service: string, line: number) => cloudflareSchemaLine(service, line, "RequiresReplace");
const installed = (file: string, line: number) => `node_modules/@pulumi/aws/${file}:${line} (installed @pulumi/aws)`;
/**
 * Every aws resource's top-level `region`: the provider's interceptors force a replace when it
 * changes (except between unset and the provider's own region), SDKv2 and framework resources alike.
 */
export const regionCite =
  "terraform-provider-aws internal/provider/sdkv2/region.go@4640a66635ff forceNewIfRegionChanges, internal/provider/framework/region.go@bc6ffa6bedf0 resourceForceNewIfRegionChanges";
/** The bridge's rule for an auto-named property the program names itself (`TypeRules.autoName`). */
export const explicitNameCite = `pulumi-terraform-bridge pkg/tfbridge/provider.go:1276, pkg/tfbridge/schema.go:195@${bridgeCommit.slice(0, 12)} nameRequiresDeleteBeforeReplace`;

/**
 * When a change of one property replaces the resource:
 * - `change`: any change;
 * - `removal`: only when an element of the list is removed (adding one updates in place);
 * - `emptiness`: only when the list (or a single value) goes from empty to set or back;
 * - `decrease`: only when the number goes down (unset counts as 0); raising it updates in place;
 * - `referenceReplaced`: only when a resource it takes an id or ARN from is replaced, so its value
 *   is unknown at plan time (a `RequiresReplaceIf` that forces on an unknown value); a known new
 *   value updates in place.
 */
export type ReplaceWhen = "change" | "removal" | "emptiness" | "decrease" | "referenceReplaced";

export interface PropertyRule {
  when: ReplaceWhen;
  /** Where the provider says so. */
  cite: string;
  /**
   * The resource types whose id or ARN this property takes: when one of them is replaced, its id
   * becomes unknown, the property changes and this resource is replaced too.
   */
  references?: string[];
  /** Applies only when the resource's inputs satisfy this (the NLB's subnet rules are for `network` load balancers). */
  onlyIf?: (inputs: Record<string, unknown>) => boolean;
}

export interface TypeRules {
  /** Top-level property (the Pulumi name) → when its change replaces. Empty: nothing replaces; every change is in place. */
  properties: Record<string, PropertyRule>;
  /** For a type with no forcing property, where that was read; otherwise absent. */
  cite?: string;
  /**
   * Why a create-before-delete replace cannot keep serving (the old and the new resource cannot
   * both hold what clients reach), and what a reviewer should expect: absent when the new one
   * takes over cleanly before the old is deleted.
   */
  outage?: string;
  /**
   * The property @pulumi/aws auto-names (a random suffix when the program sets none). When the
   * program sets it itself, the bridge deletes the old resource before creating its replacement,
   * since two cannot hold one name (`explicitNameCite`).
   */
  autoName?: { property: string; cite: string };
}

const vpcEndpoint = (attribute: string) => aws("ec2/vpc_endpoint.go", attribute);
const change = (cite: string, references?: string[]): PropertyRule => ({ when: "change", cite, ...(references ? { references } : {}) });
const isNetwork = (inputs: Record<string, unknown>) => inputs.loadBalancerType === "network";

const names = (file: AwsFile): Record<string, PropertyRule> => ({ name: change(aws(file, "name")), namePrefix: change(aws(file, "name_prefix")) });

const loadBalancer: TypeRules = {
  properties: {
    name: change(awsLine("elbv2/load_balancer.go", 66)),
    namePrefix: change(awsLine("elbv2/load_balancer.go", 74)),
    internal: change(awsLine("elbv2/load_balancer.go", 82)),
    loadBalancerType: change(awsLine("elbv2/load_balancer.go", 88)),
    customerOwnedIpv4Pool: change(aws("elbv2/load_balancer.go", "customer_owned_ipv4_pool")),
    // A replaced subnet is a removal: its new id is known only once it exists.
    subnets: { when: "removal", cite: installed("lb/loadBalancer.d.ts", 436), onlyIf: isNetwork, references: [t.ec2Subnet] },
    subnetMappings: { when: "removal", cite: installed("lb/loadBalancer.d.ts", 432), onlyIf: isNetwork, references: [t.ec2Subnet] },
    securityGroups: { when: "emptiness", cite: installed("lb/loadBalancer.d.ts", 428), onlyIf: isNetwork },
    secondaryIpsAutoAssignedPerSubnet: { when: "decrease", cite: installed("lb/loadBalancer.d.ts", 424), onlyIf: isNetwork },
  },
  outage:
    "its Elastic IPs cannot be attached to two load balancers: the old one must be deleted before the new one takes them, so the region serves nothing until the new one is active and resolvers and clients holding its addresses reconnect (a regional outage)",
};

const s3Bucket = (file: AwsFile): Record<string, PropertyRule> => ({ bucket: change(aws(file, "bucket"), [t.s3Bucket, t.s3BucketV2]) });
const s3BucketOwned = (file: AwsFile): Record<string, PropertyRule> => ({
  ...s3Bucket(file),
  expectedBucketOwner: change(aws(file, "expected_bucket_owner")),
});
/**
 * The egress rule's schema and plan modifier are the ingress rule's. Switching a rule's source kind
 * (CIDR, prefix list or referenced group: exactly one is set) replaces it in `ModifyPlan`; a new
 * value of the same kind is modified in place.
 */
const ruleFile = "ec2/vpc_security_group_ingress_rule.go";
const sourceKind = (attribute: string): PropertyRule => ({ when: "emptiness", cite: `${aws(ruleFile, attribute, "RequiresReplace")} (ModifyPlan: source kind changed)` });
const ingressEgress: TypeRules = {
  properties: {
    securityGroupId: { when: "change", cite: awsFramework(ruleFile, "security_group_id"), references: [t.ec2SecurityGroup] },
    cidrIpv4: sourceKind("cidr_ipv4"),
    cidrIpv6: sourceKind("cidr_ipv6"),
    prefixListId: sourceKind("prefix_list_id"),
    referencedSecurityGroupId: sourceKind("referenced_security_group_id"),
  },
};
const inPlace = (cite: string): TypeRules => ({ properties: {}, cite });
/** A type whose schema has no `ForceNew` attribute and no `CustomizeDiff` forcing one. */
const noForceNew = (file: AwsFile) => inPlace(`${awsFile(file)}: no attribute is ForceNew`);

const logDelivery = t.cloudwatchLogDelivery;
const logDeliveryDestination = t.cloudwatchLogDeliveryDestination;
const logDeliverySource = t.cloudwatchLogDeliverySource;

/** Replace rules by resource type token. */
export const replaceRules: Record<string, TypeRules> = {
  [t.acmCertificate]: {
    properties: {
      domainName: change(aws("acm/certificate.go", "domain_name")),
      subjectAlternativeNames: change(aws("acm/certificate.go", "subject_alternative_names")),
      keyAlgorithm: change(aws("acm/certificate.go", "key_algorithm")),
      certificateAuthorityArn: change(aws("acm/certificate.go", "certificate_authority_arn")),
      validationMethod: change(aws("acm/certificate.go", "validation_method")),
      validationOptions: change(aws("acm/certificate.go", "validation_option")),
    },
  },
  [t.acmCertificateValidation]: {
    properties: {
      certificateArn: change(aws("acm/certificate_validation.go", "certificate_arn"), [t.acmCertificate]),
      validationRecordFqdns: change(aws("acm/certificate_validation.go", "validation_record_fqdns")),
    },
  },
  [t.albLoadBalancer]: loadBalancer,
  [t.lbLoadBalancer]: loadBalancer,
  [t.autoscalingGroup]: {
    properties: { ...names("autoscaling/group.go"), initialLifecycleHooks: change(aws("autoscaling/group.go", "initial_lifecycle_hook")) },
  },
  // The hook is put again on a new group name (`PutLifecycleHook` is its create and its update).
  [t.autoscalingLifecycleHook]: { properties: { name: change(aws("autoscaling/lifecycle_hook.go", "name")) } },
  [t.autoscalingPolicy]: {
    properties: {
      name: change(aws("autoscaling/policy.go", "name")),
      autoscalingGroupName: change(aws("autoscaling/policy.go", "autoscaling_group_name"), [t.autoscalingGroup]),
    },
  },
  [t.cloudfrontCachePolicy]: noForceNew("cloudfront/cache_policy.go"),
  [t.cloudfrontDistribution]: noForceNew("cloudfront/distribution.go"),
  [t.cloudfrontOriginAccessControl]: noForceNew("cloudfront/origin_access_control.go"),
  [t.cloudfrontOriginAccessIdentity]: noForceNew("cloudfront/origin_access_identity.go"),
  [t.cloudfrontResponseHeadersPolicy]: noForceNew("cloudfront/response_headers_policy.go"),
  [t.cloudwatchCompositeAlarm]: {
    properties: {
      alarmName: change(aws("cloudwatch/composite_alarm.go", "alarm_name")),
      actionsEnabled: change(aws("cloudwatch/composite_alarm.go", "actions_enabled")),
    },
  },
  [t.cloudwatchDashboard]: { properties: { dashboardName: change(aws("cloudwatch/dashboard.go", "dashboard_name")) } },
  [t.cloudwatchMetricAlarm]: {
    properties: { name: change(aws("cloudwatch/metric_alarm.go", "alarm_name")) },
    autoName: { property: "name", cite: 'pulumi-aws provider/resources.go aws_cloudwatch_metric_alarm "alarm_name": tfbridge.AutoName("name", 255, "-")' },
  },
  [t.ec2Eip]: {
    properties: {
      domain: change(aws("ec2/ec2_eip.go", "domain")),
      address: change(aws("ec2/ec2_eip.go", "address")),
      networkBorderGroup: change(aws("ec2/ec2_eip.go", "network_border_group")),
      publicIpv4Pool: change(aws("ec2/ec2_eip.go", "public_ipv4_pool")),
      ipamPoolId: change(aws("ec2/ec2_eip.go", "ipam_pool_id")),
    },
    outage: "a new Elastic IP is a new address: whatever holds the old one (DNS answers up to their TTL, allow-lists) reaches nothing",
  },
  [t.ec2InternetGateway]: inPlace(aws("ec2/vpc_internet_gateway.go", "vpc_id") + ": no attribute is ForceNew (the VPC is detached and attached in place)"),
  [t.ec2LaunchTemplate]: { properties: names("ec2/ec2_launch_template.go") },
  // A route's target changes in place (ReplaceRoute); its table and destination replace it.
  [t.ec2Route]: {
    properties: {
      routeTableId: change(aws("ec2/vpc_route.go", "route_table_id"), [t.ec2RouteTable]),
      destinationCidrBlock: change(aws("ec2/vpc_route.go", "destination_cidr_block")),
      destinationIpv6CidrBlock: change(aws("ec2/vpc_route.go", "destination_ipv6_cidr_block")),
      destinationPrefixListId: change(aws("ec2/vpc_route.go", "destination_prefix_list_id")),
    },
  },
  [t.ec2RouteTable]: { properties: { vpcId: change(aws("ec2/vpc_route_table.go", "vpc_id"), [t.ec2Vpc]) } },
  [t.ec2RouteTableAssociation]: {
    properties: {
      subnetId: change(aws("ec2/vpc_route_table_association.go", "subnet_id"), [t.ec2Subnet]),
      gatewayId: change(aws("ec2/vpc_route_table_association.go", "gateway_id"), [t.ec2InternetGateway]),
    },
  },
  [t.ec2SecurityGroup]: {
    properties: {
      ...names("ec2/vpc_security_group.go"),
      description: change(aws("ec2/vpc_security_group.go", "description")),
      vpcId: change(aws("ec2/vpc_security_group.go", "vpc_id"), [t.ec2Vpc]),
    },
  },
  [t.ec2SecurityGroupRule]: {
    properties: Object.fromEntries(
      ["type", "fromPort", "toPort", "protocol", "cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "self", "sourceSecurityGroupId", "securityGroupId"].map((p) => [
        p,
        change(
          aws(
            "ec2/vpc_security_group_rule.go",
            p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
          ),
          p === "securityGroupId" || p === "sourceSecurityGroupId" ? [t.ec2SecurityGroup] : undefined,
        ),
      ]),
    ),
  },
  [t.ec2Subnet]: {
    properties: {
      vpcId: change(aws("ec2/vpc_subnet.go", "vpc_id"), [t.ec2Vpc]),
      cidrBlock: change(aws("ec2/vpc_subnet.go", "cidr_block")),
      availabilityZone: change(aws("ec2/vpc_subnet.go", "availability_zone")),
      availabilityZoneId: change(aws("ec2/vpc_subnet.go", "availability_zone_id")),
    },
  },
  [t.ec2Vpc]: {
    properties: {
      // ForceNew in CustomizeDiff (unless the block comes from an IPAM pool's netmask).
      cidrBlock: change(`${aws("ec2/vpc_.go", "cidr_block")} (CustomizeDiff)`),
      ipv4IpamPoolId: change(aws("ec2/vpc_.go", "ipv4_ipam_pool_id")),
      ipv4NetmaskLength: change(aws("ec2/vpc_.go", "ipv4_netmask_length")),
    },
  },
  [t.ec2VpcEndpoint]: {
    properties: {
      vpcId: change(vpcEndpoint("vpc_id"), [t.ec2Vpc]),
      serviceName: change(vpcEndpoint("service_name")),
      vpcEndpointType: change(vpcEndpoint("vpc_endpoint_type")),
      serviceRegion: change(vpcEndpoint("service_region")),
      resourceConfigurationArn: change(vpcEndpoint("resource_configuration_arn")),
      serviceNetworkArn: change(vpcEndpoint("service_network_arn")),
      // Forced in the resource's CustomizeDiff for every type but Interface.
      privateDnsEnabled: { when: "change", cite: `${vpcEndpoint("private_dns_enabled")} (CustomizeDiff, non-Interface endpoints)`, onlyIf: (inputs) => inputs.vpcEndpointType !== "Interface" },
    },
  },
  [t.iamInstanceProfile]: { properties: { ...names("iam/instance_profile.go"), path: change(aws("iam/instance_profile.go", "path")) } },
  [t.iamPolicy]: {
    properties: { ...names("iam/policy.go"), path: change(aws("iam/policy.go", "path")), description: change(aws("iam/policy.go", "description")) },
  },
  [t.iamRole]: { properties: { ...names("iam/role.go"), path: change(aws("iam/role.go", "path")) } },
  [t.iamRolePolicy]: { properties: { ...names("iam/role_policy.go"), role: change(aws("iam/role_policy.go", "role"), [t.iamRole]) } },
  [t.iamRolePolicyAttachment]: {
    properties: {
      role: change(aws("iam/role_policy_attachment.go", "role"), [t.iamRole]),
      policyArn: change(aws("iam/role_policy_attachment.go", "policy_arn"), [t.iamPolicy]),
    },
  },
  [t.kmsKey]: {
    properties: {
      keyUsage: change(aws("kms/key.go", "key_usage")),
      customerMasterKeySpec: change(aws("kms/key.go", "customer_master_key_spec")),
      multiRegion: change(aws("kms/key.go", "multi_region")),
      customKeyStoreId: change(aws("kms/key.go", "custom_key_store_id")),
      xksKeyId: change(aws("kms/key.go", "xks_key_id")),
    },
    outage: "data encrypted under the old key (bucket objects, alarm topics) must be readable until the old key's deletion window ends",
  },
  [t.lbListener]: { properties: { loadBalancerArn: change(aws("elbv2/listener.go", "load_balancer_arn"), [t.lbLoadBalancer, t.albLoadBalancer]) } },
  [t.lbTargetGroup]: {
    properties: {
      ...names("elbv2/target_group.go"),
      port: change(aws("elbv2/target_group.go", "port")),
      protocol: change(aws("elbv2/target_group.go", "protocol")),
      protocolVersion: change(aws("elbv2/target_group.go", "protocol_version")),
      vpcId: change(aws("elbv2/target_group.go", "vpc_id"), [t.ec2Vpc]),
      targetType: change(aws("elbv2/target_group.go", "target_type")),
      ipAddressType: change(aws("elbv2/target_group.go", "ip_address_type")),
    },
  },
  [t.route53DelegationSet]: { properties: { referenceName: change(aws("route53/delegation_set.go", "reference_name")) } },
  [t.route53HealthCheck]: {
    properties: {
      type: change(aws("route53/health_check.go", "type")),
      requestInterval: change(aws("route53/health_check.go", "request_interval")),
      measureLatency: change(aws("route53/health_check.go", "measure_latency")),
      referenceName: change(aws("route53/health_check.go", "reference_name")),
      routingControlArn: change(aws("route53/health_check.go", "routing_control_arn")),
    },
    outage: "a new health check starts unknown: records failing over on it answer as healthy until it has measured",
  },
  [t.route53Record]: {
    properties: {
      zoneId: change(aws("route53/record.go", "zone_id"), [t.route53Zone]),
      name: change(aws("route53/record.go", "name")),
    },
  },
  [t.route53Zone]: {
    properties: {
      name: change(aws("route53/zone.go", "name")),
      delegationSetId: change(aws("route53/zone.go", "delegation_set_id"), [t.route53DelegationSet]),
    },
    outage:
      "a zone's name can be hosted twice, but every record of the old zone is deleted with it; on a delegation set the new zone answers with the same name servers only once its records are recreated, and without one the registrar's NS (48 h TTL, incident 001) still point at the old servers: a DNS outage",
  },
  [t.s3Bucket]: {
    properties: {
      bucket: change(aws("s3/bucket.go", "bucket")),
      bucketPrefix: change(aws("s3/bucket.go", "bucket_prefix")),
      objectLockEnabled: change(aws("s3/bucket.go", "object_lock_enabled")),
    },
    outage: "a bucket with objects cannot be deleted: the replace fails, or with forceDestroy deletes the objects",
  },
  [t.s3BucketAcl]: { properties: s3BucketOwned("s3/bucket_acl.go") },
  [t.s3BucketAclV2]: { properties: s3BucketOwned("s3/bucket_acl.go") },
  [t.s3BucketObjectv2]: { properties: { ...s3Bucket("s3/object.go"), key: change(aws("s3/object.go", "key")) } },
  [t.s3BucketOwnershipControls]: { properties: s3Bucket("s3/bucket_ownership_controls.go") },
  [t.s3BucketPolicy]: { properties: s3Bucket("s3/bucket_policy.go") },
  [t.s3BucketPublicAccessBlock]: { properties: s3Bucket("s3/bucket_public_access_block.go") },
  [t.s3BucketReplicationConfig]: { properties: s3Bucket("s3/bucket_replication_configuration.go") },
  [t.s3BucketServerSideEncryptionConfiguration]: { properties: s3BucketOwned("s3/bucket_server_side_encryption_configuration.go") },
  [t.s3BucketV2]: {
    properties: { bucket: change(aws("s3/bucket.go", "bucket")), bucketPrefix: change(aws("s3/bucket.go", "bucket_prefix")) },
  },
  [t.s3BucketVersioning]: { properties: s3BucketOwned("s3/bucket_versioning.go") },
  [t.snsTopic]: { properties: { ...names("sns/topic.go"), fifoTopic: change(aws("sns/topic.go", "fifo_topic")) } },
  [t.snsTopicSubscription]: {
    properties: {
      topic: change(aws("sns/topic_subscription.go", "topic_arn"), [t.snsTopic]),
      protocol: change(aws("sns/topic_subscription.go", "protocol")),
      endpoint: change(aws("sns/topic_subscription.go", "endpoint")),
    },
    // resourceTopicSubscriptionCreate: an http(s) subscription without endpoint_auto_confirms is not
    // waited for; SNS holds it pending until the endpoint confirms the SubscriptionConfirmation.
    outage:
      "a new subscription starts unconfirmed (PendingConfirmation): SNS delivers nothing to an https endpoint until it confirms the SubscriptionConfirmation message, and the provider does not wait for that (endpointAutoConfirms false), so the alarms reach nobody there meanwhile",
  },
  [t.vpcSecurityGroupEgressRule]: ingressEgress,
  [t.vpcSecurityGroupIngressRule]: ingressEgress,
  [t.albListener]: { properties: { loadBalancerArn: change(aws("elbv2/listener.go", "load_balancer_arn"), [t.lbLoadBalancer, t.albLoadBalancer]) } },
  [t.ec2DefaultSecurityGroup]: { properties: { vpcId: change(aws("ec2/vpc_default_security_group.go", "vpc_id"), [t.ec2Vpc]) } },
  [t.ec2FlowLog]: {
    properties: Object.fromEntries(
      ["vpcId", "subnetId", "trafficType", "logDestination", "logDestinationType", "iamRoleArn", "logFormat", "maxAggregationInterval"].map((p) => [
        p,
        change(
          aws(
            "ec2/vpc_flow_log.go",
            p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
          ),
          p === "vpcId" ? [t.ec2Vpc] : p === "subnetId" ? [t.ec2Subnet] : undefined,
        ),
      ]),
    ),
  },
  [t.ec2Instance]: {
    properties: {
      ...Object.fromEntries(
        Object.entries({
          ami: "ami",
          associatePublicIpAddress: "associate_public_ip_address",
          availabilityZone: "availability_zone",
          ebsOptimized: "ebs_optimized",
          enclaveOptions: "enclave_options",
          ephemeralBlockDevices: "ephemeral_block_device",
          hibernation: "hibernation",
          hostId: "host_id",
          ipv6AddressCount: "ipv6_address_count",
          ipv6Addresses: "ipv6_addresses",
          keyName: "key_name",
          launchTemplate: "launch_template",
          networkInterfaces: "network_interface",
          placementGroup: "placement_group",
          placementPartitionNumber: "placement_partition_number",
          privateIp: "private_ip",
          securityGroups: "security_groups",
          tenancy: "tenancy",
        }).map(([p, attribute]) => [p, change(aws("ec2/ec2_instance.go", attribute))]),
      ),
      subnetId: change(aws("ec2/ec2_instance.go", "subnet_id"), [t.ec2Subnet]),
      // ForceNewIf in the resource's CustomizeDiff: only when the program asks user data changes to replace.
      ...Object.fromEntries(
        (["userData", "userDataBase64"] as const).map((p) => [
          p,
          {
            when: "change",
            cite: `${aws("ec2/ec2_instance.go", p === "userData" ? "user_data" : "user_data_base64")} (CustomizeDiff: user_data_replace_on_change)`,
            onlyIf: (inputs: Record<string, unknown>) => inputs.userDataReplaceOnChange === true,
          } satisfies PropertyRule,
        ]),
      ),
    },
  },
  // The launch configuration has no update: every argument is ForceNew (a block's through its fields).
  [t.ec2LaunchConfiguration]: {
    properties: Object.fromEntries(
      Object.entries({
        name: "name",
        namePrefix: "name_prefix",
        imageId: "image_id",
        instanceType: "instance_type",
        userData: "user_data",
        userDataBase64: "user_data_base64",
        securityGroups: "security_groups",
        iamInstanceProfile: "iam_instance_profile",
        keyName: "key_name",
        associatePublicIpAddress: "associate_public_ip_address",
        ebsOptimized: "ebs_optimized",
        enableMonitoring: "enable_monitoring",
        placementTenancy: "placement_tenancy",
        spotPrice: "spot_price",
        metadataOptions: "metadata_options",
        ebsBlockDevices: "ebs_block_device",
        ephemeralBlockDevices: "ephemeral_block_device",
        rootBlockDevice: "root_block_device",
      }).map(([p, attribute]) => [p, change(aws("autoscaling/launch_configuration.go", attribute))]),
    ),
  },
  [t.iamGroupPolicyAttachment]: {
    properties: { group: change(aws("iam/group_policy_attachment.go", "group")), policyArn: change(aws("iam/group_policy_attachment.go", "policy_arn"), [t.iamPolicy]) },
  },
  [t.iamPolicyAttachment]: { properties: { name: change(aws("iam/policy_attachment.go", "name")), policyArn: change(aws("iam/policy_attachment.go", "policy_arn"), [t.iamPolicy]) } },
  [t.iamRolePolicyAttachmentsExclusive]: { properties: { roleName: change(awsFramework("iam/role_policy_attachments_exclusive.go", "role_name"), [t.iamRole]) } },
  [t.iamUserPolicyAttachment]: { properties: { user: change(aws("iam/user_policy_attachment.go", "user")), policyArn: change(aws("iam/user_policy_attachment.go", "policy_arn"), [t.iamPolicy]) } },
  [t.route53QueryLog]: {
    properties: {
      zoneId: change(aws("route53/query_log.go", "zone_id"), [t.route53Zone]),
      cloudwatchLogGroupArn: change(aws("route53/query_log.go", "cloudwatch_log_group_arn"), [t.cloudwatchLogGroup]),
    },
  },
  [t.cloudwatchLogGroup]: {
    properties: names("logs/group.go"),
    outage: "the query logs already written are deleted with the old log group",
  },
  [t.cloudwatchLogResourcePolicy]: { properties: { policyName: change(aws("logs/resource_policy.go", "policy_name")) } },
  [t.route53HostedZoneDnsSec]: { properties: { hostedZoneId: change(aws("route53/hosted_zone_dnssec.go", "hosted_zone_id"), [t.route53Zone]) } },
  [t.route53KeySigningKey]: {
    properties: {
      hostedZoneId: change(aws("route53/key_signing_key.go", "hosted_zone_id"), [t.route53Zone]),
      name: change(aws("route53/key_signing_key.go", "name")),
    },
  },
  [t.route53domainsDelegationSignerRecord]: {
    properties: {
      domainName: change(awsFramework("route53domains/delegation_signer_record.go", "domain_name")),
      signingAttributes: change(awsFramework("route53domains/delegation_signer_record.go", "signing_attributes")),
    },
  },
  [t.s3BucketLifecycleConfiguration]: { properties: s3BucketOwned("s3/bucket_lifecycle_configuration.go") },
  [logDelivery]: {
    properties: {
      deliveryDestinationArn: change(awsFramework("logs/delivery.go", "delivery_destination_arn"), [logDeliveryDestination]),
      deliverySourceName: change(awsFramework("logs/delivery.go", "delivery_source_name"), [logDeliverySource]),
    },
  },
  [logDeliveryDestination]: {
    properties: {
      name: change(awsFramework("logs/delivery_destination.go", "name")),
      outputFormat: change(awsFramework("logs/delivery_destination.go", "output_format")),
      // RequiresReplaceIf: a destination of another service, or one unknown at plan time (its bucket replaced).
      deliveryDestinationConfiguration: {
        when: "referenceReplaced",
        cite: `${awsFramework("logs/delivery_destination.go", "destination_resource_arn")}If (requiresReplaceIfARNServiceChanges)`,
        references: [t.s3Bucket, t.s3BucketV2],
      },
    },
  },
  [logDeliverySource]: {
    properties: {
      name: change(awsFramework("logs/delivery_source.go", "name")),
      logType: change(awsFramework("logs/delivery_source.go", "log_type")),
      resourceArn: change(awsFramework("logs/delivery_source.go", "resource_arn")),
    },
  },
  [t.cloudflareZoneDnssec]: { properties: { zoneId: change(cloudflare("zone_dnssec", 38), [t.cloudflareZone]) } },
  [t.cloudflareDnsRecord]: {
    properties: { zoneId: change(cloudflare("dns_record", 47), [t.cloudflareZone]), type: change(cloudflare("dns_record", 98)) },
  },
  [t.cloudflareZone]: {
    properties: { name: change(cloudflare("zone", 79)), account: change(cloudflare("zone", 89)) },
    outage: "a new Cloudflare zone is a new zone id: every Cloudflare record is replaced with it, and the secondary's name servers answer nothing for the zone until they are recreated",
  },
  [t.cloudflareZoneDnsSettings]: { properties: { zoneId: change(cloudflare("zone_dns_settings", 36), [t.cloudflareZone]) } },
};
