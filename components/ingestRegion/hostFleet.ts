import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { capacityTagKeys } from "../../models/capacity";
import { bundleObjectArn, encodeUserData, type HostBundle } from "../../models/hostEdge";
import { refreshAlarmNamesProblem } from "../../models/alarms/alarmSet";
import { hostRolePolicy } from "../../models/ingestRegion/egress";
import { drainHookMetadata, hostWarmupSeconds, lifecycleHeartbeatSeconds, maxHealthyPercentage, targetCpuPercent } from "../../models/ingestRegion/layout";
import { keepUrnUnder } from "./aliases";

export interface HostFleetArgs {
  /** AWS region code, e.g. `us-east-1`; the `region` input of every regional resource here. */
  region: string;
  /** Subnets the hosts launch into, one per availability zone (an `IngestNetwork` output). */
  subnetIds: pulumi.Input<string>[];
  /** The hosts' security group (an `IngestNetwork` output). */
  securityGroupId: pulumi.Input<string>;
  /** The load balancer's target group the hosts register with (an `IngestLoadBalancer` output). */
  targetGroupArn: pulumi.Input<string>;
  /** The hosts' AMI id in this region (a Debian 12 image, pinned in config): a new one is a reviewed change. */
  imageId: string;
  /**
   * CloudWatch alarm names whose alarm state rolls an instance refresh back to the previous launch
   * template (plain names: the alarms are declared after the group). Defaults to `[]` (no rollback on alarms).
   */
  rollbackAlarmNames?: string[];
  /** EC2 instance type of every host, e.g. `c7i.large`. */
  instanceType: string;
  /** Hosts the group never goes below. */
  minHosts: number;
  /** Hosts the group never goes above; at least `minHosts`. */
  maxHosts: number;
  /** Percentage of hosts kept in service during an instance refresh (incident 003). */
  minHealthyPercentage: number;
  /** Seconds a host drains before it terminates: the lifecycle hook's heartbeat is longer (incident 003). */
  drainSeconds: number;
  /** Cloud-init user data of every host, as text (`models/hostEdge` `renderUserData`). */
  userData: string;
  /** `edge:environment` of the stack: tagged on the hosts and their volumes. */
  environment: string;
  /** Tags on the launch template and the group (not propagated) that the capacity policies read back. Defaults to `{}`. */
  capacityTags?: Record<string, string>;
  /** Root volume size of each host, in GiB. Defaults to `16`. */
  rootVolumeGiB?: number;
  /** SSM SecureString the service reads the datastore password from at start. Defaults to none (no read granted). */
  datastorePasswordParameter?: string;
  /** The pinned host bundle the hosts download at boot. Defaults to none (no read granted). */
  bundle?: HostBundle;
  /** What the hosts need of the network (`networkNeedTags`), tagged on the launch template beside the capacity tags. Defaults to none. */
  networkNeedTags?: pulumi.Input<Record<string, string>>;
}

/**
 * One region's ingestion hosts: a role for SSM and the CloudWatch agent, a launch template, and an
 * autoscaling group behind the target group that replaces hosts a few at a time and lets a
 * terminating host drain first (incident 003), scaled on CPU.
 */
export class HostFleet extends pulumi.ComponentResource {
  /** The autoscaling group's name: the `AutoScalingGroupName` dimension. */
  readonly asgName: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;

  constructor(name: string, args: HostFleetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:ingest:HostFleet", name, {}, opts);
    if (args.minHosts > args.maxHosts) {
      throw new Error(`HostFleet ${name}: minHosts ${args.minHosts} is above maxHosts ${args.maxHosts}`);
    }
    const alarmsProblem = refreshAlarmNamesProblem(args.rollbackAlarmNames ?? []);
    if (alarmsProblem) throw new Error(`HostFleet ${name}: rollbackAlarmNames: ${alarmsProblem}`);
    const moved = keepUrnUnder(opts.parent);
    const instanceProfile = hostInstanceProfile(name, args.region, args, { parent: this, ...moved });
    const launchTemplate = this.launchTemplate(name, args, instanceProfile.arn, moved);
    const group = this.autoscalingGroup(name, args, launchTemplate, moved);
    // A resource rather than the group's `initialLifecycleHooks`, which the provider applies only when
    // it creates the group: a later drain time would never reach the hook (the `initial_lifecycle_hook`
    // notes of https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group).
    // Incident 003: a terminating host drains (its /http-check answers 404) before it dies.
    new aws.autoscaling.LifecycleHook(
      `${name}-drain`,
      {
        region: args.region,
        name: "drain-before-terminate",
        autoscalingGroupName: group.name,
        lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        heartbeatTimeout: lifecycleHeartbeatSeconds(args.drainSeconds),
        defaultResult: "CONTINUE",
        notificationMetadata: drainHookMetadata(args.drainSeconds),
      },
      { parent: group },
    );
    new aws.autoscaling.Policy(
      `${name}-cpu`,
      {
        region: args.region,
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        estimatedInstanceWarmup: hostWarmupSeconds,
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
          targetValue: targetCpuPercent,
        },
      },
      { parent: group },
    );

    this.asgName = group.name;
    this.launchTemplateId = launchTemplate.id;
    this.registerOutputs({ asgName: this.asgName, launchTemplateId: this.launchTemplateId });
  }

  private launchTemplate(name: string, args: HostFleetArgs, instanceProfileArn: pulumi.Input<string>, moved: pulumi.ResourceOptions) {
    const { region } = args;
    return new aws.ec2.LaunchTemplate(
      `${name}-hosts`,
      {
        region,
        description: `edge ingestion hosts in ${region}`,
        imageId: args.imageId,
        instanceType: args.instanceType,
        updateDefaultVersion: true,
        iamInstanceProfile: { arn: instanceProfileArn },
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "enabled" },
        monitoring: { enabled: true },
        // No public address: the hosts reach AWS through the network's VPC endpoints and nothing else
        // outside the VPC; the load balancer reaches them at their private addresses.
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [args.securityGroupId] }],
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeType: "gp3", volumeSize: args.rootVolumeGiB ?? 16, encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        userData: encodeUserData(args.userData),
        tagSpecifications: ["instance", "volume"].map((resourceType) => ({
          resourceType,
          tags: { Name: `${name}-host`, [capacityTagKeys.environment]: args.environment },
        })),
        // Tags of the template itself, not of a version: a change updates it in place, replacing no host.
        tags: pulumi.output(args.networkNeedTags ?? {}).apply((needs) => ({ ...(args.capacityTags ?? {}), ...needs })),
      },
      { parent: this, ...moved },
    );
  }

  private autoscalingGroup(name: string, args: HostFleetArgs, launchTemplate: aws.ec2.LaunchTemplate, moved: pulumi.ResourceOptions) {
    return new aws.autoscaling.Group(
      `${name}-hosts`,
      {
        region: args.region,
        vpcZoneIdentifiers: args.subnetIds,
        minSize: args.minHosts,
        maxSize: args.maxHosts,
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
        targetGroupArns: [args.targetGroupArn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: hostWarmupSeconds,
        // The "in service at max" alarm reads GroupInServiceInstances: without group metrics it would stay silent.
        enabledMetrics: ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupMaxSize", "GroupMinSize"],
        metricsGranularity: "1Minute",
        defaultInstanceWarmup: hostWarmupSeconds,
        // Incident 003: deploys replace hosts a few at a time, new ones in service before old ones leave.
        instanceRefresh: {
          strategy: "Rolling",
          preferences: {
            minHealthyPercentage: args.minHealthyPercentage,
            maxHealthyPercentage: maxHealthyPercentage(args.minHealthyPercentage),
            instanceWarmup: String(hostWarmupSeconds),
            skipMatching: true,
            // A refresh whose new hosts trip a critical alarm goes back to the previous launch template
            // (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html).
            ...((args.rollbackAlarmNames ?? []).length > 0 ? { autoRollback: true, alarmSpecification: { alarms: args.rollbackAlarmNames } } : {}),
          },
        },
        tags: [{ key: "Name", value: `${name}-host`, propagateAtLaunch: true }, ...Object.entries(args.capacityTags ?? {}).map(([key, value]) => ({ key, value, propagateAtLaunch: false }))],
      },
      { parent: this, ...moved },
    );
  }
}

/**
 * The hosts' role and its instance profile. One policy, written from the calls the hosts make
 * (`hostRolePolicy`: Session Manager's and SSM Agent's channels, the CloudWatch agent's metrics and
 * tags, the service's metric log group, its password parameter and the bundle object), and no AWS
 * managed policy: AmazonSSMManagedInstanceCore would also grant `ssm:GetParameter` on every
 * parameter of the region.
 */
function hostInstanceProfile(name: string, region: string, service: Pick<HostFleetArgs, "datastorePasswordParameter" | "bundle">, opts: pulumi.ResourceOptions): aws.iam.InstanceProfile {
  const role = new aws.iam.Role(
    `${name}-host`,
    {
      description: `edge ingestion hosts in ${region}: Session Manager, CloudWatch agent and the ingestion service's own calls only`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    },
    opts,
  );
  const account = aws.getCallerIdentityOutput({}, { parent: role }).accountId;
  const context = account.apply((accountId) => ({
    region,
    accountId,
    passwordParameter: service.datastorePasswordParameter,
    bundleObjectArn: service.bundle ? bundleObjectArn(service.bundle, region) : undefined,
  }));
  // The policy that held the service's calls before it held every call: the alias keeps its URN.
  new aws.iam.RolePolicy(`${name}-host-calls`, { role: role.name, policy: context.apply((ctx) => JSON.stringify(hostRolePolicy(ctx))) }, { parent: role, aliases: [{ name: `${name}-host-service` }] });
  return new aws.iam.InstanceProfile(`${name}-host`, { role: role.name }, { parent: role });
}
