/**
 * pr-check's plan worker: one process that plans stack after stack, in this tree and in the base's
 * worktree, so the Pulumi SDKs load once (about a second of CPU) instead of once per plan.
 *
 * Each plan runs the command of its own tree (`<root>/tools/plan/run.ts`) as its own process would:
 * - with fresh copies of that tree's modules (every module under the tree but its `node_modules`
 *   is loaded anew), so nothing a program or the plan keeps in a module outlives its plan;
 * - in a fresh store of the Pulumi runtime's state (`withLocalStorage`), as the Automation API runs
 *   one inline program after another in one process (automation/server.js of @pulumi/pulumi 3.248.0:
 *   `withLocalStorage(async () => { resetOptions(...); setAllConfig(...); runInPulumiStack(program) })`).
 *   Only one copy of the SDK may run them: pr-check sends a base's plans here only when the base's
 *   node_modules is this tree's.
 * - with its output kept apart: what a plan writes goes to that plan's answer, not the worker's.
 *
 * A plan's program starts once the one before has run; its turn on the pack comes when the one
 * before has its verdict (the pack judges one stack at a time, `packLease.ts`), so the next program
 * runs while the pack judges the last.
 *
 * Jobs come over the IPC channel (`planWorkers.ts`, which starts the workers).
 */
if (process.env.EDGE_PLAN_STACK_TRACES !== "1") process.setSourceMapsEnabled(false);
import "./deferredSdkImports";
import { AsyncLocalStorage } from "node:async_hooks";
import { join, resolve, sep } from "node:path";
import { exitOnCrash } from "../cli";
import { leasePolicyPack } from "./packLease";
import type { PackConnection } from "./packProcess";
import { isPlanJobMessage, PlanJobAnswer, PlanJob } from "./planWorkers";
import type { PlanCommandOptions } from "./run";

/** What the plan running in this async context has written to stderr (stdout is not read). */
const planOutput = new AsyncLocalStorage<{ stderr: string }>();

function routeOutput(): void {
  const route = (stream: NodeJS.WriteStream, keep: (out: { stderr: string }, text: string) => void) => {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const out = planOutput.getStore();
      if (!out) return write(chunk, ...rest);
      keep(out, typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const done = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      if (done) process.nextTick(done);
      return true;
    }) as typeof stream.write;
  };
  route(process.stdout, () => undefined);
  route(process.stderr, (out, text) => (out.stderr += text));
}

/** Drops the cached modules of the tree at `root`, its packages aside, so its next plan loads them anew. */
function forgetTreeModules(root: string): void {
  const tree = resolve(root) + sep;
  const packages = `${sep}node_modules${sep}`;
  for (const path of Object.keys(require.cache)) if (path.startsWith(tree) && !path.includes(packages)) delete require.cache[path];
}

/** The pack turns: a plan is lent the pack when the plan before has given it back. */
let lastTurn: Promise<void> = Promise.resolve();

/** A plan's turn on the pack of a folder; `release` gives it back (also when the plan never asked). */
function packTurn(): { pack: (packDir: string) => Promise<PackConnection>; release: () => Promise<void> } {
  const previous = lastTurn;
  let endTurn!: () => void;
  lastTurn = new Promise((done) => (endTurn = done));
  let lent: Promise<PackConnection> | undefined;
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (lent ?? Promise.reject(new Error("not lent"))).then((connection) => connection.stop()).catch(() => undefined).finally(endTurn));
  return {
    pack(packDir) {
      lent ??= previous.then(() => leasePolicyPack(packDir));
      return lent.then((connection) => ({ port: connection.port, stop: release }));
    },
    release,
  };
}

type RunPlanCommand = (argv: string[], options: PlanCommandOptions) => Promise<number>;

async function runJob(job: PlanJob, next: () => void): Promise<number> {
  const { withLocalStorage } = require("@pulumi/pulumi/runtime/state") as { withLocalStorage<T>(run: () => Promise<T>): Promise<T> };
  const turn = packTurn();
  try {
    return await withLocalStorage(async () => {
      forgetTreeModules(job.root);
      const { runPlanCommand } = require(join(job.root, "tools", "plan", "run.ts")) as { runPlanCommand: RunPlanCommand };
      return await runPlanCommand(job.argv, { pack: turn.pack, evaluated: process.env.EDGE_SEQ === '1' ? undefined : next });
    });
  } finally {
    await turn.release();
  }
}

function serve(): void {
  // The lent pack's grant unrefs the channel (`packLease.ts`); the worker waits for jobs until told to stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = () => {
    clearInterval(keepAlive);
    process.exit(0);
  };
  let ready: Promise<void> = Promise.resolve();
  let allDone: Promise<unknown> = Promise.resolve();
  process.on("disconnect", stop);
  process.on("message", (message: unknown) => {
    if (!isPlanJobMessage(message)) return;
    const job = message.edgePlanJob;
    if (job === "stop") return void allDone.then(stop);
    const previous = ready;
    let next!: () => void;
    ready = new Promise((started) => (next = started));
    const done = previous.then(async () => {
      const output = { stderr: "" };
      const code = await planOutput.run(output, () => runJob(job, next));
      next();
      process.send!({ edgePlanDone: { id: job.id, code, stderr: output.stderr } } satisfies PlanJobAnswer);
    });
    allDone = Promise.all([allDone, done]);
  });
}

if (require.main === module) {
  exitOnCrash("the plan worker");
  routeOutput();
  serve();
}
