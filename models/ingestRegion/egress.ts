/**
 * Everything an ingestion host sends out of its VPC, and the private path each takes. Hosts boot
 * from the pinned bundle (no package mirror, no download from the internet), so what they call is
 * a short, known list: the AWS APIs below through VPC endpoints, the bundle through the S3 gateway
 * endpoint, and the datastore's networks. Their security group allows exactly that and nothing to
 * 0.0.0.0/0, and they have no public address.
 *
 * Needs no rule: security groups do not filter traffic to the Amazon DNS server (the VPC resolver
 * at the VPC's base + 2 and 169.254.169.253), instance metadata (169.254.169.254) or the Amazon
 * Time Sync Service (169.254.169.123), which Debian's chrony on EC2 uses
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html, "Security groups
 * don't filter traffic destined to and from the following: Amazon Domain Name Services (DNS),
 * Amazon Dynamic Host Configuration Protocol (DHCP), Amazon EC2 instance metadata, … Amazon Time
 * Sync Service").
 *
 * Pure module: no Pulumi imports.
 */

/** An AWS service the hosts call, reached through an interface endpoint with private DNS. */
export interface HostApi {
  /** The endpoint service's last label: `com.amazonaws.<region>.<service>`. */
  service: string;
  /** Who on the host calls it, and for what. */
  caller: string;
}

/**
 * Every AWS API a host calls (read from the user data, the service and the agents' configs). The
 * lifecycle watcher reads only instance metadata and the termination hook ends on its heartbeat
 * (`defaultResult: CONTINUE`), so the hosts never call Auto Scaling; every credential comes from
 * the instance profile through instance metadata, so they never call STS.
 */
export const hostApis: readonly HostApi[] = [
  { service: "ssm", caller: "the ingestion service's GetParameter of the datastore password; SSM Agent's registration" },
  { service: "ssmmessages", caller: "Session Manager's data channel (shell access without SSH)" },
  { service: "ec2messages", caller: "SSM Agent's command channel" },
  { service: "logs", caller: "the CloudWatch agent's embedded-metric records of the ingestion service" },
  { service: "monitoring", caller: "the CloudWatch agent's PutMetricData (memory, swap and disk of the host)" },
  { service: "ec2", caller: "the CloudWatch agent's DescribeTags (the AutoScalingGroupName dimension)" },
];

/** The regional endpoint service of an AWS service, e.g. `com.amazonaws.us-east-1.ssm`. */
export function endpointServiceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** TLS: the only port the hosts use toward AWS APIs and S3. */
export const awsApiPort = 443;

/**
 * The S3 gateway endpoint's policy: the hosts read the one pinned bundle object and nothing else
 * in S3 (they write nothing there). Without a bundle the endpoint admits no request: a host then
 * refuses to boot anyway. Gateway endpoint policies need a principal; `*` is narrowed by the
 * resource and by the role's own policy, which also grants only this object.
 */
export function bundleEndpointPolicy(bundleObjectArn: string | undefined): { Version: string; Statement: Record<string, unknown>[] } {
  return {
    Version: "2012-10-17",
    Statement: bundleObjectArn
      ? [{ Sid: "ReadPinnedBundle", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: bundleObjectArn }]
      : [{ Sid: "NoBundlePinned", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }],
  };
}

/**
 * Private IPv4 ranges a host without a public address can reach through the VPC's routing
 * (peering, a transit gateway): RFC 1918's and RFC 6598's shared range, which VPCs accept too.
 */
export const privateIpv4Ranges: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

function parseCidr(cidr: string): { address: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  return { address: octets.reduce((a, o) => a * 256 + o, 0), bits };
}

/** Whether the whole block `cidr` lies inside one of {@link privateIpv4Ranges}. */
export function isPrivateIpv4Cidr(cidr: string): boolean {
  const block = parseCidr(cidr);
  if (!block) return false;
  return privateIpv4Ranges.some((range) => {
    const r = parseCidr(range)!;
    const size = 2 ** (32 - r.bits);
    return block.bits >= r.bits && Math.floor(block.address / size) === Math.floor(r.address / size);
  });
}

/** IPv6 unique local addresses (RFC 4193), the IPv6 counterpart of the private IPv4 ranges. */
export const privateIpv6Range = "fc00::/7";

/** Whether the whole IPv6 block `cidr` lies inside {@link privateIpv6Range}. */
export function isPrivateIpv6Cidr(cidr: string): boolean {
  const m = /^([0-9a-f]{0,4}):[0-9a-f:]*\/(\d{1,3})$/i.exec(cidr);
  if (!m) return false;
  const first = m[1] ? parseInt(m[1], 16) : 0;
  return Number(m[2]) >= 7 && Number(m[2]) <= 128 && (first & 0xfe00) === 0xfc00;
}
