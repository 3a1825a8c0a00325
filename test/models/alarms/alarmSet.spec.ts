import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmName, cdnAlarms, datastoreAlarms, healthCheckAlarms, ingestAlarms, IngestIds, refreshAlarmNamesProblem, refreshRollbackAlarmNames } from "../../../models/alarms/alarmSet";
import { isBefore, thresholdTable, ThresholdSpec } from "../../../models/alarms/thresholds";

const ids = (minHosts: number, maxHosts: number): IngestIds<string> => ({
  region: "us-west-2",
  nlbArnSuffix: "net/a/1",
  targetGroupArnSuffix: "targetgroup/a/2",
  asgName: "asg",
  certificateArn: "arn:cert",
  minHosts,
  maxHosts,
});

describe("alarm set", () => {
  it("gives every ingest metric a warning and a critical alarm, swap only a critical one", () => {
    const specs = ingestAlarms(ids(3, 12));
    const keys = [...new Set(specs.map((s) => s.key))];
    for (const key of keys) {
      const severities = specs.filter((s) => s.key === key).map((s) => s.severity);
      expect(severities, key).toEqual(key === "swapUsedPercent" ? ["critical"] : ["warning", "critical"]);
    }
    expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
  });

  it("keeps warning before critical for any fleet size (thresholds scale from the ASG min and max)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (min, extra) => {
        const specs = ingestAlarms(ids(min, min + extra));
        for (const key of ["healthyHostsOfMinimum", "inServiceOfMaximum"] as const) {
          const [warning, critical] = ["warning", "critical"].map((s) => specs.find((a) => a.key === key && a.severity === s)!.threshold);
          const spec: ThresholdSpec = thresholdTable[key];
          if (!isBefore(spec.direction, warning, critical)) return false;
        }
        return true;
      }),
    );
  });

  it("treats missing ingestion metrics as a failure, missing reset counts as none", () => {
    const specs = ingestAlarms(ids(2, 6));
    expect(specs.find((s) => s.key === "ingestFloor")!.treatMissingData).toBe("breaching");
    expect(specs.find((s) => s.key === "ingestAnomalyBand")!.treatMissingData).toBe("breaching");
    expect(specs.find((s) => s.key === "targetResets")!.treatMissingData).toBe("notBreaching");
  });

  it("puts health-check and CloudFront alarms in us-east-1 whatever region they guard", () => {
    expect(healthCheckAlarms({ region: "eu-west-1", healthCheckId: "hc" }).map((s) => s.region)).toEqual(["us-east-1", "us-east-1"]);
    const cdn = cdnAlarms({ distributionId: "E1", certificateArn: "arn:cert" });
    expect(cdn.every((s) => s.region === "us-east-1")).toBe(true);
    expect(cdn.find((s) => s.key === "cdn5xxErrorRate")!.metric.dimensions).toEqual({ DistributionId: "E1", Region: "Global" });
  });

  it("alarms on datastore connections as a share of the configured maximum (incident 002)", () => {
    const specs = datastoreAlarms({ namespace: "AWS/RDS", name: "DatabaseConnections", dimensions: { DBClusterIdentifier: "events" } }, 3000, "eu-west-1");
    expect(specs.map((s) => [s.severity, s.threshold, s.region])).toEqual([
      ["warning", 2100, "eu-west-1"],
      ["critical", 2700, "eu-west-1"],
    ]);
  });
});

describe("instance refresh rollback alarms", () => {
  it("names critical alarms of the region that exist, within what EC2 Auto Scaling takes (10 names of 1-255 characters)", () => {
    const names = refreshRollbackAlarmNames("edge-prod", "ap-southeast-2");
    const declared = ingestAlarms({ region: "ap-southeast-2", nlbArnSuffix: "n", targetGroupArnSuffix: "t", asgName: "a", certificateArn: "c", minHosts: 3, maxHosts: 12 }).map((a) =>
      alarmName("edge-prod", a),
    );
    expect(names.filter((n) => !declared.includes(n))).toEqual([]);
    expect(names.every((n) => n.endsWith("-critical"))).toBe(true);
    expect(names.some((n) => n.includes("serviceAcceptedFloor"))).toBe(true);
    expect(names.some((n) => n.includes("serviceErrorAnswers"))).toBe(true);
    expect(refreshAlarmNamesProblem(names)).toBeUndefined();
  });

  it("refuses more than 10 names, or a name the API refuses", () => {
    expect(refreshAlarmNamesProblem(Array.from({ length: 11 }, (_, i) => `alarm-${i}`))).toMatch(/at most 10 alarm names of 1-255 characters, got 11/);
    expect(refreshAlarmNamesProblem(["x".repeat(256)])).toMatch(/got 1 \("x+" out of range\)/);
    expect(refreshAlarmNamesProblem([""])).toMatch(/out of range/);
  });
});
