import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { capacityTagKeys, instanceTypeSpec } from "../models/capacity";
import { fqdn } from "../models/dns/record";
import { hostMetricsNamespace } from "../models/hostMetrics";
import { healthCheckPath, hostEdgeSettings, nginxListenPort, renderUserData } from "../models/hostEdge";
import {
  certificateValidationTtlSeconds,
  debianAmiParameter,
  hostWarmupSeconds,
  lifecycleHeartbeatSeconds,
  maxHealthyPercentage,
  regionCidrBlock,
  subnetCidrBlocks,
  targetCpuPercent,
  targetHealthCheck,
} from "../models/ingestRegion/layout";
import type { StackConfig } from "../stacks/schema";
import { DnsValidatedCertificate } from "./certificate";
import type { IngestEndpoint } from "./endpoints";

export interface IngestRegionArgs {
  /** AWS region code, e.g. `us-east-1`; set as the `region` input of every regional resource. */
  region: string;
  /** Position of the region in `edge:regions`; its VPC is `10.<index>.0.0/16`. */
  regionIndex: number;
  /** The stack's validated config: `ingest`, `nginx`, `datastore`, `dns.ingestName`, `domain`, `environment`. */
  config: StackConfig;
  /** Route 53 primary zone that validates the listener's certificate (a `DnsZones` output). */
  primaryZoneId: pulumi.Input<string>;
  /** Root volume size of each host, in GiB. Defaults to `16`. */
  rootVolumeGiB?: number;
}

/**
 * One region of the ingestion edge: a VPC with a public subnet per availability zone, a network
 * load balancer with one Elastic IP per zone (static addresses a second DNS provider can publish,
 * incident 001) and a TLS listener, and an autoscaling group of ingestion hosts rendered by
 * `models/hostEdge` (incidents 000 and 003).
 *
 * Hosts sit in public subnets with a public address for egress (packages, SSM, CloudWatch) and no
 * public ingress: their security group admits only the load balancer's security group on port 80.
 * This avoids a NAT gateway per zone (a cost per zone and, shared, a single point of failure).
 */
export class IngestRegion extends pulumi.ComponentResource implements IngestEndpoint {
  readonly region: string;
  readonly staticIps: pulumi.Output<string[]>;
  readonly nlbDnsName: pulumi.Output<string>;
  readonly nlbZoneId: pulumi.Output<string>;
  readonly nlbArnSuffix: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  readonly asgName: pulumi.Output<string>;
  readonly certificateArn: pulumi.Output<string>;
  readonly minHosts: number;
  readonly maxHosts: number;

  constructor(name: string, args: IngestRegionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:ingest:IngestRegion", name, {}, opts);
    const { region, config } = args;
    const { ingest } = config;
    const zones = ingest.availabilityZones;
    const spec = instanceTypeSpec(ingest.instanceType);
    // Refused first, before any child exists: the capacity policies also report it, with the fix.
    if (ingest.minHostsPerRegion > ingest.maxHostsPerRegion) {
      throw new Error(`IngestRegion ${name}: minHostsPerRegion ${ingest.minHostsPerRegion} is above maxHostsPerRegion ${ingest.maxHostsPerRegion}`);
    }

    // --- Network ---------------------------------------------------------------------------
    const cidrBlock = regionCidrBlock(args.regionIndex);
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { region, cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `${name}` } },
      { parent: this },
    );
    const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { region, vpcId: vpc.id, tags: { Name: name } }, { parent: vpc });
    const routeTable = new aws.ec2.RouteTable(
      `${name}-public`,
      { region, vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }], tags: { Name: `${name}-public` } },
      { parent: vpc },
    );
    const zoneNames = aws.getAvailabilityZonesOutput({ region, state: "available" }, { parent: this }).names;
    const subnets = subnetCidrBlocks(cidrBlock, zones).map((subnetCidr, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${i + 1}`,
        {
          region,
          vpcId: vpc.id,
          cidrBlock: subnetCidr,
          availabilityZone: zoneNames.apply((names) => zoneAt(names, i, region, zones)),
          tags: { Name: `${name}-public-${i + 1}` },
        },
        { parent: vpc },
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { region, subnetId: subnet.id, routeTableId: routeTable.id }, { parent: subnet });
      return subnet;
    });

    // --- Security groups: the internet reaches the NLB on 443, the NLB reaches hosts on 80. Nothing else in.
    const nlbSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-nlb`,
      { region, vpcId: vpc.id, description: "edge ingestion NLB: TLS from anywhere, HTTP to the hosts", tags: { Name: `${name}-nlb` } },
      { parent: vpc },
    );
    const hostSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-hosts`,
      { region, vpcId: vpc.id, description: "edge ingestion hosts: HTTP from the NLB only, no SSH (SSM instead)", tags: { Name: `${name}-hosts` } },
      { parent: vpc },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-nlb-in-tls`,
      { region, securityGroupId: nlbSecurityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "TLS from clients" },
      { parent: nlbSecurityGroup },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-nlb-out-hosts`,
      {
        region,
        securityGroupId: nlbSecurityGroup.id,
        ipProtocol: "tcp",
        fromPort: nginxListenPort,
        toPort: nginxListenPort,
        referencedSecurityGroupId: hostSecurityGroup.id,
        description: "HTTP and health checks to the hosts",
      },
      { parent: nlbSecurityGroup },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-hosts-in-nlb`,
      {
        region,
        securityGroupId: hostSecurityGroup.id,
        ipProtocol: "tcp",
        fromPort: nginxListenPort,
        toPort: nginxListenPort,
        referencedSecurityGroupId: nlbSecurityGroup.id,
        description: "HTTP and health checks from the NLB",
      },
      { parent: hostSecurityGroup },
    );
    for (const port of [80, 443]) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-hosts-out-${port}`,
        {
          region,
          securityGroupId: hostSecurityGroup.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: "0.0.0.0/0",
          description: port === 80 ? "Debian package mirrors" : "SSM, CloudWatch, the CloudWatch agent download",
        },
        { parent: hostSecurityGroup },
      );
    }

    // --- Load balancer: one Elastic IP per zone, cross-zone, TLS on 443 ---------------------------
    const addresses = subnets.map(
      (_, i) => new aws.ec2.Eip(`${name}-ip-${i + 1}`, { region, domain: "vpc", tags: { Name: `${name}-ip-${i + 1}` } }, { parent: this }),
    );
    const nlb = new aws.lb.LoadBalancer(
      `${name}-nlb`,
      {
        region,
        loadBalancerType: "network",
        internal: false,
        ipAddressType: "ipv4",
        enableCrossZoneLoadBalancing: true,
        securityGroups: [nlbSecurityGroup.id],
        subnetMappings: subnets.map((subnet, i) => ({ subnetId: subnet.id, allocationId: addresses[i]!.allocationId })),
        tags: { Name: `${name}-nlb` },
      },
      { parent: this },
    );
    const certificate = new DnsValidatedCertificate(
      `${name}-cert`,
      { domainName: fqdn(config.dns.ingestName, config.domain), region, zoneId: args.primaryZoneId, validationTtl: certificateValidationTtlSeconds },
      { parent: this },
    );
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-hosts`,
      {
        region,
        vpcId: vpc.id,
        targetType: "instance",
        protocol: "TCP",
        port: nginxListenPort,
        // Incident 003: a leaving host finishes its in-flight requests before its connections close.
        deregistrationDelay: ingest.drainSeconds,
        connectionTermination: true,
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          path: healthCheckPath,
          port: "traffic-port",
          matcher: "200",
          interval: targetHealthCheck.intervalSeconds,
          timeout: targetHealthCheck.timeoutSeconds,
          healthyThreshold: targetHealthCheck.healthyThreshold,
          unhealthyThreshold: targetHealthCheck.unhealthyThreshold,
        },
        tags: { Name: `${name}-hosts` },
      },
      { parent: nlb },
    );
    new aws.lb.Listener(
      `${name}-tls`,
      {
        region,
        loadBalancerArn: nlb.arn,
        port: 443,
        protocol: "TLS",
        certificateArn: certificate.certificateArn,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      },
      { parent: nlb },
    );

    // --- Host role: SSM sessions and the CloudWatch agent's metrics, nothing else ------------------
    const role = new aws.iam.Role(
      `${name}-host`,
      {
        description: `edge ingestion hosts in ${region}: SSM and CloudWatch agent metrics only`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-host-ssm`,
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
      { parent: role },
    );
    new aws.iam.RolePolicy(
      `${name}-host-metrics`,
      { role: role.name, policy: JSON.stringify(hostMetricsPolicy()) },
      { parent: role },
    );
    const instanceProfile = new aws.iam.InstanceProfile(`${name}-host`, { role: role.name }, { parent: role });

    // --- Hosts ------------------------------------------------------------------------------
    const capacityTags: Record<string, string> = {
      [capacityTagKeys.environment]: config.environment,
      [capacityTagKeys.instanceType]: ingest.instanceType,
      [capacityTagKeys.peakEventsPerSecond]: String(ingest.peakEventsPerSecond),
      [capacityTagKeys.burstFactor]: String(ingest.burstFactor),
      [capacityTagKeys.eventsPerHostPerSecond]: String(ingest.eventsPerHostPerSecond),
      [capacityTagKeys.datastoreMaxConnections]: String(config.datastore.maxConnections),
      [capacityTagKeys.poolSizePerHost]: String(config.datastore.poolSizePerHost),
      [capacityTagKeys.serviceReserveMiB]: String(ingest.service.memoryReserveMiB),
    };
    const ami = aws.ssm.getParameterOutput({ region, name: debianAmiParameter() }, { parent: this });
    // An unknown type still renders (one worker per vCPU is `auto` on the host); the proxy-memory policy refuses it.
    const userData = renderUserData(hostEdgeSettings(config, spec?.vcpus ?? 2));
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-hosts`,
      {
        region,
        description: `edge ingestion hosts in ${region}`,
        imageId: ami.value,
        instanceType: ingest.instanceType,
        updateDefaultVersion: true,
        iamInstanceProfile: { arn: instanceProfile.arn },
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "enabled" },
        monitoring: { enabled: true },
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true", deleteOnTermination: "true", securityGroups: [hostSecurityGroup.id] }],
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeType: "gp3", volumeSize: args.rootVolumeGiB ?? 16, encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        userData: Buffer.from(userData, "utf8").toString("base64"),
        tagSpecifications: ["instance", "volume"].map((resourceType) => ({
          resourceType,
          tags: { Name: `${name}-host`, [capacityTagKeys.environment]: config.environment },
        })),
        tags: capacityTags,
      },
      { parent: this },
    );
    const group = new aws.autoscaling.Group(
      `${name}-hosts`,
      {
        region,
        vpcZoneIdentifiers: subnets.map((subnet) => subnet.id),
        minSize: ingest.minHostsPerRegion,
        maxSize: ingest.maxHostsPerRegion,
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
        targetGroupArns: [targetGroup.arn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: hostWarmupSeconds,
        // The "in service at max" alarm reads GroupInServiceInstances: without group metrics it would stay silent.
        enabledMetrics: ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupMaxSize", "GroupMinSize"],
        metricsGranularity: "1Minute",
        defaultInstanceWarmup: hostWarmupSeconds,
        // Incident 003: deploys replace hosts a few at a time, new ones in service before old ones leave.
        instanceRefresh: {
          strategy: "Rolling",
          preferences: {
            minHealthyPercentage: ingest.minHealthyPercentage,
            maxHealthyPercentage: maxHealthyPercentage(ingest.minHealthyPercentage),
            instanceWarmup: String(hostWarmupSeconds),
            skipMatching: true,
          },
        },
        // Incident 003: a terminating host drains (its /http-check answers 404) before it dies.
        initialLifecycleHooks: [
          {
            name: "drain-before-terminate",
            lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
            heartbeatTimeout: lifecycleHeartbeatSeconds(ingest.drainSeconds),
            defaultResult: "CONTINUE",
          },
        ],
        tags: [
          { key: "Name", value: `${name}-host`, propagateAtLaunch: true },
          ...Object.entries(capacityTags).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
        ],
      },
      { parent: this },
    );
    new aws.autoscaling.Policy(
      `${name}-cpu`,
      {
        region,
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        estimatedInstanceWarmup: hostWarmupSeconds,
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
          targetValue: targetCpuPercent,
        },
      },
      { parent: group },
    );

    this.region = region;
    this.staticIps = pulumi.all(addresses.map((address) => address.publicIp));
    this.nlbDnsName = nlb.dnsName;
    this.nlbZoneId = nlb.zoneId;
    this.nlbArnSuffix = nlb.arnSuffix;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.asgName = group.name;
    this.certificateArn = certificate.certificateArn;
    this.minHosts = ingest.minHostsPerRegion;
    this.maxHosts = ingest.maxHostsPerRegion;
    this.registerOutputs({
      staticIps: this.staticIps,
      nlbDnsName: this.nlbDnsName,
      nlbZoneId: this.nlbZoneId,
      nlbArnSuffix: this.nlbArnSuffix,
      targetGroupArn: this.targetGroupArn,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
      asgName: this.asgName,
      certificateArn: this.certificateArn,
      minHosts: this.minHosts,
      maxHosts: this.maxHosts,
    });
  }
}

function zoneAt(names: string[], i: number, region: string, wanted: number): string {
  const zone = names[i];
  if (!zone) throw new Error(`${region} has ${names.length} available zones; edge:ingest.availabilityZones asks for ${wanted}`);
  return zone;
}

/** The CloudWatch agent's rights: publish to its own namespace, read tags for the ASG dimension. */
export function hostMetricsPolicy() {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PublishHostMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": hostMetricsNamespace } },
      },
      { Sid: "ReadOwnTags", Effect: "Allow", Action: "ec2:DescribeTags", Resource: "*" },
    ],
  };
}
