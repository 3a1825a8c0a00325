import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nginxListenPort } from "../../models/hostEdge";
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
  /** Networks the hosts reach the datastore in, as CIDR blocks (a security group takes no host names). */
  datastoreCidrBlocks: string[];
  /** TCP port of the datastore. */
  datastorePort: number;
  /** TCP port the hosts serve on, the only one the load balancer may reach. Defaults to `80` (nginx). */
  hostPort?: number;
  /** ARN of the region's log bucket (a `LogBucket` output): the VPC's flow logs go there. */
  logBucketArn: pulumi.Input<string>;
}

/**
 * One region's network: a VPC with a public subnet per availability zone behind an internet
 * gateway, and the two security groups. The internet reaches the load balancer on 443, the load
 * balancer reaches the hosts on `hostPort`; nothing else comes in. The hosts reach the datastore's
 * networks on its port, and HTTP(S) elsewhere.
 *
 * Hosts sit in public subnets with a public address for egress (packages, SSM, CloudWatch) and no
 * public ingress. This avoids a NAT gateway per zone (a cost per zone and, shared, a single point
 * of failure).
 */
export class IngestNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** One public subnet per availability zone, in zone order. */
  readonly subnetIds: pulumi.Output<string>[];
  /** The load balancer's security group: TLS in from anywhere, `hostPort` out to the hosts. */
  readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
  /** The hosts' security group: `hostPort` in from the load balancer, HTTP(S) out. */
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
    this.hostSecurityGroupId = hostSecurityGroup.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
      hostSecurityGroupId: this.hostSecurityGroupId,
    });
  }
}
