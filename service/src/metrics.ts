/**
 * Counters, emitted every `INGEST_METRICS_INTERVAL_MS` as one CloudWatch embedded metric format
 * (EMF) record: to the CloudWatch agent's EMF listener (`INGEST_METRICS_ENDPOINT=udp://127.0.0.1:25888`,
 * agent config `{"logs":{"metrics_collected":{"emf":{}}}}`), or to stdout when no listener is set.
 * UDP never blocks ingestion when the agent is down. Names and units: `models/ingestMetrics.ts`.
 */
import dgram from "node:dgram";
import type { ServiceConfig } from "./config";
import { ingestMetrics, ingestMetricsDimension, IngestMetricKey, ingestMetricsLogGroup } from "../../models/ingestMetrics";

type CounterKey = Exclude<IngestMetricKey, "spoolDepth" | "replayLag" | "datastoreErrors">;

export class Counters {
  readonly totals: Record<CounterKey, number> = { accepted: 0, rejected: 0, errorAnswers: 0, shed: 0, spooled: 0, duplicates: 0 };

  add(key: CounterKey, n: number): void {
    this.totals[key] += n;
  }
}

export interface Levels {
  spoolDepth: number;
  replayLagSeconds: number;
  /** Total datastore errors since start (the datastore counts them). */
  datastoreErrors: number;
}

/** One EMF record: counters as deltas since the last record, levels as they are now. */
export function emfRecord(namespace: string, region: string, deltas: Record<CounterKey | "datastoreErrors", number>, levels: Levels, now = Date.now()): string {
  const values: Record<string, number> = {
    ...Object.fromEntries(Object.entries(deltas).map(([key, n]) => [ingestMetrics[key as IngestMetricKey].name, n])),
    [ingestMetrics.spoolDepth.name]: levels.spoolDepth,
    [ingestMetrics.replayLag.name]: levels.replayLagSeconds,
  };
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      LogGroupName: ingestMetricsLogGroup,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[ingestMetricsDimension]],
          Metrics: Object.values(ingestMetrics).map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    [ingestMetricsDimension]: region,
    ...values,
  });
}

export class MetricsEmitter {
  private last: Record<CounterKey | "datastoreErrors", number>;
  private timer: NodeJS.Timeout;
  private socket: dgram.Socket | undefined;

  constructor(
    private readonly config: ServiceConfig,
    private readonly counters: Counters,
    private readonly levels: () => Levels,
  ) {
    this.last = { ...counters.totals, datastoreErrors: 0 };
    if (config.metricsEndpoint) {
      this.socket = dgram.createSocket("udp4");
      this.socket.on("error", () => undefined);
      this.socket.unref();
    }
    this.timer = setInterval(() => this.emit(), config.metricsIntervalMs);
    this.timer.unref();
  }

  emit(): void {
    const levels = this.levels();
    const now = { ...this.counters.totals, datastoreErrors: levels.datastoreErrors };
    const deltas = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - this.last[k as keyof typeof now]])) as typeof now;
    this.last = now;
    const record = emfRecord(this.config.metricsNamespace, this.config.region, deltas, levels);
    if (this.socket && this.config.metricsEndpoint) this.socket.send(record, this.config.metricsEndpoint.port, this.config.metricsEndpoint.host);
    else process.stdout.write(`${record}\n`);
  }

  close(): void {
    clearInterval(this.timer);
    this.emit();
    this.socket?.close();
  }
}
