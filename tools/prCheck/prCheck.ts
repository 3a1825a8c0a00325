/**
 * The pull-request check: plans every stack in `stacks/` at a base git ref (in a temporary
 * worktree) and in the working tree, and writes one markdown report ready to post as a PR comment.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffPlans } from "../diff/planDiff";
import { summaryLine } from "../diff/render";
import { planProcessArgs } from "../plan/command";
import type { PlanJson } from "../plan/planJson";
import { PolicyChange, renderReport, ReportOptions, StackPlan, StackReport } from "./report";

export interface PrCheckResult {
  baseRef: string;
  baseCommit: string;
  headCommit: string;
  /** How the base tree got its node_modules. */
  install: "symlink" | "npm ci";
  stacks: StackReport[];
  /** The report as a PR comment: under `maxChars`, shortened when needed. */
  markdown: string;
  /** The report unshortened. */
  full: string;
}

function git(cwd: string, args: string[]): string {
  const run = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

/** What differs under `policies/` between `baseCommit` and the working tree (committed or not). */
export function policyChange(root: string, baseCommit: string): PolicyChange {
  const files = git(root, ["diff", "--name-only", baseCommit, "--", "policies"]).split("\n").filter(Boolean);
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard", "--", "policies"]).split("\n").filter(Boolean);
  const tree = (commit: string) => spawnSync("git", ["rev-parse", `${commit}:policies`], { cwd: root, encoding: "utf8" }).stdout.trim() || "(none)";
  return {
    files: [...new Set([...files, ...untracked])].sort(),
    baseTree: tree(baseCommit),
    headTree: tree("HEAD"),
    uncommitted: git(root, ["diff", "--name-only", "HEAD", "--", "policies"]).length > 0 || untracked.length > 0,
  };
}

/** Stack names from `stacks/Pulumi.<name>.yaml`. */
export function stacksIn(root: string): string[] {
  const dir = join(root, "stacks");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** Runs the plan of one stack in `root` as a subprocess; a plan's exit 1 still yields its JSON. */
export function planStack(root: string, stack: string, outDir: string): Promise<StackPlan> {
  const jsonPath = join(outDir, `${stack}.json`);
  return new Promise((resolvePlan) => {
    const child = spawn(process.execPath, [...planProcessArgs(root), "--stack", stack, "--json", jsonPath], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (err) => resolvePlan({ code: 2, stderr: err.message }));
    child.on("close", (code) => {
      let json: PlanJson | undefined;
      if (code === 0 || code === 1) {
        try {
          json = JSON.parse(readFileSync(jsonPath, "utf8"));
        } catch {
          json = undefined;
        }
      }
      resolvePlan({ code: json ? (code ?? 2) : 2, json, stderr });
    });
  });
}

/** Runs `tasks` at most `limit` at a time (the machine has two cores; each plan uses about one). */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
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

function emptyPlan(stack: string): PlanJson {
  return { stack, resources: [], violations: [] };
}

/**
 * Plans every stack at `baseRef` and in `root`'s working tree and diffs them. The temporary
 * worktree is removed also when a plan or the install fails.
 */
export async function prCheck(
  root: string,
  baseRef: string,
  report: Omit<ReportOptions, "baseRef" | "baseCommit" | "headCommit"> = {},
  log: (line: string) => void = () => undefined,
): Promise<PrCheckResult> {
  const baseCommit = git(root, ["rev-parse", "--verify", `${baseRef}^{commit}`]);
  const headCommit = git(root, ["rev-parse", "--verify", "HEAD^{commit}"]);
  const work = mkdtempSync(join(tmpdir(), "edge-pr-check-"));
  const baseTree = join(work, "base");
  const plans = join(work, "plans");
  let added = false;
  const cleanUp = () => {
    if (added) spawnSync("git", ["worktree", "remove", "--force", baseTree], { cwd: root });
    added = false;
    rmSync(work, { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: root });
  };
  // Interrupted (Ctrl-C, a cancelled CI job): remove the worktree before exiting.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    git(root, ["worktree", "add", "--detach", baseTree, baseCommit]);
    added = true;
    const lock = (dir: string) => (existsSync(join(dir, "package-lock.json")) ? readFileSync(join(dir, "package-lock.json"), "utf8") : "");
    let install: PrCheckResult["install"] = "symlink";
    if (lock(baseTree) === lock(root) && existsSync(join(root, "node_modules"))) {
      symlinkSync(join(root, "node_modules"), join(baseTree, "node_modules"), "dir");
      log(`package-lock.json unchanged since ${baseRef}: reusing node_modules`);
    } else {
      install = "npm ci";
      log(`package-lock.json differs at ${baseRef}: npm ci in the base worktree`);
      const npm = process.platform === "win32" ? "npm.cmd" : "npm";
      const ci = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: baseTree, encoding: "utf8" });
      if (ci.status !== 0) throw new Error(`npm ci at ${baseRef} failed: ${ci.stderr.trim().split("\n").slice(-5).join("\n")}`);
    }
    const baseStacks = stacksIn(baseTree);
    const headStacks = stacksIn(root);
    const names = [...new Set([...baseStacks, ...headStacks])].sort();
    const tasks: (() => Promise<{ side: "base" | "head"; stack: string; plan: StackPlan }>)[] = [];
    for (const stack of names) {
      if (baseStacks.includes(stack)) tasks.push(async () => ({ side: "base", stack, plan: await planStack(baseTree, stack, join(plans, "base")) }));
      if (headStacks.includes(stack)) tasks.push(async () => ({ side: "head", stack, plan: await planStack(root, stack, join(plans, "head")) }));
    }
    log(`planning ${names.length} stack(s) at ${baseRef} and in the working tree`);
    const results = await pooled(tasks, 2);
    const stacks: StackReport[] = names.map((stack) => {
      const base = results.find((r) => r.stack === stack && r.side === "base")?.plan;
      const head = results.find((r) => r.stack === stack && r.side === "head")?.plan;
      const usable = (p?: StackPlan) => (p ? p.json : emptyPlan(stack));
      const b = usable(base);
      const h = usable(head);
      return { stack, base, head, diff: b && h && (base || head) ? diffPlans(b, h) : undefined };
    });
    for (const s of stacks) log(`${s.stack}: ${s.diff ? summaryLine(s.diff) : "broken"}`);
    const { markdown, full } = renderReport(stacks, { ...report, baseRef, baseCommit, headCommit, policyChange: policyChange(root, baseCommit) });
    return { baseRef, baseCommit, headCommit, install, stacks, markdown, full };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    cleanUp();
  }
}
