import { beforeAll, describe, expect, it } from "vitest";
import { IngestRegion } from "../../components/ingestRegion";
import { capacityTagKeys } from "../../models/capacity";
import { ingestRegionArgs } from "../../stacks/ingestRegionArgs";
import type { PlannedResource } from "../../tools/plan/evaluate";
import { sampleConfig } from "../models/capacity/fixtures";
import { mockRuntime, ofType } from "../support/mockRuntime";
import { resourceTypes } from "../../models/resourceTypes";
import { decodeUserData, healthCheckPath } from "../../models/hostEdge";

let resources: PlannedResource[];
const config = sampleConfig({
  regions: ["us-east-1", "eu-west-1"],
  ingest: {
    minHostsPerRegion: 2,
    maxHostsPerRegion: 9,
    availabilityZones: 3,
    minHealthyPercentage: 90,
    drainSeconds: 75,
    availabilityZoneIds: { "us-east-1": ["use1-az1", "use1-az2", "use1-az4"], "eu-west-1": ["euw1-az3", "euw1-az1", "euw1-az2"] },
    imageIds: { "us-east-1": "ami-0aaaaaaaaaaaaaaa1", "eu-west-1": "ami-0bbbbbbbbbbbbbbb2" },
    bundle: { bucket: "edge-bundles-{region}", key: "releases/edge-ingest-1.4.0.tar.gz", sha256: "a".repeat(64) },
  },
  datastore: {
    endpoints: {
      "us-east-1": { hosts: ["db.use1.example.internal"], port: 6432, passwordParameter: "/edge/test/datastore/password", cidrs: ["10.200.0.0/24", "10.200.1.0/24"] },
      "eu-west-1": { hosts: ["db.euw1.example.internal"], port: 6432, passwordParameter: "/edge/test/datastore/password", cidrs: ["10.201.0.0/24"] },
    },
  },
});
const outputs: Record<string, { staticIps: string[]; asgName: string; targetGroupArn: string; nlbDnsName: string }> = {};

beforeAll(async () => {
  const runtime = await mockRuntime();
  const regions = config.regions.map((region, regionIndex) => new IngestRegion(`ingest-${region}`, ingestRegionArgs(config, region, regionIndex, "Z0TEST", "edge-test")));
  resources = await runtime.settle();
  for (const r of regions) {
    outputs[r.region] = await new Promise((resolve) =>
      r.staticIps.apply((staticIps) =>
        r.asgName.apply((asgName) => r.targetGroupArn.apply((targetGroupArn) => r.nlbDnsName.apply((nlbDnsName) => resolve({ staticIps, asgName, targetGroupArn, nlbDnsName })))),
      ),
    );
  }
});

function inRegion(type: string, region: string): PlannedResource[] {
  return ofType(resources, type).filter((r) => r.inputs.region === region);
}

describe("IngestRegion", () => {
  it("is made of a log bucket, a network, a load balancer and a host fleet, each holding its own resources", () => {
    for (const region of config.regions) {
      const component = resources.find((r) => r.type === "edge:ingest:IngestRegion" && r.name === `ingest-${region}`)!;
      const parts = resources.filter((r) => r.parent === component.urn);
      expect(parts.map((r) => r.type).sort()).toEqual(["edge:ingest:HostFleet", "edge:ingest:IngestLoadBalancer", "edge:ingest:IngestNetwork", "edge:logs:LogBucket"]);
      const partOf = (type: string) => parts.find((p) => p.urn === inRegion(type, region)[0]!.parent)?.type;
      expect(partOf(resourceTypes.ec2Vpc)).toBe("edge:ingest:IngestNetwork");
      expect(partOf(resourceTypes.lbLoadBalancer)).toBe("edge:ingest:IngestLoadBalancer");
      expect(partOf(resourceTypes.autoscalingGroup)).toBe("edge:ingest:HostFleet");
    }
  });

  it("logs per region into one encrypted, expiring bucket: the NLB's TLS access logs and the VPC's flow logs; the NLB is deletion-protected", () => {
    for (const region of config.regions) {
      const [bucket, ...more] = inRegion(resourceTypes.s3Bucket, region).filter((b) => b.name.endsWith("-logs"));
      expect(more).toEqual([]);
      const ofBucket = (type: string) => inRegion(type, region).filter((r) => r.parent === bucket!.urn);
      expect(ofBucket(resourceTypes.s3BucketServerSideEncryptionConfiguration)[0]!.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      expect(ofBucket(resourceTypes.s3BucketLifecycleConfiguration)[0]!.inputs.rules).toMatchObject([{ status: "Enabled", expiration: { days: 90 } }]);
      expect(ofBucket(resourceTypes.s3BucketPublicAccessBlock)[0]!.inputs).toMatchObject({ blockPublicAcls: true, restrictPublicBuckets: true });
      const nlb = inRegion(resourceTypes.lbLoadBalancer, region)[0]!;
      expect(nlb.inputs).toMatchObject({ enableDeletionProtection: true, accessLogs: { enabled: true, bucket: bucket!.outputs.bucket, prefix: "nlb" } });
      const vpc = { outputs: { id: inRegion(resourceTypes.ec2Subnet, region)[0]!.inputs.vpcId } };
      const [flowLog] = inRegion(resourceTypes.ec2FlowLog, region);
      expect(flowLog!.inputs).toMatchObject({ vpcId: vpc.outputs.id, trafficType: "ALL", logDestinationType: "s3", logDestination: `${bucket!.outputs.arn}/vpc-flow-logs/` });
      const [defaultGroup] = inRegion(resourceTypes.ec2DefaultSecurityGroup, region);
      expect(defaultGroup!.inputs).toMatchObject({ vpcId: vpc.outputs.id, ingress: [], egress: [] });
    }
  });

  it("declares per region one network load balancer with one Elastic IP per availability zone, cross-zone on", () => {
    for (const region of config.regions) {
      const [nlb, ...more] = inRegion(resourceTypes.lbLoadBalancer, region);
      expect(more).toEqual([]);
      expect(nlb!.inputs).toMatchObject({ loadBalancerType: "network", internal: false, enableCrossZoneLoadBalancing: true });
      const eips = inRegion(resourceTypes.ec2Eip, region);
      expect(eips).toHaveLength(3);
      const mappings = nlb!.inputs.subnetMappings as { subnetId: string; allocationId: string }[];
      expect(mappings.map((m) => m.allocationId).sort()).toEqual(eips.map((e) => e.outputs.allocationId).sort());
      expect(new Set(mappings.map((m) => m.subnetId)).size).toBe(3);
      // Pinned by AZ ID in the configured order, never by position in a looked-up list of zone names.
      const subnets = inRegion(resourceTypes.ec2Subnet, region);
      expect(subnets.map((s) => s.inputs.availabilityZoneId)).toEqual(config.ingest.availabilityZoneIds[region]);
      expect(subnets.every((s) => s.inputs.availabilityZone === undefined)).toBe(true);
      expect(outputs[region]!.staticIps.sort()).toEqual(eips.map((e) => e.outputs.publicIp).sort());
    }
  });

  it("deletes a load balancer before it creates its replacement: the new one needs the Elastic IPs the old one holds", () => {
    for (const region of config.regions) expect(inRegion(resourceTypes.lbLoadBalancer, region)[0]!.options.deleteBeforeReplace).toBe(true);
  });

  it("launches hosts from the region's pinned image, with no lookup at deploy time", () => {
    expect(inRegion(resourceTypes.ec2LaunchTemplate, "us-east-1")[0]!.inputs.imageId).toBe("ami-0aaaaaaaaaaaaaaa1");
    expect(inRegion(resourceTypes.ec2LaunchTemplate, "eu-west-1")[0]!.inputs.imageId).toBe("ami-0bbbbbbbbbbbbbbb2");
  });

  it("lets hosts reach the datastore's networks on its port, one rule per network named by it", () => {
    const egress = ofType(resources, resourceTypes.vpcSecurityGroupEgressRule).filter((r) => r.inputs.fromPort === 6432);
    expect(egress.map((r) => [r.inputs.region, r.inputs.cidrIpv4, r.inputs.toPort, r.name])).toEqual([
      ["us-east-1", "10.200.0.0/24", 6432, "ingest-us-east-1-hosts-out-datastore-10.200.0.0-24"],
      ["us-east-1", "10.200.1.0/24", 6432, "ingest-us-east-1-hosts-out-datastore-10.200.1.0-24"],
      ["eu-west-1", "10.201.0.0/24", 6432, "ingest-eu-west-1-hosts-out-datastore-10.201.0.0-24"],
    ]);
  });

  /** A region's security group ids and subnets, read from the rules and associations that name them (the plan records no ids). */
  function network(region: string) {
    const group = (suffix: string) => inRegion(resourceTypes.ec2SecurityGroup, region).find((g) => g.name === `ingest-${region}-${suffix}`)!;
    const rulesOf = (type: string, suffix: string) => inRegion(type, region).filter((r) => r.parent === group(suffix).urn);
    const associations = inRegion(resourceTypes.ec2RouteTableAssociation, region);
    return {
      hostEgress: rulesOf(resourceTypes.vpcSecurityGroupEgressRule, "hosts"),
      endpointIngress: rulesOf(resourceTypes.vpcSecurityGroupIngressRule, "endpoints"),
      endpointGroupId: rulesOf(resourceTypes.vpcSecurityGroupIngressRule, "endpoints")[0]!.inputs.securityGroupId,
      hostGroupId: rulesOf(resourceTypes.vpcSecurityGroupIngressRule, "hosts")[0]!.inputs.securityGroupId,
      subnetIds: associations.map((a) => a.inputs.subnetId),
      routeTableId: associations[0]!.inputs.routeTableId,
    };
  }

  it("lets hosts out only to the VPC endpoints, the S3 prefix list and the datastore: nothing to the internet", () => {
    for (const region of config.regions) {
      const net = network(region);
      const gateway = inRegion(resourceTypes.ec2VpcEndpoint, region).find((e) => e.inputs.vpcEndpointType === "Gateway")!;
      const destination = (r: PlannedResource) => r.inputs.referencedSecurityGroupId ?? r.inputs.prefixListId ?? r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6;
      expect(net.hostEgress.every((r) => r.inputs.securityGroupId === net.hostGroupId)).toBe(true);
      expect(net.hostEgress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, destination(r)]).sort()).toEqual(
        [["tcp", 443, 443, net.endpointGroupId], ["tcp", 443, 443, gateway.outputs.prefixListId], ...config.datastore.endpoints[region]!.cidrs.map((cidr) => ["tcp", 6432, 6432, cidr])].sort(),
      );
      expect(gateway.outputs.prefixListId).toMatch(/^pl-/);
      // The endpoints' group admits TLS from the hosts only and sends nothing.
      expect(net.endpointIngress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId])).toEqual([[443, 443, net.hostGroupId]]);
      expect(inRegion(resourceTypes.vpcSecurityGroupEgressRule, region).filter((r) => r.inputs.securityGroupId === net.endpointGroupId)).toEqual([]);
    }
    const world = ofType(resources, resourceTypes.vpcSecurityGroupEgressRule).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
    expect(world).toEqual([]);
  });

  it("declares an interface endpoint with private DNS in every host subnet for each AWS API the hosts call", () => {
    for (const region of config.regions) {
      const net = network(region);
      const interfaces = inRegion(resourceTypes.ec2VpcEndpoint, region).filter((e) => e.inputs.vpcEndpointType === "Interface");
      expect(interfaces.map((e) => e.inputs.serviceName).sort()).toEqual(["ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2"].map((s) => `com.amazonaws.${region}.${s}`).sort());
      expect(net.subnetIds).toHaveLength(3);
      for (const endpoint of interfaces) {
        expect(endpoint.inputs).toMatchObject({ privateDnsEnabled: true, subnetIds: net.subnetIds, securityGroupIds: [net.endpointGroupId] });
        // Every endpoint of a service that takes a policy admits the account's principals only.
        const service = String(endpoint.inputs.serviceName).split(".").pop();
        if (service === "ssmmessages" || service === "ec2messages") expect(endpoint.inputs.policy).toBeUndefined();
        else
          expect(
            JSON.parse(endpoint.inputs.policy as string).Statement.every(
              (s: { Condition?: unknown }) =>
                JSON.stringify(s.Condition) === JSON.stringify({ StringEquals: { "aws:PrincipalAccount": "123456789012" } }) ||
                JSON.stringify(s.Condition).includes('"aws:PrincipalAccount":"123456789012"'),
            ),
          ).toBe(true);
      }
    }
  });

  it("routes the host subnets to S3 through a gateway endpoint that admits reading the region's pinned bundle and nothing else", () => {
    for (const region of config.regions) {
      const gateways = inRegion(resourceTypes.ec2VpcEndpoint, region).filter((e) => e.inputs.vpcEndpointType === "Gateway");
      expect(gateways.map((e) => [e.inputs.serviceName, e.inputs.routeTableIds])).toEqual([[`com.amazonaws.${region}.s3`, [network(region).routeTableId]]]);
      expect(JSON.parse(gateways[0]!.inputs.policy as string).Statement).toEqual([
        {
          Sid: "ReadPinnedBundle",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: `arn:aws:s3:::edge-bundles-${region}/releases/edge-ingest-1.4.0.tar.gz`,
          Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
        },
      ]);
    }
  });

  it("gives hosts no public address, and launches none before every endpoint and egress rule their boot needs exists", () => {
    for (const region of config.regions) {
      const [template] = inRegion(resourceTypes.ec2LaunchTemplate, region);
      expect(template!.inputs.networkInterfaces).toEqual([expect.objectContaining({ associatePublicIpAddress: "false" })]);
      const needed = [
        ...inRegion(resourceTypes.ec2VpcEndpoint, region),
        ...inRegion(resourceTypes.vpcSecurityGroupEgressRule, region).filter((r) => /-hosts-out-(endpoints|s3)$/.test(r.name)),
        ...inRegion(resourceTypes.vpcSecurityGroupIngressRule, region).filter((r) => r.name.endsWith("-endpoints-in-hosts")),
      ];
      expect(needed).toHaveLength(10);
      expect(template!.dependencies).toEqual(expect.arrayContaining(needed.map((r) => r.urn)));
    }
  });

  it("keeps an unhealthy (draining) target's connections for the drain instead of resetting them", () => {
    const [target] = inRegion(resourceTypes.lbTargetGroup, "eu-west-1");
    expect(target!.inputs.targetHealthStates).toEqual([{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 75 }]);
  });

  it("rolls an instance refresh back when a critical host or balancer alarm of its region fires, or the release stores fewer events or answers them with errors", () => {
    const [group] = inRegion(resourceTypes.autoscalingGroup, "eu-west-1");
    const keys = ["unhealthyHosts", "healthyHostsOfMinimum", "memoryUsedPercent", "serviceAcceptedFloor", "serviceRejectedEvents", "serviceErrorAnswers"];
    const alarms = keys.map((key) => `edge-test-eu-west-1-ingest-${key}-critical`).sort();
    const preferences = (group!.inputs.instanceRefresh as { preferences: { autoRollback: boolean; alarmSpecification: { alarms: string[] } } }).preferences;
    expect(preferences.autoRollback).toBe(true);
    expect([...preferences.alarmSpecification.alarms].sort()).toEqual(alarms);
  });

  it("sets the region on every regional resource (no per-region providers)", () => {
    const regional = resources.filter((r) => r.custom && r.type.startsWith("aws:") && !/^aws:(iam|route53)\//.test(r.type));
    expect(regional.length).toBeGreaterThan(20);
    for (const r of regional) expect(config.regions, `${r.type} ${r.name}`).toContain(r.inputs.region);
  });

  it("terminates TLS on 443 with the ingest name's certificate, validated in the primary zone", () => {
    const listener = inRegion(resourceTypes.lbListener, "us-east-1")[0]!;
    expect(listener.inputs).toMatchObject({ port: 443, protocol: "TLS" });
    const certificate = inRegion(resourceTypes.acmCertificate, "us-east-1")[0]!;
    expect(certificate.inputs).toMatchObject({ domainName: "api.example.com", validationMethod: "DNS" });
    expect(ofType(resources, resourceTypes.route53Record).every((r) => r.inputs.zoneId === "Z0TEST")).toBe(true);
  });

  it("health-checks hosts on /http-check over HTTP and drains for drainSeconds before deregistering (incident 003)", () => {
    const [target] = inRegion(resourceTypes.lbTargetGroup, "eu-west-1");
    expect(target!.inputs).toMatchObject({ protocol: "TCP", port: 80, deregistrationDelay: 75, healthCheck: { protocol: "HTTP", path: healthCheckPath, matcher: "200" } });
    expect(outputs["eu-west-1"]!.targetGroupArn).toBe(target!.outputs.arn);
  });

  it("sizes the autoscaling group from config, behind the target group, with ELB health checks", () => {
    for (const region of config.regions) {
      const [group] = inRegion(resourceTypes.autoscalingGroup, region);
      expect(group!.inputs).toMatchObject({ minSize: 2, maxSize: 9, healthCheckType: "ELB" });
      expect(group!.inputs.targetGroupArns).toEqual([inRegion(resourceTypes.lbTargetGroup, region)[0]!.outputs.arn]);
      expect(outputs[region]!.asgName).toBe(group!.outputs.name);
      // The alarm on hosts in service at the group's maximum needs the group's metrics.
      expect(group!.inputs.enabledMetrics).toContain("GroupInServiceInstances");
    }
  });

  it("sets instance refresh with the configured minimum healthy percentage and a drain hook longer than the drain", () => {
    const [group] = inRegion(resourceTypes.autoscalingGroup, "us-east-1");
    expect(group!.inputs.instanceRefresh).toMatchObject({ strategy: "Rolling", preferences: { minHealthyPercentage: 90 } });
    // A hook resource, not initialLifecycleHooks (applied only when the group is created).
    expect(group!.inputs.initialLifecycleHooks).toBeUndefined();
    const [hook, ...more] = inRegion(resourceTypes.autoscalingLifecycleHook, "us-east-1");
    expect(more).toEqual([]);
    expect(hook!.inputs).toMatchObject({ autoscalingGroupName: group!.outputs.name, lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", defaultResult: "CONTINUE" });
    expect(hook!.inputs.heartbeatTimeout).toBeGreaterThan(75);
    expect(JSON.parse(hook!.inputs.notificationMetadata as string)).toEqual({ drainSeconds: 75 });
    const [scaling] = inRegion(resourceTypes.autoscalingPolicy, "us-east-1");
    expect(scaling!.inputs).toMatchObject({ policyType: "TargetTrackingScaling", autoscalingGroupName: group!.outputs.name });
  });

  it("launches hosts with IMDSv2 required, an encrypted gp3 root volume, no key pair, and the rendered user data", () => {
    const [template] = inRegion(resourceTypes.ec2LaunchTemplate, "us-east-1");
    expect(template!.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(template!.inputs.blockDeviceMappings).toEqual([expect.objectContaining({ ebs: expect.objectContaining({ volumeType: "gp3", encrypted: "true" }) })]);
    expect(template!.inputs.keyName).toBeUndefined();
    expect(template!.inputs.instanceType).toBe("c6i.large");
    const userData = decodeUserData(template!.inputs.userData as string);
    expect(userData).toMatch(/^#cloud-config/);
    expect(userData).toContain("worker_connections 4096;");
    expect(template!.inputs.tags).toMatchObject({ [capacityTagKeys.instanceType]: "c6i.large", [capacityTagKeys.environment]: "prod" });
  });

  it("opens nothing to the world but TLS on the load balancer; no port 22 anywhere", () => {
    const ingress = ofType(resources, resourceTypes.vpcSecurityGroupIngressRule);
    const world = ingress.filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
    expect(world.map((r) => [r.inputs.fromPort, r.inputs.toPort])).toEqual([
      [443, 443],
      [443, 443],
    ]);
    const covers22 = (r: PlannedResource) => r.inputs.ipProtocol === "-1" || ((r.inputs.fromPort as number) <= 22 && 22 <= (r.inputs.toPort as number));
    expect(ingress.filter(covers22)).toEqual([]);
    const groups = ofType(resources, resourceTypes.ec2SecurityGroup);
    expect(groups.every((g) => g.inputs.ingress === undefined)).toBe(true);
    const hostIngress = ingress.filter((r) => r.inputs.fromPort === 80);
    expect(hostIngress.every((r) => typeof r.inputs.referencedSecurityGroupId === "string" && r.inputs.cidrIpv4 === undefined)).toBe(true);
  });

  it("gives hosts a role of one policy written from their calls: no AWS managed policy, no parameter but their own", () => {
    expect(ofType(resources, resourceTypes.iamRolePolicyAttachment)).toEqual([]);
    const policies = ofType(resources, resourceTypes.iamRolePolicy);
    expect(policies.map((p) => p.name).sort()).toEqual(["ingest-eu-west-1-host-calls", "ingest-us-east-1-host-calls"]);
    const policy = JSON.parse(policies.find((p) => p.name.startsWith("ingest-us-east-1"))!.inputs.policy as string);
    const readParameters = policy.Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith("ssm:Get")));
    expect(readParameters).toEqual([{ Sid: "HostSsm2", Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:us-east-1:123456789012:parameter/edge/test/datastore/password" }]);
    const metrics = policy.Statement.find((s: { Action: string }) => s.Action === "cloudwatch:PutMetricData");
    expect(metrics.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "CWAgent" } });
  });
});
