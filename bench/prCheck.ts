/**
 * `npm run pr-check` of the shipped stacks at a base and a pull request's head, as CI runs it: in a
 * clone of the project's HEAD (node_modules linked), a commit that raises the dev TTL, checked
 * against its parent twice: cold (nothing cached: every stack planned at base and head) and on a
 * second pull request on the same base (the base's plans read from the cache, by tree hash).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../tools/plan/plan";
import { Exited, runCommand } from "./run";

export interface PrCheckMetrics {
  stacks: number;
  /** Every plan made: base and head of each stack. */
  cold: { wallMs: number; cpuMs?: number; code: number };
  /** The base's plans from the cache, the head's made. */
  cachedBase: { wallMs: number; cpuMs?: number; code: number };
}

function git(repo: string, ...args: string[]): void {
  const run = spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd: repo, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
}

/** A commit on `base` that sets the dev stack's TTL to `ttl`. */
function pullRequest(repo: string, base: string, ttl: number): void {
  git(repo, "checkout", "--quiet", "--detach", base);
  const file = join(repo, "stacks", "Pulumi.dev.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/ttl: \d+/, `ttl: ${ttl}`));
  git(repo, "commit", "--quiet", "-am", `dev TTL ${ttl}`);
}

export async function measurePrCheck(): Promise<PrCheckMetrics> {
  const repo = mkdtempSync(join(tmpdir(), "edge-bench-pr-"));
  const out = mkdtempSync(join(tmpdir(), "edge-bench-pr-out-"));
  try {
    const clone = spawnSync("git", ["clone", "--quiet", projectRoot, repo], { encoding: "utf8" });
    if (clone.status !== 0) throw new Error(`git clone: ${clone.stderr}`);
    symlinkSync(join(projectRoot, "node_modules"), join(repo, "node_modules"), "dir");
    const base = spawnSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).stdout.trim();
    const run = (): Promise<Exited> =>
      runCommand([process.execPath, "--import", "tsx", join(repo, "tools/prCheck/main.ts"), "--base", base, "--out", join(out, "report.md")]);
    const outcome = (r: Exited) => {
      if (r.code !== 0 && r.code !== 1) throw new Error(`pr-check exited ${r.code}:\n${r.stderr.slice(-2000)}`);
      return { wallMs: r.wallMs, cpuMs: r.cpuMs, code: r.code };
    };
    pullRequest(repo, base, 120);
    const cold = outcome(await run());
    pullRequest(repo, base, 90);
    const cachedBase = outcome(await run());
    const stacks = spawnSync("git", ["ls-tree", "--name-only", "HEAD:stacks"], { cwd: repo, encoding: "utf8" }).stdout.split("\n").filter((f) => f.endsWith(".yaml")).length;
    return { stacks, cold, cachedBase };
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
