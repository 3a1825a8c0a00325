/**
 * `npm run gameday [-- --stack dev --regions 3 --hosts 2 --scale 0.2 --scenario NAME…]`: brings
 * up the edge twin for the stack's rendered host edge, runs each scenario on a fresh twin and
 * prints the results table (markdown, then JSON), also written to gameday/results.md.
 * Exit 0 when every scenario holds every event, 1 when one does not or the machine cannot run
 * the twin (no root, a missing kernel feature), 2 for bad arguments.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ingestHealthCheck } from "../components/dnsRecords";
import { instanceTypeSpec } from "../models/capacity";
import { hostEdgeSettings } from "../models/hostEdge";
import { targetHealthCheck } from "../models/ingestRegion/layout";
import { RetrySchedule, snippetDelivery } from "../models/snippet/delivery";
import { parseStackConfig, StackConfigError } from "../stacks/schema";
import { readStackFile, StackFileError } from "../tools/plan/stackFile";
import { checkPrerequisites, TwinUnavailableError } from "./netns";
import { GamedayOptions, runScenario, ScenarioResult, scenarios } from "./scenarios";

const projectRoot = path.join(__dirname, "..");

class UsageError extends Error {}

function positiveNumber(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new UsageError(`--${name}: expected a number above 0 and at most ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/** The plan's timers times `scale`, never below 1 s (the twin's floor). */
export function scaleRetry(retry: RetrySchedule, scale: number): RetrySchedule {
  const ms = (value: number) => Math.max(1000, Math.round(value * scale));
  return { baseMs: ms(retry.baseMs), capMs: ms(retry.capMs), retryAfterCapMs: ms(retry.retryAfterCapMs), requestTimeoutMs: ms(retry.requestTimeoutMs), maxEventAgeMs: retry.maxEventAgeMs };
}

export function gamedayOptions(argv: string[]): { options: GamedayOptions; names: string[] } {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", default: "dev" },
      regions: { type: "string", default: "3" },
      hosts: { type: "string", default: "2" },
      scale: { type: "string", default: "0.2" },
      scenario: { type: "string", multiple: true },
    },
    strict: true,
  });
  const stackFile = readStackFile(path.join(projectRoot, "stacks", `Pulumi.${values.stack}.yaml`));
  const config = parseStackConfig(stackFile.edge, values.stack);
  const vcpus = instanceTypeSpec(config.ingest.instanceType)?.vcpus ?? 2;
  const scale = positiveNumber("scale", values.scale, 1);
  const known = scenarios.map((s) => s.name);
  const names = values.scenario ?? known;
  for (const name of names) if (!known.includes(name)) throw new UsageError(`--scenario: unknown scenario ${JSON.stringify(name)}; known: ${known.map((k) => JSON.stringify(k)).join(", ")}`);
  const ms = (s: number) => Math.max(1000, Math.round(s * 1000 * scale));
  const retry = scaleRetry(snippetDelivery.retry, scale);
  const trackMs = 20_000;
  return {
    names,
    options: {
      stack: values.stack,
      settings: hostEdgeSettings(config, vcpus),
      shape: {
        regions: positiveNumber("regions", values.regions, 3),
        hostsPerRegion: positiveNumber("hosts", values.hosts, 4),
        clientAddresses: 8,
        healthCheck: {
          intervalMs: ms(targetHealthCheck.intervalSeconds),
          timeoutMs: ms(targetHealthCheck.timeoutSeconds),
          healthyThreshold: targetHealthCheck.healthyThreshold,
          unhealthyThreshold: targetHealthCheck.unhealthyThreshold,
        },
        // Route 53 times out a check after 4 s (its documented connection timeout); 8 checkers
        // stand for its regions' checkers.
        dnsHealthCheck: { intervalMs: ms(ingestHealthCheck.requestInterval), timeoutMs: ms(4), failureThreshold: ingestHealthCheck.failureThreshold, checkers: 8 },
      },
      answerTtlMs: ms(config.dns.ttl),
      collectorPath: config.cdn.collectorPath,
      retry,
      maxBatchEvents: snippetDelivery.queue.maxBatchEvents,
      drainSeconds: config.ingest.drainSeconds,
      scale,
      eventsPerSecondPerClient: 20,
      trackMs,
      // Room for the longest redelivery after the last failure.
      deadlineMs: trackMs + 2 * (retry.requestTimeoutMs + retry.capMs),
    },
  };
}

export function resultsMarkdown(results: ScenarioResult[], options: GamedayOptions): string {
  const { shape } = options;
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${r.sent} | ${r.stored} | ${r.lost} | ${r.duplicates} | ${r.recoverySeconds} | ${r.failedAttempts} | ${r.balancerDropSeconds ?? "–"} | ${r.dnsDropSeconds ?? "–"} | ${r.passed ? "pass" : `FAIL: ${r.problems.join("; ")}`}${r.details?.length ? ` (${r.details.join("; ")})` : ""} |`,
  );
  return [
    `# Game day on the edge twin`,
    ``,
    `${shape.regions} regions × ${shape.hostsPerRegion} hosts, ${shape.clientAddresses} client addresses, timers × ${options.scale} (none below 1 s).`,
    `The ingest name resolves through a stand-in for Route 53 (8 checkers probe each balancer, interval × failure threshold, a region answered while more than 18% of them see it healthy; the record TTL; scaled alike); the DNS scenarios resolve it through Unbound and the providers' NSD servers instead (gameday/dns.ts).`,
    `Recovery: seconds from the failure to the end of the last attempt a client saw fail (0: no client saw it).`,
    ``,
    `| scenario | sent | stored | lost | duplicates | recovery (s) | failed attempts | balancer dropped host (s) | DNS dropped region (s) | result |`,
    `|---|---|---|---|---|---|---|---|---|---|`,
    ...rows,
    ``,
  ].join("\n");
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof gamedayOptions>;
  try {
    parsed = gamedayOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || error instanceof StackFileError || error instanceof StackConfigError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`gameday: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  try {
    checkPrerequisites();
  } catch (error) {
    if (!(error instanceof TwinUnavailableError)) throw error;
    process.stderr.write(`gameday: cannot run the edge twin on this machine: ${error.message}\n`);
    return 1;
  }
  const results: ScenarioResult[] = [];
  for (const name of parsed.names) {
    process.stderr.write(`gameday: ${name}…\n`);
    results.push(await runScenario(scenarios.find((s) => s.name === name)!, parsed.options));
  }
  const markdown = resultsMarkdown(results, parsed.options);
  writeFileSync(path.join(__dirname, "results.md"), markdown);
  process.stdout.write(`${markdown}\n${JSON.stringify(results, null, 2)}\n`);
  return results.every((r) => r.passed) ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`gameday: ${error.message}\n`);
      process.exit(1);
    },
  );
}
