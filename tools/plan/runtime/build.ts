/**
 * The one esbuild step that compiles the plan, pr-check, the plan worker and the program to
 * JavaScript under `dist/` (as `policies/build.ts` compiles the pack): each entry bundled with our
 * own modules, every npm package left an import. `launch.js` runs the bundles with plain `node`,
 * rebuilding them first when a source changed since (`dist/meta.json`, esbuild's record of the
 * files each bundle was built from).
 *
 * Why: run from TypeScript, every start went through tsx, whose loader reads every `.js` file the
 * SDKs load to look for ES module syntax (17% of a plan's CPU) and compiles our own files again in
 * each process. A bundle is one file of JavaScript that Node's compile cache keeps compiled.
 *
 * Run it with `npm run build:tools` (also `npm ci`'s `prepare`); `launch.js` runs it when stale.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const repoRoot = resolve(__dirname, "..", "..", "..");
/** Where the bundles go: `<root>/dist/<entry>.js`. One level below the root, which `sourceDir` relies on. */
export const toolsDist = join(repoRoot, "dist");

/** The compiled entries, by bundle name, from their sources (relative to the root). */
export const toolEntries = {
  /** `npm run plan` (`tools/plan/main.ts`). */
  plan: "tools/plan/main.ts",
  /** The plan command as a function, which the plan worker runs once per plan. */
  planCommand: "tools/plan/run.ts",
  /** pr-check's plan worker. */
  planWorker: "tools/plan/runtime/planWorker.ts",
  /** `npm run pr-check`. */
  prCheck: "tools/prCheck/main.ts",
  /** The program the offline plan evaluates (`pulumi up` compiles `index.ts` itself). */
  program: "index.ts",
  /** Loaded first in the pack's process (`--require`). */
  packPreload: "tools/plan/runtime/packPreload.ts",
} as const;

export type ToolEntry = keyof typeof toolEntries;

/**
 * A bundle's `__dirname` and `__filename` are its own (`dist/`), not those of the source file that
 * names them: each is rewritten to the source's own place, computed from the bundle's location at
 * run time (the tree may move, as pr-check's base worktree does). `require.main === module` would
 * be true of the bundle itself when run as the main module: it is false in a bundled module.
 */
const sourcePathsPlugin = {
  name: "source-paths",
  setup(build: import("esbuild").PluginBuild) {
    build.onLoad({ filter: /\.[jt]s$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const source = readFileSync(args.path, "utf8");
      const file = relative(repoRoot, args.path).split(sep).join("/");
      const dir = dirname(file);
      const at = (path: string) => `require("node:path").join(__edgeRoot, ${JSON.stringify(path)})`;
      const contents = source
        .replace(/\brequire\.main === module\b/g, "false")
        .replace(/\b__dirname\b/g, at(dir))
        .replace(/\b__filename\b/g, at(file));
      return { contents, loader: args.path.endsWith(".ts") ? "ts" : "js" };
    });
  },
};

/** esbuild's record of what each bundle was built from, to tell a stale build. */
export const toolsMetafile = join(toolsDist, "meta.json");

/**
 * Builds every bundle; each file is written under a temporary name and renamed, so a reader never
 * sees half of one. Asynchronous: esbuild runs plugins only in its asynchronous API.
 */
export async function buildTools(): Promise<void> {
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: Object.fromEntries(Object.entries(toolEntries).map(([name, source]) => [name, join(repoRoot, source)])),
    outdir: toolsDist,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "cjs",
    packages: "external",
    // `dist/` is one level below the root.
    banner: { js: 'var __edgeRoot = require("node:path").join(__dirname, "..");' },
    // Code that behaves differently compiled reads this (`runtime/mode.ts`).
    define: { __EDGE_COMPILED__: "true" },
    plugins: [sourcePathsPlugin],
    // Stack traces are printed only for an internal error (exit 70); EDGE_PLAN_STACK_TRACES=1 maps them.
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  mkdirSync(toolsDist, { recursive: true });
  const outputs = [...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })), { path: toolsMetafile, contents: Buffer.from(JSON.stringify(result.metafile)) }];
  for (const output of outputs) {
    const temporary = `${output.path}.${process.pid}.tmp`;
    writeFileSync(temporary, output.contents);
    renameSync(temporary, output.path);
  }
}

if (require.main === module) {
  buildTools().catch((err: unknown) => {
    console.error(`build:tools: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
