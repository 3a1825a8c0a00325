import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleObjectArn, nginxListenPort, type HostBundle } from "../../models/hostEdge";
import { awsApiPort, bundleEndpointPolicy, endpointServiceName, hostApis, interfaceEndpointPolicy } from "../../models/ingestRegion/egress";
import { subnetCidrBlock, type DatastoreRoute } from "../../models/ingestRegion/layout";
import { keepUrnUnder } from "./aliases";
import { logPrefixes } from "../logBucket";

export interface IngestNetworkArgs {
  /** AWS region code, e.g. `us-east-1`; the `region` input of every resource here. */
  region: string;
  /** The VPC's IPv4 range, e.g. `10.0.0.0/16` (/16 to /24); each zone's public subnet is the slot of its AZ number (`subnetCidrBlock`). */
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
  /**
   * What reaches `datastoreCidrBlocks`: one route per network to the transit gateway or peering
   * connection, none for `sameVpc` (the local route). Defaults to none: the hosts cannot reach the
   * datastore, and enforce-required-paths refuses the plan.
   */
  datastoreRoute?: DatastoreRoute;
  /** The account the hosts call AWS as: the interface endpoints admit its principals only. */
  accountId: pulumi.Input<string>;
  /** The SSM parameter the hosts read the datastore password from; the `ssm` endpoint admits reading this one. Defaults to none. */
  passwordParameter?: string;
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

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { region, cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: name } }, { parent: this, ...moved });
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
    // No inline `routes`: a route table with inline routes owns every route of the table and deletes
    // the ones it does not declare on the next update (terraform-provider-aws@022092419b7cda11527df3c6b51cbfe1876c1722
    // internal/service/ec2/vpc_route_table.go: `route` is Optional+Computed, read back from AWS, and
    // resourceRouteTableUpdate deletes each old route the new set lacks). Every route is a resource.
    const routeTable = new aws.ec2.RouteTable(`${name}-public`, { region, vpcId: vpc.id, tags: { Name: `${name}-public` } }, { parent: vpc });
    const routes = [
      // The load balancer's replies to clients; hosts have no public address, so it carries none of theirs.
      new aws.ec2.Route(`${name}-public-internet`, { region, routeTableId: routeTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }, { parent: routeTable }),
      ...this.datastoreRoutes(name, args, routeTable),
    ];
    const zoneIds = args.availabilityZoneIds;
    this.subnetIds = zoneIds.map((zoneId, i) => {
      // The block is the slot of the zone's AZ number, not of its position: a zone replaced by another
      // gets a block no other zone holds, so its new subnet is created before the old one is deleted
      // (no InvalidSubnet.Conflict). Names stay by position, keeping every URN and id; reordering the
      // list replaces subnets into each other's blocks, which `npm run diff` refuses as a conflict.
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${i + 1}`,
        {
          region,
          vpcId: vpc.id,
          cidrBlock: subnetCidrBlock(args.cidrBlock, zoneId),
          availabilityZoneId: zoneId,
          tags: { Name: `${name}-public-${i + 1}` },
        },
        { parent: vpc },
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { region, subnetId: subnet.id, routeTableId: routeTable.id }, { parent: subnet });
      return subnet.id;
    });

    const { nlbSecurityGroup, hostSecurityGroup } = this.edgeSecurityGroups(name, region, vpc, hostPort);
    const privateAccess = this.privateAwsAccess(name, args, vpc, routeTable, hostSecurityGroup);
    // Named by the network, not its position: reordering the list changes no rule.
    const toDatastore = args.datastoreCidrBlocks.map(
      (cidrIpv4) =>
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
        ),
    );

    this.vpcId = vpc.id;
    this.loadBalancerSecurityGroupId = nlbSecurityGroup.id;
    // The launch template reads the group through this output, so it (and an instance refresh it
    // starts) waits for every endpoint, rule and route: a host launched before them could not fetch
    // its bundle or its datastore password, or reach the datastore, and would fail its boot.
    this.hostSecurityGroupId = pulumi.all([hostSecurityGroup.id, ...[...privateAccess, ...toDatastore, ...routes].map((r) => r.id)]).apply(([id]) => id);
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
      hostSecurityGroupId: this.hostSecurityGroupId,
    });
  }

  /**
   * One route per datastore network to the declared transit gateway or peering connection, named by
   * the network (reordering the list changes none). None for `sameVpc`, whose networks the VPC's
   * local route reaches, and none when no route is declared.
   */
  private datastoreRoutes(name: string, args: IngestNetworkArgs, routeTable: aws.ec2.RouteTable): aws.ec2.Route[] {
    const route = args.datastoreRoute;
    if (route === undefined || route === "sameVpc") return [];
    return args.datastoreCidrBlocks.map(
      (destinationCidrBlock) =>
        new aws.ec2.Route(
          `${name}-public-datastore-${destinationCidrBlock.replace("/", "-")}`,
          { region: args.region, routeTableId: routeTable.id, destinationCidrBlock, ...route },
          { parent: routeTable },
        ),
    );
  }

  /** The load balancer's group (TLS from anywhere, HTTP to the hosts) and the hosts' (HTTP from the load balancer only, no SSH). */
  private edgeSecurityGroups(name: string, region: string, vpc: aws.ec2.Vpc, hostPort: number): { nlbSecurityGroup: aws.ec2.SecurityGroup; hostSecurityGroup: aws.ec2.SecurityGroup } {
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
    return { nlbSecurityGroup, hostSecurityGroup };
  }

  /**
   * The VPC endpoints hosts reach AWS through, and the host group's egress to them: an interface
   * endpoint with private DNS per API the hosts call (so the SDKs' and agents' default endpoint
   * names resolve to it), in every host subnet, behind a group that admits 443 from the hosts only;
   * and the S3 gateway endpoint on the subnets' route table, whose policy admits the bundle only.
   * Each interface endpoint's policy admits the account's principals and the calls the hosts make
   * through it (`interfaceEndpointPolicy`), where the service takes a policy at all.
   * Each endpoint's `vpcId`, `serviceName` and `vpcEndpointType` force its replacement; subnets,
   * security groups, route tables, the policy and an interface endpoint's `privateDnsEnabled`
   * change in place (terraform-provider-aws@008db85aad5e internal/service/ec2/vpc_endpoint.go,
   * `ForceNew` and the `CustomizeDiff` on `private_dns_enabled` for non-interface endpoints).
   * Returns every resource a host's boot needs to exist first.
   */
  private privateAwsAccess(name: string, args: IngestNetworkArgs, vpc: aws.ec2.Vpc, routeTable: aws.ec2.RouteTable, hostSecurityGroup: aws.ec2.SecurityGroup): pulumi.CustomResource[] {
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
    const toEndpoints = hostsOut("endpoints", { referencedSecurityGroupId: endpointGroup.id }, `AWS APIs through their VPC endpoints (${hostApis.map((api) => api.service).join(", ")})`);
    const context = pulumi.output(args.accountId).apply((accountId) => ({
      region,
      accountId,
      passwordParameter: args.passwordParameter,
      bundleObjectArn: args.bundle ? bundleObjectArn(args.bundle, region) : undefined,
    }));
    const interfaces = hostApis.map((api) => {
      const policy = context.apply((ctx) => interfaceEndpointPolicy(api, ctx));
      return new aws.ec2.VpcEndpoint(
        `${name}-${api.service}`,
        {
          region,
          vpcId: vpc.id,
          serviceName: endpointServiceName(region, api.service),
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: this.subnetIds,
          securityGroupIds: [endpointGroup.id],
          ...(api.endpointPolicy.supported ? { policy: policy.apply((doc) => JSON.stringify(doc)) } : {}),
          tags: { Name: `${name}-${api.service}` },
        },
        { parent: vpc },
      );
    });
    const s3 = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        region,
        vpcId: vpc.id,
        serviceName: endpointServiceName(region, "s3"),
        vpcEndpointType: "Gateway",
        routeTableIds: [routeTable.id],
        policy: context.apply((ctx) => JSON.stringify(bundleEndpointPolicy(ctx.bundleObjectArn, ctx.accountId))),
        tags: { Name: `${name}-s3` },
      },
      { parent: vpc },
    );
    // S3's addresses in the region, as the AWS-managed prefix list the gateway endpoint routes.
    const toS3 = hostsOut("s3", { prefixListId: s3.prefixListId }, "the pinned host bundle, through the S3 gateway endpoint");
    return [endpointIngress, toEndpoints, ...interfaces, s3, toS3];
  }
}
