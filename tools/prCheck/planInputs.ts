/**
 * What a stack's plan is made from, as one digest: the content of every file of the tree it is
 * planned in (git blob ids: the program, the components, the models, the policy pack, the stack
 * schema, package-lock.json, assets a config names, tests and docs alike) except the other stacks'
 * own files, plus the Node version. Two plans with the same digest are the same plan, so pr-check
 * reads one from its cache, or makes it once for a base and a head that only differ in another
 * stack's file.
 *
 * Only what provably cannot change the plan is left out: `stacks/Pulumi.<other>.yaml` and
 * `policies/config/<other>.json`, which the plan of a stack never reads (`tools/plan/plan.ts`
 * reads its own two), and the documentation, tests, benchmarks, game days and workflows
 * (`notPlanInputs`), which neither the plan's process nor the policy pack's opens (a spec traces
 * every file both open) — unless the stack's file names one of them (a config key names a project
 * file, e.g. `edge:cdn.snippetFile`). So a pull request that only edits documentation plans
 * nothing: its plans are the base's. Anything else that differs is a cache miss, which is always
 * correct. node_modules is not read: package-lock.json stands for it, as `npm ci` installs it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";

/** A file of a tree by its path and its git blob id. */
export interface TreeFile {
  path: string;
  blob: string;
}

function git(root: string, args: string[], input?: string): string {
  const run = spawnSync("git", args, { cwd: root, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${run.stderr.trim()}`);
  return run.stdout;
}

/** Every file of a commit's tree. */
export function filesAtCommit(root: string, commit: string): TreeFile[] {
  return git(root, ["ls-tree", "-r", "-z", "--full-tree", commit])
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const [meta, path] = entry.split("\t");
      const [, type, blob] = meta.split(" ");
      return { type, path, blob };
    })
    .filter((f) => f.type === "blob")
    .map(({ path, blob }) => ({ path, blob }));
}

/** A file (or a link to one) that exists: a tracked file deleted in the working tree is not one. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Every file of the working tree as git would commit it (tracked and untracked, not ignored;
 * committed or not), hashed without writing to the repository.
 */
export function filesInWorkingTree(root: string): TreeFile[] {
  const paths = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    .split("\0")
    .filter(Boolean)
    .filter((path) => isFile(join(root, path)));
  const unique = [...new Set(paths)].sort();
  if (unique.length === 0) return [];
  const blobs = git(root, ["hash-object", "--stdin-paths"], unique.join("\n") + "\n")
    .trim()
    .split("\n");
  return unique.map((path, i) => ({ path, blob: blobs[i] }));
}

/**
 * Files no plan reads: documentation anywhere, the trees of tests, benchmarks, game days, CI and
 * workflows, the test runner's config and `.gitignore` (which only decides which files are listed).
 */
function notPlanInput(path: string): boolean {
  return /\.md$/i.test(path) || /^(docs|test|bench|gameday|\.ci|\.github)\//.test(path) || /^(\.gitignore|vitest\.config\.[cm]?[jt]s)$/.test(path);
}

/** The basename of another stack's own file (`Pulumi.prod.yaml`, `prod.json`), or undefined. */
function otherStacksFile(path: string, stack: string): string | undefined {
  const match = /^stacks\/(Pulumi\.([^/]+)\.yaml)$/.exec(path) ?? /^policies\/config\/(([^/]+)\.json)$/.exec(path);
  return match && match[2] !== stack ? match[1] : undefined;
}

/**
 * The files of a tree of `files` that `stack`'s plan may read, by path; `stackFileText` is the
 * stack's own file in that tree (empty when it has none).
 */
export function planInputFiles(files: TreeFile[], stack: string, stackFileText: string): TreeFile[] {
  return files
    .filter((file) => {
      if (notPlanInput(file.path)) return stackFileText.includes(file.path);
      const other = otherStacksFile(file.path, stack);
      return !other || stackFileText.includes(other);
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The digest of what `stack`'s plan in a tree of `files` is made from (`planInputFiles`). */
export function planInputDigest(files: TreeFile[], stack: string, stackFileText: string): string {
  const hash = createHash("sha256").update(["edge-plan-inputs-1", process.version, stack].join("\0"));
  for (const file of planInputFiles(files, stack, stackFileText)) hash.update(`\0${file.blob} ${file.path}`);
  return hash.digest("hex");
}

/** Files of `policies/` the plan's own process reads to write its JSON: a change of them is a change of the plan. */
const readByThePlan = new Set(["policies/finding.ts", "policies/waivers.ts"]);

/**
 * The digest of what `stack`'s program evaluation is made from: its plan's inputs without the
 * policy pack and the policy configs (`policies/`), which only the pack reads; the program imports
 * nothing from there. Two trees with the same one evaluate the same resources: one tree's plan is
 * the other's evaluation judged by its pack with its config.
 */
export function evaluationDigest(files: TreeFile[], stack: string, stackFileText: string): string {
  return planInputDigest(
    files.filter((f) => !f.path.startsWith("policies/") || readByThePlan.has(f.path)),
    stack,
    stackFileText,
  );
}
