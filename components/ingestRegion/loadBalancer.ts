import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { healthCheckPath, nginxListenPort } from "../../models/hostEdge";
import { certificateValidationTtlSeconds, targetHealthCheck } from "../../models/ingestRegion/layout";
import { DnsValidatedCertificate } from "../certificate";
import { keepUrnUnder } from "./aliases";
import { logPrefixes } from "../logBucket";
import { nameWithinAutoNameLimit } from "../../models/contracts";
import { shortRegionCode } from "../../models/aws/regions";
import { resourceTypes } from "../../models/resourceTypes";

export interface IngestLoadBalancerArgs {
  /** AWS region code, e.g. `us-east-1`; the `region` input of every regional resource here. */
  region: string;
  /** The VPC the target group lives in (an `IngestNetwork` output). */
  vpcId: pulumi.Input<string>;
  /** One public subnet per availability zone; each gets one Elastic IP on the load balancer. */
  subnetIds: pulumi.Input<string>[];
  /** The load balancer's security group (an `IngestNetwork` output). */
  securityGroupId: pulumi.Input<string>;
  /** The name clients connect to, e.g. `ingest.example.com`: the listener certificate's domain. */
  domainName: string;
  /** Route 53 primary zone that validates the listener's certificate (a `DnsZones` output). */
  primaryZoneId: pulumi.Input<string>;
  /** Seconds a deregistered host keeps its connections before they close (incident 003). */
  drainSeconds: number;
  /** TCP port the hosts serve on and are health-checked on. Defaults to `80` (nginx). */
  hostPort?: number;
  /** TTL of the certificate's validation records, in seconds. Defaults to `60`. */
  validationTtlSeconds?: number;
  /** Name of the region's log bucket (a `LogBucket` output): the TLS listener's access logs go there. */
  logBucketName: pulumi.Input<string>;
}

/**
 * One region's network load balancer: one Elastic IP per zone (static addresses a second DNS
 * provider can publish, incident 001), cross-zone, TLS on 443 with a DNS-validated certificate,
 * forwarding TCP to the hosts' target group, which health-checks `/http-check`.
 */
export class IngestLoadBalancer extends pulumi.ComponentResource {
  /** The Elastic IPs, one per zone, in zone order. */
  readonly staticIps: pulumi.Output<string[]>;
  readonly dnsName: pulumi.Output<string>;
  /** The load balancer's hosted zone, for alias records. */
  readonly zoneId: pulumi.Output<string>;
  /** `net/<name>/<id>`: the `LoadBalancer` dimension of AWS/NetworkELB metrics. */
  readonly arnSuffix: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  /** `targetgroup/<name>/<id>`: the `TargetGroup` dimension of AWS/NetworkELB metrics. */
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  readonly certificateArn: pulumi.Output<string>;

  constructor(name: string, args: IngestLoadBalancerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:ingest:IngestLoadBalancer", name, {}, opts);
    const { region } = args;
    const hostPort = args.hostPort ?? nginxListenPort;
    const moved = keepUrnUnder(opts.parent);
    // The provider names the load balancer and the target group after these resources (the name and
    // 7 random characters), and ELB takes 32 characters: in a region with a long code the names
    // carry the region's short code instead (`ingest-apse1-nlb`); where the long name fits, it stays
    // (a deployed stack keeps its resources).
    const short = name.replace(region, shortRegionCode(region));
    const nlbName = nameWithinAutoNameLimit(resourceTypes.lbLoadBalancer, `${name}-nlb`, `${short}-nlb`);
    const targetGroupName = nameWithinAutoNameLimit(resourceTypes.lbTargetGroup, `${name}-hosts`, `${short}-hosts`);

    const addresses = args.subnetIds.map((_, i) => new aws.ec2.Eip(`${name}-ip-${i + 1}`, { region, domain: "vpc", tags: { Name: `${name}-ip-${i + 1}` } }, { parent: this, ...moved }));
    const nlb = new aws.lb.LoadBalancer(
      nlbName,
      {
        region,
        loadBalancerType: "network",
        internal: false,
        ipAddressType: "ipv4",
        enableCrossZoneLoadBalancing: true,
        // Removing a region lifts this first (docs/runbook.md, "Removing a region").
        enableDeletionProtection: true,
        // An NLB logs its TLS listeners' connections (AWS writes none for plain TCP).
        accessLogs: { enabled: true, bucket: args.logBucketName, prefix: logPrefixes.loadBalancer },
        securityGroups: [args.securityGroupId],
        subnetMappings: args.subnetIds.map((subnetId, i) => ({ subnetId, allocationId: addresses[i]!.allocationId })),
        tags: { Name: `${name}-nlb` },
      },
      // A replacement cannot create first: the new load balancer needs the Elastic IP allocations the
      // old one holds until it is deleted. A replacement is a regional outage, and the PR diff says so.
      { parent: this, ...moved, deleteBeforeReplace: true },
    );
    const certificate = new DnsValidatedCertificate(
      `${name}-cert`,
      { domainName: args.domainName, region, zoneId: args.primaryZoneId, validationTtl: args.validationTtlSeconds ?? certificateValidationTtlSeconds },
      { parent: this, ...moved },
    );
    const targetGroup = this.hostTargetGroup(name, targetGroupName, args, hostPort, nlb);
    new aws.lb.Listener(
      `${name}-tls`,
      {
        region,
        loadBalancerArn: nlb.arn,
        port: 443,
        protocol: "TLS",
        certificateArn: certificate.certificateArn,
        // A policy Security Hub ELB.17 recommends (configure-listener-tls): TLS 1.3, or TLS 1.2 with ECDHE AES-GCM only.
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      },
      { parent: nlb },
    );

    this.staticIps = pulumi.all(addresses.map((address) => address.publicIp));
    this.dnsName = nlb.dnsName;
    this.zoneId = nlb.zoneId;
    this.arnSuffix = nlb.arnSuffix;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.certificateArn = certificate.certificateArn;
    this.registerOutputs({
      staticIps: this.staticIps,
      dnsName: this.dnsName,
      zoneId: this.zoneId,
      arnSuffix: this.arnSuffix,
      targetGroupArn: this.targetGroupArn,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
      certificateArn: this.certificateArn,
    });
  }

  /** The hosts' target group: TCP to nginx, drained for `drainSeconds` (incident 003), health-checked over HTTP at the health check path. */
  private hostTargetGroup(name: string, targetGroupName: string, args: IngestLoadBalancerArgs, hostPort: number, nlb: aws.lb.LoadBalancer): aws.lb.TargetGroup {
    const { region } = args;
    return new aws.lb.TargetGroup(
      targetGroupName,
      {
        region,
        vpcId: args.vpcId,
        targetType: "instance",
        protocol: "TCP",
        port: hostPort,
        // Incident 003: a leaving host finishes its in-flight requests before its connections close.
        deregistrationDelay: args.drainSeconds,
        connectionTermination: true,
        // The drain file makes a leaving host fail its health check before it is deregistered; by
        // default an NLB then resets that target's connections at once. Keep them for the drain instead
        // (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health.html,
        // "Unhealthy connection termination"; the provider's `target_health_state`).
        targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: args.drainSeconds }],
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
  }
}
