/**
 * enforce-alarm-actions — mandatory.
 *
 * Every CloudWatch alarm notifies someone when it fires and when it clears: enabled actions, at
 * least one alarm action and one OK action (its severity's SNS topic). An alarm without actions
 * only colours a console nobody watches. Lesson `alarmsUnheard` of incident 000
 * (models/incidents.ts): the fix was an email on every crossing.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";

export interface AlarmActionsSubject {
  name: string;
  actionsEnabled?: boolean;
  alarmActions?: unknown[];
  okActions?: unknown[];
}

/** The violation message, or undefined when the alarm tells someone both ways. */
export function judgeAlarmActions(alarm: AlarmActionsSubject): string | undefined {
  const alarmActions = alarm.alarmActions?.length ?? 0;
  const okActions = alarm.okActions?.length ?? 0;
  const problems: string[] = [];
  if (alarm.actionsEnabled === false) problems.push("actionsEnabled is false");
  if (alarmActions === 0) problems.push("0 alarm actions");
  if (okActions === 0) problems.push("0 OK actions");
  if (problems.length === 0) return undefined;
  return (
    `CloudWatch alarm ${alarm.name} tells nobody: ${problems.join(", ")}; at least 1 of each, enabled. ` +
    `Put its severity's SNS topic (warning or critical, in its region) in alarmActions and okActions, as components/alarms.ts does. ` +
    incidentNote("alarmsUnheard")
  );
}

export const enforceAlarmActions: ResourceValidationPolicy = {
  name: "enforce-alarm-actions",
  description: "Every CloudWatch alarm has enabled alarm and OK actions (incident 000).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudwatch.MetricAlarm, (alarm, args, reportViolation) => {
    const message = judgeAlarmActions({ ...alarm, name: alarm.name ?? args.name });
    if (message) reportViolation(message);
  }),
};
