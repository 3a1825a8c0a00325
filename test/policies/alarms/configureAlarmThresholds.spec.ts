import { describe, expect, it } from "vitest";
import { configureAlarmThresholds } from "../../../policies/alarms/configureAlarmThresholds";
import { runStackPolicy, Subject } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const alarmType = resourceTypes.cloudwatchMetricAlarm;
const asg = { AutoScalingGroupName: "ingest-us-east-1-asg" };

function alarm(key: string, severity: string, level: number, extra: Record<string, unknown> = {}): Subject {
  const name = `edge-prod-us-east-1-ingest-${key}-${severity}`;
  return {
    type: alarmType,
    name,
    urn: `urn:${name}`,
    props: {
      name,
      region: "us-east-1",
      metricName: "mem_used_percent",
      dimensions: asg,
      threshold: level,
      tags: { "edge:alarm": key, "edge:severity": severity, "edge:level": String(level) },
      ...extra,
    },
  };
}

const compliant = () => [
  alarm("memoryUsedPercent", "warning", 80),
  alarm("memoryUsedPercent", "critical", 90),
  alarm("healthyHostsOfMinimum", "warning", 100, { metricName: "HealthyHostCount", threshold: 3 }),
  alarm("healthyHostsOfMinimum", "critical", 50, { metricName: "HealthyHostCount", threshold: 1.5 }),
];

describe("configure-alarm-thresholds", () => {
  it("accepts levels within range with warnings first in each direction", async () => {
    expect(await runStackPolicy(configureAlarmThresholds, compliant())).toEqual([]);
  });

  it("names a warning at or past its critical twin, with the fix (above direction)", async () => {
    const subjects = compliant().map((s) => (s.name!.endsWith("memoryUsedPercent-warning") ? alarm("memoryUsedPercent", "warning", 90) : s));
    expect(await runStackPolicy(configureAlarmThresholds, subjects)).toEqual([
      {
        urn: "urn:edge-prod-us-east-1-ingest-memoryUsedPercent-warning",
        message:
          "warning alarm edge-prod-us-east-1-ingest-memoryUsedPercent-warning fires above 90 %, not before its critical alarm at 90 %: " +
          "a warning must fire first, so it must be below the critical level. Set edge:alarms.thresholds.memoryUsedPercent.warning below 90 (default 80). " +
          incidentNote("warningAfterCritical"),
      },
    ]);
  });

  it("judges below-direction metrics the other way round", async () => {
    const subjects = compliant().map((s) =>
      s.name!.endsWith("healthyHostsOfMinimum-warning") ? alarm("healthyHostsOfMinimum", "warning", 40, { metricName: "HealthyHostCount", threshold: 1.2 }) : s,
    );
    const [finding] = await runStackPolicy(configureAlarmThresholds, subjects);
    expect(finding.message).toContain("fires below 40 % of ASG min, not before its critical alarm at 50 % of ASG min");
    expect(finding.message).toContain("Set edge:alarms.thresholds.healthyHostsOfMinimum.warning above 50 (default 100).");
  });

  it("pairs warnings with criticals of the same resource only", async () => {
    const other = alarm("memoryUsedPercent", "critical", 70, { dimensions: { AutoScalingGroupName: "ingest-eu-west-1-asg" } });
    expect(await runStackPolicy(configureAlarmThresholds, [...compliant(), { ...other, name: "eu", urn: "urn:eu" }])).toEqual([]);
  });

  it("names a hand-edited level that can never fire, as the config schema would", async () => {
    const subjects = compliant().map((s) => (s.name!.endsWith("memoryUsedPercent-critical") ? alarm("memoryUsedPercent", "critical", 100) : s));
    const findings = await runStackPolicy(configureAlarmThresholds, subjects);
    expect(findings.map((f) => f.urn)).toEqual(["urn:edge-prod-us-east-1-ingest-memoryUsedPercent-critical"]);
    expect(findings[0]!.message).toContain("100 % can never fire");
    expect(findings[0]!.message).toContain("set a level below 100 (edge:alarms.thresholds.memoryUsedPercent.critical, default 90).");
    expect(findings[0]!.message).toContain(incidentNote("thresholdsSenseless"));
  });

  it("names a percentage outside 0-100", async () => {
    const subjects = compliant().map((s) => (s.name!.endsWith("memoryUsedPercent-critical") ? alarm("memoryUsedPercent", "critical", 120) : s));
    expect(await runStackPolicy(configureAlarmThresholds, subjects)).toEqual([
      {
        urn: "urn:edge-prod-us-east-1-ingest-memoryUsedPercent-critical",
        message:
          "alarm edge-prod-us-east-1-ingest-memoryUsedPercent-critical has level 120 %, outside the sane range 0-100 %: it can never fire, or always does. " +
          `Set edge:alarms.thresholds.memoryUsedPercent.critical within 0-100 (default 90). ${incidentNote("thresholdsSenseless")}`,
      },
    ]);
  });

  it("range-checks an untagged alarm on a known percentage metric by its threshold", async () => {
    const handMade: Subject = { type: alarmType, name: "cpu", urn: "urn:cpu", props: { name: "cpu", metricName: "CPUUtilization", threshold: 150, dimensions: asg } };
    const [finding] = await runStackPolicy(configureAlarmThresholds, [handMade]);
    expect(finding.message).toContain("alarm cpu has level 150 %, outside the sane range 0-100 %");
    expect(finding.message).toContain("Set its threshold within 0-100.");
  });

  it("reads an anomaly alarm's band width from its expression", async () => {
    const band: Subject = {
      type: alarmType,
      name: "band",
      urn: "urn:band",
      props: {
        name: "band",
        metricQueries: [
          { id: "m1", metric: { metricName: "NewFlowCount", dimensions: {} } },
          { id: "band", expression: "ANOMALY_DETECTION_BAND(m1, 20)" },
        ],
        tags: { "edge:alarm": "ingestAnomalyBand", "edge:severity": "critical" },
      },
    };
    const [finding] = await runStackPolicy(configureAlarmThresholds, [band]);
    expect(finding.message).toContain("has level 20 standard deviations, outside the sane range 0.5-10 standard deviations");
  });
});
