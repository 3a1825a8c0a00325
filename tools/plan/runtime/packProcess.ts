/**
 * Starts the policy pack's process and waits for its gRPC port. Imports nothing but Node's own
 * modules (and the pack's build check), so `main.ts` can start the pack (~1 s, mostly its imports
 * of the Pulumi SDKs) before its own process loads the Pulumi runtime, and the two startups overlap.
 *
 * It runs the built pack the CLI runs (package.json's `main`, `dist/index.js`, rebuilt first when a
 * source changed), loaded as `run-policy-pack` loads it (`require` of the pack's folder), but not
 * through `run-policy-pack` itself: that also registers ts-node with a TypeScript compiler and
 * source-map support, ~0.5 s of every plan for a pack that is already JavaScript. On the fast path
 * the pack's process also loads the deferred SDK imports first and shares Node's compile cache;
 * on the plain path it is `node <pack>` alone.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { ensurePolicyPackBuilt, policyPackIsFresh } from "../../../policies/build";
import { compiled, plainPath } from "./mode";

const projectRoot = resolve(__dirname, "..", "..", "..");

/** The edge's policy pack (`policies/`). */
export const policyPackDir = join(projectRoot, "policies");

/**
 * Loaded before the pack's own modules, as in the plan's process: compiled when the plan is, else
 * its source through tsx's CommonJS hook (the plan run from TypeScript, in tests).
 */
const deferredSdkImports = compiled ? ["--require", join(projectRoot, "dist", "packPreload.js")] : ["--require", "tsx/cjs", "--require", join(__dirname, "packPreload.ts")];

/** The compile cache `launch.js` uses, for the pack's process too. */
const { compileCacheEnv } = require("./launch.js") as { compileCacheEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv };

/**
 * Builds the pack of `packDir` unless it is fresh: this tree's with its own build; another tree's
 * (pr-check's base) with that tree's `policies/build.ts`, in a process of its own.
 */
function ensureBuilt(packDir: string): void {
  if (resolve(packDir) === policyPackDir) {
    ensurePolicyPackBuilt();
    return;
  }
  if (policyPackIsFresh(packDir)) return;
  execFileSync(process.execPath, ["--import", "tsx", join(packDir, "build.ts")], { cwd: packDir, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * Node's heap flags for the pack. Its live state stays small, but decoding `AnalyzeStack` (every
 * resource at once) makes garbage fast, and V8's default growth let the heap reach ~380 MB on the
 * 6,000-resource bench stack; growing by 20% after a full collection keeps it under ~290 MB at
 * the same speed. `pulumi preview --policy-pack` starts the pack its own way.
 */
const packNodeFlags = ["--heap-growing-percent=20"];

/** A policy pack that serves the Analyzer protocol, whoever runs it. */
export interface PackConnection {
  /** The pack's gRPC port on 127.0.0.1. */
  port: number;
  /** Ends this use of the pack: stops a process of one's own, or returns a lent one (`packLease.ts`). */
  stop(): Promise<void>;
}

/** The connection to a pack process of one's own: `stop` ends it (SIGTERM, SIGKILL after 2 s). */
export function processConnection(child: ChildProcess, port: number): PackConnection {
  return {
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function spawnPolicyPack(packDir: string = policyPackDir, timeoutMs = 60_000): Promise<PackConnection> {
  ensureBuilt(packDir);
  // `process.execPath`, not `npx`: killing an npx wrapper would leave the server running.
  const args = plainPath() ? [packDir] : [...packNodeFlags, ...deferredSdkImports, packDir];
  const child = spawn(process.execPath, args, { cwd: packDir, stdio: ["ignore", "pipe", "pipe"], env: compileCacheEnv() });
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  child.once("exit", () => process.removeListener("exit", stopOnExit));
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the policy pack in ${packDir} printed no port within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve(processConnection(child, Number(match[1])));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the policy pack in ${packDir} exited (code ${code}) before it served\n${stderr}`));
    });
  });
}
