import { describe, expect, it } from "vitest";
import { enforceAlarmActions } from "../../../policies/alarms/enforceAlarmActions";
import { runResourcePolicy } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const type = resourceTypes.cloudwatchMetricAlarm;
const topic = "arn:aws:sns:us-east-1:123456789012:edge-prod-us-east-1-critical";
const compliant = {
  name: "edge-prod-us-east-1-ingest-swapUsedPercent-critical",
  comparisonOperator: "GreaterThanThreshold",
  threshold: 0,
  actionsEnabled: true,
  alarmActions: [topic],
  okActions: [topic],
};

describe("enforce-alarm-actions", () => {
  it("accepts an alarm with enabled alarm and OK actions", async () => {
    expect(await runResourcePolicy(enforceAlarmActions, { type, props: compliant })).toEqual([]);
  });

  it("names the alarm and counts its missing actions (incident 000)", async () => {
    expect(await runResourcePolicy(enforceAlarmActions, { type, props: { ...compliant, alarmActions: [] } })).toEqual([
      "CloudWatch alarm edge-prod-us-east-1-ingest-swapUsedPercent-critical tells nobody: 0 alarm actions; at least 1 of each, enabled. " +
        "Put its severity's SNS topic (warning or critical, in its region) in alarmActions and okActions, as components/alarms.ts does. " +
        incidentNote("alarmsUnheard"),
    ]);
  });

  it("wants OK actions too, so the person paged hears when it clears", async () => {
    const [message] = await runResourcePolicy(enforceAlarmActions, { type, props: { ...compliant, okActions: undefined } });
    expect(message).toContain("tells nobody: 0 OK actions;");
  });

  it("refuses disabled actions", async () => {
    const [message] = await runResourcePolicy(enforceAlarmActions, { type, props: { ...compliant, actionsEnabled: false } });
    expect(message).toContain("tells nobody: actionsEnabled is false;");
  });
});
