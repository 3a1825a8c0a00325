/**
 * A connect storm on one region of the edge twin: more connects at once than its hosts' accept
 * queues hold, as a region's clients reconnect after another region is lost (the recovery model's
 * `connectStorm`). 8,000 clients in the client namespace, shared among processes, connect at the
 * same moment through the region's balancer, each posting one event with its own insert id and
 * resending it after a 503 as the snippet does. The region's hosts run the sysctls the user data
 * sets (the accept queue min(listen backlog, somaxconn) as planned). Judged:
 *   - every client's event is stored (by id), none given up;
 *   - the slowest first connect, SYN resends included, is within the model's bound for that many
 *     connects per host against the planned queue (models/recovery connectStormTiming);
 * the p99 connect and first-answer times are shown.
 */
import path from "node:path";
import { nginxListenPort } from "../models/hostEdge";
import { readRenderedNginxLimits } from "../models/capacity";
import { connectStormTiming, nginxAcceptsPerSecond, stormAcceptQueue } from "../models/recovery";
import { inNamespace, runNodeInNamespace } from "./netns";
import type { Scenario, ScenarioFindings } from "./scenarios";
import type { StormSharePlan, StormShareReport } from "./stormClients";
import type { Twin } from "./twin";

/** The storm's size and shape: bounded in count and time. */
export const stormShape = {
  connects: 8000,
  /** Processes the clients are shared among (1,000 sockets each), so no one process's scheduling stands in the waits. */
  processes: 8,
  /** The processes start together this long after they are spawned, ms: they start fast, even on a busy machine. */
  startDelayMs: 5000,
  attemptTimeoutMs: 30_000,
  maxAttempts: 30,
  /** The whole storm ends within this, ms: every client acknowledged or given up. */
  deadlineMs: 180_000,
} as const;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;
const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** The storm on `region`: its findings (figures and broken rules). */
export async function connectStormOn(twin: Twin, region: number, idPrefix: string): Promise<ScenarioFindings> {
  const planned = twin.regions[region]!;
  const rendered = readRenderedNginxLimits(`#cloud-config\n${planned.nginxConfig}\n${planned.hostSysctl}`);
  if ("missing" in rendered) throw new Error(`the planned nginx.conf of ${planned.region} lacks ${rendered.missing.join(", ")}`);
  const { limits } = rendered;
  const hosts = twin.hosts.filter((h) => h.region === region);
  for (const host of hosts) {
    for (const line of planned.hostSysctl.split("\n").filter((l) => /^\w/.test(l))) inNamespace(host.namespace, "sysctl", ["-qw", line.replace(/\s*=\s*/, "=")]);
  }
  const queue = stormAcceptQueue(limits);
  const perHost = Math.ceil(stormShape.connects / hosts.length);
  const model = connectStormTiming(perHost, queue);
  const ids = Array.from({ length: stormShape.connects }, (_, i) => `${idPrefix}-storm-${i.toString().padStart(6, "0")}`);
  const startAt = Date.now() + stormShape.startDelayMs;
  const share = Math.ceil(ids.length / stormShape.processes);
  const reports = await Promise.all(
    Array.from({ length: stormShape.processes }, (_, p) => {
      const plan: StormSharePlan = {
        target: `${twin.vips[region]}:${nginxListenPort}`,
        collectorPath: planned.collectorPath,
        sources: twin.clientAddresses,
        ids: ids.slice(p * share, (p + 1) * share),
        startAt,
        attemptTimeoutMs: stormShape.attemptTimeoutMs,
        maxAttempts: stormShape.maxAttempts,
      };
      return runNodeInNamespace<StormShareReport>(twin.clientNamespace, path.join(__dirname, "stormClients.ts"), plan, stormShape.startDelayMs + stormShape.deadlineMs);
    }),
  );
  const connectMs = reports.flatMap((r) => r.connectMs).sort((a, b) => a - b);
  const answerMs = reports.flatMap((r) => r.firstAnswerMs).sort((a, b) => a - b);
  const acknowledged = reports.flatMap((r) => r.acknowledged);
  const givenUp = reports.flatMap((r) => r.givenUp);
  const [row] = await twin.postgres.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE insert_id LIKE $1", [`${idPrefix}-storm-%`]);
  const stored = Number(row!.n);
  const neverConnected = connectMs.filter((ms) => ms < 0).length;
  const slowestConnect = connectMs[connectMs.length - 1] ?? 0;
  const problems: string[] = [];
  if (givenUp.length > 0) problems.push(`${givenUp.length} storm clients gave up after ${stormShape.maxAttempts} attempts (e.g. ${givenUp.slice(0, 3).join(", ")})`);
  if (stored !== ids.length) problems.push(`${stored} of the storm's ${ids.length} events stored (${acknowledged.length} acknowledged)`);
  if (neverConnected > 0) problems.push(`${neverConnected} first connects of the storm never completed within ${stormShape.attemptTimeoutMs} ms`);
  // The wait includes the clients' own scheduling (shown, never subtracted): an upper bound of the kernel's and nginx's.
  if (slowestConnect > model.seconds * 1000) {
    problems.push(
      `a storm client waited ${Math.round(slowestConnect)} ms to connect, above the model's ${model.seconds} s for ${perHost} connects per host against a queue of ${queue} (models/recovery connectStormTiming); the clients' event loops were up to ${Math.max(...reports.map((r) => r.clientLagMs))} ms late`,
    );
  }
  return {
    problems,
    figures: {
      stormConnects: ids.length,
      stormHosts: hosts.length,
      stormAcceptQueue: queue,
      stormConnectP99Seconds: seconds(percentile(connectMs, 0.99)),
      stormConnectSlowestSeconds: seconds(slowestConnect),
      stormConnectsAfterSynResend: connectMs.filter((ms) => ms >= 1000).length,
      stormFirstAnswerP99Seconds: seconds(percentile(answerMs, 0.99)),
      stormModelSeconds: model.seconds,
      stormModelSynRounds: model.rounds,
      stormModelAcceptsPerSecond: nginxAcceptsPerSecond,
      stormStored: stored,
      stormAcknowledged: acknowledged.length,
      stormShed503: reports.reduce((sum, r) => sum + (r.statuses["503"] ?? 0), 0),
      stormClientLagSeconds: seconds(Math.max(...reports.map((r) => r.clientLagMs))),
    },
  };
}

export const connectStormScenarios: Scenario[] = [
  {
    name: "a connect storm",
    measures:
      "8,000 connects at once on one region through its balancer, beyond its hosts' accept queues (a region's clients reconnecting after another is lost): every client's event stored, the slowest first connect (SYN resends included) within the model's connect-storm bound for the planned queue; shown, not judged, as a recovery",
    trackSeconds: () => stormShape.startDelayMs / 1000 + 60,
    inject: (twin) => connectStormOn(twin, 0, `cs${Date.now().toString(36)}`),
  },
];
