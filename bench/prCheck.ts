/**
 * `npm run pr-check` of the shipped stacks at a base and a pull request's head, as CI runs it, in a
 * clone of the project's HEAD (node_modules linked, the policy pack built once), against one prod
 * plan measured in the same round. Each round, one after another:
 *
 * - one plan: the prod stack's plan process (`tools/plan/runtime/command.ts`), as pr-check starts it;
 * - cold: a pull request that raises the dev TTL, with an empty cache: dev planned at base and
 *   head, prod (which the change does not touch) once for both, all in one plan worker, one pack
 *   process lent to each plan;
 * - base cached: a second pull request on the same base (another TTL), the base's plans read
 *   from the cache, prod's too;
 * - code changed, base cached: a pull request that edits a component (a comment), so every
 *   stack's head plan differs from its base's: both planned;
 * - policy config changed, cold: a pull request that raises a bound of prod's policy config, with
 *   an empty cache (prod's head judged a second time with the base's config, which is the base's
 *   plan; dev once for both);
 * - policy code changed, cold: a pull request that edits a policy (a comment), with an empty
 *   cache: the pack differs, so every stack is planned at both sides, the base's by its own pack;
 * - documentation only, cold: a pull request that edits the runbook, with an empty cache: every
 *   stack planned once for both sides.
 *
 * The ratios are each round's own (the machine may be shared: a round's runs see the same load),
 * for wall time and for CPU time (GNU time, the process and its children).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planProcessArgs } from "../tools/plan/runtime/command";
import { projectRoot } from "../tools/plan/plan";
import { Exited, runCommand } from "./run";
import { prCheckProcessArgs } from "../tools/plan/runtime/command";

export interface PrCheckRun {
  wallMs: number;
  cpuMs?: number;
  code: number;
  /** pr-check's own count: `N plan(s), M from the cache`. */
  planned?: string;
}

export interface PrCheckRound {
  /** One prod plan, the unit of the ratios. */
  plan: PrCheckRun;
  cold: PrCheckRun;
  cachedBase: PrCheckRun;
  codeChangedCachedBase: PrCheckRun;
  policyConfigCold: PrCheckRun;
  policyCodeCold: PrCheckRun;
  docsOnlyCold: PrCheckRun;
}

export interface PrCheckMetrics {
  stacks: number;
  rounds: PrCheckRound[];
}

export const prCheckCases = ["cold", "cachedBase", "codeChangedCachedBase", "policyConfigCold", "policyCodeCold", "docsOnlyCold"] as const;

function git(repo: string, ...args: string[]): string {
  const run = spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd: repo, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.trim();
}

/** A commit on `base` made by `edit` in the clone. */
function pullRequest(repo: string, base: string, message: string, edit: () => void): void {
  git(repo, "checkout", "--quiet", "--detach", base);
  edit();
  git(repo, "commit", "--quiet", "-am", message);
}

function setDevTtl(repo: string, ttl: number): void {
  const file = join(repo, "stacks", "Pulumi.dev.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/ttl: \d+/, `ttl: ${ttl}`));
}

/** Raises prod's TTL bound in its policy config. */
function raiseProdTtlBound(repo: string, seconds: number): void {
  const file = join(repo, "policies", "config", "prod.json");
  const config = JSON.parse(readFileSync(file, "utf8"));
  writeFileSync(file, `${JSON.stringify({ ...config, "enforce-failover-ttl": { maxTtlSeconds: seconds } }, null, 2)}\n`);
}

/** pr-check's exit codes that say it ran: mergeable (0), cannot merge (1), needs approval (3). */
function outcome(r: Exited, what: string): PrCheckRun {
  if (r.code !== 0 && r.code !== 1 && r.code !== 3) throw new Error(`${what} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, code: r.code, planned: /: (\d+ plan\(s\), \d+ from the cache[^\n]*)/.exec(r.stderr)?.[1] };
}

export async function measurePrCheck(rounds: number): Promise<PrCheckMetrics> {
  const repo = mkdtempSync(join(tmpdir(), "edge-bench-pr-"));
  const out = mkdtempSync(join(tmpdir(), "edge-bench-pr-out-"));
  try {
    const clone = spawnSync("git", ["clone", "--quiet", projectRoot, repo], { encoding: "utf8" });
    if (clone.status !== 0) throw new Error(`git clone: ${clone.stderr}`);
    symlinkSync(join(projectRoot, "node_modules"), join(repo, "node_modules"), "dir");
    const base = git(repo, "rev-parse", "HEAD");
    // The pack is built (as in the project, whose plan is the unit), so no run pays for its build.
    const build = spawnSync(process.execPath, ["--import", "tsx", join(repo, "policies", "build.ts")], { cwd: repo, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`building the policy pack: ${build.stderr}`);
    const prCheck = async (cacheDir: string, what: string) =>
      outcome(await runCommand([process.execPath, ...prCheckProcessArgs(repo), "--base", base, "--out", join(out, "report.md"), "--cache-dir", cacheDir], 600_000, repo), what);
    const measured: PrCheckRound[] = [];
    for (let round = 0; round < Math.max(1, rounds); round++) {
      git(repo, "checkout", "--quiet", "--detach", base);
      const plan = outcome(await runCommand([process.execPath, ...planProcessArgs(repo), "--stack", "prod"], 600_000, repo), "the prod plan");
      const cache = mkdtempSync(join(tmpdir(), "edge-bench-pr-cache-"));
      try {
        pullRequest(repo, base, "dev TTL 120", () => setDevTtl(repo, 120));
        const cold = await prCheck(cache, "pr-check cold");
        pullRequest(repo, base, "dev TTL 90", () => setDevTtl(repo, 90));
        const cachedBase = await prCheck(cache, "pr-check with the base cached");
        pullRequest(repo, base, "a component's comment", () => appendFileSync(join(repo, "components", "dnsZones.ts"), `// round ${round}\n`));
        const codeChangedCachedBase = await prCheck(cache, "pr-check of a code change with the base cached");
        const fresh = () => {
          rmSync(cache, { recursive: true, force: true });
          mkdirSync(cache);
        };
        fresh();
        pullRequest(repo, base, "prod's TTL bound raised", () => raiseProdTtlBound(repo, 3600));
        const policyConfigCold = await prCheck(cache, "pr-check of a policy config change, cold");
        fresh();
        pullRequest(repo, base, "a policy's comment", () => appendFileSync(join(repo, "policies", "dns", "enforceFailoverTtl.ts"), `// round ${round}\n`));
        const policyCodeCold = await prCheck(cache, "pr-check of a policy code change, cold");
        fresh();
        pullRequest(repo, base, "the runbook", () => appendFileSync(join(repo, "docs", "runbook.md"), `\nRound ${round}.\n`));
        const docsOnlyCold = await prCheck(cache, "pr-check of a documentation change, cold");
        measured.push({ plan, cold, cachedBase, codeChangedCachedBase, policyConfigCold, policyCodeCold, docsOnlyCold });
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    }
    const stacks = git(repo, "ls-tree", "--name-only", `${base}:stacks`)
      .split("\n")
      .filter((f) => f.endsWith(".yaml")).length;
    return { stacks, rounds: measured };
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
