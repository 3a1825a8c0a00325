/**
 * One policy pack process for many plans. `pr-check` plans several stacks, each in a process of its
 * own (the Pulumi runtime runs one program per process). Instead of each plan starting its own
 * pack (about a second of CPU, mostly importing the Pulumi SDKs), pr-check starts one process per
 * pack and lends it to one plan at a time over Node's IPC channel.
 *
 * One at a time, because the pack holds the policy config of its last `Configure` in a module
 * variable that every `Analyze` and `AnalyzeStack` reads while it judges (`policyPackConfig` in
 * `@pulumi/policy`'s server.js, 1.21.0): two stacks with different policy configs cannot use it at
 * once. Each plan configures the pack afresh when its turn comes, as `pulumi preview` does. The
 * policies keep no state between requests (module constants only), so a plan judged by a lent
 * pack is the plan its own pack would make.
 *
 * A plan's process asks only when pr-check sets `EDGE_PLAN_PACK_LEASE=1` and gives it an IPC
 * channel; a plan from a tree that predates this ignores both and starts its own pack.
 */
import type { ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import type { PackConnection } from "./packProcess";

/** The environment variable that tells a plan's process to ask its parent for the pack. */
export const packLeaseEnv = "EDGE_PLAN_PACK_LEASE";

/** A plan's process to its parent. */
type LeaseRequest = { edgePackLease: "acquire"; packDir: string } | { edgePackLease: "release" };
/** The parent's answer to `acquire`. */
type LeaseAnswer = { edgePackLease: "granted"; port: number } | { edgePackLease: "failed"; error: string };

const isLeaseMessage = (message: unknown): message is { edgePackLease: string } =>
  !!message && typeof message === "object" && "edgePackLease" in message;

/** True in a plan's process to which pr-check lends the pack. */
export function packIsLent(): boolean {
  return process.env[packLeaseEnv] === "1" && typeof process.send === "function";
}

function sendToParent(message: LeaseRequest): Promise<void> {
  return new Promise((done) => {
    if (!process.connected) return done();
    process.send!(message, undefined, {}, () => done());
  });
}

/** In a plan's process: the lent pack of `packDir`, this process's alone until `stop()`. */
export function leasePolicyPack(packDir: string): Promise<PackConnection> {
  return new Promise((resolvePack, reject) => {
    const onMessage = (message: unknown) => {
      if (!isLeaseMessage(message)) return;
      process.off("message", onMessage);
      // Once granted, the channel does not keep the process alive; the pack's connection does.
      process.channel?.unref();
      const answer = message as LeaseAnswer;
      if (answer.edgePackLease === "failed") reject(new Error(answer.error));
      else {
        // Given back once: the lender counts leases per process, and a second release would end
        // the lease this process asks for next (the plan worker's next plan).
        let released: Promise<void> | undefined;
        resolvePack({ port: answer.port, stop: () => (released ??= sendToParent({ edgePackLease: "release" })) });
      }
    };
    process.on("message", onMessage);
    void sendToParent({ edgePackLease: "acquire", packDir: resolve(packDir) });
  });
}

/** A pack being lent: the plan holding it, and the plans waiting in the order they asked. */
interface LentPack {
  connection: Promise<PackConnection>;
  holder?: ChildProcess;
  waiting: ChildProcess[];
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
        pack.waiting.push(child);
        this.lendNext(pack);
      } else this.returned(child);
    });
    child.once("exit", () => this.returned(child));
  }

  /** Stops every pack started (waits for each to exit). */
  async stop(): Promise<void> {
    const packs = [...this.packs.values()];
    this.packs.clear();
    await Promise.all(packs.map((pack) => pack.connection.then((c) => c.stop(), () => undefined)));
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
    const child = pack.waiting.shift()!;
    pack.holder = child;
    const answer = (message: LeaseAnswer) => {
      if (pack.holder !== child) return; // it exited meanwhile
      if (!child.connected) return this.returned(child);
      child.send(message, (err) => err && this.returned(child));
    };
    pack.connection.then(
      (connection) => answer({ edgePackLease: "granted", port: connection.port }),
      (err: Error) => {
        answer({ edgePackLease: "failed", error: err.message });
        this.returned(child);
      },
    );
  }

  private returned(child: ChildProcess): void {
    for (const pack of this.packs.values()) {
      pack.waiting = pack.waiting.filter((c) => c !== child);
      if (pack.holder === child) {
        pack.holder = undefined;
        this.lendNext(pack);
      }
    }
  }
}
