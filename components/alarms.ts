/**
 * Alarms that reach a person (incident 000: thresholds had "fallen by the wayside" and nobody was
 * told before both load balancers swapped; incident 001: a steep drop in ingestion volume was the
 * first sign of the DNS attack; incident 002: datastore connections grew unseen for a day).
 *
 * Per region where alarms live: a KMS key, encrypted SNS topics `warning` and `critical`, email
 * subscriptions and an optional HTTPS webhook on `critical`, and the alarms of that region with
 * alarm and OK actions on their severity's topic. Route 53 health-check and CloudFront metrics
 * exist only in us-east-1, so those alarms (and topics) live there. One dashboard per stack.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmName, alarmTags, AlarmSpec, cdnAlarms, DatastoreMetric, datastoreAlarms, globalMetricsRegion, healthCheckAlarms, ingestAlarms } from "../models/alarms/alarmSet";
import { dashboardBody } from "../models/alarms/dashboard";
import { Severity, severities, ThresholdOverrides } from "../models/alarms/thresholds";
import type { CdnEndpoint, IngestEndpoint, RegionHealthCheck } from "./endpoints";
import { inBatches } from "./pacing";

/** Tag keys that tell a policy what an alarm watches and how severe it is. */
export { alarmTags } from "../models/alarms/alarmSet";

export interface AlarmsArgs {
  /** Prefix of alarm, topic and dashboard names, e.g. `edge-prod`. */
  namePrefix: string;
  /** Regions that get topics even before anything there is watched (the stack's regions). Defaults to none. */
  regions?: string[];
  /** The ingestion endpoints to watch, one per region. Defaults to none. */
  ingest?: IngestEndpoint[];
  /** The snippet CDN to watch (alarms in us-east-1). Defaults to none. */
  cdn?: CdnEndpoint;
  /** Route 53 health checks to watch (alarms in us-east-1). Defaults to none. */
  healthChecks?: RegionHealthCheck[];
  /** Addresses subscribed to both topics of every region. At least one. */
  emails: string[];
  /** HTTPS webhook (pager/chat) subscribed to every region's `critical` topic. Defaults to none. */
  webhookUrl?: string;
  /** Threshold overrides by key (`edge:alarms.thresholds`). Defaults to the table in models/alarms/thresholds.ts. */
  thresholds?: ThresholdOverrides;
  /** The datastore's connection-count metric and limit; alarms in `region`. Defaults to not watched. */
  datastore?: { metric: DatastoreMetric; maxConnections: number; region: string };
}

/** The alarm specs of a set of endpoints: the component's plan, exported for testing. */
export function planAlarms(args: AlarmsArgs): AlarmSpec<pulumi.Input<string>>[] {
  const overrides = args.thresholds ?? {};
  return [
    ...(args.ingest ?? []).flatMap((e) => ingestAlarms<pulumi.Input<string>>(e, overrides)),
    ...(args.healthChecks ?? []).flatMap((c) => healthCheckAlarms<pulumi.Input<string>>(c, overrides)),
    ...(args.cdn ? cdnAlarms<pulumi.Input<string>>(args.cdn, overrides) : []),
    ...(args.datastore ? datastoreAlarms<pulumi.Input<string>>(args.datastore.metric, args.datastore.maxConnections, args.datastore.region, overrides) : []),
  ];
}

/** Every region that needs topics: the stack's, each alarm's, and us-east-1 when global metrics are watched. */
export function alarmRegions(args: AlarmsArgs, specs: { region: string }[]): string[] {
  return [...new Set([...(args.regions ?? []), ...(args.ingest ?? []).map((e) => e.region), ...specs.map((s) => s.region)])];
}

/** Refuses conflicting args before any child exists. */
function checkArgs(args: AlarmsArgs): void {
  if (args.emails.length === 0) throw new Error("Alarms need at least one of [emails]: an alarm nobody receives is no alarm (incident 000)");
  const regions = (args.ingest ?? []).map((e) => e.region);
  const twice = regions.find((r, i) => regions.indexOf(r) !== i);
  if (twice) throw new Error(`Only one ingest endpoint per region can be watched; ${twice} is given twice`);
  if (args.webhookUrl !== undefined && !args.webhookUrl.startsWith("https://")) {
    throw new Error("Only an https:// [webhookUrl] can be subscribed: alarms must not travel in clear text");
  }
}

/** Created with `await Alarms.create(...)`: a region's alarms per turn of the event loop (see `pacing.ts`). */
export class Alarms extends pulumi.ComponentResource {
  /** `warning` and `critical` topic ARNs by region. */
  readonly topicArns: Record<string, Record<Severity, pulumi.Output<string>>> = {};
  readonly dashboardName: pulumi.Output<string>;

  /** The component with every region's topics and alarms declared. */
  static async create(name: string, args: AlarmsArgs, opts: pulumi.ComponentResourceOptions = {}): Promise<Alarms> {
    checkArgs(args);
    const alarms = new Alarms(name, args, opts);
    const specs = planAlarms(args);
    const accountId = aws.getCallerIdentityOutput({}, { parent: alarms }).accountId;
    const regionArgs = (region: string): RegionAlarmsArgs => ({
      region,
      namePrefix: args.namePrefix,
      accountId,
      emails: args.emails,
      webhookUrl: args.webhookUrl,
      alarms: specs.filter((s) => s.region === region),
    });
    await inBatches(
      alarmRegions(args, specs),
      (region) => {
        alarms.topicArns[region] = new RegionAlarms(`${name}-${region}`, regionArgs(region), { parent: alarms }).topicArns;
      },
      1,
    );
    alarms.registerOutputs({ topicArns: alarms.topicArns, dashboardName: alarms.dashboardName });
    return alarms;
  }

  /** Draws the dashboard; `create` declares the regions' topics and alarms. */
  private constructor(name: string, args: AlarmsArgs, opts: pulumi.ComponentResourceOptions) {
    super("edge:alarms:Alarms", name, {}, opts);
    const ingest = args.ingest ?? [];
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        // Dashboards are global; the API is served from one region.
        region: globalMetricsRegion,
        dashboardName: args.namePrefix,
        dashboardBody: pulumi
          .all([
            pulumi.all(ingest.map((e) => pulumi.all([e.nlbArnSuffix, e.targetGroupArnSuffix, e.asgName]))),
            pulumi.all((args.healthChecks ?? []).map((c) => c.healthCheckId)),
            args.cdn?.distributionId,
          ])
          .apply(([ids, checkIds, distributionId]) =>
            dashboardBody({
              regions: ingest.map((e, i) => ({
                region: e.region,
                nlbArnSuffix: ids[i][0],
                targetGroupArnSuffix: ids[i][1],
                asgName: ids[i][2],
                maxHosts: e.maxHosts,
              })),
              healthChecks: (args.healthChecks ?? []).map((c, i) => ({ region: c.region, healthCheckId: checkIds[i] })),
              distributionId,
            }),
          ),
      },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
  }
}

export interface RegionAlarmsArgs {
  region: string;
  /** Prefix of topic and alarm names. */
  namePrefix: string;
  /** The account, named in the key policy. */
  accountId: pulumi.Input<string>;
  emails: string[];
  /** Subscribed to `critical` only. Defaults to none. */
  webhookUrl?: string;
  /** The alarms of this region. */
  alarms: AlarmSpec<pulumi.Input<string>>[];
}

/** One region's topics, subscriptions and alarms. */
export class RegionAlarms extends pulumi.ComponentResource {
  readonly topicArns: Record<Severity, pulumi.Output<string>>;

  constructor(name: string, args: RegionAlarmsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:alarms:RegionAlarms", name, {}, opts);
    const { region } = args;

    // CloudWatch cannot publish to a topic encrypted with the AWS-managed alias/aws/sns key (its key
    // policy cannot be changed), so each region has its own key that lets CloudWatch use it.
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        region,
        description: `${args.namePrefix} alarm topics in ${region}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.output(args.accountId).apply((account) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "Account", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
              {
                Sid: "CloudWatchPublishes",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                // Only for this account's alarms (the confused-deputy guard of the CloudWatch and KMS docs:
                // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html#alarm-encrypted-sns-topic).
                Condition: {
                  StringEquals: { "aws:SourceAccount": account },
                  ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${account}:alarm:*` },
                },
              },
            ],
          }),
        ),
      },
      { parent: this },
    );

    const topics = {} as Record<Severity, aws.sns.Topic>;
    for (const severity of severities) {
      const topic = new aws.sns.Topic(
        `${name}-${severity}`,
        { region, name: `${args.namePrefix}-${region}-${severity}`, kmsMasterKeyId: key.arn, tags: { [alarmTags.severity]: severity } },
        { parent: this },
      );
      topics[severity] = topic;
      args.emails.forEach((email, i) => new aws.sns.TopicSubscription(`${name}-${severity}-email-${i + 1}`, { region, topic: topic.arn, protocol: "email", endpoint: email }, { parent: topic }));
      if (args.webhookUrl && severity === "critical") {
        new aws.sns.TopicSubscription(
          `${name}-${severity}-webhook`,
          // A webhook URL usually carries its token: a Pulumi secret, masked in previews, diffs and state.
          { region, topic: topic.arn, protocol: "https", endpoint: pulumi.secret(args.webhookUrl), endpointAutoConfirms: false },
          { parent: topic },
        );
      }
    }

    for (const spec of args.alarms) {
      const topic = topics[spec.severity];
      new aws.cloudwatch.MetricAlarm(`${name}-${spec.id}`, alarmInputs(spec, args.namePrefix, topic.arn), { parent: topic });
    }

    this.topicArns = { warning: topics.warning.arn, critical: topics.critical.arn };
    this.registerOutputs({ topicArns: this.topicArns });
  }
}

/** The CloudWatch alarm of a spec, acting on `topicArn` when it fires and when it clears. */
export function alarmInputs(spec: AlarmSpec<pulumi.Input<string>>, namePrefix: string, topicArn: pulumi.Input<string>): aws.cloudwatch.MetricAlarmArgs {
  const common: aws.cloudwatch.MetricAlarmArgs = {
    region: spec.region,
    name: alarmName(namePrefix, spec),
    alarmDescription: spec.description,
    comparisonOperator: spec.comparisonOperator,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    actionsEnabled: true,
    alarmActions: [topicArn],
    okActions: [topicArn],
    tags: {
      [alarmTags.key]: spec.key,
      [alarmTags.severity]: spec.severity,
      [alarmTags.component]: spec.component,
      [alarmTags.level]: String(spec.level),
    },
  };
  const { metric } = spec;
  if (spec.anomalyBand) {
    return {
      ...common,
      thresholdMetricId: "band",
      metricQueries: [
        {
          id: "m1",
          returnData: true,
          metric: { namespace: metric.namespace, metricName: metric.metricName, stat: metric.statistic, period: spec.periodSeconds, dimensions: metric.dimensions },
        },
        { id: "band", expression: `ANOMALY_DETECTION_BAND(m1, ${spec.threshold})`, label: `${metric.metricName} (expected)`, returnData: true },
      ],
    };
  }
  return {
    ...common,
    namespace: metric.namespace,
    metricName: metric.metricName,
    statistic: metric.statistic,
    dimensions: metric.dimensions,
    period: spec.periodSeconds,
    threshold: spec.threshold,
  };
}
