import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Alarms } from "../../components/alarms";
import type { IngestEndpoint } from "../../components/endpoints";
import type { PlannedResource } from "../../tools/plan/evaluate";
import { mockRuntime, ofType } from "../support/mockRuntime";
import { resourceTypes } from "../../models/resourceTypes";
import { mockAccountId } from "../../tools/plan/mocks";

const regions = ["us-east-1", "us-west-2", "eu-west-1"];

function endpoint(region: string): IngestEndpoint {
  return {
    region,
    staticIps: pulumi.output(["192.0.2.1"]),
    nlbDnsName: pulumi.output(`nlb.elb.${region}.amazonaws.com`),
    nlbZoneId: pulumi.output("Z26RNL4JYFTOTI"),
    nlbArnSuffix: pulumi.output(`net/ingest-${region}/0123`),
    targetGroupArnSuffix: pulumi.output(`targetgroup/ingest-${region}/4567`),
    targetGroupArn: pulumi.output(`arn:aws:elasticloadbalancing:${region}:123456789012:targetgroup/ingest-${region}/4567`),
    asgName: pulumi.output(`ingest-${region}-asg`),
    certificateArn: pulumi.output(`arn:aws:acm:${region}:123456789012:certificate/${region}`),
    minHosts: 3,
    maxHosts: 12,
  };
}

let resources: PlannedResource[];
let alarms: PlannedResource[];
let topics: PlannedResource[];

beforeAll(async () => {
  const runtime = await mockRuntime("prod");
  await Alarms.create("alarms", {
    namePrefix: "edge-prod",
    ingest: regions.map(endpoint),
    healthChecks: regions.map((region) => ({ region, healthCheckId: pulumi.output(`hc-${region}`) })),
    cdn: {
      distributionId: pulumi.output("E2CDN"),
      domainName: pulumi.output("d1.cloudfront.net"),
      hostedZoneId: pulumi.output("Z2FDTNDATAQYW2"),
      certificateArn: pulumi.output("arn:aws:acm:us-east-1:123456789012:certificate/cdn"),
    },
    emails: ["oncall@example.com", "team@example.com"],
    webhookUrl: "https://hooks.example.com/pager",
  });
  resources = await runtime.settle();
  alarms = ofType(resources, resourceTypes.cloudwatchMetricAlarm);
  topics = ofType(resources, resourceTypes.snsTopic);
});

const tag = (a: PlannedResource, key: string) => (a.inputs.tags as Record<string, string>)[key];
const topicArn = (region: string, severity: string) => topics.find((t) => t.region === region && t.name.endsWith(`-${severity}`))!.outputs.arn;

describe("Alarms", () => {
  it("encrypts a warning and a critical topic in every region with a key CloudWatch may use", () => {
    for (const region of regions) {
      for (const severity of ["warning", "critical"]) {
        const topic = topics.find((t) => t.region === region && t.name === `alarms-${region}-${severity}`)!;
        const key = ofType(resources, resourceTypes.kmsKey).find((k) => k.region === region)!;
        expect(topic.inputs.kmsMasterKeyId).toBe(key.outputs.arn);
        expect(JSON.parse(key.inputs.policy as string).Statement[1].Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
      }
    }
  });

  it("lets CloudWatch use a region's key only for this account's alarms in that region", () => {
    for (const region of regions) {
      const key = ofType(resources, resourceTypes.kmsKey).find((k) => k.region === region)!;
      const grant = JSON.parse(key.inputs.policy as string).Statement.find((s: { Sid: string }) => s.Sid === "CloudWatchPublishes");
      expect(grant.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": mockAccountId },
        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${mockAccountId}:alarm:*` },
      });
    }
  });

  it("subscribes every email to both topics and the webhook to critical only", () => {
    const subscriptions = ofType(resources, resourceTypes.snsTopicSubscription);
    expect(subscriptions.filter((s) => s.inputs.protocol === "email")).toHaveLength(regions.length * 2 * 2);
    const hooks = subscriptions.filter((s) => s.inputs.protocol === "https");
    expect(hooks.map((h) => h.region).sort()).toEqual([...regions].sort());
    for (const h of hooks) expect(h.inputs.topic).toBe(topicArn(h.region!, "critical"));
  });

  it("has both severities of every ingest alarm in every region, acting on its own region's topic", () => {
    for (const region of regions) {
      const ingest = alarms.filter((a) => a.region === region && tag(a, "edge:component") !== "dns" && tag(a, "edge:component") !== "cdn" && !a.name.includes("-cdn-"));
      for (const key of [
        "memoryUsedPercent",
        "cpuUtilization",
        "diskUsedPercent",
        "unhealthyHosts",
        "healthyHostsOfMinimum",
        "targetResets",
        "inServiceOfMaximum",
        "ingestAnomalyBand",
        "ingestFloor",
        "certificateDaysToExpiry",
      ]) {
        expect(
          ingest
            .filter((a) => tag(a, "edge:alarm") === key)
            .map((a) => tag(a, "edge:severity"))
            .sort(),
          `${region} ${key}`,
        ).toEqual(["critical", "warning"]);
      }
      expect(ingest.filter((a) => tag(a, "edge:alarm") === "swapUsedPercent").map((a) => [tag(a, "edge:severity"), a.inputs.threshold])).toEqual([["critical", 0]]);
      for (const a of ingest) {
        const own = topicArn(region, tag(a, "edge:severity"));
        expect(a.inputs.alarmActions, a.name).toEqual([own]);
        expect(a.inputs.okActions, a.name).toEqual([own]);
      }
    }
  });

  it("wires the anomaly band to the region's NLB NewFlowCount, alarming below the lower band", () => {
    const band = alarms.filter((a) => tag(a, "edge:alarm") === "ingestAnomalyBand" && a.region === "eu-west-1");
    const critical = band.find((a) => tag(a, "edge:severity") === "critical")!;
    expect(critical.inputs).toMatchObject({ comparisonOperator: "LessThanLowerThreshold", thresholdMetricId: "band", treatMissingData: "breaching" });
    expect(critical.inputs.metricQueries).toEqual([
      { id: "m1", returnData: true, metric: { namespace: "AWS/NetworkELB", metricName: "NewFlowCount", stat: "Sum", period: 300, dimensions: { LoadBalancer: "net/ingest-eu-west-1/0123" } } },
      { id: "band", expression: "ANOMALY_DETECTION_BAND(m1, 3)", label: "NewFlowCount (expected)", returnData: true },
    ]);
  });

  it("scales host-count thresholds from the ASG's min and max", () => {
    const inRegion = (key: string, severity: string) => alarms.find((a) => a.region === "us-west-2" && tag(a, "edge:alarm") === key && tag(a, "edge:severity") === severity)!;
    expect(inRegion("healthyHostsOfMinimum", "warning").inputs).toMatchObject({
      comparisonOperator: "LessThanThreshold",
      threshold: 3,
      dimensions: { TargetGroup: "targetgroup/ingest-us-west-2/4567", LoadBalancer: "net/ingest-us-west-2/0123" },
    });
    expect(inRegion("healthyHostsOfMinimum", "critical").inputs.threshold).toBe(1.5);
    expect(inRegion("inServiceOfMaximum", "critical").inputs).toMatchObject({
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 12,
      dimensions: { AutoScalingGroupName: "ingest-us-west-2-asg" },
    });
  });

  it("keeps health-check and CloudFront alarms in us-east-1, on us-east-1's topics", () => {
    const global = alarms.filter((a) => ["dns", "cdn"].includes(tag(a, "edge:component")));
    expect(global).toHaveLength(3 * 2 + 2 * 2);
    for (const a of global) {
      expect(a.region).toBe("us-east-1");
      expect(a.inputs.alarmActions).toEqual([topicArn("us-east-1", tag(a, "edge:severity"))]);
    }
    const hc = global.filter((a) => a.inputs.metricName === "HealthCheckPercentageHealthy").map((a) => (a.inputs.dimensions as any).HealthCheckId);
    expect(new Set(hc)).toEqual(new Set(regions.map((r) => `hc-${r}`)));
    const cdn = global.find((a) => a.inputs.metricName === "5xxErrorRate")!;
    expect(cdn.inputs.dimensions).toEqual({ DistributionId: "E2CDN", Region: "Global" });
    const cdnCert = alarms.find((a) => (a.inputs.dimensions as any)?.CertificateArn === "arn:aws:acm:us-east-1:123456789012:certificate/cdn")!;
    expect(cdnCert.region).toBe("us-east-1");
  });

  it("draws one dashboard with a row per region", () => {
    const [dashboard] = ofType(resources, resourceTypes.cloudwatchDashboard);
    const body = JSON.parse(dashboard.inputs.dashboardBody as string);
    const headers = body.widgets.filter((w: any) => w.type === "text").map((w: any) => w.properties.markdown);
    expect(headers).toEqual(["## Ingestion us-east-1", "## Ingestion us-west-2", "## Ingestion eu-west-1", "## Global (us-east-1)"]);
  });

  it("refuses an empty address list before creating anything", async () => {
    await expect(Alarms.create("none", { namePrefix: "x", emails: [] })).rejects.toThrow("Alarms need at least one of [emails]");
  });
});
