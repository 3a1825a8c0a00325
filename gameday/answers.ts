/**
 * The twin's stand-in for Route 53's health-checked answer of the ingest name: Route 53 probes each
 * balancer from several checkers (at the region's health check's interval), each judging it healthy
 * or not after failureThreshold results in a row, and answers with a region while more than 18% of
 * its checkers report it healthy (Route 53 Developer Guide, "How Amazon Route 53 determines whether
 * a health check is healthy"). Each probe passes the balancer like any flow. The regions answered
 * are written to a file the load generator resolves the name from.
 */
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AnswerEvent, TwinShape } from "./twin";

/** Runs `round` every `intervalMs` (a round that takes longer starts the next at once) while `running()`. */
export function repeatWhile(running: () => boolean, intervalMs: number, round: () => Promise<void>): Promise<void> {
  return (async () => {
    while (running()) {
      const started = Date.now();
      await round();
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
}

/** Starts the checkers of every balancer's VIP; the answer file and its changes. */
export function startAnswers(shape: TwinShape, vips: string[], dir: string, running: () => boolean, probe: (address: string, timeoutMs: number) => Promise<boolean>) {
  const answerFile = path.join(dir, "answer.json");
  const answerEvents: AnswerEvent[] = [];
  const checkerCount = shape.dnsProbe.checkers;
  const verdicts = vips.map(() => Array.from({ length: checkerCount }, () => ({ healthy: true, streak: 0 })));
  const answered = vips.map(() => true);
  const publish = () => {
    const regions = answered.flatMap((up, r) => (up ? [r] : []));
    writeFileSync(`${answerFile}.tmp`, JSON.stringify(regions));
    renameSync(`${answerFile}.tmp`, answerFile);
    answerEvents.push({ at: Date.now(), regions });
  };
  publish();
  const checkers = shape.regions.map((planned, r) =>
    repeatWhile(running, planned.dnsHealthCheck.intervalMs, async () => {
      const results = await Promise.all(verdicts[r]!.map(() => probe(vips[r]!, shape.dnsProbe.timeoutMs)));
      results.forEach((ok, c) => {
        const verdict = verdicts[r]![c]!;
        verdict.streak = ok === verdict.healthy ? 0 : verdict.streak + 1;
        if (verdict.streak >= planned.dnsHealthCheck.failureThreshold) [verdict.healthy, verdict.streak] = [ok, 0];
      });
      const up = verdicts[r]!.filter((c) => c.healthy).length / checkerCount > 0.18;
      if (running() && up !== answered[r]) {
        answered[r] = up;
        publish();
      }
    }),
  );
  return { answerFile, answerEvents, checkers };
}
