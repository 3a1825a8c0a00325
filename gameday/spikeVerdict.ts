/**
 * The spike scenario's verdict (`gameday/spike.ts`): the rules its measurement breaks, and its
 * figures for the results.
 */
import type { SpikeMeasurement } from "./spike";
import type { SpikePlan } from "./spikePlan";

/** nginx's error log lines of an upstream failure: the service, not the limits, gave way. */
export const upstreamFailure = /no live upstreams|upstream timed out|connect\(\) failed|upstream prematurely closed/;

/** The sizes of the storm the spike's judgement and figures name. */
export interface StormSize {
  stormPerHost: number;
  acceptQueue: number;
  stormBound: number;
}

/** The rules the spike saw broken: nothing shed, a 503 without Retry-After, other answers, connections short of the plan, no refusal logged, upstream failures, memory above the model's, a storm client waiting past its bound. */
export function spikeProblems(measurement: SpikeMeasurement, plan: SpikePlan, storm: StormSize, logs: string): string[] {
  const { report } = measurement;
  const shed = report.statuses["503"] ?? 0;
  const problems: string[] = [];
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (shed === 0) problems.push("nginx shed nothing with 503: the spike did not pass the rendered limits");
  if (report.shedWithoutRetryAfter > 0) problems.push(`${report.shedWithoutRetryAfter} 503s without Retry-After`);
  const other = Object.entries(report.statuses).filter(([status]) => !["503", "200", "0"].includes(status));
  if (other.length > 0) problems.push(`answers other than 503 and 200: ${other.map(([s, n]) => `${n} × ${s}`).join(", ")}`);
  // Every judgement below assumes the planned connections were there at once: say so when they were not.
  if (report.hostileAtOnce < report.hostilePlanned) {
    problems.push(
      `the hostile clients had ${report.hostileAtOnce} of ${report.hostilePlanned} planned connections at once (${report.hostileOpened} opened within ${plan.openingMs} ms, ${report.hostileEndedEarly} ended by nginx before the last had opened): the spike fell short of the limits it tests`,
    );
  }
  if (measurement.limitConnLines === 0) problems.push("limit_conn refused nothing (no 'limiting connections' line in the error log)");
  if (measurement.limitReqLines === 0) problems.push("limit_req refused nothing (no 'limiting requests' line in the error log)");
  if (measurement.upstreamFailureLines > 0) {
    const first = logs.split("\n").find((line) => upstreamFailure.test(line));
    problems.push(`${measurement.upstreamFailureLines} upstream failures in nginx's error log (the service, not the limits, gave way), the first: ${first}`);
  }
  if (measurement.peakNginxBytes > measurement.modelNginxBytes)
    problems.push(`nginx's processes peaked at ${mib(measurement.peakNginxBytes)}, above the memory model's ${mib(measurement.modelNginxBytes)}`);
  if (measurement.peakSocketBytes > measurement.modelSocketBytes)
    problems.push(`nginx's socket buffers peaked at ${mib(measurement.peakSocketBytes)}, above the memory model's ${mib(measurement.modelSocketBytes)}`);
  // The wait includes the clients' own scheduling (reported, never subtracted): an upper bound of nginx's.
  if (report.storm.slowestMs > storm.stormBound * 1000) {
    problems.push(
      `a client of the connect storm waited ${report.storm.slowestMs} ms for its answer, above the model's ${storm.stormBound} s (connect-storm timing of ${storm.stormPerHost} connects per host against a queue of ${storm.acceptQueue}, plus the stalled-host figure of ${measurement.stalledHostSeconds} s); the clients' own event loop was up to ${report.storm.clientLagMs} ms late and ${Math.round(report.storm.clientBusy * 100)}% busy`,
    );
  }
  if (report.storm.answered === 0) problems.push("no client of the connect storm got an answer");
  return problems;
}

/** The spike's figures for the results; its times from the injection (opening the hostile connections takes a while on a busy machine). */
export function spikeFigures(measurement: SpikeMeasurement, plan: SpikePlan, storm: StormSize, workers: number, injectedAt: number): Record<string, number> {
  const { report } = measurement;
  const tenths = (n: number) => Math.round(n * 10) / 10;
  const secondsOf = (ms: number) => Math.round(ms / 100) / 10;
  return {
    shed503: report.statuses["503"] ?? 0,
    answered200: report.statuses["200"] ?? 0,
    heldUnanswered: report.heldOpen,
    hostileOpened: report.hostileOpened,
    hostilePlanned: report.hostilePlanned,
    hostileAtOnce: report.hostileAtOnce,
    hostileEndedEarly: report.hostileEndedEarly,
    burstUnanswered: report.burstUnanswered,
    limitConnRefusals: measurement.limitConnLines,
    limitReqRefusals: measurement.limitReqLines,
    peakNginxMiB: tenths(measurement.peakNginxBytes / 2 ** 20),
    modelNginxMiB: tenths(measurement.modelNginxBytes / 2 ** 20),
    peakSocketMiB: tenths(measurement.peakSocketBytes / 2 ** 20),
    modelSocketMiB: tenths(measurement.modelSocketBytes / 2 ** 20),
    stormConnects: plan.stormConnects,
    stormAnswered: report.storm.answered,
    stormShed503: report.storm.shed503,
    stormConnectErrors: report.storm.connectErrors,
    stormUnanswered: report.storm.unanswered,
    stormSlowestSeconds: secondsOf(report.storm.slowestMs),
    stormClientLagSeconds: secondsOf(report.storm.clientLagMs),
    stormClientBusy: report.storm.clientBusy,
    stalledHostSeconds: measurement.stalledHostSeconds,
    stormAcceptQueue: storm.acceptQueue,
    stormBoundSeconds: storm.stormBound,
    nginxWorkers: workers,
    spikeOpeningFromSeconds: secondsOf(report.openingFrom - injectedAt),
    spikeHeldFromSeconds: secondsOf(report.heldFrom - injectedAt),
    spikeHeldUntilSeconds: secondsOf(report.heldUntil - injectedAt),
  };
}
