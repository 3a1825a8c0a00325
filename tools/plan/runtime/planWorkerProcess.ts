/**
 * Starts pr-check's plan worker (`planWorker.ts`) and talks to it: one process that plans stack
 * after stack, so the Pulumi SDKs load once instead of once per plan. One worker, not one per core:
 * the plans' pack judges one stack at a time (`packLease.ts`) and a second worker costs another
 * load of the SDKs. Imports nothing but Node's own modules and the pack lender, so pr-check does not
 * load the plan's code itself.
 */
import { ChildProcess, spawn } from "node:child_process";
import { planWorkerArgs } from "./command";
import { carries, PolicyPackLender } from "./packLease";

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

export const isPlanJobMessage = (message: unknown): message is PlanJobMessage => carries(message, "edgePlanJob");

const isPlanJobAnswer = (message: unknown): message is PlanJobAnswer => carries(message, "edgePlanDone");

/** What a plan ended with. */
export interface PlanOutcome {
  code: number;
  stderr: string;
  /**
   * The worker ended before the plan did (a crash in any plan it ran ends them all): the plan has
   * no verdict of its own, and pr-check runs it again in a process of its own.
   */
  lost?: boolean;
}

/** The plan worker of the tree at `root`, started at its first plan; `lender` lends it the packs. */
export class PlanWorker {
  private child?: ChildProcess;
  private readonly pending = new Map<number, (outcome: PlanOutcome) => void>();
  private stderr = "";
  private nextId = 0;

  constructor(
    private readonly root: string,
    private readonly lender: PolicyPackLender,
  ) {}

  /** Runs `npm run plan -- <argv>` of the tree at `treeRoot` (on this tree's node_modules), after the plans asked for before. */
  plan(treeRoot: string, argv: string[]): Promise<PlanOutcome> {
    const child = (this.child ??= this.start());
    const id = this.nextId++;
    return new Promise((done) => {
      this.pending.set(id, done);
      child.send({ edgePlanJob: { id, root: treeRoot, argv } } satisfies PlanJobMessage, (err) => err && this.fail(err.message));
    });
  }

  /** Ends the worker once it has answered every plan. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.connected) child.send({ edgePlanJob: "stop" } satisfies PlanJobMessage);
    else child.kill("SIGTERM");
    await exited;
  }

  private start(): ChildProcess {
    const child = spawn(process.execPath, planWorkerArgs(this.root), {
      cwd: this.root,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: PolicyPackLender.childEnv(),
    });
    this.lender.serve(child);
    const stopOnExit = () => child.kill("SIGKILL");
    process.once("exit", stopOnExit);
    child.stderr!.on("data", (chunk) => (this.stderr += chunk));
    child.on("message", (message: unknown) => {
      if (!isPlanJobAnswer(message)) return;
      const { id, code, stderr } = message.edgePlanDone;
      this.pending.get(id)?.({ code, stderr });
      this.pending.delete(id);
    });
    child.on("error", (err) => this.fail(err.message));
    child.on("exit", (code, signal) => {
      process.off("exit", stopOnExit);
      this.fail(`the plan worker exited (${signal ?? `exit ${code}`}) before answering`);
    });
    return child;
  }

  /** A worker that cannot answer loses its plans (exit 2), with what it wrote. */
  private fail(why: string): void {
    for (const done of this.pending.values()) done({ code: 2, stderr: `${this.stderr}${why}\n`, lost: true });
    this.pending.clear();
  }
}
