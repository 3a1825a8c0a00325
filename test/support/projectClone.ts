/**
 * A git clone of this project's HEAD in a temporary directory, with the project's node_modules
 * linked, for specs that run pr-check on commits of their own. Starts with the dev stack alone, to
 * keep the number of plans small.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "./runPlan";

export interface ProjectClone {
  dir: string;
  /** `git ARGS` in the clone, as a test user; throws on failure, returns stdout trimmed. */
  git(...args: string[]): string;
}

export function cloneProjectWithDevStack(prefix: string): ProjectClone {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const clone = spawnSync("git", ["clone", "--quiet", projectRoot, dir], { encoding: "utf8" });
  if (clone.status !== 0) throw new Error(`git clone: ${clone.stderr}`);
  symlinkSync(join(projectRoot, "node_modules"), join(dir, "node_modules"), "dir");
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git("rm", "--quiet", "stacks/Pulumi.prod.yaml");
  git("commit", "--quiet", "-m", "Only the dev stack");
  return { dir, git };
}
