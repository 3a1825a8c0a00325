/**
 * npm run bench -- [--quick] [--regions 2,30] [--records 10,2000] [--out bench/results.json] [--no-fidelity]
 * npm run bench -- --rounds 5   (the speed targets alone, as same-run ratios: bench/targetRounds.ts)
 *
 * How the offline plan and the policy pack scale, and how close the models are to the real servers
 * against the targets in `bench/analysis.ts`. Generates stack configs (regions × `edge:dns.records`) into a temp dir and measures,
 * for each, in separate processes one after another: (a) the program under the mock runtime,
 * the floor (the same resources registered flat by a bare program), (b) the policy pack over the
 * Analyzer protocol, (c) the whole `npm run plan` process. Then the shipped prod stack's plan, and
 * pr-check against one plan, and the model-fidelity checks (`--pr-check-only`: pr-check alone,
 * printed, nothing written). Prints tables and writes the results as JSON. Exit 0 when it ran,
 * whether or not targets were met (the table says which), 2 on a usage error.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { judgeTargets, MatrixRow, renderFits, renderMarkdown, renderMatrix, renderTargets } from "./analysis";
import { ingestPathBench } from "./ingest";
import { IngestBenchRecord, ingestResultsFile } from "./ingestResults";
import { fidelityChecks, fidelityMarkdown, FidelityResult, renderFidelity } from "./fidelity/index";
import { measurePrCheck, prCheckCases, PrCheckMetrics, PrCheckRun } from "./prCheck";
import { roundTargetsMarkdown } from "./roundTargets";
import { runTargetRounds } from "./targetRounds";
import { measureEvaluate, measureFloor, measurePlan, measurePolicy, PlanMetrics } from "./run";
import { BenchSize, benchStackConfig, cross, fullMatrix, quickMatrix, sizeLabel } from "./stacks";

const usage =
  "usage: npm run bench -- --rounds N [--ingest-seconds S] | [--quick] [--regions 2,3,10,30] [--records 10,100,1000,2000] [--out FILE] [--no-fidelity] [--repeat N] [--no-ingest | --ingest-only] [--pr-check-only] [--ingest-seconds S] [--spool-mib M]";

function numbers(text: string, flag: string): number[] {
  const list = text.split(",").map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`${flag}: expected a comma-separated list of whole numbers, got '${text}'`);
  return list;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function log(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** The size the issue's time and memory targets name: its whole plan is the median of `repeat` runs. */
const targetSize = (size: BenchSize) => size.regions === 30 && size.records === 2000;

async function medianPlan(planArgs: string[], repeat: number, viaNpm = false): Promise<{ median: PlanMetrics; runs: PlanMetrics[] }> {
  const runs: PlanMetrics[] = [];
  for (let i = 0; i < Math.max(1, repeat); i++) runs.push(await measurePlan(planArgs, viaNpm));
  const wall = median(runs.map((r) => r.wallMs));
  return { median: { ...(runs.find((r) => r.wallMs === wall) ?? runs[0]), wallMs: wall }, runs };
}

async function measureSize(size: BenchSize, dir: string, repeat: number): Promise<MatrixRow> {
  const label = sizeLabel(size);
  const configFile = join(dir, `Pulumi.${label}.yaml`);
  writeFileSync(configFile, stringify({ config: benchStackConfig(size) }));
  const resourcesFile = join(dir, `${label}.resources.json`);
  const evaluate = await measureEvaluate(configFile, resourcesFile, join(dir, `${label}.evaluate.json`));
  const floor = await measureFloor(resourcesFile, join(dir, `${label}.floor.json`));
  const policy = await measurePolicy(resourcesFile, join(dir, `${label}.policy.json`));
  const { median: plan, runs } = await medianPlan(["--stack", "bench", "--config-file", configFile], targetSize(size) ? repeat : 1);
  if (runs.length > 1) log(`${label}: whole plan ${plan.wallMs.toFixed(0)} ms, median of ${runs.map((r) => r.wallMs.toFixed(0)).join(", ")}`);
  rmSync(resourcesFile, { force: true });
  return { ...size, resources: evaluate.custom, evaluate, floor, policy, plan };
}

const prCheckLabels: Record<(typeof prCheckCases)[number], string> = {
  cold: "cold (nothing cached)",
  cachedBase: "base cached (a second pull request on the same base)",
  codeChangedCachedBase: "a component changed, base cached (every stack's head planned)",
  policyConfigCold: "a policy config bound raised, cold",
  policyCodeCold: "a policy's code changed, cold (the base judged by its own pack)",
  docsOnlyCold: "documentation only, cold",
};

/**
 * pr-check against one prod plan measured in the same round (target: at most 2×), `repeat`
 * rounds; each round's ratio of wall and of CPU time, and their medians.
 */
async function benchPrCheck(repeat: number): Promise<PrCheckMetrics> {
  log(`\n== pr-check of the shipped stacks at base and head against one prod plan in the same round (target: at most 2×; ${repeat} rounds) ==`);
  const metrics = await measurePrCheck(repeat);
  const cpu = (r: PrCheckRun) => (r.cpuMs === undefined ? "" : `, ${(r.cpuMs / 1000).toFixed(2)} CPU-s`);
  metrics.rounds.forEach((round, i) => {
    log(`round ${i + 1}: one prod plan ${round.plan.wallMs.toFixed(0)} ms${cpu(round.plan)}`);
    for (const key of prCheckCases) {
      const r = round[key];
      const cpuRatio = r.cpuMs !== undefined && round.plan.cpuMs ? `, CPU ${(r.cpuMs / round.plan.cpuMs).toFixed(2)}×` : "";
      log(`  ${prCheckLabels[key]}: ${r.wallMs.toFixed(0)} ms${cpu(r)} = ${(r.wallMs / round.plan.wallMs).toFixed(2)}× wall${cpuRatio} (${r.planned ?? "?"})`);
    }
  });
  for (const key of prCheckCases) {
    const wall = median(metrics.rounds.map((round) => round[key].wallMs / round.plan.wallMs));
    const cpuRatios = metrics.rounds.filter((round) => round[key].cpuMs !== undefined && round.plan.cpuMs).map((round) => round[key].cpuMs! / round.plan.cpuMs!);
    const cpuText = cpuRatios.length > 0 ? `, CPU ${median(cpuRatios).toFixed(2)}×` : "";
    // On a shared machine wall time is other work's as much as this; CPU time is the round's own.
    const judged = cpuRatios.length > 0 ? { ratio: median(cpuRatios), by: "CPU" } : { ratio: wall, by: "wall" };
    log(`median, ${prCheckLabels[key]}: ${wall.toFixed(2)}× wall${cpuText} one prod plan (${judged.ratio <= 2 ? "met" : "not met"}, by ${judged.by})`);
  }
  return metrics;
}

/** `--rounds N`: the speed targets alone, written to bench/targets.json and bench/targets.md. */
async function benchRounds(roundsText: string, ingestSeconds: number, started: Date, machine: Record<string, unknown>): Promise<number> {
  let rounds: number;
  try {
    [rounds] = numbers(roundsText, "--rounds");
    if (!rounds) throw new Error(`--rounds: expected at least 1 round, got ${roundsText}`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const result = await runTargetRounds({ projectRoot: resolve(__dirname, ".."), rounds: rounds!, ingestSeconds, log });
  const out = resolve(__dirname, "targets.json");
  writeFileSync(out, `${JSON.stringify({ startedAt: started.toISOString(), machine: { ...machine, loadAverageAtEnd: loadavg() }, ...result }, null, 2)}\n`);
  writeFileSync(out.replace(/json$/, "md"), `${roundTargetsMarkdown(result.targets).join("\n")}\n`);
  log(`\ntargets written to ${out} and bench/targets.md`);
  return 0;
}

type Machine = { cpus: number; cpuModel: string; node: string; loadAverageAtStart: number[] };

/** The command line: the run's options, or the exit code of `--help` (0) or of a usage error (2). */
function parseOptions(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean", default: false },
        regions: { type: "string" },
        records: { type: "string" },
        out: { type: "string", default: "bench/results.json" },
        "no-fidelity": { type: "boolean", default: false },
        repeat: { type: "string", default: "3" },
        "no-ingest": { type: "boolean", default: false },
        "ingest-only": { type: "boolean", default: false },
        "pr-check-only": { type: "boolean", default: false },
        "ingest-seconds": { type: "string", default: "10" },
        "spool-mib": { type: "string", default: "64" },
        rounds: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    log(usage);
    return 0;
  }
  let matrix = values.quick ? quickMatrix : fullMatrix;
  try {
    const [ingestSeconds] = numbers(values["ingest-seconds"]!, "--ingest-seconds");
    const [spoolMiB] = numbers(values["spool-mib"]!, "--spool-mib");
    if (values.regions || values.records) {
      matrix = cross(
        values.regions ? numbers(values.regions, "--regions") : [...new Set(matrix.map((s) => s.regions))],
        values.records ? numbers(values.records, "--records") : [...new Set(matrix.map((s) => s.records))],
      );
    }
    const [repeat] = numbers(values.repeat, "--repeat");
    for (const size of matrix) benchStackConfig(size); // refuses a size out of range before anything runs
    return { values, matrix, repeat, ingestSeconds: ingestSeconds!, spoolMiB: spoolMiB! };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
}

/** The ingest path on loopback; its results, when measured, written to bench/ingestResults.json. */
async function benchIngest(seconds: number, spoolMiB: number, machine: Machine): Promise<void> {
  log("\n== Ingest path: nginx + service + PostgreSQL on loopback ==");
  const results = await ingestPathBench({ projectRoot: resolve(__dirname, ".."), seconds, spoolMiB, log });
  if ("skipped" in results) {
    log(`not measured: ${results.skipped}`);
    return;
  }
  for (const t of results.targets) log(`${t.met ? "met " : "MISS"} ${t.name}: ${t.measured} (target ${t.target})`);
  const record: IngestBenchRecord = {
    date: new Date().toISOString(),
    commit: execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim(),
    machine: { ...machine, loadAverageAtEnd: loadavg() },
    note: `load average ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(" ")} at start on ${machine.cpus} CPUs: rates and latencies are from a shared machine; per-CPU-second figures are not`,
    results,
  };
  writeFileSync(ingestResultsFile, `${JSON.stringify(record, null, 2)}\n`);
  log(`ingest results written to ${ingestResultsFile}`);
}

/** The shipped stacks' whole `npm run plan`, the median of `repeat` runs each. */
async function benchShipped(repeat: number): Promise<Record<string, PlanMetrics>> {
  log(`\n== Shipped stacks: npm run plan, npm's start included (median of ${repeat}) ==`);
  const shipped: Record<string, PlanMetrics> = {};
  for (const stack of ["dev", "prod"]) {
    const { median: plan, runs } = await medianPlan(["--stack", stack], repeat, true);
    shipped[stack] = plan;
    const wall = plan.wallMs;
    const cpu = shipped[stack].cpuMs;
    log(
      `${stack}: ${wall.toFixed(0)} ms (runs ${runs.map((r) => r.wallMs.toFixed(0)).join(", ")})${cpu === undefined ? "" : `, ${cpu.toFixed(0)} ms CPU`}, peak ${shipped[stack].peakMiB.toFixed(0)} MiB, exit ${shipped[stack].code}, ${shipped[stack].resources} resources`,
    );
  }
  return shipped;
}

/** Every size of the matrix, generated into a temp dir that is removed afterwards; the table and the fits printed. */
async function benchMatrix(matrix: BenchSize[], repeat: number): Promise<MatrixRow[]> {
  log(`\n== Plan scaling: ${matrix.length} sizes ==`);
  const dir = mkdtempSync(join(tmpdir(), "edge-bench-"));
  const rows: MatrixRow[] = [];
  try {
    for (const size of matrix) {
      const row = await measureSize(size, dir, repeat);
      rows.push(row);
      log(renderMatrix([row]).at(-1));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log("");
  for (const line of renderMatrix(rows)) log(line);
  log("\n== Fixed and per-resource cost (least squares over the sizes) ==");
  for (const line of renderFits(rows)) log(line);
  return rows;
}

/** The run's results as JSON at `outOption` and as Markdown beside it. */
function writeResults(
  outOption: string,
  started: Date,
  machine: Machine,
  parts: { shipped: Record<string, PlanMetrics>; prCheck: PrCheckMetrics; rows: MatrixRow[]; targets: ReturnType<typeof judgeTargets>; fidelity: FidelityResult[] },
): void {
  const { shipped, prCheck, rows, targets, fidelity } = parts;
  const out = resolve(outOption);
  mkdirSync(dirname(out), { recursive: true });
  const finished = new Date();
  writeFileSync(
    out,
    JSON.stringify(
      {
        startedAt: started.toISOString(),
        durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
        machine: { ...machine, loadAverageAtEnd: loadavg() },
        units: { time: "ms", memory: "MiB (peak RSS; a process tree's is the sum of its processes' peaks)", perResource: "µs" },
        shipped,
        prCheck,
        matrix: rows,
        targets,
        fidelity,
      },
      null,
      2,
    ) + "\n",
  );
  const markdown = out.replace(/\.json$/, "") + ".md";
  writeFileSync(markdown, [...renderMarkdown(rows, targets), "", ...fidelityMarkdown(fidelity)].join("\n") + "\n");
  log(`\nresults written to ${out} and ${markdown} (${Math.round((finished.getTime() - started.getTime()) / 1000)} s)`);
}

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (typeof options === "number") return options;
  const { values, matrix, repeat, ingestSeconds, spoolMiB } = options;

  const started = new Date();
  const machine: Machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "", node: process.version, loadAverageAtStart: loadavg() };
  log(`edge benchmark, ${started.toISOString()}: ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, load ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(" ")}`);

  if (values.rounds !== undefined) return benchRounds(values.rounds, ingestSeconds, started, machine);

  if (values["pr-check-only"]) {
    await benchPrCheck(repeat);
    return 0;
  }

  if (!values["no-ingest"]) await benchIngest(ingestSeconds, spoolMiB, machine);
  if (values["ingest-only"]) return 0;

  // A first plan warms the file cache and tsx's transform cache; it is not counted.
  await measurePlan(["--stack", "dev"]);

  const shipped = await benchShipped(repeat);
  const prCheck = await benchPrCheck(repeat);
  const rows = await benchMatrix(matrix, repeat);

  let fidelity: FidelityResult[] = [];
  if (!values["no-fidelity"]) {
    log("\n== Model fidelity ==");
    fidelity = await fidelityChecks();
    for (const line of renderFidelity(fidelity)) log(line);
  }

  const targets = judgeTargets(rows, shipped.prod);
  log("\n== Targets ==");
  for (const line of renderTargets(targets)) log(line);

  writeResults(values.out, started, machine, { shipped, prCheck, rows, targets, fidelity });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`the benchmark failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
