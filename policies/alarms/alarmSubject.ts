/**
 * What the alarm policies read of a CloudWatch metric alarm's properties: its name, severity and
 * threshold key (tags set by components/alarms.ts), and the dimensions of every metric it reads,
 * plain or inside metric math.
 */
import { alarmTags } from "../../models/alarms/alarmSet";
import { Severity, thresholdTable, ThresholdKey } from "../../models/alarms/thresholds";
import { resourceTypes } from "../../models/resourceTypes";

export const metricAlarmType = resourceTypes.cloudwatchMetricAlarm;

export interface AlarmSubject {
  name: string;
  severity?: Severity;
  key?: ThresholdKey;
  /** The configured level (tag `edge:level`), else the alarm's own threshold or band width. */
  level?: number;
  region?: string;
  /** The metric names the alarm reads. */
  metricNames: string[];
  /** The dimensions of every metric the alarm reads. */
  dimensions: Record<string, string>[];
}

type Props = Record<string, any>;

function bandWidth(props: Props): number | undefined {
  for (const q of props.metricQueries ?? []) {
    const m = /ANOMALY_DETECTION_BAND\(\s*\w+\s*,\s*([0-9.]+)\s*\)/.exec(q?.expression ?? "");
    if (m) return Number(m[1]);
  }
  return undefined;
}

export function alarmSubject(props: Props, fallbackName: string): AlarmSubject {
  const tags: Record<string, string> = props.tags ?? {};
  const severity = tags[alarmTags.severity];
  const key = tags[alarmTags.key];
  const tagged = tags[alarmTags.level] === undefined ? undefined : Number(tags[alarmTags.level]);
  const queries: Props[] = (props.metricQueries ?? []).map((q: Props) => q?.metric).filter(Boolean);
  return {
    name: props.name ?? fallbackName,
    severity: severity === "warning" || severity === "critical" ? severity : undefined,
    key: key !== undefined && key in thresholdTable ? (key as ThresholdKey) : undefined,
    level: tagged ?? (typeof props.threshold === "number" ? props.threshold : bandWidth(props)),
    region: props.region,
    metricNames: [props.metricName, ...queries.map((m) => m.metricName)].filter((n): n is string => typeof n === "string"),
    dimensions: [props.dimensions, ...queries.map((m) => m.dimensions)].filter((d): d is Record<string, string> => !!d && typeof d === "object"),
  };
}
