import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleObjectArn } from "../../models/hostEdge";
import { networkNeedTags } from "../../models/network/needs";
import type { IngestEndpoint } from "../endpoints";
import { HostFleet, HostFleetArgs } from "./hostFleet";
import { IngestLoadBalancer, IngestLoadBalancerArgs } from "./loadBalancer";
import { LogBucket } from "../logBucket";
import { IngestNetwork, IngestNetworkArgs } from "./network";

/** Each field is documented on the part it configures. */
export interface IngestRegionArgs
  extends Pick<IngestNetworkArgs, "region" | "cidrBlock" | "availabilityZoneIds" | "datastoreCidrBlocks" | "datastorePort" | "datastoreRoute">,
    Pick<IngestLoadBalancerArgs, "domainName" | "primaryZoneId">,
    Omit<HostFleetArgs, "region" | "subnetIds" | "securityGroupId" | "targetGroupArn" | "networkNeedTags"> {}

/**
 * One region of the ingestion edge, in three parts and a log bucket (`LogBucket`: the load
 * balancer's access logs, the VPC's flow logs): its network (`IngestNetwork`: VPC, a public
 * subnet per zone, security groups, flow log, the emptied default group), its load balancer (`IngestLoadBalancer`: one Elastic IP per
 * zone, NLB, TLS listener, target group) and its hosts (`HostFleet`: role, launch template,
 * autoscaling group rendered by `models/hostEdge`, incidents 000 and 003).
 *
 * The parts carry the region's own name (their types tell them apart), so the resources inside
 * keep the names, and through their aliases the URNs, they had as the region's direct children.
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
    // Refused first, before any child exists: the capacity policies also report it, with the fix.
    if (args.minHosts > args.maxHosts) {
      throw new Error(`IngestRegion ${name}: minHosts ${args.minHosts} is above maxHosts ${args.maxHosts}`);
    }
    const { region, cidrBlock, availabilityZoneIds, datastoreCidrBlocks, datastorePort, datastoreRoute, domainName, primaryZoneId, ...fleetArgs } = args;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const logs = new LogBucket(name, { region }, { parent: this });
    const network = new IngestNetwork(
      name,
      {
        region,
        cidrBlock,
        availabilityZoneIds,
        datastoreCidrBlocks,
        datastorePort,
        datastoreRoute,
        accountId,
        passwordParameter: args.datastorePasswordParameter,
        logBucketArn: logs.bucketArn,
        bundle: args.bundle,
      },
      { parent: this },
    );
    const loadBalancer = new IngestLoadBalancer(
      name,
      {
        region,
        vpcId: network.vpcId,
        subnetIds: network.subnetIds,
        securityGroupId: network.loadBalancerSecurityGroupId,
        domainName,
        primaryZoneId,
        drainSeconds: args.drainSeconds,
        logBucketName: logs.bucketName,
      },
      { parent: this },
    );
    const fleet = new HostFleet(
      name,
      {
        ...fleetArgs,
        region,
        subnetIds: network.subnetIds,
        securityGroupId: network.hostSecurityGroupId,
        targetGroupArn: loadBalancer.targetGroupArn,
        // What the hosts need of the network, on their launch template: the reachability model judges
        // the routes, rules, endpoints and role against it (models/network/needs.ts).
        networkNeedTags: accountId.apply((id) =>
          networkNeedTags({
            accountId: id,
            datastoreNetworks: datastoreCidrBlocks,
            datastorePort,
            passwordParameter: args.datastorePasswordParameter,
            bundleObjectArn: args.bundle ? bundleObjectArn(args.bundle, region) : undefined,
          }),
        ),
      },
      { parent: this },
    );

    this.region = region;
    this.staticIps = loadBalancer.staticIps;
    this.nlbDnsName = loadBalancer.dnsName;
    this.nlbZoneId = loadBalancer.zoneId;
    this.nlbArnSuffix = loadBalancer.arnSuffix;
    this.targetGroupArn = loadBalancer.targetGroupArn;
    this.targetGroupArnSuffix = loadBalancer.targetGroupArnSuffix;
    this.asgName = fleet.asgName;
    this.certificateArn = loadBalancer.certificateArn;
    this.minHosts = args.minHosts;
    this.maxHosts = args.maxHosts;
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
