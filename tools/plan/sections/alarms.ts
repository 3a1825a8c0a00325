/** Plan section "Alarms": every alarm by component, region and severity, with its threshold. */
import { alarmTags } from "../../../models/alarms/alarmSet";
import { thresholdTable, ThresholdKey, ThresholdSpec } from "../../../models/alarms/thresholds";
import type { Plan } from "../plan";
import type { PlanSection } from "./index";
import { resourceTypes } from "../../../models/resourceTypes";

const operators: Record<string, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: ">=",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
  LessThanLowerThreshold: "< band",
};

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
}

export const alarmsSection: PlanSection = {
  title: "Alarms",
  render(plan: Plan): string[] {
    const alarms = plan.resources.filter((r) => r.type === resourceTypes.cloudwatchMetricAlarm);
    const topics = plan.resources.filter((r) => r.type === resourceTypes.snsTopic);
    const subscriptions = plan.resources.filter((r) => r.type === resourceTypes.snsTopicSubscription);
    const head = `${alarms.length} alarms; ${topics.length} topics in ${new Set(topics.map((t) => t.region)).size} regions, ${subscriptions.length} subscriptions`;
    if (alarms.length === 0) return [head];
    const rows = alarms.map((a) => {
      const inputs = a.inputs as Record<string, any>;
      const tags: Record<string, string> = inputs.tags ?? {};
      const key = tags[alarmTags.key] as ThresholdKey | undefined;
      const spec: ThresholdSpec | undefined = key ? thresholdTable[key] : undefined;
      const query = (inputs.metricQueries ?? []).find((q: any) => q.metric)?.metric;
      const metric = inputs.metricName ?? query?.metricName ?? "?";
      const threshold = inputs.threshold ?? (query ? "" : "?");
      const condition = `${operators[inputs.comparisonOperator] ?? inputs.comparisonOperator} ${threshold}`.trim();
      const level = tags[alarmTags.level] !== undefined ? `${tags[alarmTags.level]} ${spec?.unit ?? ""}`.trim() : "";
      const actions = (inputs.alarmActions?.length ?? 0) > 0 && (inputs.okActions?.length ?? 0) > 0 ? "alarm+ok" : "NONE";
      return [tags[alarmTags.component] ?? "-", a.region ?? "-", tags[alarmTags.severity] ?? "-", key ?? a.name, metric, condition, level, inputs.treatMissingData ?? "missing", actions];
    });
    rows.sort((x, y) => x.slice(0, 4).join("|").localeCompare(y.slice(0, 4).join("|")));
    return [head, ...table([["component", "region", "severity", "alarm", "metric", "fires when", "level", "missing data", "actions"], ...rows])];
  },
};
