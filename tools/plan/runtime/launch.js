// @ts-check
/**
 * How the plan, pr-check and the plan worker start: `node <flags> tools/plan/runtime/launch.js
 * <entry> ARGS` (`command.ts` spells it, package.json's scripts run it). Plain JavaScript, as it
 * runs before anything is compiled.
 *
 * The fast path: Node's module compile cache on (the SDKs' thousands of modules are compiled once
 * per machine, not once per process), the entry's bundle rebuilt when a source changed since
 * (`build.ts`), then the bundle. With EDGE_PLAN_PLAIN=1, the plain path: the TypeScript sources
 * through tsx, no compile cache, and (in the code) no worker, lease, deferred imports or SDK
 * patches: the reference the fast path's `--json` is held equal to.
 */
"use strict";
const { execFileSync } = require("node:child_process");
const { readFileSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "..", "..", "..");

/** The TypeScript source of each entry (as `build.ts` `toolEntries`, which a test holds equal). */
const sources = {
  plan: "tools/plan/main.ts",
  planCommand: "tools/plan/run.ts",
  planWorker: "tools/plan/runtime/planWorker.ts",
  prCheck: "tools/prCheck/main.ts",
};

const plain = () => process.env.EDGE_PLAN_PLAIN === "1";

/** Where Node keeps compiled code between processes: beside the packages it mostly holds, so `npm ci` starts it afresh. */
const compileCacheDir = (/** @type {string} */ tree) => join(tree, "node_modules", ".cache", "edge-compile-cache");

/** @param {string} path */
function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * True when the bundles of the tree at `tree` exist and no file they were built from (nor the
 * build itself) changed since: `dist/meta.json` is written last, so its time is the build's.
 * @param {string} tree
 */
function toolsAreFresh(tree) {
  const meta = join(tree, "dist", "meta.json");
  const built = mtime(meta);
  if (built === undefined) return false;
  /** @type {string[]} */
  let inputs;
  try {
    inputs = Object.keys(JSON.parse(readFileSync(meta, "utf8")).inputs);
  } catch {
    return false;
  }
  const build = ["tools/plan/runtime/build.ts", "tools/plan/runtime/launch.js"];
  return [...inputs, ...build].every((input) => (mtime(join(tree, input)) ?? Infinity) <= built);
}

/**
 * Builds the bundles of the tree at `tree` (pr-check's base worktree too) unless they are fresh,
 * with that tree's own build, in a process of its own (the build is TypeScript).
 * @param {string} tree
 */
function ensureToolsBuilt(tree = root) {
  if (toolsAreFresh(tree)) return;
  execFileSync(process.execPath, ["--import", "tsx", join(tree, "tools", "plan", "runtime", "build.ts")], { cwd: tree, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * The module to run for `entry` in the tree at `tree`: its bundle (built first when stale), or on
 * the plain path its TypeScript source (the caller has tsx's hook).
 * @param {string} entry
 * @param {string} tree
 */
function entryModule(entry, tree = root) {
  if (!(entry in sources)) throw new Error(`launch.js: unknown entry '${entry}' (${Object.keys(sources).join(", ")})`);
  if (plain()) return join(tree, sources[/** @type {keyof typeof sources} */ (entry)]);
  ensureToolsBuilt(tree);
  return join(tree, "dist", `${entry}.js`);
}

/**
 * The environment a child process of the fast path gets so that Node's compile cache serves it too
 * (the policy pack's process); the plain path's is left as it is.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} tree
 */
function compileCacheEnv(env = process.env, tree = root) {
  return plain() ? env : { ...env, NODE_COMPILE_CACHE: compileCacheDir(tree) };
}

module.exports = { ensureToolsBuilt, entryModule, compileCacheEnv, sources };

if (require.main === module) {
  const entry = process.argv[2] ?? "";
  // The entry reads its arguments from argv[2] on, as when it was the main module.
  process.argv.splice(2, 1);
  if (plain()) require("tsx/cjs");
  else require("node:module").enableCompileCache?.(compileCacheDir(root));
  require(entryModule(entry));
}
