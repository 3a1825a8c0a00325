/**
 * `npm run gameday [-- --stack dev --scale S --full --runs N --record --scenario NAME… --hosts N]`: plans the stack
 * offline (`npm run plan -- --json`), scales the planned timers, predicts each scenario's recovery
 * from the scaled plan with the recovery model, then brings up the edge twin from the plan's
 * resources (one twin region per planned region, each with its autoscaling group's minimum of
 * hosts; `--hosts` overrides it as a what-if), runs each scenario on a fresh twin and prints the
 * results table (markdown, then JSON).
 * Without `--full`: the reduced set, one run each at `--scale` (default 1: real timings, where its
 * verdict holds), measured recovery judged ≤ 1.0 × predicted; printed only.
 * With `--full`: every scenario, three runs each (`--runs`), at `--scale` (default 0.2) and again at
 * real timings (scale 1), the median measured recovery judged ≤ 1.0 × predicted and, at real
 * timings, the median time every client was served again ≥ 0.5 × (`recoveryBand`).
 * With `--record` (a full run of every scenario only): also written to the tracked results,
 * gameday/results.md and results.json, and the reference page's table (docs/reference/
 * gameday-results.md); any other run only prints, so a partial run never overwrites them.
 * Exit 0 when every scenario passes, 1 when one does not or the machine cannot run the twin (no
 * root, a missing kernel feature), 2 for bad arguments or a stack the plan refuses to read.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { cloudflarePropagationSeconds, regionWithdrawalSeconds, route53ProbeTimeoutSeconds, recoveryReport, RecoveryFigure, RecoveryReport } from "../models/recovery";
import { snippetDelivery } from "../models/snippet/delivery";
import { gamedayResultsPath, withGamedayResults } from "../tools/docs/gamedayTable";
import { regenerate } from "../tools/docs/markers";
import { checkPrerequisites, TwinUnavailableError } from "./netns";
import { declaredResources, PlanInputError, plannedCdn, plannedRegions, planStack, scaledSeconds, scalePlannedTimers, scaleRetry } from "./planned";
import { GamedayOptions, runScenario, Scenario, ScenarioRun, scenarios } from "./scenarios";
import { judgeScenario, ScenarioResult } from "./judge";

export class UsageError extends Error {}

export const usage = `usage: npm run gameday -- [--stack NAME] [--scale S] [--full] [--runs N] [--record] [--scenario NAME]… [--hosts N]
  --stack NAME     the stack to plan and run a twin of (default dev)
  --scale S        timers × S, 0 < S ≤ 1 (default 1; 0.2 with --full)
  --full           every scenario, three runs each, at --scale and at real timings
  --runs N         runs per scenario at each scale, 1–3 (default 3 with --full, else 1): at
                   three runs the full set takes several hours on two cores, at one about 1.6 h
  --record         write the tracked results (gameday/results.md, results.json and the
                   docs/reference/gameday-results.md table); only with --full and no --scenario
  --scenario NAME  run only this scenario (repeatable)
  --hosts N        hosts per region instead of each group's planned minimum (a what-if)
  --help           print this and exit
Exit 0 every scenario passed, 1 one did not or the machine cannot run the twin, 2 bad arguments.
`;

function positiveNumber(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new UsageError(`--${name}: expected a number above 0 and at most ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function runsOption(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 3) throw new UsageError(`--runs: expected a whole number of runs from 1 to 3, got ${JSON.stringify(raw)}`);
  return value;
}

/** One scale a game day runs at: the twin's options and the model's prediction from the plan scaled so. */
export interface GamedayScale {
  scale: number;
  options: GamedayOptions;
  /** The recovery model over the scaled planned resources (never the twin's output). */
  prediction: RecoveryReport;
}

/** Everything a game day needs before the first twin starts: the scenarios to run, the twin's options and the prediction. */
export interface Gameday {
  stack: string;
  full: boolean;
  /** Whether the run writes the tracked results (`--record`). */
  record: boolean;
  runsPerScenario: number;
  selected: Scenario[];
  /** Each scale it runs every scenario at: the reduced set one, the full set its `--scale` and 1. */
  scales: GamedayScale[];
  /** The first scale's options and prediction. */
  options: GamedayOptions;
  prediction: RecoveryReport;
}

/**
 * The band a scenario's prediction is judged by, as multiples of it: the measured recovery (the
 * earliest the edge can have been back) never above it; and in the full set at real timings, the
 * time every client was served again (by when it was back) not below half of it either, so a model
 * that predicts far more than the edge takes shows. Not at scaled timings: there the timers shrink but
 * what they race does not (a disk fills at the clients' rate, the service waits its own timeouts),
 * so a scaled run may recover sooner than the model's worst case by more than it would for real
 * (a spool's last free space outlasts the region's scaled way out of the answers).
 */
export function recoveryBand(full: boolean, scale: number): { min: number; max: number } {
  return { min: full && scale === 1 ? 0.5 : 0, max: 1 };
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
      hosts: { type: "string" },
      scale: { type: "string" },
      full: { type: "boolean", default: false },
      record: { type: "boolean", default: false },
      runs: { type: "string" },
      scenario: { type: "string", multiple: true },
    },
    strict: true,
  });
  if (!/^[A-Za-z0-9_.-]+$/.test(values.stack)) throw new UsageError(`--stack: '${values.stack}' is not a stack name (letters, digits, '-', '_', '.')`);
  const full = values.full;
  if (values.record && (!full || values.scenario || values.hosts !== undefined)) {
    throw new UsageError("--record: the tracked results are a full run's of every scenario at the planned hosts: give --full, without --scenario or --hosts");
  }
  const scale = values.scale === undefined ? (full ? 0.2 : 1) : positiveNumber("scale", values.scale, 1);
  const runsPerScenario = values.runs === undefined ? (full ? 3 : 1) : runsOption(values.runs);
  const hostsPerRegion = values.hosts === undefined ? undefined : positiveNumber("hosts", values.hosts, 4);
  const known = scenarios.map((s) => s.name);
  for (const name of values.scenario ?? [])
    if (!known.includes(name)) throw new UsageError(`--scenario: unknown scenario ${JSON.stringify(name)}; known: ${known.map((k) => JSON.stringify(k)).join(", ")}`);
  const selected = values.scenario ? scenarios.filter((s) => values.scenario!.includes(s.name)) : scenarios.filter((s) => full || s.reduced);

  const plan = await planStack(values.stack);
  const declared = declaredResources(plan);
  const scales = [...new Set(full ? [scale, 1] : [scale])].map((at) => gamedayAtScale(values.stack, declared, at, hostsPerRegion));
  return {
    stack: values.stack,
    full,
    record: values.record,
    runsPerScenario,
    selected,
    scales,
    options: scales[0]!.options,
    prediction: scales[0]!.prediction,
  };
}

/** The twin's options and the model's prediction at one scale, both from the same scaled plan. */
function gamedayAtScale(stack: string, declared: ReturnType<typeof declaredResources>, scale: number, hostsPerRegion: number | undefined): GamedayScale {
  const scaled = scalePlannedTimers(declared, scale);
  const retry = scaleRetry(snippetDelivery.retry, scale);
  const regions = plannedRegions(scaled);
  if (regions.length === 0) throw new PlanInputError(`the plan of stack ${stack} declares no ingestion region (launch template): nothing to run a twin of`);
  const trackMs = 20_000;
  const behaviour = {
    route53ProbeTimeoutSeconds: scaledSeconds(route53ProbeTimeoutSeconds, scale),
    regionWithdrawalSeconds: scaledSeconds(regionWithdrawalSeconds, scale),
    cloudflarePropagationSeconds: scaledSeconds(cloudflarePropagationSeconds, scale),
  };
  return {
    scale,
    prediction: recoveryReport(scaled, retry, behaviour),
    options: {
      stack,
      shape: {
        stack,
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
      cdn: plannedCdn(scaled),
      // Room for the longest redelivery after the last failure.
      deadlineMs: trackMs + 2 * (retry.requestTimeoutMs + retry.capMs),
    },
  };
}

/** Runs a scenario `runsPerScenario` times at one scale (the first unless given) and judges it against that scale's prediction. */
export async function playScenario(gameday: Gameday, scenario: Scenario, options: GamedayOptions = gameday.options): Promise<ScenarioResult> {
  const atScale = gameday.scales.find((s) => s.scale === options.scale) ?? gameday.scales[0]!;
  const figure = predictedFigure(atScale.prediction, scenario);
  const runs: ScenarioRun[] = [];
  for (let i = 0; i < gameday.runsPerScenario; i++) runs.push(await runScenario(scenario, options, figure?.recoverySeconds ?? 0));
  return { ...judgeScenario(scenario, runs, figure, recoveryBand(gameday.full, options.scale)), scale: options.scale };
}

const cell = (value: number | null | undefined) => (value === null || value === undefined ? "–" : String(value));

/** What scenarios measured beyond the table: their own figures and the Chromium share (JSON: each run's `figures`, `browser`). */
function scenarioFigures(results: ScenarioResult[]): string[] {
  const lines = results.flatMap((r) =>
    r.runs.flatMap((run, i) => {
      const parts = [
        ...Object.entries(run.figures ?? {}).map(([key, value]) => `${key} ${value}`),
        ...(run.details ?? []),
        ...(run.browser
          ? [
              `Chromium sent ${run.browser.sent}, stored ${run.browser.stored}, lost ${run.browser.lost}, stored twice ${run.browser.duplicates}, duplicate deliveries ${run.browser.duplicateDeliveries} (${run.browser.requests} requests, ${run.browser.retries} retries, ${run.browser.failedLibraryLoads.length} failed library loads)`,
            ]
          : []),
      ];
      return parts.length > 0 ? [`- ${r.scenario} at scale ${r.scale}${r.runs.length > 1 ? ` (run ${i + 1})` : ""}: ${parts.join(", ")}`] : [];
    }),
  );
  return lines.length > 0 ? [`Measured by the scenarios (a share of the load from headless Chromium running the real loader and library, counted in the table too):`, ``, ...lines, ``] : [];
}

export function resultsMarkdown(results: ScenarioResult[], gameday: Gameday): string {
  const { shape } = gameday.options;
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${r.scale ?? gameday.options.scale} | ${r.mode ?? "– (not judged)"} | ${r.sent} | ${r.stored} | ${r.lost} | ${r.acknowledgedLost} | ${r.duplicateDeliveries} | ${cell(r.predictedSeconds)} | ${r.measuredSeconds} | ${cell(r.ratio)} | ${r.passed ? "pass" : `FAIL: ${r.problems.join("; ")}`} |`,
  );
  const scales = gameday.scales.map((s) => s.scale);
  const runs = gameday.runsPerScenario === 1 ? "one run per scenario" : `${gameday.runsPerScenario} runs per scenario, counts summed,`;
  const measured = gameday.runsPerScenario === 1 ? "the measured recovery" : "the median measured recovery";
  const judged = gameday.full
    ? `Full set: ${runs} at each scale (${scales.join(" and ")}; 1 is real timings), ${measured} judged ≤ 1.0 × the prediction at that scale, and at real timings the time every client that failed was served again (its first acknowledged attempt after its last failed one; a client backing off may send its last failed attempt long before) ≥ 0.5 × it; not at scaled ones (there the timers shrink but what they race does not, such as a disk filling at the clients' rate, so a run may recover sooner than the model's worst case by more than it would for real).`
    : `Reduced set: ${runs} at scale ${scales.join(", ")}, ${measured} judged ≤ 1.0 × predicted only (\`--full\` runs every scenario three times, at \`--scale\` and at real timings, and at real timings also judges the time every client was served again ≥ 0.5 × predicted).`;
  const hosts =
    shape.hostsPerRegion === undefined
      ? `${shape.regions.map((r) => `${r.region}: ${r.minHosts}`).join(", ")} hosts (each autoscaling group's minSize)`
      : `${shape.hostsPerRegion} hosts each (--hosts, not the plan's minimum)`;
  return [
    `# Game day on the edge twin`,
    ``,
    `Stack \`${gameday.stack}\` as planned (\`npm run plan -- --json\`): ${shape.regions.length} regions (${shape.regions.map((r) => r.region).join(", ")}) with ${hosts}, each host running the nginx.conf and env file of its launch template's user data, its spools and nginx's access log on one small disk of its own; ${shape.clientAddresses} client addresses.`,
    `Timers × the scale, none below 1 s: the target groups' health checks, Route 53's health checks and probe timeout, the records' TTL, the drain, CloudFront's origin connection timeout and the snippet's retry schedule; nginx's, the service's and the loader's own timeouts run as planned.`,
    `Predicted: the recovery model (models/recovery) over the same scaled planned resources, computed before the run: the worst case of the scenario's failure mode until traffic is served again. Measured: from the failure to the start of the last client attempt that failed, or to the end of the longest wait beyond the usual latency, whichever is later.`,
    `A pass: every id a client saw acknowledged is stored (acknowledged lost, checked id by id, is 0), every other id is stored or still held by its client (lost: held when the run ended), lost within the bound (0 unless the model predicts a loss), and the measured recovery within the band. Duplicate deliveries are inserts of an id the datastore already held (an audit trigger counts every insert; the primary key stores each once): retries and replays, shown, not failed.`,
    judged,
    `The ingest name resolves through a stand-in for Route 53 (8 checkers probe each balancer, interval × failure threshold, a region answered while more than 18% of them see it healthy; the record's TTL); the DNS scenarios resolve it through Unbound and the providers' NSD servers instead (gameday/dns.ts). The browser share loads the snippet through a CloudFront stand-in with the planned origin group (gameday/cdn.ts).`,
    ``,
    `| scenario | scale | failure mode | sent | stored | lost (held) | acknowledged lost (per id) | duplicate deliveries | predicted recovery (s) | measured recovery (s) | ratio | result |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|`,
    ...rows,
    ``,
    `Measured recovery, per scenario:`,
    ``,
    ...[...new Map(results.map((r) => [r.scenario, r.measures])).entries()].map(([name, measures]) => `- ${name}: ${measures}.`),
    ``,
    ...scenarioFigures(results),
  ].join("\n");
}

async function main(): Promise<number> {
  if (process.argv.slice(2).some((arg) => arg === "--help" || arg === "-h")) {
    process.stdout.write(usage);
    return 0;
  }
  let gameday: Gameday;
  try {
    gameday = await prepareGameday(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || error instanceof PlanInputError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`gameday: ${(error as Error).message}\n${usage}`);
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
    for (const { scale, options } of gameday.scales) {
      process.stderr.write(`gameday: ${scenario.name} at scale ${scale}…\n`);
      results.push(await playScenario(gameday, scenario, options));
    }
  }
  const markdown = resultsMarkdown(results, gameday);
  // The tracked results change only when asked: any other run only prints.
  if (gameday.record) {
    writeFileSync(path.join(__dirname, "results.md"), markdown);
    writeFileSync(path.join(__dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    regenerate(gamedayResultsPath, withGamedayResults);
  }
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
