/**
 * Every policy of the pack, driven through the pack's own analyzer server with a sample that
 * violates it, returns what the in-process harness returns for the same resources and config, and
 * returns at least one violation: no policy is only ever checked in-process.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { networkNeedTagKeys } from "../../../models/network/needs";
import { resourceTypes } from "../../../models/resourceTypes";
import { packEntries } from "../../../policies/pack";
import { runPolicyPack } from "../../../tools/plan/analyzer";
import { splitSubject } from "../../../policies/finding";
import type { PlannedResource } from "../../../tools/plan/evaluate";
import { autoscalingGroup, launchTemplate } from "../../policies/capacity/samples";
import { cdnStack, distribution, buckets } from "../../policies/cdn/samples";
import { runResourcePolicy, runStackPolicy, Subject } from "../../policies/harness";
import { projectRoot } from "../../support/runPlan";

const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
let serial = 0;
const subject = (type: string, props: Record<string, unknown>, name = `sample-${++serial}`): Subject => ({ type, props, name });

/** One or more violating samples per policy; together they are one stack. */
const samples: Subject[] = [
  // DNS: a one-day TTL, an answer past 512 bytes, a record on one provider only, the snippet on the NLB.
  subject(resourceTypes.route53Record, { zoneId: "Z0", name: "api.example.com", type: "A", ttl: 86400, records: ["192.0.2.1"] }),
  subject(resourceTypes.route53Record, { zoneId: "Z0", name: "big.example.com", type: "A", ttl: 60, records: Array.from({ length: 40 }, (_, i) => `192.0.2.${i + 10}`) }),
  subject(resourceTypes.route53Zone, { name: "example.com", nameServers: ["ns-1.awsdns-1.com"] }),
  subject(resourceTypes.cloudflareZone, { name: "example.com", nameServers: ["ada.ns.cloudflare.com"] }),
  subject(resourceTypes.lbLoadBalancer, { loadBalancerType: "network", dnsName: "ingest-0123.elb.us-east-1.amazonaws.com" }, "ingest-nlb"),
  subject(resourceTypes.route53Record, { zoneId: "Z0", name: "cdn.example.com", type: "CNAME", ttl: 60, records: ["ingest-0123.elb.us-east-1.amazonaws.com"] }),
  // DNS hygiene: a record left pointing at a website bucket nobody declares; a signing key while two providers serve.
  subject(resourceTypes.route53Record, { zoneId: "Z0", name: "www.example.com", type: "CNAME", ttl: 60, records: ["www.example.com.s3-website-us-east-1.amazonaws.com"] }),
  subject(resourceTypes.route53KeySigningKey, { hostedZoneId: "Z0", name: "ksk", keyManagementServiceArn: "arn:aws:kms:us-east-1:1:key/k", status: "ACTIVE" }),
  // CDN: the sample stack with replication dropped, plain HTTP viewers, OAC removed, TLS 2019, one origin outside the stack.
  ...cdnStack(
    {
      ...distribution,
      aliases: ["cdn.example.com"],
      origins: [
        { originId: "origin", domainName: distribution.origins[0]!.domainName },
        { originId: "replica", domainName: "elsewhere.s3.us-west-2.amazonaws.com" },
      ],
      originGroups: [],
      defaultCacheBehavior: { targetOriginId: "origin", viewerProtocolPolicy: "allow-all" },
      viewerCertificate: { ...distribution.viewerCertificate, minimumProtocolVersion: "TLSv1.2_2019" },
    },
    buckets,
  ),
  ...cdnStack(distribution, buckets).map((s) => (s.type === resourceTypes.cloudfrontDistribution ? { ...s, name: "cdn-unreplicated" } : { ...s, name: `${s.name}-2` })),
  subject(resourceTypes.s3BucketAclV2, { bucket: "b", acl: "public-read" }),
  // Capacity: one region, a fleet too small for its peak, a pool past the datastore, nginx past the host's memory.
  launchTemplate({ workerConnections: 500_000 }, "t3.micro"),
  autoscalingGroup("us-east-1", 1, { poolSizePerHost: 5000 }),
  // Availability: a terminating host killed before its drain ends.
  subject(resourceTypes.autoscalingLifecycleHook, {
    name: "drain-before-terminate",
    lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
    heartbeatTimeout: 30,
    defaultResult: "CONTINUE",
    notificationMetadata: JSON.stringify({ drainSeconds: 60 }),
  }),
  // Alarms: no actions; a warning at its critical level.
  subject(resourceTypes.cloudwatchMetricAlarm, {
    name: "edge-prod-us-east-1-ingest-memoryUsedPercent-warning",
    region: "us-east-1",
    metricName: "mem_used_percent",
    threshold: 95,
    alarmActions: [],
    tags: { "edge:alarm": "memoryUsedPercent", "edge:severity": "warning", "edge:level": "95" },
  }),
  subject(resourceTypes.cloudwatchMetricAlarm, {
    name: "edge-prod-us-east-1-ingest-memoryUsedPercent-critical",
    region: "us-east-1",
    metricName: "mem_used_percent",
    threshold: 90,
    alarmActions: ["arn:aws:sns:us-east-1:1:t"],
    okActions: ["arn:aws:sns:us-east-1:1:t"],
    tags: { "edge:alarm": "memoryUsedPercent", "edge:severity": "critical", "edge:level": "90" },
  }),
  subject(resourceTypes.snsTopic, { name: "alarms", kmsMasterKeyId: "alias/aws/sns" }),
  // Security baseline.
  subject(resourceTypes.lbListener, { port: 443, protocol: "TCP" }),
  subject(resourceTypes.albLoadBalancer, { loadBalancerType: "application", enableDeletionProtection: false }),
  subject(resourceTypes.iamRolePolicyAttachment, { role: "ingest-host", policyArn: admin }),
  subject(resourceTypes.iamRole, { name: "any", assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] }) }),
  subject(resourceTypes.iamRolePolicy, { role: "r", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }),
  subject(resourceTypes.ec2LaunchConfiguration, { name: "ingest-lc", imageId: "ami-0", instanceType: "c7i.large", associatePublicIpAddress: true }),
  subject(resourceTypes.ec2Instance, { ami: "ami-0", instanceType: "c7i.large", metadataOptions: { httpTokens: "optional" } }),
  subject(resourceTypes.vpcSecurityGroupIngressRule, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }),
  subject(resourceTypes.vpcSecurityGroupEgressRule, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
  subject(resourceTypes.acmCertificate, { domainName: "api.example.com", validationMethod: "EMAIL" }),
  subject(resourceTypes.kmsKey, { description: "alarms", enableKeyRotation: false }),
  subject(resourceTypes.ec2Vpc, { cidrBlock: "10.0.0.0/16" }, "ingest-vpc"),
  subject(resourceTypes.ec2DefaultSecurityGroup, { vpcId: "vpc-other", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] }),
  // Buckets: a bucket with nothing beside it (no versioning, lifecycle, ownership, encryption,
  // policy, logging, replication, notification or lock), and a policy that grants another account.
  subject(resourceTypes.s3Bucket, { bucket: "bare-bucket" }, "bare-bucket"),
  subject(resourceTypes.s3BucketPolicy, {
    bucket: "elsewhere",
    policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "s3:GetObject", Resource: "*" }] }),
  }),
  // CDN: no root object, a plain-HTTP custom origin, no headers policy, no logs, no WAF, no geo restriction.
  subject(
    resourceTypes.cloudfrontDistribution,
    {
      origins: [{ originId: "api", domainName: "api.example.com", customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1"] } }],
      defaultCacheBehavior: { targetOriginId: "api", viewerProtocolPolicy: "https-only", allowedMethods: ["GET", "HEAD", "POST"] },
      viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/c", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
      restrictions: { geoRestriction: { restrictionType: "none" } },
    },
    "api-cdn",
  ),
  subject(resourceTypes.cloudfrontResponseHeadersPolicy, {
    securityHeadersConfig: { strictTransportSecurity: { accessControlMaxAgeSec: 60, includeSubdomains: false, preload: false, override: true } },
  }),
  // Certificates, target groups, subnets, prefix lists, keys, log groups.
  subject(resourceTypes.acmCertificate, { domainName: "*.example.com", validationMethod: "DNS", options: { certificateTransparencyLoggingPreference: "DISABLED" } }),
  subject(resourceTypes.lbTargetGroup, { protocol: "TCP", targetType: "ip", healthCheck: { protocol: "HTTP" } }),
  subject(resourceTypes.ec2Subnet, { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true }),
  subject("aws:ec2/managedPrefixList:ManagedPrefixList", { name: "anywhere", addressFamily: "IPv4", maxEntries: 1, entries: [{ cidr: "0.0.0.0/0" }] }),
  subject(resourceTypes.kmsKey, { description: "open", enableKeyRotation: true, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }] }) }),
  subject(resourceTypes.cloudwatchLogGroup, { name: "/aws/route53/example.com", retentionInDays: 30 }),
  // IAM: a role policy that may pass any role.
  subject(resourceTypes.iamRolePolicy, { role: "r", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*" }] }) }),
  // DNS: a proxied Cloudflare record at a literal address (the zone above has no query log and is unsigned).
  subject(resourceTypes.cloudflareDnsRecord, { zoneId: "z", name: "api.example.com", type: "A", content: "198.51.100.77", ttl: 1, proxied: true }),
  // Network paths: hosts in a subnet with no route table, no load balancer or endpoint, and an egress rule no flow uses.
  ...networkSamples(),
];

/** A host fleet in ingest-vpc that reaches nothing it needs, with an SSH rule nothing needs. */
function networkSamples(): Subject[] {
  const linked = (type: string, props: Record<string, unknown>, name: string, propertyDependencies: Record<string, string[]>): Subject => ({ type, props, name, propertyDependencies });
  const needs = { [networkNeedTagKeys.datastoreNetworks]: "10.100.0.0/16", [networkNeedTagKeys.datastorePort]: "5432", [networkNeedTagKeys.account]: "123456789012" };
  return [
    linked(resourceTypes.ec2Subnet, { vpcId: "vpc-1", cidrBlock: "10.0.0.0/20", availabilityZoneId: "use1-az1" }, "net-subnet", { vpcId: ["ingest-vpc"] }),
    linked(resourceTypes.ec2SecurityGroup, { vpcId: "vpc-1", description: "hosts" }, "net-hosts", { vpcId: ["ingest-vpc"] }),
    linked(resourceTypes.vpcSecurityGroupEgressRule, { securityGroupId: "sg-2", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.9.0.0/16" }, "net-hosts-out-ssh", {
      securityGroupId: ["net-hosts"],
    }),
    linked(resourceTypes.ec2LaunchTemplate, { imageId: "ami-0", networkInterfaces: [{ securityGroups: ["sg-2"] }], metadataOptions: { httpTokens: "required" }, tags: needs }, "net-template", {
      networkInterfaces: ["net-hosts"],
    }),
    linked(resourceTypes.autoscalingGroup, { vpcZoneIdentifiers: ["subnet-1"], launchTemplate: { id: "lt-1" }, minSize: 1, maxSize: 1 }, "net-group", {
      vpcZoneIdentifiers: ["net-subnet"],
      launchTemplate: ["net-template"],
    }),
  ];
}

/** Policy config for both runs: a waiver that is not in the list. */
const config: Record<string, Record<string, unknown>> = { "enable-cdn-waf": { waivers: ["not-in-the-list"] } };

const urnOf = (s: Subject) => `urn:pulumi:test::edge::${s.type}::${s.name}`;

function planned(s: Subject): PlannedResource {
  const urn = urnOf(s);
  const propertyDependencies = Object.fromEntries(Object.entries(s.propertyDependencies ?? {}).map(([key, names]) => [key, names.map((n) => urnOf(samples.find((x) => x.name === n)!))]));
  return {
    urn,
    type: s.type,
    name: s.name!,
    parent: "",
    aliases: [],
    custom: true,
    provider: "",
    inputs: s.props,
    outputs: s.props,
    dependencies: Object.values(propertyDependencies).flat(),
    propertyDependencies,
    options: { protect: false, deleteBeforeReplace: false, ignoreChanges: [], additionalSecretOutputs: [], retainOnDelete: false },
  };
}

describe("every policy over the Analyzer protocol", () => {
  it("returns each policy's in-process violations, at least one per policy", { timeout: 60_000 }, async () => {
    const resources = samples.map(planned);
    const run = await runPolicyPack({ packDir: join(projectRoot, "policies"), stack: "test", project: "edge", resources, config });
    expect(run.policies.map((p) => p.name).sort()).toEqual(packEntries.map((e) => e.policy.name).sort());

    const silent: string[] = [];
    for (const { policy } of packEntries) {
      const policyConfig = config[policy.name] ?? {};
      const expected: string[] = [];
      if ("validateResource" in policy && policy.validateResource) {
        // The served message has its subject line split off (`policies/finding.ts`), as the plan reads it.
        for (const s of samples) expected.push(...(await runResourcePolicy(policy, s, policyConfig)).map((m) => splitSubject(m).message));
      } else {
        expected.push(...(await runStackPolicy(policy, samples, policyConfig)).map((f) => f.message));
      }
      const served = run.violations.filter((v) => v.policyName === policy.name).map((v) => v.message);
      expect(served.sort(), policy.name).toEqual(expected.sort());
      if (served.length === 0) silent.push(policy.name);
    }
    expect(silent, "policies no sample violates").toEqual([]);
  });
});
