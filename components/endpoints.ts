/**
 * What one component hands another. Ingestion regions and the snippet CDN produce these; DNS and
 * alarms consume them. Declared once here so producers and consumers agree on names and units.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One region's ingestion endpoint (an `IngestRegion`'s outputs). */
export interface IngestEndpoint {
  /** AWS region code, e.g. `us-east-1`. */
  region: string;
  /** The network load balancer's static addresses, one Elastic IP per availability zone. */
  staticIps: pulumi.Output<string[]>;
  /** The load balancer's DNS name (for Route 53 alias records and health checks). */
  nlbDnsName: pulumi.Output<string>;
  /** The load balancer's canonical hosted zone id (for Route 53 alias records). */
  nlbZoneId: pulumi.Output<string>;
  /** `net/<name>/<id>`: the `LoadBalancer` dimension of AWS/NetworkELB metrics. */
  nlbArnSuffix: pulumi.Output<string>;
  /** `targetgroup/<name>/<id>`: the `TargetGroup` dimension of AWS/NetworkELB metrics. */
  targetGroupArnSuffix: pulumi.Output<string>;
  targetGroupArn: pulumi.Output<string>;
  /** The autoscaling group's name: the `AutoScalingGroupName` dimension. */
  asgName: pulumi.Output<string>;
  /** The TLS listener's certificate (its `CertificateArn` dimension has `DaysToExpiry`). */
  certificateArn: pulumi.Output<string>;
  /** Autoscaling bounds, as planned. */
  minHosts: number;
  maxHosts: number;
}

/** The snippet CDN (a `SnippetCdn`'s outputs). */
export interface CdnEndpoint {
  distributionId: pulumi.Output<string>;
  /** `dxxxx.cloudfront.net`: the target of the CDN hostname in both DNS providers. */
  domainName: pulumi.Output<string>;
  /** CloudFront's canonical hosted zone id, for a Route 53 alias. */
  hostedZoneId: pulumi.Output<string>;
  /** The distribution's certificate, in us-east-1. */
  certificateArn: pulumi.Output<string>;
}

/** A Route 53 health check guarding one region's answer (a `DnsRecords` output, watched by alarms). */
export interface RegionHealthCheck {
  region: string;
  healthCheckId: pulumi.Output<string>;
}
