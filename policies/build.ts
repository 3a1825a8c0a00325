/**
 * Builds the policy pack into one JavaScript file, `dist/index.js` (the `main` of package.json):
 * `index.ts` with the policies and the pure `models/` they share with the program, bundled by
 * esbuild; every npm package stays an import, declared in `policies/package.json`.
 *
 * Why a build: the CLI starts a pack through `@pulumi/pulumi/cmd/run-policy-pack`, which compiles a
 * TypeScript `main` with ts-node and, when the pack's own folder has no `typescript`, a vendored
 * TypeScript 3.8 that cannot compile this code; and a `main` that imports `../models` runs only
 * inside this repository. A bundle runs from any folder its dependencies are installed in.
 *
 * `npm run build:policies` (root) or `npm run build` (here, also `prepack`, so `npm pack` and
 * `pulumi policy publish` ship a fresh build). The offline plan calls `ensurePolicyPackBuilt()`.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const packDir = __dirname;
const repoRoot = dirname(packDir);
/** What the CLI loads: package.json's `main`. */
export const policyPackMain = join(packDir, "dist", "index.js");
/** esbuild's record of the files the bundle was built from, to tell a stale build. */
const metafilePath = join(packDir, "dist", "meta.json");

/** Builds the bundle; each file is written under a temporary name and renamed, so a reader never sees half of one. */
export function buildPolicyPack(): void {
  // Loaded only to build: the plan checks freshness without it.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    absWorkingDir: repoRoot,
    entryPoints: [join(packDir, "index.ts")],
    outfile: policyPackMain,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // npm packages are the pack's declared dependencies, installed beside it; only our own code is bundled.
    packages: "external",
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  const outputs = [
    ...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })),
    {
      path: metafilePath,
      contents: Buffer.from(JSON.stringify(result.metafile)),
    },
  ];
  mkdirSync(dirname(policyPackMain), { recursive: true });
  for (const output of outputs) {
    const temporary = `${output.path}.${process.pid}.tmp`;
    writeFileSync(temporary, output.contents);
    renameSync(temporary, output.path);
  }
}

const mtime = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** The files the last build of the pack in `dir` bundled, relative to its repository (esbuild's record); undefined before a build. */
function bundledFiles(dir = packDir): string[] | undefined {
  try {
    return Object.keys((JSON.parse(readFileSync(join(dir, "dist", "meta.json"), "utf8")) as { inputs: object }).inputs);
  } catch {
    return undefined;
  }
}

/**
 * True when the bundle of the pack in `dir` (this one, or another checkout's) exists and no file
 * it was built from (nor its build) changed since.
 */
export function policyPackIsFresh(dir = packDir): boolean {
  const built = mtime(join(dir, "dist", "index.js"));
  const inputs = bundledFiles(dir);
  if (built === undefined || inputs === undefined) return false;
  return [join(dir, "build.ts"), ...inputs.map((input) => resolve(dirname(dir), input))].every((input) => (mtime(input) ?? Infinity) <= built);
}

/**
 * Every file the pack is made from, relative to the repository: what the bundle holds, this
 * build, and the pack's manifest. Two trees whose copies of these (and of the packages installed)
 * are the same run the same pack. Builds the pack when it is stale.
 */
export function policyPackSources(): string[] {
  ensurePolicyPackBuilt();
  const fromRoot = (path: string) => relative(repoRoot, path).split(sep).join("/");
  return [...bundledFiles()!, fromRoot(__filename), fromRoot(join(packDir, "package.json"))].sort();
}

/** Builds the pack unless its bundle is fresh: the plan runs the code as it is in the checkout. */
export function ensurePolicyPackBuilt(): void {
  if (!policyPackIsFresh()) buildPolicyPack();
}

if (require.main === module) buildPolicyPack();
