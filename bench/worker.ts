/**
 * One measurement in its own process (a fresh Pulumi runtime and heap, as a plan's process has),
 * started by `bench/main.ts`:
 *
 *   evaluate --config-file F --resources-out R --out M   the program under the plan's mock runtime
 *   floor    --resources-in R --out M                     the same resources, registered flat (floorProgram.ts)
 *   policy   --resources-in R --out M [--policy-config P] the policy pack over the Analyzer protocol
 *
 * Each writes its metrics as JSON to M. Wall times cover only the measured step, not the
 * process's start or its imports of the plan tool.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { parseStackConfig } from "../stacks/schema";
import { PolicyPackConfig, runPolicyPack, startPolicyPack } from "../tools/plan/analyzer";
import { EvaluateOptions, evaluateProgram, PlannedResource } from "../tools/plan/evaluate";
import { projectName, projectRoot } from "../tools/plan/plan";
import { readStackFile } from "../tools/plan/stackFile";
import { handFloorResources } from "./floorHandoff";
import { TreeMemoryProbe } from "./procTree";

export const benchStack = "bench";

export interface EvaluateMetrics {
  wallMs: number;
  /** CPU time (user + system) of this process during the step: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Peak RSS of this process (tsx, the plan tool, the program), MiB. */
  peakMiB: number;
  /** RSS before the step began (runtime and plan tool loaded), MiB. */
  startMiB: number;
  /** Resources the program registered, the stack root excluded. */
  registered: number;
  /** Of those, provider resources (what `pulumi up` would create). */
  custom: number;
}

export interface PolicyMetrics {
  /** From spawning the pack's process to its gRPC port on stdout. */
  startMs: number;
  /** GetAnalyzerInfo, Configure, Analyze of every resource, AnalyzeStack. */
  analyzeMs: number;
  wallMs: number;
  /** Peak RSS of the pack's process, MiB. */
  packPeakMiB: number;
  /** Peak RSS of this process (the analyzer client), MiB. */
  clientPeakMiB: number;
  violations: number;
  mandatory: number;
}

const peakMiB = () => process.resourceUsage().maxRSS / 1024;
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function withoutRoot(resources: PlannedResource[]): PlannedResource[] {
  return resources.filter((r) => r.parent !== "");
}

/** Evaluates a program under the plan's mock runtime, timed: the registered resources and the metrics. */
async function timedEvaluation(options: EvaluateOptions): Promise<{ resources: PlannedResource[]; metrics: EvaluateMetrics }> {
  const startMiB = rssMiB();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const evaluated = await evaluateProgram(options);
  const wallMs = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  const registered = withoutRoot(evaluated.resources);
  return {
    resources: evaluated.resources,
    metrics: { wallMs, cpuMs, peakMiB: peakMiB(), startMiB, registered: registered.length, custom: registered.filter((r) => r.custom).length },
  };
}

async function evaluate(configFile: string, resourcesOut: string): Promise<EvaluateMetrics> {
  const stackFile = readStackFile(configFile);
  const config = parseStackConfig(stackFile.edge);
  const { resources, metrics } = await timedEvaluation({
    program: join(projectRoot, "index.ts"),
    project: projectName,
    stack: benchStack,
    config: stackFile.config,
    secretKeys: stackFile.secretKeys,
    defaultRegion: stackFile.config["aws:region"] ?? config.regions[0],
  });
  writeFileSync(resourcesOut, JSON.stringify(resources));
  return metrics;
}

async function floor(resourcesIn: string): Promise<EvaluateMetrics> {
  const resources = withoutRoot(JSON.parse(readFileSync(resourcesIn, "utf8")) as PlannedResource[]);
  handFloorResources(resources);
  const { metrics } = await timedEvaluation({
    program: join(__dirname, "floorProgram.ts"),
    project: projectName,
    stack: benchStack,
    config: {},
    secretKeys: [],
    defaultRegion: "us-east-1",
  });
  if (metrics.registered !== resources.length) {
    throw new Error(`the floor registered ${metrics.registered} resources, the program ${resources.length}`);
  }
  return metrics;
}

async function policy(resourcesIn: string, policyConfigFile?: string): Promise<PolicyMetrics> {
  const resources = JSON.parse(readFileSync(resourcesIn, "utf8")) as PlannedResource[];
  const config = policyConfigFile ? (JSON.parse(readFileSync(policyConfigFile, "utf8")) as PolicyPackConfig) : undefined;
  const packDir = join(projectRoot, "policies");
  // The pack is this process's only child: its tree is the pack's process.
  const probe = new TreeMemoryProbe(process.pid, 50, true);
  let memory;
  let run;
  const t0 = performance.now();
  let t1 = t0;
  try {
    const pack = await startPolicyPack(packDir);
    t1 = performance.now();
    run = await runPolicyPack({ packDir, stack: benchStack, project: projectName, resources, config }, Promise.resolve(pack));
  } finally {
    memory = probe.stop();
  }
  const t2 = performance.now();
  return {
    startMs: t1 - t0,
    analyzeMs: t2 - t1,
    wallMs: t2 - t0,
    packPeakMiB: memory.largestMiB,
    clientPeakMiB: peakMiB(),
    violations: run.violations.length,
    mandatory: run.violations.filter((v) => v.enforcementLevel === "mandatory").length,
  };
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "config-file": { type: "string" },
      "resources-out": { type: "string" },
      "resources-in": { type: "string" },
      "policy-config": { type: "string" },
      out: { type: "string" },
    },
  });
  const need = (key: keyof typeof values): string => {
    const value = values[key];
    if (typeof value !== "string") throw new Error(`--${key} is required for ${positionals[0]}`);
    return value;
  };
  let metrics: EvaluateMetrics | PolicyMetrics;
  switch (positionals[0]) {
    case "evaluate":
      metrics = await evaluate(need("config-file"), need("resources-out"));
      break;
    case "floor":
      metrics = await floor(need("resources-in"));
      break;
    case "policy":
      metrics = await policy(need("resources-in"), values["policy-config"]);
      break;
    default:
      throw new Error(`unknown mode '${positionals[0]}': evaluate, floor or policy`);
  }
  writeFileSync(need("out"), JSON.stringify(metrics));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
