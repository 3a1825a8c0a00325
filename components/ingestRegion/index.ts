import * as pulumi from "@pulumi/pulumi";
import { regionCidrBlock } from "../../models/ingestRegion/layout";
import type { IngestEndpoint } from "../endpoints";
import { HostFleet } from "./hostFleet";
import { IngestLoadBalancer } from "./loadBalancer";
import { IngestNetwork } from "./network";

export { hostMetricsPolicy } from "./hostFleet";

export interface IngestRegionArgs {
  /** AWS region code, e.g. `us-east-1`; the `region` input of every regional resource. */
  region: string;
  /** Position of the region in `edge:regions`; its VPC is `10.<index>.0.0/16`. */
  regionIndex: number;
  /** Availability zones the region spans: one subnet, one Elastic IP and one share of the hosts each. */
  availabilityZones: number;
  /** The name clients connect to, e.g. `ingest.example.com`: the listener certificate's domain. */
  domainName: string;
  /** Route 53 primary zone that validates the listener's certificate (a `DnsZones` output). */
  primaryZoneId: pulumi.Input<string>;
  /** EC2 instance type of every host, e.g. `c7i.large`. */
  instanceType: string;
  /** Hosts the region never goes below. */
  minHosts: number;
  /** Hosts the region never goes above; at least `minHosts`. */
  maxHosts: number;
  /** Percentage of hosts kept in service during an instance refresh (incident 003). */
  minHealthyPercentage: number;
  /** Seconds a leaving host drains: the target group's deregistration delay and the lifecycle hook's floor (incident 003). */
  drainSeconds: number;
  /** Cloud-init user data of every host, as text (`models/hostEdge` `renderUserData`). */
  userData: string;
  /** `edge:environment` of the stack: tagged on the hosts and their volumes. */
  environment: string;
  /** Tags the capacity policies read back from the launch template and group (`models/capacity` `capacityTags`). Defaults to `{}`. */
  capacityTags?: Record<string, string>;
  /** Root volume size of each host, in GiB. Defaults to `16`. */
  rootVolumeGiB?: number;
}

/**
 * One region of the ingestion edge, in three parts: its network (`IngestNetwork`: VPC, a public
 * subnet per zone, security groups), its load balancer (`IngestLoadBalancer`: one Elastic IP per
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
    const { region } = args;
    const network = new IngestNetwork(
      name,
      { region, cidrBlock: regionCidrBlock(args.regionIndex), availabilityZones: args.availabilityZones },
      { parent: this },
    );
    const loadBalancer = new IngestLoadBalancer(
      name,
      {
        region,
        vpcId: network.vpcId,
        subnetIds: network.subnetIds,
        securityGroupId: network.loadBalancerSecurityGroupId,
        domainName: args.domainName,
        primaryZoneId: args.primaryZoneId,
        drainSeconds: args.drainSeconds,
      },
      { parent: this },
    );
    const fleet = new HostFleet(
      name,
      {
        region,
        subnetIds: network.subnetIds,
        securityGroupId: network.hostSecurityGroupId,
        targetGroupArn: loadBalancer.targetGroupArn,
        instanceType: args.instanceType,
        minHosts: args.minHosts,
        maxHosts: args.maxHosts,
        minHealthyPercentage: args.minHealthyPercentage,
        drainSeconds: args.drainSeconds,
        userData: args.userData,
        environment: args.environment,
        capacityTags: args.capacityTags,
        rootVolumeGiB: args.rootVolumeGiB,
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
