/**
 * The plans pr-check runs: one stack planned into a directory (the plan worker or a process),
 * judged again with another policy config, cached by input digest, a few at a time.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planProcessArgs } from "../plan/runtime/command";
import type { PlanJson } from "../plan/planJson";
import { PolicyPackLender } from "../plan/runtime/packLease";
import { PlanWorker } from "../plan/runtime/planWorkerProcess";
import { TreeFile } from "./planInputs";
import { StackPlan } from "./report";
import { stackNames } from "./repo";

/**
 * Plans by the digest of what they are made from (`planInputs.ts`): the same inputs plan the same.
 * Only finished plans (exit 0 or 1) are kept; a broken plan (exit 2) may be the machine's fault
 * and is made again.
 */
export class PlanCache {
  constructor(private readonly dir: string) {}

  private path(digest: string): string {
    return join(this.dir, `${digest}.json`);
  }

  get(digest: string): StackPlan | undefined {
    try {
      const plan = JSON.parse(readFileSync(this.path(digest), "utf8")) as StackPlan;
      return plan.json && (plan.code === 0 || plan.code === 1) ? plan : undefined;
    } catch {
      return undefined;
    }
  }

  put(digest: string, plan: StackPlan): void {
    if (!plan.json || (plan.code !== 0 && plan.code !== 1)) return;
    mkdirSync(this.dir, { recursive: true });
    const path = this.path(digest);
    writeFileSync(`${path}.tmp`, JSON.stringify(plan));
    renameSync(`${path}.tmp`, path);
  }
}

/** Stack names from `stacks/Pulumi.<name>.yaml`. */
export function stacksIn(root: string): string[] {
  const dir = join(root, "stacks");
  return existsSync(dir) ? stackNames(readdirSync(dir)) : [];
}

/** A plan's outcome: its JSON when it finished (exit 0 or 1), broken (2) when it wrote none. */
function planOutcome(code: number | null, jsonPath: string, stderr: string): StackPlan {
  let json: PlanJson | undefined;
  if (code === 0 || code === 1) {
    try {
      json = JSON.parse(readFileSync(jsonPath, "utf8"));
    } catch {
      json = undefined;
    }
  }
  return { code: json ? (code ?? 2) : 2, json, stderr };
}

/**
 * Runs the plan of one stack in `root`: in the plan `worker` when given, else (or when the worker
 * ended before the plan did) as a process of its own, judged by a pack `lender` lends it (or its
 * own pack without one); a plan's exit 1 still yields its JSON.
 */
export function planStack(root: string, stack: string, outDir: string, lender?: PolicyPackLender, worker?: PlanWorker, compare?: PlanComparison): Promise<StackPlan> {
  const jsonPath = join(outDir, `${stack}.json`);
  const argv = [
    "--stack",
    stack,
    "--json",
    jsonPath,
    ...(compare ? ["--compare-policy-config", compare.policyConfig] : []),
    ...(compare?.json ? ["--compare-json", compare.json] : []),
    ...(compare?.pack ? ["--compare-pack", compare.pack] : []),
  ];
  if (worker) {
    return worker.plan(root, argv).then(({ code, stderr, lost }) => (lost ? planStack(root, stack, outDir, lender, undefined, compare) : planOutcome(code, jsonPath, stderr)));
  }
  return new Promise((resolvePlan) => {
    const child = spawn(process.execPath, [...planProcessArgs(root), ...argv], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe", ...(lender ? ["ipc" as const] : [])],
      env: lender ? PolicyPackLender.childEnv() : process.env,
    });
    lender?.serve(child);
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    child.on("error", (err) => resolvePlan({ code: 2, stderr: err.message }));
    child.on("close", (code) => resolvePlan(planOutcome(code, jsonPath, stderr)));
  });
}

/** A plan judged a second time with another policy config; `json`: where to write it judged so, as a plan of its own. */
export interface PlanComparison {
  policyConfig: string;
  json?: string;
  /** The pack folder to judge it by, when not the plan's own. */
  pack?: string;
}

/** The plan a comparison wrote: the other config's verdict on the same resources (exit 1 with a mandatory finding). */
export function comparedOutcome(head: StackPlan, jsonPath: string): StackPlan | undefined {
  if (!head.json) return undefined;
  const plan = planOutcome(head.code, jsonPath, "");
  if (!plan.json) return undefined;
  return { ...plan, code: plan.json.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0 };
}

export const blobOf = (files: TreeFile[], path: string) => files.find((f) => f.path === path)?.blob;

/** Runs `tasks` at most `limit` at a time (the machine has two cores; each plan uses about one). */
export async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export function emptyPlan(stack: string): PlanJson {
  return { stack, resources: [], violations: [] };
}
