/**
 * What pr-check reads of the repository: git at a commit, the files and stacks a change touches,
 * the policy pack's change, the approvers CODEOWNERS asks for, and the base worktree's install.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { planInputFiles, TreeFile } from "./planInputs";
import { PolicyChange, StackReport } from "./report";
import { Approvers, approversOf, parseCodeOwners } from "./codeOwners";

export function git(cwd: string, args: string[]): string {
  const run = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

/**
 * A command that takes a while (a worktree's checkout, `npm ci`), run without blocking this
 * process: the pack lender answers the plan worker meanwhile. Resolves with its exit status.
 */
export function runAsync(command: string, args: string[], cwd: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    child.on("error", (err) => done({ status: null, stderr: err.message }));
    child.on("close", (status) => done({ status, stderr }));
  });
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

/** The files that differ between `baseCommit` and the working tree (committed or not, untracked included). */
export function changedFiles(root: string, baseCommit: string): string[] {
  const changed = git(root, ["diff", "--name-only", baseCommit]).split("\n").filter(Boolean);
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard"]).split("\n").filter(Boolean);
  return [...new Set([...changed, ...untracked])].sort();
}

/**
 * Whose approval a risky change needs: the code owners (by CODEOWNERS at the BASE commit, as
 * GitHub reads it for a pull request, so a pull request cannot un-own its own files) of the
 * changed files that make the risky stacks' plans, or that are the policy pack's code.
 */
export function approversFor(root: string, baseCommit: string, stacks: StackReport[], changed: string[], headFiles: TreeFile[], policyCode: string[]): Approvers {
  const codeOwners = spawnSync("git", ["show", `${baseCommit}:.github/CODEOWNERS`], { cwd: root, encoding: "utf8" });
  const rules = parseCodeOwners(codeOwners.status === 0 ? codeOwners.stdout : "");
  const risky = stacks.filter((s) => (s.diff?.risks.length ?? 0) > 0);
  const inputs = new Set<string>(policyCode);
  for (const s of risky) {
    const file = join(root, "stacks", `Pulumi.${s.stack}.yaml`);
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    for (const f of planInputFiles(headFiles, s.stack, text)) inputs.add(f.path);
    inputs.add(`stacks/Pulumi.${s.stack}.yaml`);
  }
  return approversOf(
    rules,
    changed.filter((f) => inputs.has(f)),
  );
}

/** Stack names of `stacks/Pulumi.<name>.yaml` files. */
export function stackNames(files: string[]): string[] {
  return files
    .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** Stack names at a commit. */
export function stacksAt(root: string, commit: string): string[] {
  const listing = spawnSync("git", ["ls-tree", "--name-only", `${commit}:stacks`], { cwd: root, encoding: "utf8" });
  return listing.status === 0 ? stackNames(listing.stdout.split("\n")) : [];
}

/** The base worktree's node_modules: the working tree's when package-lock.json is the same, else `npm ci`. */
export async function installBase(root: string, baseTree: string, baseRef: string, log: (line: string) => void): Promise<"symlink" | "npm ci"> {
  const lock = (dir: string) => (existsSync(join(dir, "package-lock.json")) ? readFileSync(join(dir, "package-lock.json"), "utf8") : "");
  if (lock(baseTree) === lock(root) && existsSync(join(root, "node_modules"))) {
    symlinkSync(join(root, "node_modules"), join(baseTree, "node_modules"), "dir");
    log(`package-lock.json unchanged since ${baseRef}: reusing node_modules`);
    return "symlink";
  }
  log(`package-lock.json differs at ${baseRef}: npm ci in the base worktree`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const ci = await runAsync(npm, ["ci", "--no-audit", "--no-fund"], baseTree);
  if (ci.status !== 0) throw new Error(`npm ci at ${baseRef} failed: ${ci.stderr.trim().split("\n").slice(-5).join("\n")}`);
  return "npm ci";
}
/** The text of a file at a commit, undefined when it has none. */
export function showAt(root: string, commit: string, path: string): string | undefined {
  const run = spawnSync("git", ["show", `${commit}:${path}`], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return run.status === 0 ? run.stdout : undefined;
}
