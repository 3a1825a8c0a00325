/**
 * Hostile clients in a process of their own (one process holds at most ~19,000 descriptors here):
 * `node --require tsx/cjs harness/hostileClientsProcess.ts '<json ClientsPlan>'` opens the
 * connections, prints one JSON `ClientsStatus` line once they are open and one for every line it
 * reads on stdin, and closes them all when stdin ends. `spawnClients` is the parent's side.
 */
import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { ClientLimits, ClientShape, holdClients } from "./hostileClients";

export interface ClientsPlan {
  port: number;
  shape: ClientShape;
  count: number;
  limits: ClientLimits;
  sources: string[];
  deadlineMs: number;
  bodyBytes?: number;
}

export interface ClientsStatus {
  open: number;
  /** The most that were open at once. */
  peak: number;
  answers: Record<string, number>;
  connectErrors: number;
}

async function main(plan: ClientsPlan): Promise<void> {
  const held = await holdClients(plan.port, plan.count, plan.shape, plan.limits, { sources: plan.sources, deadlineMs: plan.deadlineMs, bodyBytes: plan.bodyBytes });
  const status = (): string => `${JSON.stringify({ open: held.open(), peak: held.peak(), answers: held.answers, connectErrors: held.connectErrors } satisfies ClientsStatus)}\n`;
  process.stdout.write(status());
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", () => process.stdout.write(status()));
  lines.on("close", () => {
    held.release();
    process.exit(0);
  });
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]!) as ClientsPlan).catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}

/** Clients held by child processes, each at most `perProcess` connections. */
export interface SpawnedClients {
  /** Asks every process how its connections are doing. */
  status(): Promise<ClientsStatus>;
  /** Closes every connection and waits for the processes to exit. */
  release(): Promise<void>;
}

/** Starts the processes for `plan` and waits until each has opened its share (bounded by `plan.deadlineMs` plus a start allowance). */
export async function spawnClients(plan: ClientsPlan, perProcess = 12_000): Promise<SpawnedClients> {
  const children: { child: ChildProcess; lines: AsyncIterator<string> }[] = [];
  const release = async () => {
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            child.once("exit", () => (clearTimeout(timer), resolve()));
            child.stdin!.end();
          }),
      ),
    );
  };
  const read = async (lines: AsyncIterator<string>, child: ChildProcess): Promise<ClientsStatus> => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`clients process ${child.pid} did not answer`)), plan.deadlineMs + 60_000).unref());
    const next = await Promise.race([lines.next(), timeout]);
    if (next.done) throw new Error(`clients process ${child.pid} exited (${child.exitCode})`);
    return JSON.parse(next.value) as ClientsStatus;
  };
  const sum = (statuses: ClientsStatus[]): ClientsStatus => {
    const answers: Record<string, number> = {};
    for (const s of statuses) for (const [k, v] of Object.entries(s.answers)) answers[k] = (answers[k] ?? 0) + v;
    return { open: statuses.reduce((a, s) => a + s.open, 0), peak: statuses.reduce((a, s) => a + s.peak, 0), answers, connectErrors: statuses.reduce((a, s) => a + s.connectErrors, 0) };
  };
  try {
    for (let first = 0; first < plan.count; first += perProcess) {
      const share: ClientsPlan = { ...plan, count: Math.min(perProcess, plan.count - first), sources: plan.sources.filter((_, i) => i % Math.ceil(plan.count / perProcess) === first / perProcess) };
      if (share.sources.length === 0) share.sources = plan.sources;
      const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "hostileClientsProcess.ts"), JSON.stringify(share)], {
        stdio: ["pipe", "pipe", "inherit"],
        cwd: path.join(__dirname, ".."),
      });
      children.push({ child, lines: readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]() });
    }
    await Promise.all(children.map(({ child, lines }) => read(lines, child)));
  } catch (error) {
    await release();
    throw error;
  }
  return {
    async status() {
      for (const { child } of children) child.stdin!.write("status\n");
      return sum(await Promise.all(children.map(({ child, lines }) => read(lines, child))));
    },
    release,
  };
}
