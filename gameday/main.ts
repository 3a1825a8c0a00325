/**
 * `npm run gameday [-- --stack dev --hosts 2 --scale 0.2 --full --scenario NAME…]`: plans the stack
 * offline (`npm run plan -- --json`), scales the planned timers, predicts each scenario's recovery
 * from the scaled plan with the recovery model, then brings up the edge twin from the plan's
 * resources (one twin region per planned region), runs each scenario on a fresh twin and prints
 * the results table (markdown, then JSON), also written to gameday/results.md.
 * Without `--full`: the reduced set, one run each, measured recovery judged ≤ 1.0 × predicted.
 * With `--full`: every scenario, three runs each, the median judged within 0.5–1.0 × predicted.
 * Exit 0 when every scenario passes, 1 when one does not or the machine cannot run the twin (no
 * root, a missing kernel feature), 2 for bad arguments or a stack the plan refuses to read.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { cloudflarePropagationSeconds, regionWithdrawalSeconds, route53ProbeTimeoutSeconds, recoveryReport, RecoveryFigure, RecoveryReport } from "../models/recovery";
import { snippetDelivery } from "../models/snippet/delivery";
import { checkPrerequisites, TwinUnavailableError } from "./netns";
import { declaredResources, PlanInputError, plannedRegions, planStack, scaledSeconds, scalePlannedTimers, scaleRetry } from "./planned";
import { GamedayOptions, judgeScenario, runScenario, Scenario, ScenarioResult, ScenarioRun, scenarios } from "./scenarios";

export class UsageError extends Error {}

function positiveNumber(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new UsageError(`--${name}: expected a number above 0 and at most ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Everything a game day needs before the first twin starts: the scenarios to run, the twin's options and the prediction. */
export interface Gameday {
  stack: string;
  full: boolean;
  runsPerScenario: number;
  band: { min: number; max: number };
  selected: Scenario[];
  options: GamedayOptions;
  /** The recovery model over the scaled planned resources (never the twin's output). */
  prediction: RecoveryReport;
}

/** The model's worst figure of a scenario's failure mode (none for a scenario without one). */
export function predictedFigure(prediction: RecoveryReport, scenario: Pick<Scenario, "mode">): RecoveryFigure | undefined {
  if (scenario.mode === undefined) return undefined;
  return prediction.figures.filter((f) => f.mode === scenario.mode).reduce<RecoveryFigure | undefined>((a, b) => (a === undefined || b.recoverySeconds > a.recoverySeconds ? b : a), undefined);
}

export async function prepareGameday(argv: string[]): Promise<Gameday> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", default: "dev" },
      hosts: { type: "string", default: "2" },
      scale: { type: "string", default: "0.2" },
      full: { type: "boolean", default: false },
      scenario: { type: "string", multiple: true },
    },
    strict: true,
  });
  if (!/^[A-Za-z0-9_.-]+$/.test(values.stack)) throw new UsageError(`--stack: '${values.stack}' is not a stack name (letters, digits, '-', '_', '.')`);
  const scale = positiveNumber("scale", values.scale, 1);
  const hostsPerRegion = positiveNumber("hosts", values.hosts, 4);
  const full = values.full;
  const known = scenarios.map((s) => s.name);
  for (const name of values.scenario ?? []) if (!known.includes(name)) throw new UsageError(`--scenario: unknown scenario ${JSON.stringify(name)}; known: ${known.map((k) => JSON.stringify(k)).join(", ")}`);
  const selected = values.scenario ? scenarios.filter((s) => values.scenario!.includes(s.name)) : scenarios.filter((s) => full || s.reduced);

  const plan = await planStack(values.stack);
  const scaled = scalePlannedTimers(declaredResources(plan), scale);
  const retry = scaleRetry(snippetDelivery.retry, scale);
  const regions = plannedRegions(scaled);
  if (regions.length === 0) throw new PlanInputError(`the plan of stack ${values.stack} declares no ingestion region (launch template): nothing to run a twin of`);
  const trackMs = 20_000;
  const behaviour = {
    route53ProbeTimeoutSeconds: scaledSeconds(route53ProbeTimeoutSeconds, scale),
    regionWithdrawalSeconds: scaledSeconds(regionWithdrawalSeconds, scale),
    cloudflarePropagationSeconds: scaledSeconds(cloudflarePropagationSeconds, scale),
  };
  return {
    stack: values.stack,
    full,
    runsPerScenario: full ? 3 : 1,
    band: full ? { min: 0.5, max: 1 } : { min: 0, max: 1 },
    selected,
    prediction: recoveryReport(scaled, retry, behaviour),
    options: {
      stack: values.stack,
      shape: {
        regions,
        hostsPerRegion,
        clientAddresses: 8,
        // 8 checkers stand for Route 53's regions' checkers; each waits its probe timeout, scaled.
        dnsProbe: { timeoutMs: behaviour.route53ProbeTimeoutSeconds * 1000, checkers: 8 },
      },
      answerTtlMs: Math.max(...regions.map((r) => r.answerTtlMs)),
      collectorPath: regions[0]!.collectorPath,
      retry,
      maxBatchEvents: snippetDelivery.queue.maxBatchEvents,
      scale,
      eventsPerSecondPerClient: 20,
      trackMs,
      browser: { ingestHost: regions[0]!.ingestName, eventsPerSecond: 10 },
      // Room for the longest redelivery after the last failure.
      deadlineMs: trackMs + 2 * (retry.requestTimeoutMs + retry.capMs),
    },
  };
}

/** Runs a scenario `runsPerScenario` times and judges it against the prediction. */
export async function playScenario(gameday: Gameday, scenario: Scenario, options: GamedayOptions = gameday.options): Promise<ScenarioResult> {
  const runs: ScenarioRun[] = [];
  for (let i = 0; i < gameday.runsPerScenario; i++) runs.push(await runScenario(scenario, options));
  return judgeScenario(scenario, runs, predictedFigure(gameday.prediction, scenario), gameday.band);
}

const cell = (value: number | null | undefined) => (value === null || value === undefined ? "–" : String(value));

/** What scenarios measured beyond the table: their own figures and the Chromium share (JSON: each run's `figures`, `browser`). */
function scenarioFigures(results: ScenarioResult[]): string[] {
  const lines = results.flatMap((r) =>
    r.runs.flatMap((run, i) => {
      const parts = [
        ...Object.entries(run.figures ?? {}).map(([key, value]) => `${key} ${value}`),
        ...(run.details ?? []),
        ...(run.browser ? [`Chromium sent ${run.browser.sent}, stored ${run.browser.stored}, lost ${run.browser.lost}, duplicates ${run.browser.duplicates} (${run.browser.requests} requests, ${run.browser.retries} retries)`] : []),
      ];
      return parts.length > 0 ? [`- ${r.scenario}${r.runs.length > 1 ? ` (run ${i + 1})` : ""}: ${parts.join(", ")}`] : [];
    }),
  );
  return lines.length > 0 ? [`Measured by the scenarios (a share of the load from headless Chromium running the real loader and library, counted in the table too):`, ``, ...lines, ``] : [];
}

export function resultsMarkdown(results: ScenarioResult[], gameday: Gameday): string {
  const { shape, scale } = gameday.options;
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${r.mode ?? "– (not judged)"} | ${r.sent} | ${r.stored} | ${r.lost} | ${r.duplicates} | ${cell(r.predictedSeconds)} | ${r.measuredSeconds} | ${cell(r.ratio)} | ${r.passed ? "pass" : `FAIL: ${r.problems.join("; ")}`} |`,
  );
  const judged = gameday.full
    ? `Full set: ${gameday.runsPerScenario} runs per scenario (sent, stored, lost and duplicates summed), the median measured recovery judged within ${gameday.band.min}–${gameday.band.max} × predicted.`
    : `Reduced set: one run per scenario, measured recovery judged ≤ ${gameday.band.max} × predicted only (\`--full\` runs every scenario three times and judges the median within 0.5–1.0 ×).`;
  return [
    `# Game day on the edge twin`,
    ``,
    `Stack \`${gameday.stack}\` as planned (\`npm run plan -- --json\`): ${shape.regions.length} regions (${shape.regions.map((r) => r.region).join(", ")}) × ${shape.hostsPerRegion} hosts, each running the nginx.conf and env file of its launch template's user data; ${shape.clientAddresses} client addresses.`,
    `Timers × ${scale}, none below 1 s: the target groups' health checks, Route 53's health checks and probe timeout, the records' TTL, the drain and the snippet's retry schedule; nginx's and the service's own timeouts run as planned.`,
    `Predicted: the recovery model (models/recovery) over the same scaled planned resources, computed before the run: the worst case of the scenario's failure mode until traffic is served again. A pass: every event sent is stored or lost, no duplicate, lost within the bound (0 unless the model predicts a loss), and the measured recovery within the band.`,
    judged,
    `The ingest name resolves through a stand-in for Route 53 (8 checkers probe each balancer, interval × failure threshold, a region answered while more than 18% of them see it healthy; the record's TTL); the DNS scenarios resolve it through Unbound and the providers' NSD servers instead (gameday/dns.ts).`,
    ``,
    `| scenario | failure mode | sent | stored | lost | duplicates | predicted recovery (s) | measured recovery (s) | ratio | result |`,
    `|---|---|---|---|---|---|---|---|---|---|`,
    ...rows,
    ``,
    `Measured recovery, per scenario:`,
    ``,
    ...results.map((r) => `- ${r.scenario}: ${r.measures}.`),
    ``,
    ...scenarioFigures(results),
  ].join("\n");
}

async function main(): Promise<number> {
  let gameday: Gameday;
  try {
    gameday = await prepareGameday(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || error instanceof PlanInputError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
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
  for (const scenario of gameday.selected) {
    process.stderr.write(`gameday: ${scenario.name}…\n`);
    results.push(await playScenario(gameday, scenario));
  }
  const markdown = resultsMarkdown(results, gameday);
  writeFileSync(path.join(__dirname, "results.md"), markdown);
  writeFileSync(path.join(__dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
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
