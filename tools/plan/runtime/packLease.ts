/**
 * One policy pack process for many plans. `pr-check` plans several stacks, in its plan worker
 * (`planWorker.ts`) or, for a base installed apart (its own `npm ci`), each in a process of its own. Instead of
 * each plan starting its own pack (about a second of CPU, mostly importing the Pulumi SDKs),
 * pr-check starts one process per pack and lends it to one plan at a time over Node's IPC channel.
 *
 * One at a time, because the pack holds the policy config of its last `Configure` in a module
 * variable that every `Analyze` and `AnalyzeStack` reads while it judges (`policyPackConfig` in
 * `@pulumi/policy`'s server.js, 1.21.0): two stacks with different policy configs cannot use it at
 * once. Each plan configures the pack afresh when its turn comes, as `pulumi preview` does. The
 * policies keep no state between requests (module constants only), so a plan judged by a lent
 * pack is the plan its own pack would make.
 *
 * A plan's process asks only when pr-check sets `EDGE_PLAN_PACK_LEASE=1` and gives it an IPC
 * channel, and never on the plain path (EDGE_PLAN_PLAIN=1), where each plan starts its own pack.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { plainPath } from "./mode";
import { PackConnection, policyPackDir, spawnPolicyPack } from "./packProcess";

/** The environment variable that tells a plan's process to ask its parent for the pack. */
export const packLeaseEnv = "EDGE_PLAN_PACK_LEASE";

/**
 * A plan's process to its parent. `lease` names the request, so a process that asks for several
 * (the plan worker, whose next plan asks before the last has given the pack back) takes each answer
 * for the request it answers.
 */
type LeaseRequest = { edgePackLease: "acquire"; packDir: string; lease: string } | { edgePackLease: "release"; lease: string };
/** The parent's answer to `acquire`, naming the request's `lease`. */
type LeaseAnswer = { edgePackLease: "granted"; port: number; lease: string } | { edgePackLease: "failed"; error: string; lease: string };

/**
 * True when a message of Node's IPC channel is of the protocol that marks its messages with `key`:
 * a process's channel carries the pack lease's messages and, in the plan worker, its jobs too.
 */
export const carries = <K extends string>(message: unknown, key: K): message is Record<K, unknown> => !!message && typeof message === "object" && key in message;

const isLeaseMessage = (message: unknown): message is { edgePackLease: string } => carries(message, "edgePackLease");

/** True in a plan's process to which pr-check lends the pack. */
export function packIsLent(): boolean {
  return !plainPath() && process.env[packLeaseEnv] === "1" && typeof process.send === "function";
}

/**
 * The plan's policy pack: lent by pr-check, or a process of its own. Its ~1 s of imports overlaps
 * the plan's process loading the Pulumi runtime, so `main.ts` starts it before anything else.
 */
export function startPlanPack(): Promise<PackConnection> {
  // A pack that cannot be built or started rejects, reported where the plan awaits it.
  const pack = new Promise<PackConnection>((resolvePack) => resolvePack(packIsLent() ? leasePolicyPack(policyPackDir) : spawnPolicyPack()));
  pack.catch(() => undefined); // awaited in makePlan; a bad argument may end the run first
  return pack;
}

function sendToParent(message: LeaseRequest): Promise<void> {
  return new Promise((done) => {
    if (!process.connected) return done();
    process.send!(message, undefined, {}, () => done());
  });
}

/** In a plan's process: the lent pack of `packDir`, this process's alone until `stop()`. */
export function leasePolicyPack(packDir: string): Promise<PackConnection> {
  const lease = randomUUID();
  return new Promise((resolvePack, reject) => {
    const onMessage = (message: unknown) => {
      if (!isLeaseMessage(message) || (message as LeaseAnswer).lease !== lease) return;
      process.off("message", onMessage);
      // Once granted, the channel does not keep the process alive; the pack's connection does.
      process.channel?.unref();
      const answer = message as LeaseAnswer;
      if (answer.edgePackLease === "failed") reject(new Error(answer.error));
      else resolvePack({ port: answer.port, stop: () => sendToParent({ edgePackLease: "release", lease }) });
    };
    process.on("message", onMessage);
    void sendToParent({ edgePackLease: "acquire", packDir: resolve(packDir), lease });
  });
}

/** A plan that asked for a pack: its process and the name of its request. */
interface Borrower {
  child: ChildProcess;
  lease: string;
}

/** A pack being lent: the plan holding it, and the plans waiting in the order they asked. */
interface LentPack {
  connection: Promise<PackConnection>;
  holder?: Borrower;
  waiting: Borrower[];
}

/**
 * In pr-check: starts each pack once, on its first offer or request, and lends it to the plans'
 * processes in turn. A plan that exits returns its lease; `stop()` ends every pack.
 */
export class PolicyPackLender {
  private readonly packs = new Map<string, LentPack>();
  /** Pack folders served by another folder's pack (the same sources in another tree). */
  private readonly servedBy = new Map<string, string>();

  /** `start` starts the pack of a folder (the tree's own `spawnPolicyPack`). */
  constructor(private readonly start: (packDir: string) => Promise<PackConnection>) {}

  /**
   * Starts `packDir`'s pack now, so its start overlaps the plans' own; plans that ask for a folder
   * of `sameAs` (the same pack in another tree) are lent it too.
   */
  offer(packDir: string, sameAs: string[] = []): void {
    for (const other of sameAs) this.servedBy.set(resolve(other), resolve(packDir));
    this.pack(packDir);
  }

  /** The environment of a plan's process that asks for its pack. */
  static childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...env, [packLeaseEnv]: "1" };
  }

  /** Answers the requests of a plan's process (spawned with an `ipc` stdio entry and `childEnv`). */
  serve(child: ChildProcess): void {
    child.on("message", (message: unknown) => {
      if (!isLeaseMessage(message)) return;
      const request = message as LeaseRequest;
      if (request.edgePackLease === "acquire") {
        const pack = this.pack(request.packDir);
        pack.waiting.push({ child, lease: request.lease });
        this.lendNext(pack);
      } else this.released(child, request.lease);
    });
    child.once("exit", () => this.returned(child));
  }

  /** Stops every pack started (waits for each to exit). */
  async stop(): Promise<void> {
    const packs = [...this.packs.values()];
    this.packs.clear();
    await Promise.all(
      packs.map((pack) =>
        pack.connection.then(
          (c) => c.stop(),
          () => undefined,
        ),
      ),
    );
  }

  private pack(packDir: string): LentPack {
    const dir = this.servedBy.get(resolve(packDir)) ?? resolve(packDir);
    let pack = this.packs.get(dir);
    if (!pack) {
      // A start that throws (a tree without the pack) fails the borrowers, never the lender.
      const start = this.start;
      pack = { connection: new Promise<PackConnection>((resolvePack) => resolvePack(start(dir))), waiting: [] };
      pack.connection.catch(() => undefined); // each borrower is told
      this.packs.set(dir, pack);
    }
    return pack;
  }

  private lendNext(pack: LentPack): void {
    if (pack.holder || pack.waiting.length === 0) return;
    const borrower = pack.waiting.shift()!;
    const { child, lease } = borrower;
    pack.holder = borrower;
    const answer = (message: LeaseAnswer) => {
      if (pack.holder !== borrower) return; // it exited meanwhile
      if (!child.connected) return this.returned(child);
      child.send(message, (err) => err && this.returned(child));
    };
    pack.connection.then(
      (connection) => answer({ edgePackLease: "granted", port: connection.port, lease }),
      (err: Error) => {
        answer({ edgePackLease: "failed", error: err.message, lease });
        this.released(child, lease);
      },
    );
  }

  /** A process gave back the lease `lease`; another it asked for since (the plan worker's next plan) still waits its turn. */
  private released(child: ChildProcess, lease: string): void {
    for (const pack of this.packs.values()) {
      if (pack.holder?.child === child && pack.holder.lease === lease) {
        pack.holder = undefined;
        this.lendNext(pack);
      }
    }
  }

  /** A process that exited (or cannot be answered) holds nothing and waits for nothing. */
  private returned(child: ChildProcess): void {
    for (const pack of this.packs.values()) {
      pack.waiting = pack.waiting.filter((borrower) => borrower.child !== child);
      if (pack.holder?.child === child) this.released(child, pack.holder.lease);
    }
  }
}
