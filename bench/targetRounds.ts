/**
 * `npm run bench -- --rounds N`: the speed targets alone, each a same-run ratio over its floor
 * (`roundTargets.ts`), N rounds of each. Per round, one after another: a plain `node` that requires
 * the SDKs the plan loads, the prod plan's process, the 30-region / 2,000-record plan; then pr-check's
 * rounds (each with its own prod plan, `prCheck.ts`); then the ingest path's (`ingestFloors.ts`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ingestRounds } from "./ingestFloors";
import { measurePrCheck, prCheckCases } from "./prCheck";
import { JudgedTarget, judgeRoundTarget, PlanRound, PrCheckRatioRound, renderRoundTargets, speedTargets } from "./roundTargets";
import { measurePlan, runCommand } from "./run";
import { benchStackConfig } from "./stacks";

/** The packages a plan's two processes load: the program's SDKs and the pack's. */
const sdkPackages = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/cloudflare", "@pulumi/policy"];

async function sdkFloorMs(projectRoot: string): Promise<number> {
  const run = await runCommand([process.execPath, "-e", sdkPackages.map((p) => `require(${JSON.stringify(p)});`).join("")], 120_000, projectRoot);
  if (run.code !== 0) throw new Error(`the SDK floor exited ${run.code}: ${run.stderr.slice(-2000)}`);
  return run.wallMs;
}

async function planRounds(projectRoot: string, rounds: number, log: (line: string) => void): Promise<PlanRound[]> {
  const dir = mkdtempSync(join(tmpdir(), "edge-bench-rounds-"));
  try {
    const configFile = join(dir, "Pulumi.bench.yaml");
    writeFileSync(configFile, stringify({ config: benchStackConfig({ regions: 30, records: 2000 }) }));
    // A first plan warms the file cache and the compile cache; it is not counted.
    await measurePlan(["--stack", "prod"]);
    const result: PlanRound[] = [];
    for (let i = 0; i < rounds; i++) {
      const sdkFloor = await sdkFloorMs(projectRoot);
      const prod = await measurePlan(["--stack", "prod"]);
      const large = await measurePlan(["--stack", "bench", "--config-file", configFile]);
      log(
        `plan round ${i + 1}: SDK floor ${sdkFloor.toFixed(0)} ms, prod plan ${prod.wallMs.toFixed(0)} ms (exit ${prod.code}), 30 regions / 2,000 records ${large.wallMs.toFixed(0)} ms (exit ${large.code}, ${large.resources ?? "?"} resources)`,
      );
      result.push({ sdkFloorMs: sdkFloor, prodPlanMs: prod.wallMs, largePlanMs: large.wallMs });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TargetRoundsResult {
  plan: PlanRound[];
  prCheck: PrCheckRatioRound[];
  ingest: Awaited<ReturnType<typeof ingestRounds>>;
  targets: JudgedTarget[];
}

export async function runTargetRounds(options: { projectRoot: string; rounds: number; ingestSeconds: number; log: (line: string) => void }): Promise<TargetRoundsResult> {
  const { log, rounds } = options;
  log(`\n== Speed targets: same-run ratios over their floors, ${rounds} rounds ==`);
  const ingest = await ingestRounds({ projectRoot: options.projectRoot, rounds, seconds: options.ingestSeconds, log });
  if ("skipped" in ingest) log(`ingest path not measured: ${ingest.skipped}`);
  const plan = await planRounds(options.projectRoot, rounds, log);
  const prCheckMetrics = await measurePrCheck(rounds);
  const prCheck = prCheckMetrics.rounds.map((round, i): PrCheckRatioRound => {
    const classes = Object.fromEntries(prCheckCases.map((c) => [c, round[c].wallMs]));
    log(`pr-check round ${i + 1}: one plan ${round.plan.wallMs.toFixed(0)} ms; ${prCheckCases.map((c) => `${c} ${(round[c].wallMs / round.plan.wallMs).toFixed(2)}x`).join(", ")}`);
    return { planMs: round.plan.wallMs, classes };
  });
  const targets = speedTargets(plan, prCheck, "skipped" in ingest ? [] : ingest).map(judgeRoundTarget);
  log("");
  for (const line of renderRoundTargets(targets)) log(line);
  return { plan, prCheck, ingest, targets };
}
