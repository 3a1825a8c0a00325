import { describe, expect, it } from "vitest";
import { dashboardBody } from "../../../models/alarms/dashboard";

describe("dashboard", () => {
  const region = (r: string) => ({ region: r, nlbArnSuffix: `net/${r}/1`, targetGroupArnSuffix: `targetgroup/${r}/2`, asgName: `asg-${r}`, maxHosts: 12 });

  it("draws a row per region, each widget in its own region, rows not overlapping", () => {
    const body = JSON.parse(dashboardBody({ regions: [region("us-east-1"), region("eu-west-1")], healthChecks: [{ region: "eu-west-1", healthCheckId: "hc" }], distributionId: "E1" }));
    const metrics = body.widgets.filter((w: any) => w.type === "metric");
    expect(metrics.filter((w: any) => w.properties.region === "eu-west-1")).toHaveLength(4);
    const cells = body.widgets.map((w: any) => `${w.x},${w.y}`);
    expect(new Set(cells).size).toBe(cells.length);
    expect(JSON.stringify(body)).toContain('"ANOMALY_DETECTION_BAND(m1, 2)"');
  });

  it("says so when nothing is watched yet", () => {
    const body = JSON.parse(dashboardBody({ regions: [], healthChecks: [] }));
    expect(body.widgets).toHaveLength(1);
  });
});
