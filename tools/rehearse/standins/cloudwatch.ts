/**
 * CloudWatch Logs (`logs.<region>.amazonaws.com`, awsJson1_1, `X-Amz-Target: Logs_20140328.<Op>`,
 * signing name `logs`) and CloudWatch metrics (`monitoring.<region>.amazonaws.com`, signing name
 * `monitoring`, PutMetricData in the query protocol and in the JSON 1.0 protocol): signed calls
 * accepted, their events and data points kept and counted; unsigned or badly signed ones refused
 * with the services' codes (./apiErrors.ts). No IAM here: every authenticated caller may write.
 *
 * Followed:
 * - CloudWatch Logs API Reference: CreateLogGroup (ResourceAlreadyExistsException), CreateLogStream
 *   (ResourceNotFoundException for a missing group, ResourceAlreadyExistsException), DescribeLogStreams,
 *   PutLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html):
 *   a missing group or stream is ResourceNotFoundException; events must be in chronological order
 *   and span at most 24 hours (InvalidParameterException); events older than 14 days or more than
 *   2 hours ahead are rejected in `rejectedLogEventsInfo`, the others accepted.
 * - CloudWatch API Reference, PutMetricData
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html):
 *   `Namespace` required and not starting with `AWS/` (InvalidParameterValue), up to 1,000 metrics
 *   a request; the query form (`Action=PutMetricData&Version=2010-08-01&MetricData.member.N.…`,
 *   optionally gzip-compressed as the CloudWatch agent sends it) and the JSON 1.0 form
 *   (`X-Amz-Target: GraniteServiceVersion20100801.PutMetricData`). The CBOR form is not served.
 */
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { type ApiError, jsonAnswer, jsonErrorAnswer, jsonRefusalError, queryErrorAnswer, queryRefusalError } from "./apiErrors";
import type { CredentialStore } from "./identity";
import { verifySigV4 } from "./sigv4";
import { type HttpAnswer, headerValue, type ListenOptions, type StandIn, startHttpStandIn, type TlsFiles } from "./standIn";

export interface CloudWatchOptions extends ListenOptions {
  region: string;
  store: CredentialStore;
  tls: TlsFiles;
  now?: () => Date;
}

export interface LogEvent {
  timestamp: number;
  message: string;
}

export interface LogsOptions extends CloudWatchOptions {
  /** Log groups that exist before the hosts boot (the plan creates them). */
  logGroups?: string[];
}

export interface Logs extends StandIn {
  /** The events accepted into a group (every stream), or one stream, in arrival order. */
  events(logGroupName: string, logStreamName?: string): LogEvent[];
  logGroups(): string[];
}

const logsContentType = "application/x-amz-json-1.1";
const dayMs = 24 * 3600 * 1000;

export async function startLogs(options: LogsOptions): Promise<Logs> {
  const now = options.now ?? (() => new Date());
  const groups = new Map<string, { created: number; streams: Map<string, { created: number; events: LogEvent[]; sequence: number }> }>();
  const createGroup = (name: string) => groups.set(name, { created: now().getTime(), streams: new Map() });
  for (const name of options.logGroups ?? []) createGroup(name);
  const accountId = options.store.accountId;
  const groupArn = (group: string) => `arn:aws:logs:${options.region}:${accountId}:log-group:${group}`;

  const server = await startHttpStandIn("logs", { ...options, tls: options.tls }, ({ method, target, headers, body }) => {
    const operation = (headerValue(headers, "x-amz-target") ?? "").replace(/^Logs_20140328\./, "");
    const verdict = verifySigV4({ method, target, headers, body }, { service: "logs", region: options.region, credentials: options.store.lookup, now: now() });
    if (!verdict.ok) return jsonErrorAnswer(logsContentType, operation || `${method} ${target}`, jsonRefusalError(verdict), verdict.reason);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return jsonErrorAnswer(logsContentType, operation, { status: 400, code: "SerializationException" });
    }
    const groupName = typeof input.logGroupName === "string" ? input.logGroupName : undefined;
    const streamName = typeof input.logStreamName === "string" ? input.logStreamName : undefined;
    const action = `${operation} ${groupName ?? ""}${streamName ? `/${streamName}` : ""}`.trim();
    const fail = (error: ApiError): HttpAnswer => jsonErrorAnswer(logsContentType, action, error);
    const noGroup = (): ApiError => ({ status: 400, code: "ResourceNotFoundException", message: "The specified log group does not exist." });
    const invalid = (message: string): ApiError => ({ status: 400, code: "InvalidParameterException", message });
    const group = groupName === undefined ? undefined : groups.get(groupName);

    switch (operation) {
      case "CreateLogGroup":
        if (!groupName) return fail(invalid("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"));
        if (group) return fail({ status: 400, code: "ResourceAlreadyExistsException", message: "The specified log group already exists" });
        createGroup(groupName);
        return jsonAnswer(logsContentType, action, {});
      case "CreateLogStream":
        if (!groupName || !streamName) return fail(invalid("1 validation error detected: logGroupName and logStreamName are required"));
        if (!group) return fail(noGroup());
        if (group.streams.has(streamName)) return fail({ status: 400, code: "ResourceAlreadyExistsException", message: "The specified log stream already exists" });
        group.streams.set(streamName, { created: now().getTime(), events: [], sequence: 1 });
        return jsonAnswer(logsContentType, action, {});
      case "DescribeLogGroups":
        return jsonAnswer(logsContentType, action, {
          logGroups: [...groups.entries()]
            .filter(([name]) => typeof input.logGroupNamePrefix !== "string" || name.startsWith(input.logGroupNamePrefix))
            .map(([name, g]) => ({ logGroupName: name, creationTime: g.created, arn: `${groupArn(name)}:*`, storedBytes: 0 })),
        });
      case "DescribeLogStreams": {
        if (!group) return fail(noGroup());
        const prefix = typeof input.logStreamNamePrefix === "string" ? input.logStreamNamePrefix : "";
        return jsonAnswer(logsContentType, action, {
          logStreams: [...group.streams.entries()]
            .filter(([name]) => name.startsWith(prefix))
            .map(([name, s]) => ({
              logStreamName: name,
              creationTime: s.created,
              arn: `${groupArn(groupName!)}:log-stream:${name}`,
              storedBytes: 0,
              uploadSequenceToken: String(s.sequence),
              ...(s.events.length ? { firstEventTimestamp: s.events[0]!.timestamp, lastEventTimestamp: s.events.at(-1)!.timestamp, lastIngestionTime: now().getTime() } : {}),
            })),
        });
      }
      case "PutRetentionPolicy":
        if (!group) return fail(noGroup());
        return jsonAnswer(logsContentType, action, {});
      case "PutLogEvents": {
        if (!group) return fail(noGroup());
        const stream = streamName === undefined ? undefined : group.streams.get(streamName);
        if (!stream) return fail({ status: 400, code: "ResourceNotFoundException", message: "The specified log stream does not exist." });
        const events = Array.isArray(input.logEvents) ? (input.logEvents as LogEvent[]) : [];
        if (events.length === 0 || events.some((e) => typeof e?.timestamp !== "number" || typeof e?.message !== "string"))
          return fail(invalid("logEvents: expected at least one event, each with a timestamp and a message"));
        if (events.some((e, i) => i > 0 && e.timestamp < events[i - 1]!.timestamp)) return fail(invalid("Log events in a single PutLogEvents request must be in chronological order."));
        if (events.at(-1)!.timestamp - events[0]!.timestamp > dayMs) return fail(invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours."));
        const at = now().getTime();
        const tooOld = events.filter((e) => e.timestamp < at - 14 * dayMs).length;
        const tooNew = events.filter((e) => e.timestamp > at + 2 * 3600 * 1000).length;
        stream.events.push(...events.slice(tooOld, events.length - tooNew).map(({ timestamp, message }) => ({ timestamp, message })));
        stream.sequence += 1;
        const rejected = { ...(tooOld ? { tooOldLogEventEndIndex: tooOld } : {}), ...(tooNew ? { tooNewLogEventStartIndex: events.length - tooNew } : {}) };
        return jsonAnswer(
          logsContentType,
          action,
          { nextSequenceToken: String(stream.sequence), ...(tooOld || tooNew ? { rejectedLogEventsInfo: rejected } : {}) },
          `${events.length - tooOld - tooNew} events`,
        );
      }
      default:
        return jsonErrorAnswer(logsContentType, operation || "(no X-Amz-Target)", { status: 400, code: "UnknownOperationException" });
    }
  });
  return {
    ...server,
    events: (groupName, streamName) => {
      const group = groups.get(groupName);
      if (!group) return [];
      return [...group.streams.entries()].filter(([name]) => streamName === undefined || name === streamName).flatMap(([, s]) => s.events);
    },
    logGroups: () => [...groups.keys()],
  };
}

/** One data point as PutMetricData received it. */
export interface MetricDatum {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  value?: number;
  unit?: string;
}

export interface Monitoring extends StandIn {
  metrics(): MetricDatum[];
}

const queryNamespace = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const jsonTarget = "GraniteServiceVersion20100801.";
const monitoringJsonContentType = "application/x-amz-json-1.0";

/** `MetricData.member.N.Dimensions.member.M.Name=…` into data points. */
function queryMetricData(form: URLSearchParams, namespace: string): MetricDatum[] {
  const members = new Map<string, { datum: MetricDatum; dimensions: Map<string, { name?: string; value?: string }> }>();
  for (const [name, value] of form) {
    const m = /^MetricData\.member\.(\d+)\.(.+)$/.exec(name);
    if (!m) continue;
    const member = members.get(m[1]!) ?? { datum: { namespace, metricName: "", dimensions: {} } as MetricDatum, dimensions: new Map() };
    members.set(m[1]!, member);
    const field = m[2]!;
    const dimension = /^Dimensions\.member\.(\d+)\.(Name|Value)$/.exec(field);
    if (dimension) {
      const entry = member.dimensions.get(dimension[1]!) ?? {};
      if (dimension[2] === "Name") entry.name = value;
      else entry.value = value;
      member.dimensions.set(dimension[1]!, entry);
    } else if (field === "MetricName") member.datum.metricName = value;
    else if (field === "Value") member.datum.value = Number(value);
    else if (field === "Unit") member.datum.unit = value;
  }
  return [...members.values()].map(({ datum, dimensions }) => ({
    ...datum,
    dimensions: Object.fromEntries([...dimensions.values()].filter((d) => d.name !== undefined).map((d) => [d.name!, d.value ?? ""])),
  }));
}

export async function startMonitoring(options: CloudWatchOptions): Promise<Monitoring> {
  const now = options.now ?? (() => new Date());
  const metrics: MetricDatum[] = [];
  const validate = (namespace: unknown, data: MetricDatum[]): ApiError | undefined => {
    if (typeof namespace !== "string" || namespace === "") return { status: 400, code: "MissingParameter", message: "The parameter Namespace is required." };
    if (namespace.startsWith("AWS/")) return { status: 400, code: "InvalidParameterValue", message: `The value ${namespace} for parameter Namespace is invalid.` };
    if (data.length === 0) return { status: 400, code: "MissingParameter", message: "The parameter MetricData is required." };
    if (data.length > 1000) return { status: 400, code: "InvalidParameterValue", message: "The collection MetricData must not have a size greater than 1000." };
    if (data.some((d) => !d.metricName)) return { status: 400, code: "MissingParameter", message: "The parameter MetricData.member.N.MetricName is required." };
    return undefined;
  };

  const server = await startHttpStandIn("monitoring", { ...options, tls: options.tls }, ({ method, target, headers, body }) => {
    const jsonOperation = headerValue(headers, "x-amz-target");
    const json = jsonOperation !== undefined;
    const verdict = verifySigV4({ method, target, headers, body }, { service: "monitoring", region: options.region, credentials: options.store.lookup, now: now() });
    // The signature covers the body as sent (compressed); the action is read from it once it is trusted.
    if (!verdict.ok)
      return json
        ? jsonErrorAnswer(monitoringJsonContentType, jsonOperation, jsonRefusalError(verdict), verdict.reason)
        : queryErrorAnswer(queryNamespace, `${method} ${target}`, queryRefusalError(verdict), verdict.reason);
    const payload = (headerValue(headers, "content-encoding") ?? "").toLowerCase() === "gzip" ? gunzipSync(body) : body;

    if (json) {
      const operation = jsonOperation.replace(jsonTarget, "");
      if (operation !== "PutMetricData") return jsonErrorAnswer(monitoringJsonContentType, operation, { status: 400, code: "UnknownOperationException" });
      let input: { Namespace?: unknown; MetricData?: { MetricName?: string; Dimensions?: { Name: string; Value: string }[]; Value?: number; Unit?: string }[] };
      try {
        input = JSON.parse(payload.toString("utf8") || "{}") as typeof input;
      } catch {
        return jsonErrorAnswer(monitoringJsonContentType, operation, { status: 400, code: "SerializationException" });
      }
      const data: MetricDatum[] = (input.MetricData ?? []).map((d) => ({
        namespace: String(input.Namespace),
        metricName: d.MetricName ?? "",
        dimensions: Object.fromEntries((d.Dimensions ?? []).map((x) => [x.Name, x.Value])),
        value: d.Value,
        unit: d.Unit,
      }));
      const error = validate(input.Namespace, data);
      if (error) return jsonErrorAnswer(monitoringJsonContentType, `PutMetricData ${String(input.Namespace ?? "")}`, error);
      metrics.push(...data);
      return jsonAnswer(monitoringJsonContentType, `PutMetricData ${input.Namespace as string}`, {}, `${data.length} metrics`);
    }
    const form = new URLSearchParams(payload.toString("utf8"));
    const action = form.get("Action") ?? "";
    if (action !== "PutMetricData")
      return queryErrorAnswer(queryNamespace, action || `${method} ${target}`, {
        status: 400,
        code: "InvalidAction",
        message: `Could not find operation ${action} for version ${form.get("Version") ?? ""}`,
      });
    const namespace = form.get("Namespace");
    const data = queryMetricData(form, namespace ?? "");
    const error = validate(namespace, data);
    if (error) return queryErrorAnswer(queryNamespace, `PutMetricData ${namespace ?? ""}`, error);
    metrics.push(...data);
    const requestId = randomUUID();
    return {
      status: 200,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      body: `<PutMetricDataResponse xmlns="${queryNamespace}">\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</PutMetricDataResponse>\n`,
      action: `PutMetricData ${namespace}`,
      verdict: "OK",
      detail: `${data.length} metrics`,
    };
  });
  return { ...server, metrics: () => [...metrics] };
}
