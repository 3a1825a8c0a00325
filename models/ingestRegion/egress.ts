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

import { hostMetricsNamespace } from "../hostMetrics";
import { ingestMetricsLogGroup } from "../ingestMetrics";
import { parseIpv4Cidr } from "../network/cidr";

/** What a host's calls name: its region and account, and the config's parameter and bundle. */
export interface HostCallContext {
  region: string;
  accountId: string;
  /** The SSM SecureString of the datastore password, e.g. `/edge/prod/datastore/password`; none: no read. */
  passwordParameter?: string;
  /** The pinned bundle object's ARN (`bundleObjectArn`); none: no bundle is read. */
  bundleObjectArn?: string;
}

/**
 * One request a host makes: the IAM action, every resource it names (a call is allowed only when
 * each is), the condition keys its request carries, and whether it passes the VPC endpoint (KMS
 * decrypts through SSM: SSM calls KMS from AWS's side, so no endpoint policy of the VPC sees it).
 */
export interface HostCall {
  action: string;
  resources: string[];
  context?: Record<string, string>;
  throughEndpoint?: false;
}

/**
 * Whether AWS takes a custom endpoint policy for a service. Where it does not, `CreateVpcEndpoint`
 * with a policy fails ("Service com.amazonaws.<region>.<service> only supports the full-access
 * endpoint policy", InvalidParameter) and the endpoint admits any request its network admits
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html, "Not all AWS
 * services support endpoint policies"): only the host role then limits what a host may call.
 * Check with `aws ec2 describe-vpc-endpoint-services --service-names com.amazonaws.<region>.<service>
 * --query 'ServiceDetails[].VpcEndpointPolicySupported'`.
 */
export type EndpointPolicySupport = { supported: true; source: string } | { supported: false; reason: string };

/** An AWS service the hosts call, reached through an interface endpoint with private DNS. */
export interface HostApi {
  /** The endpoint service's last label: `com.amazonaws.<region>.<service>`. */
  service: string;
  /** Who on the host calls it, and for what. */
  caller: string;
  endpointPolicy: EndpointPolicySupport;
  /** Every request the hosts send through this endpoint, and the role permissions they need. */
  calls(ctx: HostCallContext): HostCall[];
}

/** Actions with no resource-level permissions (the Service Authorization Reference lists no resource type): `Resource: "*"`. */
const anyResource = ["*"];

/** SSM Agent's Session Manager channels (Service Authorization Reference, "Amazon Message Gateway Service": no resource types). */
export const sessionChannelActions = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"];
/** SSM Agent's command channel (Service Authorization Reference, "Amazon Message Delivery Service": no resource types). */
export const commandChannelActions = [
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
];

const unverifiedPolicySupport =
  "no AWS source read here says this service takes a custom endpoint policy, and a policy it does not take fails the endpoint's creation; the aws-cli's describe-vpc-endpoint-services example shows ec2messages with VpcEndpointPolicySupported false. The host role alone limits the calls";

/**
 * Every AWS API a host calls (read from the user data, the service and the agents' configs). The
 * lifecycle watcher reads only instance metadata and the termination hook ends on its heartbeat
 * (`defaultResult: CONTINUE`), so the hosts never call Auto Scaling; every credential comes from
 * the instance profile through instance metadata, so they never call STS. SSM Agent needs only
 * what Session Manager and its command channel use (the Systems Manager User Guide's custom
 * instance profile for Session Manager; "Reference: ec2messages, ssmmessages, and other API
 * operations"): none of AmazonSSMManagedInstanceCore's document, association, inventory or
 * patch reads, nor its `ssm:GetParameter` on every parameter.
 */
export const hostApis: readonly HostApi[] = [
  {
    service: "ssm",
    caller: "the ingestion service's GetParameter of the datastore password; SSM Agent's registration",
    endpointPolicy: { supported: true, source: "aws-samples/data-perimeter-policy-examples@4bc433ff6c4721049fc2eb542c89246343b5fb8a vpc_endpoint_policies/ssm_endpoint_policy.json" },
    calls: ({ region, accountId, passwordParameter }) => [
      { action: "ssm:UpdateInstanceInformation", resources: anyResource },
      ...(passwordParameter
        ? [
            { action: "ssm:GetParameter", resources: [`arn:aws:ssm:${region}:${accountId}:parameter${passwordParameter}`] },
            // The SecureString's key, only through SSM: SSM calls KMS itself, past no endpoint of the VPC.
            { action: "kms:Decrypt", resources: [`arn:aws:kms:${region}:${accountId}:key/*`], context: { "kms:ViaService": `ssm.${region}.amazonaws.com` }, throughEndpoint: false as const },
          ]
        : []),
    ],
  },
  {
    service: "ssmmessages",
    caller: "Session Manager's data channel (shell access without SSH)",
    endpointPolicy: { supported: false, reason: unverifiedPolicySupport },
    calls: () => sessionChannelActions.map((action) => ({ action, resources: anyResource })),
  },
  {
    service: "ec2messages",
    caller: "SSM Agent's command channel",
    endpointPolicy: { supported: false, reason: unverifiedPolicySupport },
    calls: () => commandChannelActions.map((action) => ({ action, resources: anyResource })),
  },
  {
    service: "logs",
    caller: "the CloudWatch agent's embedded-metric records of the ingestion service",
    endpointPolicy: { supported: true, source: 'CloudWatch Logs User Guide, "Using CloudWatch Logs with interface VPC endpoints", creating a VPC endpoint policy' },
    calls: ({ region, accountId }) =>
      ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"].map((action) => ({
        action,
        resources: [`arn:aws:logs:${region}:${accountId}:log-group:${ingestMetricsLogGroup}`, `arn:aws:logs:${region}:${accountId}:log-group:${ingestMetricsLogGroup}:log-stream:*`],
      })),
  },
  {
    service: "monitoring",
    caller: "the CloudWatch agent's PutMetricData (memory, swap and disk of the host)",
    endpointPolicy: { supported: true, source: 'CloudWatch User Guide, "Using CloudWatch with interface VPC endpoints", controlling access to the endpoint' },
    calls: () => [{ action: "cloudwatch:PutMetricData", resources: anyResource, context: { "cloudwatch:namespace": hostMetricsNamespace } }],
  },
  {
    service: "ec2",
    caller: "the CloudWatch agent's DescribeTags (the AutoScalingGroupName dimension)",
    endpointPolicy: { supported: true, source: 'Amazon EC2 User Guide, "Access Amazon EC2 using an interface VPC endpoint", create an endpoint policy' },
    calls: () => [{ action: "ec2:DescribeTags", resources: anyResource }],
  },
];

/** The one read of S3 the hosts make: the pinned bundle, through the S3 gateway endpoint. */
export function bundleCalls(ctx: HostCallContext): HostCall[] {
  return ctx.bundleObjectArn ? [{ action: "s3:GetObject", resources: [ctx.bundleObjectArn] }] : [];
}

/** A policy document as the IAM and endpoint policies here write it. */
export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

/** `logs:PutLogEvents` → `PutLogEvents`, as a statement id part. */
const sidOf = (service: string) => service.replace(/[^A-Za-z0-9]/g, "").replace(/^./, (c) => c.toUpperCase());

/**
 * Statements granting `calls`, one per distinct set of resources and conditions, actions sorted:
 * the host role and the endpoint policies are both written from the calls, never typed twice.
 */
function statementsFor(calls: HostCall[], sid: string, extra: { principal?: unknown; condition?: Record<string, Record<string, string>> } = {}): Record<string, unknown>[] {
  const groups = new Map<string, { actions: string[]; call: HostCall }>();
  for (const call of calls) {
    const key = JSON.stringify([call.resources, call.context ?? {}]);
    const group = groups.get(key) ?? { actions: [], call };
    group.actions.push(call.action);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ actions, call }, i) => {
    const condition = { ...(extra.condition ?? {}) };
    if (call.context) condition.StringEquals = { ...(condition.StringEquals ?? {}), ...call.context };
    return {
      Sid: groups.size > 1 ? `${sid}${i + 1}` : sid,
      Effect: "Allow",
      ...(extra.principal !== undefined ? { Principal: extra.principal } : {}),
      Action: actions.length === 1 ? actions[0] : [...actions].sort(),
      Resource: call.resources.length === 1 ? call.resources[0] : call.resources,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
  });
}

/**
 * The host role's one policy: every call of every endpoint the hosts use, and the bundle read,
 * each on the resources it names (the account's own parameter, log group, key and bundle object),
 * `*` only where the action has no resource-level permissions.
 */
export function hostRolePolicy(ctx: HostCallContext): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [...hostApis.flatMap((api) => statementsFor(api.calls(ctx), `Host${sidOf(api.service)}`)), ...statementsFor(bundleCalls(ctx), "HostBundle")],
  };
}

/**
 * An interface endpoint's policy: the calls the hosts send through it, by principals of the
 * account only (`aws:PrincipalAccount`), on the resources those calls name: a compromised host
 * cannot use the endpoint with another account's credentials, nor reach another account's
 * resources through it. Undefined for a service that takes no custom policy.
 */
export function interfaceEndpointPolicy(api: HostApi, ctx: HostCallContext): PolicyDocument | undefined {
  if (!api.endpointPolicy.supported) return undefined;
  const calls = api.calls(ctx).filter((call) => call.throughEndpoint !== false);
  return {
    Version: "2012-10-17",
    Statement: statementsFor(calls, `Hosts${sidOf(api.service)}`, { principal: "*", condition: { StringEquals: { "aws:PrincipalAccount": ctx.accountId } } }),
  };
}

/** The regional endpoint service of an AWS service, e.g. `com.amazonaws.us-east-1.ssm`. */
export function endpointServiceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** TLS: the only port the hosts use toward AWS APIs and S3. */
export const awsApiPort = 443;

/**
 * The S3 gateway endpoint's policy: principals of the account read the one pinned bundle object
 * and nothing else in S3 (the hosts write nothing there). Without a bundle the endpoint admits no
 * request: a host then refuses to boot anyway. Gateway endpoint policies need a principal; `*` is
 * narrowed to the account by `aws:PrincipalAccount`, and by the role's own policy, which also
 * grants only this object.
 */
export function bundleEndpointPolicy(bundleObjectArn: string | undefined, accountId: string): PolicyDocument {
  return bundleObjectArn
    ? {
        Version: "2012-10-17",
        Statement: statementsFor(bundleCalls({ region: "", accountId, bundleObjectArn }), "ReadPinnedBundle", { principal: "*", condition: { StringEquals: { "aws:PrincipalAccount": accountId } } }),
      }
    : { Version: "2012-10-17", Statement: [{ Sid: "NoBundlePinned", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }] };
}

/**
 * Private IPv4 ranges a host without a public address can reach through the VPC's routing
 * (peering, a transit gateway): RFC 1918's and RFC 6598's shared range, which VPCs accept too.
 */
export const privateIpv4Ranges: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/** Whether the whole block `cidr` lies inside one of {@link privateIpv4Ranges}. */
export function isPrivateIpv4Cidr(cidr: string): boolean {
  const block = parseIpv4Cidr(cidr);
  if (!block) return false;
  return privateIpv4Ranges.some((range) => {
    const r = parseIpv4Cidr(range)!;
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
