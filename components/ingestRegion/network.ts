import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleObjectArn, nginxListenPort, type HostBundle } from "../../models/hostEdge";
import { awsApiPort, bundleEndpointPolicy, endpointServiceName, hostApis } from "../../models/ingestRegion/egress";
import { subnetCidrBlocks } from "../../models/ingestRegion/layout";
import { keepUrnUnder } from "./aliases";
import { logPrefixes } from "../logBucket";

export interface IngestNetworkArgs {
  /** AWS region code, e.g. `us-east-1`; the `region` input of every resource here. */
  region: string;
  /** The VPC's IPv4 range, e.g. `10.0.0.0/16`; each zone's public subnet is carved from it. */
  cidrBlock: string;
  /**
   * The availability zones to span by AZ ID (`use1-az1`), one public subnet in each, in this order.
   * AZ IDs name the same zone in every account and do not shift when a zone is impaired or a Local
   * Zone is opted in; a subnet's `availabilityZoneId` forces its replacement when it changes
   * (terraform-provider-aws@3db496c3ef13bcbf12b401ce6f353c55b76701fa internal/service/ec2/vpc_subnet.go, `ForceNew`).
   */
  availabilityZoneIds: string[];
  /** Private networks the hosts reach the datastore in, as CIDR blocks (a security group takes no host names; the hosts have no public address). */
  datastoreCidrBlocks: string[];
  /** TCP port of the datastore. */
  datastorePort: number;
  /** TCP port the hosts serve on, the only one the load balancer may reach. Defaults to `80` (nginx). */
  hostPort?: number;
  /** ARN of the region's log bucket (a `LogBucket` output): the VPC's flow logs go there. */
  logBucketArn: pulumi.Input<string>;
  /** The pinned host bundle: the only S3 object the S3 gateway endpoint lets hosts read. Defaults to none (the endpoint admits nothing). */
  bundle?: HostBundle;
}

/**
 * One region's network: a VPC with a public subnet per availability zone behind an internet
 * gateway (for the internet-facing load balancer), the security groups, and the VPC endpoints the
 * hosts reach AWS through. The internet reaches the load balancer on 443, the load balancer
 * reaches the hosts on `hostPort`; nothing else comes in. The hosts reach the datastore's networks
 * on its port, the AWS APIs they call (`models/ingestRegion/egress.ts`) through interface
 * endpoints, and the pinned bundle through the S3 gateway endpoint: nothing on the internet.
 *
 * Hosts have no public address and the VPC no NAT gateway: every AWS service they call has an
 * endpoint in the VPC, and they download nothing else (the bundle carries every package).
 */
export class IngestNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** One public subnet per availability zone, in zone order. */
  readonly subnetIds: pulumi.Output<string>[];
  /** The load balancer's security group: TLS in from anywhere, `hostPort` out to the hosts. */
  readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
  /** The hosts' security group: `hostPort` in from the load balancer; out only to the VPC endpoints and the datastore. */
  readonly hostSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: IngestNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:ingest:IngestNetwork", name, {}, opts);
    if (args.availabilityZoneIds.length === 0 || new Set(args.availabilityZoneIds).size !== args.availabilityZoneIds.length) {
      throw new Error(`IngestNetwork ${name}: availabilityZoneIds must list distinct zones, got [${args.availabilityZoneIds.join(", ")}]`);
    }
    const { region } = args;
    const hostPort = args.hostPort ?? nginxListenPort;
    const moved = keepUrnUnder(opts.parent);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { region, cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: name } },
      { parent: this, ...moved },
    );
    // AWS creates the default group admitting itself and sending everywhere; adopted with no rules.
    new aws.ec2.DefaultSecurityGroup(`${name}-default`, { region, vpcId: vpc.id, ingress: [], egress: [], tags: { Name: `${name}-default` } }, { parent: vpc });
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        region,
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: pulumi.interpolate`${args.logBucketArn}/${logPrefixes.flowLogs}/`,
        maxAggregationInterval: 600,
        tags: { Name: `${name}-flow-log` },
      },
      { parent: vpc },
    );
    const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { region, vpcId: vpc.id, tags: { Name: name } }, { parent: vpc });
    const routeTable = new aws.ec2.RouteTable(
      `${name}-public`,
      { region, vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }], tags: { Name: `${name}-public` } },
      { parent: vpc },
    );
    const zoneIds = args.availabilityZoneIds;
    this.subnetIds = subnetCidrBlocks(args.cidrBlock, zoneIds.length).map((cidrBlock, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${i + 1}`,
        {
          region,
          vpcId: vpc.id,
          cidrBlock,
          availabilityZoneId: zoneIds[i],
          tags: { Name: `${name}-public-${i + 1}` },
        },
        { parent: vpc },
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { region, subnetId: subnet.id, routeTableId: routeTable.id }, { parent: subnet });
      return subnet.id;
    });

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
        fromPort: hostPort,
        toPort: hostPort,
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
        fromPort: hostPort,
        toPort: hostPort,
        referencedSecurityGroupId: nlbSecurityGroup.id,
        description: "HTTP and health checks from the NLB",
      },
      { parent: hostSecurityGroup },
    );
    const privateAccess = this.privateAwsAccess(name, args, vpc, routeTable, hostSecurityGroup);
    // Named by the network, not its position: reordering the list changes no rule.
    for (const cidrIpv4 of args.datastoreCidrBlocks) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-hosts-out-datastore-${cidrIpv4.replace("/", "-")}`,
        {
          region,
          securityGroupId: hostSecurityGroup.id,
          ipProtocol: "tcp",
          fromPort: args.datastorePort,
          toPort: args.datastorePort,
          cidrIpv4,
          description: "the ingestion service to its datastore",
        },
        { parent: hostSecurityGroup },
      );
    }

    this.vpcId = vpc.id;
    this.loadBalancerSecurityGroupId = nlbSecurityGroup.id;
    // The launch template reads the group through this output, so it (and an instance refresh it
    // starts) waits for every endpoint and rule: a host launched before them could not fetch its
    // bundle or its datastore password, and would fail its boot.
    this.hostSecurityGroupId = pulumi.all([hostSecurityGroup.id, ...privateAccess.map((r) => r.id)]).apply(([id]) => id);
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
      hostSecurityGroupId: this.hostSecurityGroupId,
    });
  }

  /**
   * The VPC endpoints hosts reach AWS through, and the host group's egress to them: an interface
   * endpoint with private DNS per API the hosts call (so the SDKs' and agents' default endpoint
   * names resolve to it), in every host subnet, behind a group that admits 443 from the hosts only;
   * and the S3 gateway endpoint on the subnets' route table, whose policy admits the bundle only.
   * Each endpoint's `vpcId`, `serviceName` and `vpcEndpointType` force its replacement; subnets,
   * security groups, route tables, the policy and an interface endpoint's `privateDnsEnabled`
   * change in place (terraform-provider-aws@008db85aad5e internal/service/ec2/vpc_endpoint.go,
   * `ForceNew` and the `CustomizeDiff` on `private_dns_enabled` for non-interface endpoints).
   * Returns every resource a host's boot needs to exist first.
   */
  private privateAwsAccess(
    name: string,
    args: IngestNetworkArgs,
    vpc: aws.ec2.Vpc,
    routeTable: aws.ec2.RouteTable,
    hostSecurityGroup: aws.ec2.SecurityGroup,
  ): pulumi.CustomResource[] {
    const { region } = args;
    const endpointGroup = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      { region, vpcId: vpc.id, description: "edge ingestion VPC endpoints: TLS from the hosts only", tags: { Name: `${name}-endpoints` } },
      { parent: vpc },
    );
    const endpointIngress = new aws.vpc.SecurityGroupIngressRule(
      `${name}-endpoints-in-hosts`,
      {
        region,
        securityGroupId: endpointGroup.id,
        ipProtocol: "tcp",
        fromPort: awsApiPort,
        toPort: awsApiPort,
        referencedSecurityGroupId: hostSecurityGroup.id,
        description: "AWS API calls from the hosts",
      },
      { parent: endpointGroup },
    );
    // TLS out of the hosts' group to one destination: a security group or a prefix list.
    const hostsOut = (suffix: string, to: { referencedSecurityGroupId: pulumi.Input<string> } | { prefixListId: pulumi.Input<string> }, description: string) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-hosts-out-${suffix}`,
        { region, securityGroupId: hostSecurityGroup.id, ipProtocol: "tcp", fromPort: awsApiPort, toPort: awsApiPort, ...to, description },
        { parent: hostSecurityGroup },
      );
    const toEndpoints = hostsOut(
      "endpoints",
      { referencedSecurityGroupId: endpointGroup.id },
      `AWS APIs through their VPC endpoints (${hostApis.map((api) => api.service).join(", ")})`,
    );
    const interfaces = hostApis.map(
      (api) =>
        new aws.ec2.VpcEndpoint(
          `${name}-${api.service}`,
          {
            region,
            vpcId: vpc.id,
            serviceName: endpointServiceName(region, api.service),
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: this.subnetIds,
            securityGroupIds: [endpointGroup.id],
            tags: { Name: `${name}-${api.service}` },
          },
          { parent: vpc },
        ),
    );
    const s3 = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        region,
        vpcId: vpc.id,
        serviceName: endpointServiceName(region, "s3"),
        vpcEndpointType: "Gateway",
        routeTableIds: [routeTable.id],
        policy: JSON.stringify(bundleEndpointPolicy(args.bundle ? bundleObjectArn(args.bundle, region) : undefined)),
        tags: { Name: `${name}-s3` },
      },
      { parent: vpc },
    );
    // S3's addresses in the region, as the AWS-managed prefix list the gateway endpoint routes.
    const toS3 = hostsOut("s3", { prefixListId: s3.prefixListId }, "the pinned host bundle, through the S3 gateway endpoint");
    return [endpointIngress, toEndpoints, ...interfaces, s3, toS3];
  }
}
