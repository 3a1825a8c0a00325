/**
 * The plan workers pr-check plans with (`planWorker.ts`): each is one process that plans stack after
 * stack, so the Pulumi SDKs load once per worker instead of once per plan. Imports nothing but
 * Node's own modules and the pack lender, so pr-check does not load the plan's code itself.
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { planNodeFlags } from "./command";
import { PolicyPackLender } from "./packLease";

/** One plan: the plan command's arguments (`npm run plan -- …`), run in the tree at `root`. */
export interface PlanJob {
  id: number;
  root: string;
  argv: string[];
}

/** pr-check to a worker: a plan to make, or the end of the work. */
export type PlanJobMessage = { edgePlanJob: PlanJob | "stop" };
/** A worker to pr-check: a plan's exit code (as `npm run plan`'s) and what it wrote to stderr. */
export type PlanJobAnswer = { edgePlanDone: { id: number; code: number; stderr: string } };

export const isPlanJobMessage = (message: unknown): message is PlanJobMessage =>
  !!message && typeof message === "object" && "edgePlanJob" in message;

const isPlanJobAnswer = (message: unknown): message is PlanJobAnswer =>
  !!message && typeof message === "object" && "edgePlanDone" in message;

/** `node <flags> --require tsx/cjs <root>/tools/plan/planWorker.ts`, as arguments of `process.execPath`. */
export function planWorkerArgs(root: string): string[] {
  return [...planNodeFlags, "--require", "tsx/cjs", join(root, "tools", "plan", "planWorker.ts")];
}

/** True when a worker can run the plans of the tree at `root`: the tree has the plan command as a function. */
export function workerCanPlan(root: string): boolean {
  return existsSync(join(root, "tools", "plan", "run.ts"));
}

/** What a plan ended with. */
export interface PlanOutcome {
  code: number;
  stderr: string;
}

/** Plan workers started from the tree at `root` as plans are asked for, each judged by `lender`'s packs. */
export class PlanWorkers {
  private readonly workers: { child: ChildProcess; pending: Map<number, (outcome: PlanOutcome) => void>; stderr: string }[] = [];
  private nextId = 0;

  /** `count` workers at most: pr-check gives the machine's cores a worker each. */
  constructor(
    private readonly root: string,
    private readonly lender: PolicyPackLender,
    private readonly count: number,
  ) {}

  /** Runs `npm run plan -- <argv>` of the tree at `treeRoot` (one `workerCanPlan` accepts) in the least busy worker. */
  plan(treeRoot: string, argv: string[]): Promise<PlanOutcome> {
    const worker = this.workers.length < this.count ? this.start() : this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise((done) => {
      worker.pending.set(id, done);
      worker.child.send({ edgePlanJob: { id, root: treeRoot, argv } } satisfies PlanJobMessage, (err) => err && this.fail(worker, err.message));
    });
  }

  /** Ends every worker (each waits for its plans first: pr-check stops them when every plan has answered). */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        if (child.connected) child.send({ edgePlanJob: "stop" } satisfies PlanJobMessage);
        else child.kill("SIGTERM");
        return exited;
      }),
    );
  }

  private start() {
    const child = spawn(process.execPath, planWorkerArgs(this.root), {
      cwd: this.root,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: PolicyPackLender.childEnv(),
    });
    const worker = { child, pending: new Map<number, (outcome: PlanOutcome) => void>(), stderr: "" };
    this.workers.push(worker);
    this.lender.serve(child);
    const stopOnExit = () => child.kill("SIGKILL");
    process.once("exit", stopOnExit);
    child.stderr!.on("data", (chunk) => (worker.stderr += chunk));
    child.on("message", (message: unknown) => {
      if (!isPlanJobAnswer(message)) return;
      const { id, code, stderr } = message.edgePlanDone;
      worker.pending.get(id)?.({ code, stderr });
      worker.pending.delete(id);
    });
    child.on("error", (err) => this.fail(worker, err.message));
    child.on("exit", (code, signal) => {
      process.off("exit", stopOnExit);
      this.fail(worker, `the plan worker exited (${signal ?? `exit ${code}`}) before answering`);
    });
    return worker;
  }

  /** A worker that cannot answer fails its plans as broken (exit 2), with what it wrote. */
  private fail(worker: PlanWorkers["workers"][number], why: string): void {
    for (const done of worker.pending.values()) done({ code: 2, stderr: `${worker.stderr}${why}\n` });
    worker.pending.clear();
  }
}
