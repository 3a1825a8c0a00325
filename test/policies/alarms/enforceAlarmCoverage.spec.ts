import { describe, expect, it } from "vitest";
import { enforceAlarmCoverage } from "../../../policies/alarms/enforceAlarmCoverage";
import { runStackPolicy, Subject } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const alarmType = resourceTypes.cloudwatchMetricAlarm;
const regions = ["us-east-1", "us-west-2", "eu-west-1"];

function alarm(name: string, severity: string, dimensions: Record<string, string>, anomaly = false): Subject {
  const tags = { "edge:severity": severity, "edge:alarm": "k" };
  const props = anomaly
    ? {
        name,
        tags,
        metricQueries: [
          { id: "m1", metric: { metricName: "NewFlowCount", dimensions } },
          { id: "band", expression: "ANOMALY_DETECTION_BAND(m1, 2)" },
        ],
      }
    : { name, tags, metricName: "M", dimensions };
  return { type: alarmType, name, urn: `urn:pulumi:prod::edge::${alarmType}::${name}`, props };
}

/** A compliant prod-like stack: per region a balancer, an ASG, a health check; one distribution. */
function stack(): Subject[] {
  const subjects: Subject[] = [];
  for (const region of regions) {
    subjects.push(
      { type: resourceTypes.lbLoadBalancer, name: `ingest-${region}-nlb`, urn: `urn:lb:${region}`, props: { arnSuffix: `net/ingest-${region}/0123` } },
      { type: resourceTypes.autoscalingGroup, name: `ingest-${region}-asg`, urn: `urn:asg:${region}`, props: { name: `ingest-${region}-asg-7f3a` } },
      { type: resourceTypes.route53HealthCheck, name: `hc-${region}`, urn: `urn:hc:${region}`, props: { arn: `arn:aws:route53:::healthcheck/hc-${region}-id` } },
      alarm(`${region}-flows-warning`, "warning", { LoadBalancer: `net/ingest-${region}/0123` }, true),
      alarm(`${region}-resets-critical`, "critical", { LoadBalancer: `net/ingest-${region}/0123` }),
      alarm(`${region}-memory-warning`, "warning", { AutoScalingGroupName: `ingest-${region}-asg-7f3a` }),
      alarm(`${region}-swap-critical`, "critical", { AutoScalingGroupName: `ingest-${region}-asg-7f3a` }),
      alarm(`${region}-hc-warning`, "warning", { HealthCheckId: `hc-${region}-id` }),
      alarm(`${region}-hc-critical`, "critical", { HealthCheckId: `hc-${region}-id` }),
    );
  }
  subjects.push(
    { type: resourceTypes.cloudfrontDistribution, name: "cdn", urn: "urn:cdn", props: { id: "E2CDN", arn: "arn:aws:cloudfront::123456789012:distribution/E2CDN" } },
    alarm("cdn-5xx-warning", "warning", { DistributionId: "E2CDN", Region: "Global" }),
    alarm("cdn-5xx-critical", "critical", { DistributionId: "E2CDN", Region: "Global" }),
  );
  return subjects;
}

describe("enforce-alarm-coverage", () => {
  it("accepts a stack whose balancers, groups, health checks and distribution each have both severities", async () => {
    expect(await runStackPolicy(enforceAlarmCoverage, stack())).toEqual([]);
  });

  it("names every resource of a region whose alarms were removed", async () => {
    const withoutEu = stack().filter((s) => !(s.type === alarmType && s.name!.startsWith("eu-west-1")));
    const findings = await runStackPolicy(enforceAlarmCoverage, withoutEu);
    expect(findings.map((f) => f.urn)).toEqual(["urn:lb:eu-west-1", "urn:asg:eu-west-1", "urn:hc:eu-west-1"]);
    expect(findings[0].message).toBe(
      "load balancer ingest-eu-west-1-nlb (LoadBalancer=net/ingest-eu-west-1/0123) is not watched by a warning or a critical alarm: " +
        "0 warning and 0 critical alarms read its metrics; at least 1 of each. " +
        "Pass it to the Alarms component (components/alarms.ts), which gives it both severities with actions. " +
        incidentNote("alarmsUncovered"),
    );
    expect(findings[2].message).toContain("health check hc-eu-west-1 (HealthCheckId=hc-eu-west-1-id)");
  });

  it("wants both severities: a distribution with only a warning alarm is named", async () => {
    const findings = await runStackPolicy(
      enforceAlarmCoverage,
      stack().filter((s) => s.name !== "cdn-5xx-critical"),
    );
    expect(findings).toEqual([
      {
        urn: "urn:cdn",
        message: expect.stringMatching(/^distribution cdn \(DistributionId=E2CDN\) is not watched by a critical alarm: 1 warning and 0 critical alarms/),
      },
    ]);
  });

  it("does not count an alarm without a severity tag", async () => {
    const untagged = stack().map((s) => (s.name === "us-west-2-swap-critical" ? { ...s, props: { ...s.props, tags: {} } } : s));
    const findings = await runStackPolicy(enforceAlarmCoverage, untagged);
    expect(findings.map((f) => f.urn)).toEqual(["urn:asg:us-west-2"]);
  });

  it("skips resources whose id is not known yet (a preview)", async () => {
    const unknown = stack().map((s) => (s.urn === "urn:lb:us-east-1" ? { ...s, props: {} } : s));
    expect(
      await runStackPolicy(
        enforceAlarmCoverage,
        unknown.filter((s) => !(s.type === alarmType && s.name!.startsWith("us-east-1-flows"))),
      ),
    ).toEqual([]);
  });
});

describe("enforce-alarm-coverage, the ingestion service's metrics", () => {
  const serviceMetrics = ["EventsAccepted", "EventsRejected", "ErrorAnswers", "EventsSpooled", "SpoolDepthEvents", "ReplayLagSeconds", "DatastoreErrors"];
  const serviceAlarm = (region: string, metricName: string, severity: string): Subject => {
    const name = `${region}-${metricName}-${severity}`;
    return { type: alarmType, name, urn: `urn:alarm:${name}`, props: { name, tags: { "edge:severity": severity }, metricName, namespace: "Edge/Ingest", dimensions: { Region: region } } };
  };
  /** The compliant stack with each group's region known, as AWS reports it. */
  function withServiceAlarms(): Subject[] {
    const subjects = stack().map((s) => (s.type === resourceTypes.autoscalingGroup ? { ...s, props: { ...s.props, region: s.urn!.slice("urn:asg:".length) } } : s));
    for (const region of regions) for (const m of serviceMetrics) subjects.push(serviceAlarm(region, m, "warning"), serviceAlarm(region, m, "critical"));
    return subjects;
  }

  it("accepts a region whose seven service metrics each have a warning and a critical alarm", async () => {
    expect(await runStackPolicy(enforceAlarmCoverage, withServiceAlarms())).toEqual([]);
  });

  it("names the group and every missing service alarm of its region", async () => {
    const stripped = withServiceAlarms().filter((s) => s.name !== "us-west-2-EventsSpooled-critical" && s.name !== "us-west-2-ReplayLagSeconds-warning");
    const findings = await runStackPolicy(enforceAlarmCoverage, stripped);
    expect(findings).toEqual([
      {
        urn: "urn:asg:us-west-2",
        message:
          "the ingestion service of autoscaling group ingest-us-west-2-asg-7f3a (Region=us-west-2) has no critical Edge/Ingest EventsSpooled, no warning Edge/Ingest ReplayLagSeconds alarm: " +
          "2 of 14 service alarms missing; at least a warning and a critical alarm per metric. " +
          "Pass the region to the Alarms component (components/alarms.ts), which declares them. " +
          incidentNote("alarmsUncovered"),
      },
    ]);
  });
});
