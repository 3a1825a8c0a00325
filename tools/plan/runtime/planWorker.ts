/**
 * pr-check's plan worker: one process that plans stack after stack, in this tree and in the base's
 * worktree, so the Pulumi SDKs load once (about a second of CPU) instead of once per plan.
 *
 * Each plan runs the command of its own tree (its `dist/planCommand.js`, `build.ts`) as its own process would:
 * - with fresh copies of that tree's modules (every module under the tree but its `node_modules`
 *   is loaded anew), so nothing a program or the plan keeps in a module outlives its plan;
 * - in a fresh store of the Pulumi runtime's state (`withLocalStorage`), as the Automation API runs
 *   one inline program after another in one process (automation/server.js of @pulumi/pulumi 3.248.0:
 *   `withLocalStorage(async () => { resetOptions(...); setAllConfig(...); runInPulumiStack(program) })`).
 *   Only one copy of the SDK may run them: pr-check sends a base's plans here only when the base's
 *   node_modules is this tree's.
 * - with its output kept apart: what a plan writes goes to that plan's answer, not the worker's.
 *
 * A plan's program starts once the program before has run and the plan before that has its
 * verdict: the pack judges one stack at a time (`packLease.ts`), so the next program runs while
 * the pack finishes judging the last (its queued `Analyze` calls and `AnalyzeStack`, about as long
 * as the program again), and never more than one plan waits for its verdict, whose requests this
 * process still has to send.
 *
 * Jobs come over the IPC channel from `planWorkerProcess.ts`, which starts the worker. The plain
 * path (EDGE_PLAN_PLAIN=1) has no worker: pr-check plans each stack in a process of its own.
 */
if (process.env.EDGE_PLAN_STACK_TRACES !== "1") process.setSourceMapsEnabled(false);
import { AsyncLocalStorage } from "node:async_hooks";
import { resolve, sep } from "node:path";
import { exitOnCrash } from "../../cli";
import { installDeferredSdkImports } from "./deferredSdkImports";
import { isPlanJobMessage, PlanJobAnswer, PlanJob } from "./planWorkerProcess";

installDeferredSdkImports();
const { entryModule } = require("./launch.js") as { entryModule(entry: string, tree: string): string };

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

type RunPlanCommand = (argv: string[], hooks: { evaluated?: () => void }) => Promise<number>;

async function runJob(job: PlanJob, evaluated: () => void): Promise<number> {
  const { withLocalStorage } = require("@pulumi/pulumi/runtime/state") as { withLocalStorage<T>(run: () => Promise<T>): Promise<T> };
  return withLocalStorage(async () => {
    forgetTreeModules(job.root);
    const { runPlanCommand } = require(entryModule("planCommand", job.root)) as { runPlanCommand: RunPlanCommand };
    return runPlanCommand(job.argv, { evaluated });
  });
}

/** A plan's two moments the next plans wait for. */
interface Started {
  evaluated: Promise<void>;
  done: Promise<void>;
}

function serve(): void {
  // The lent pack's grant unrefs the channel (`packLease.ts`); the worker waits for jobs until told to stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = () => {
    clearInterval(keepAlive);
    process.exit(0);
  };
  const idle: Started = { evaluated: Promise.resolve(), done: Promise.resolve() };
  let last = idle;
  let beforeLast = idle;
  let all: Promise<unknown> = Promise.resolve();
  process.on("disconnect", stop);
  process.on("message", (message: unknown) => {
    if (!isPlanJobMessage(message)) return;
    const job = message.edgePlanJob;
    if (job === "stop") return void all.then(stop);
    let markEvaluated!: () => void;
    const evaluated = new Promise<void>((resolve) => (markEvaluated = resolve));
    const done = Promise.all([last.evaluated, beforeLast.done]).then(async () => {
      const output = { stderr: "" };
      const code = await planOutput.run(output, () => runJob(job, markEvaluated));
      markEvaluated();
      process.send!({ edgePlanDone: { id: job.id, code, stderr: output.stderr } } satisfies PlanJobAnswer);
    });
    beforeLast = last;
    last = { evaluated, done };
    all = Promise.all([all, done]);
  });
}

exitOnCrash("the plan worker");
routeOutput();
serve();
