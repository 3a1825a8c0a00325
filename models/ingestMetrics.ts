/**
 * The counters the ingestion service publishes, one row each: the name CloudWatch shows, its unit,
 * how one period is summarised, and what a rising value means. The service emits them as
 * CloudWatch embedded metric format (EMF) records (`service/src/metrics.ts`); the alarm set
 * (`models/alarms/alarmSet.ts`) and the coverage policy read this table, so a metric and its alarm
 * cannot drift apart.
 *
 * Pure module: no imports, safe to load from Pulumi code.
 */

/** CloudWatch namespace the service publishes into unless `INGEST_METRICS_NAMESPACE` says otherwise. */
export const ingestMetricsNamespace = "Edge/Ingest";

/**
 * CloudWatch Logs group the agent writes the service's EMF records to (`_aws.LogGroupName`), where
 * CloudWatch extracts the metrics; the host role may write to it and nowhere else.
 */
export const ingestMetricsLogGroup = "/edge/ingest/metrics";

/** Dimension every record carries: the AWS region the host runs in (`INGEST_REGION`). */
export const ingestMetricsDimension = "Region";

export interface IngestMetric {
  /** CloudWatch metric name. */
  name: string;
  unit: "Count" | "Seconds";
  /** `Sum` for counters over the period, `Maximum` for levels sampled at each emit. */
  statistic: "Sum" | "Maximum";
  /** What the number counts, and why someone is paged when it rises. */
  description: string;
}

export const ingestMetrics = {
  accepted: {
    name: "EventsAccepted",
    unit: "Count",
    statistic: "Sum",
    description: "Events answered 200: committed in the datastore or fsync'd to the spool.",
  },
  rejected: {
    name: "EventsRejected",
    unit: "Count",
    statistic: "Sum",
    description: "Requests refused with 4xx (malformed, too large, over a limit, no insert id): a broken client or an attack.",
  },
  shed: {
    name: "RequestsShed",
    unit: "Count",
    statistic: "Sum",
    description: "Requests answered 503 with Retry-After because the service was full (queue or spool): the client retries later.",
  },
  errorAnswers: {
    name: "ErrorAnswers",
    unit: "Count",
    statistic: "Sum",
    description:
      "Requests the service answered with an error that is the edge's fault: an event POST to a path it does not route (404), a wrong method (405), a 5xx other than a shed 503. A release that cannot ingest shows here first; the snippet keeps those events and retries.",
  },
  spooled: {
    name: "EventsSpooled",
    unit: "Count",
    statistic: "Sum",
    description: "Events written to the local spool because no writable datastore answered (incident 003).",
  },
  spoolDepth: {
    name: "SpoolDepthEvents",
    unit: "Count",
    statistic: "Maximum",
    description: "Events waiting in the local spool for replay; at the spool's bound the host sheds.",
  },
  replayLag: {
    name: "ReplayLagSeconds",
    unit: "Seconds",
    statistic: "Maximum",
    description: "Age of the oldest spooled event: how far the datastore is behind what clients were told is stored.",
  },
  datastoreErrors: {
    name: "DatastoreErrors",
    unit: "Count",
    statistic: "Sum",
    description: "Failed connects, timeouts, read-only primaries and failed inserts.",
  },
  duplicates: {
    name: "DuplicateEvents",
    unit: "Count",
    statistic: "Sum",
    description: "Events whose insert id was already stored (client retries and spool replays; incident 002).",
  },
} as const satisfies Record<string, IngestMetric>;

export type IngestMetricKey = keyof typeof ingestMetrics;
