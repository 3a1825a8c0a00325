/**
 * configure-alarm-thresholds — mandatory, stack policy.
 *
 * Every alarm's threshold is sane: a level within its metric's range (a percentage within 0-100,
 * a band width within 0.5-10 standard deviations, per models/alarms/thresholds.ts), able to fire
 * (no strict "below 0" or "above 100 %": the check the config schema makes, on the alarm as
 * declared, so a hand edit is judged too) and, where one
 * thing is watched by both severities, the warning fires before the critical one in the metric's
 * direction (below it for "above" metrics, above it for "below" metrics). A warning that fires
 * after the critical alarm warns of nothing. Lessons `thresholdsSenseless` and
 * `warningAfterCritical` of incident 000 (models/incidents.ts).
 *
 * Alarms the Alarms component declares carry their key and configured level as tags; any other
 * alarm on a percentage metric the table knows is range-checked on its threshold.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { isBefore, neverFiresProblem, thresholdTable, ThresholdKey, ThresholdSpec } from "../../models/alarms/thresholds";
import { alarmSubject, AlarmSubject, metricAlarmType } from "./alarmSubject";
import { incidentNote } from "../../models/incidents";

/** Metric names whose values are percentages, from the table. */
const percentMetrics = new Set(["mem_used_percent", "swap_used_percent", "disk_used_percent", "CPUUtilization", "HealthCheckPercentageHealthy", "5xxErrorRate", "TotalErrorRate"]);

const percent: ThresholdSpec["range"] = { min: 0, max: 100 };

function configKey(key: ThresholdKey, severity: string): string {
  return `edge:alarms.thresholds.${key}.${severity}`;
}

/** Range findings for one alarm, by its urn. */
export function judgeRange(alarm: AlarmSubject): string | undefined {
  if (alarm.level === undefined) return undefined;
  const spec: ThresholdSpec | undefined = alarm.key ? thresholdTable[alarm.key] : undefined;
  const range = spec?.range ?? (alarm.metricNames.some((m) => percentMetrics.has(m)) ? percent : undefined);
  const neverFires = alarm.key ? neverFiresProblem(alarm.key, alarm.level) : undefined;
  if (neverFires) {
    const where = alarm.severity ? ` (${configKey(alarm.key!, alarm.severity)}, default ${(thresholdTable[alarm.key!] as ThresholdSpec)[alarm.severity] ?? "none"})` : "";
    return `alarm ${alarm.name}: ${neverFires}${where}. ${incidentNote("thresholdsSenseless")}`;
  }
  if (!range || (alarm.level >= range.min && alarm.level <= range.max)) return undefined;
  const unit = spec?.unit ?? "%";
  const fix =
    alarm.key && alarm.severity
      ? `Set ${configKey(alarm.key, alarm.severity)} within ${range.min}-${range.max} (default ${(thresholdTable[alarm.key] as ThresholdSpec)[alarm.severity] ?? "none"}).`
      : `Set its threshold within ${range.min}-${range.max}.`;
  return (
    `alarm ${alarm.name} has level ${alarm.level} ${unit}, outside the sane range ${range.min}-${range.max} ${unit}: it can never fire, or always does. ` +
    `${fix} ${incidentNote("thresholdsSenseless")}`
  );
}

/** Signature of what an alarm watches: its region, key and the dimensions of its metrics. */
function watchSignature(alarm: AlarmSubject): string {
  const dims = alarm.dimensions.map((d) =>
    Object.entries(d)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
  );
  return `${alarm.region ?? ""}|${alarm.key}|${[...new Set(dims)].sort().join(";")}`;
}

/** Order findings: each warning alarm that does not fire before its critical twin. */
export function judgeOrder(alarms: { urn: string; alarm: AlarmSubject }[]): { urn: string; message: string }[] {
  const groups = new Map<string, { urn: string; alarm: AlarmSubject }[]>();
  for (const a of alarms) {
    if (!a.alarm.key || !a.alarm.severity || a.alarm.level === undefined) continue;
    const sig = watchSignature(a.alarm);
    groups.set(sig, [...(groups.get(sig) ?? []), a]);
  }
  const findings: { urn: string; message: string }[] = [];
  for (const group of groups.values()) {
    const critical = group.find((a) => a.alarm.severity === "critical");
    if (!critical) continue;
    for (const w of group.filter((a) => a.alarm.severity === "warning")) {
      const key = w.alarm.key!;
      const spec: ThresholdSpec = thresholdTable[key];
      const [warning, crit] = [w.alarm.level!, critical.alarm.level!];
      if (isBefore(spec.direction, warning, crit)) continue;
      const side = spec.direction === "above" ? "below" : "above";
      findings.push({
        urn: w.urn,
        message:
          `warning alarm ${w.alarm.name} fires ${spec.direction} ${warning} ${spec.unit}, not before its critical alarm at ${crit} ${spec.unit}: ` +
          `a warning must fire first, so it must be ${side} the critical level. ` +
          `Set ${configKey(key, "warning")} ${side} ${crit} (default ${spec.warning}). ` +
          incidentNote("warningAfterCritical"),
      });
    }
  }
  return findings;
}

export const configureAlarmThresholds: StackValidationPolicy = {
  name: "configure-alarm-thresholds",
  description: "Alarm thresholds lie within their metric's range and warnings fire before criticals (incident 000).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const alarms = args.resources.filter((r) => r.type === metricAlarmType).map((r) => ({ urn: r.urn, alarm: alarmSubject(r.props, r.name) }));
    for (const { urn, alarm } of alarms) {
      const message = judgeRange(alarm);
      if (message) reportViolation(message, urn);
    }
    for (const f of judgeOrder(alarms)) reportViolation(f.message, f.urn);
  },
};
