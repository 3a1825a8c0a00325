/**
 * Runs the measured processes: the worker's steps (`bench/worker.ts`) and the whole `npm run plan`
 * command, each in its own process, one at a time (the machine has 2 cores; parallel runs would
 * measure each other).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { planNodeFlags, planProcessArgs } from "../tools/plan/runtime/command";
import { projectRoot } from "../tools/plan/plan";
import { TreeMemoryProbe } from "./procTree";
import type { EvaluateMetrics, PolicyMetrics } from "./worker";

export interface Exited {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /**
   * CPU time (user + system) of the process and every descendant it waited for, from GNU time
   * (`/usr/bin/time`, Debian package `time`); undefined without it. Steadier than wall time when
   * other work shares the machine.
   */
  cpuMs?: number;
  /** Sum of the per-process peak RSS over the process tree, MiB. */
  treePeakMiB: number;
  largestMiB: number;
}

export const gnuTime = "/usr/bin/time";

/**
 * `node <the plan's heap flags> --import tsx <script> ...args` in the project, its tree's memory
 * polled from /proc. Every step runs under the heap the plan runs under, so the steps and the
 * floor compare with each other and with the whole plan.
 */
export function runNode(script: string, args: string[], timeoutMs = 600_000): Promise<Exited> {
  return runCommand([process.execPath, ...planNodeFlags, "--import", "tsx", join(projectRoot, script), ...args], timeoutMs);
}

/** Any command in the project (or `cwd`), timed by GNU time when present, its tree's memory polled from /proc. */
export function runCommand(node: string[], timeoutMs = 600_000, cwd = projectRoot): Promise<Exited> {
  const timeDir = existsSync(gnuTime) ? mkdtempSync(join(tmpdir(), "edge-bench-time-")) : undefined;
  const timeFile = timeDir && join(timeDir, "time.txt");
  const [command, ...commandArgs] = timeFile ? [gnuTime, "-f", "%U %S", "-o", timeFile, ...node] : node;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, commandArgs, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const probe = new TreeMemoryProbe(child.pid!);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const done = () => {
      clearTimeout(timer);
      if (timeDir) rmSync(timeDir, { recursive: true, force: true });
      return probe.stop();
    };
    child.once("error", (err) => {
      done();
      reject(err);
    });
    child.once("exit", (code, signal) => {
      const wallMs = performance.now() - t0;
      const cpu = timeFile && existsSync(timeFile) ? /^([\d.]+) ([\d.]+)\s*$/m.exec(readFileSync(timeFile, "utf8")) : null;
      const memory = done();
      resolve({
        code: code ?? (signal ? -1 : 0),
        stdout,
        stderr,
        wallMs,
        cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined,
        treePeakMiB: memory.peakMiB,
        largestMiB: memory.largestMiB,
      });
    });
  });
}

async function worker<T>(mode: string, args: string[], outFile: string): Promise<T> {
  const run = await runNode("bench/worker.ts", [mode, ...args, "--out", outFile]);
  if (run.code !== 0) throw new Error(`bench worker '${mode}' exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  return JSON.parse(readFileSync(outFile, "utf8")) as T;
}

export function measureEvaluate(configFile: string, resourcesFile: string, outFile: string): Promise<EvaluateMetrics> {
  return worker("evaluate", ["--config-file", configFile, "--resources-out", resourcesFile], outFile);
}

export function measureFloor(resourcesFile: string, outFile: string): Promise<EvaluateMetrics> {
  return worker("floor", ["--resources-in", resourcesFile], outFile);
}

export function measurePolicy(resourcesFile: string, outFile: string, policyConfig?: string): Promise<PolicyMetrics> {
  return worker("policy", ["--resources-in", resourcesFile, ...(policyConfig ? ["--policy-config", policyConfig] : [])], outFile);
}

export interface PlanMetrics {
  code: number;
  wallMs: number;
  /** CPU of the plan and the pack's process together (GNU time), when available. */
  cpuMs?: number;
  peakMiB: number;
  largestMiB: number;
  /** From the plan's last line: `N resources to create; M mandatory and K advisory policy violations`. */
  resources?: number;
  mandatory?: number;
  advisory?: number;
}

/**
 * The whole plan: the process `npm run plan` starts (`tools/plan/runtime/command.ts`: the program, then the
 * pack's process), or with `viaNpm` the `npm run plan` command itself, npm's own start included.
 */
export async function measurePlan(planArgs: string[], viaNpm = false): Promise<PlanMetrics> {
  const run = viaNpm ? await runCommand(["npm", "run", "--silent", "plan", "--", ...planArgs]) : await runCommand([process.execPath, ...planProcessArgs(projectRoot), ...planArgs]);
  if (run.code !== 0 && run.code !== 1) {
    throw new Error(`npm run plan -- ${planArgs.join(" ")} exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  }
  const summary = /(\d+) resources to create; (\d+) mandatory and (\d+) advisory/.exec(run.stdout);
  return {
    code: run.code,
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    peakMiB: run.treePeakMiB,
    largestMiB: run.largestMiB,
    resources: summary ? Number(summary[1]) : undefined,
    mandatory: summary ? Number(summary[2]) : undefined,
    advisory: summary ? Number(summary[3]) : undefined,
  };
}
