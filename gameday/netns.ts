/**
 * Network namespaces, veth pairs and bridges for the edge twin, and the one place that removes
 * them. Everything a run creates is registered with its `Teardown` before the next step starts,
 * and torn down in reverse order on success, on an error and on SIGINT/SIGTERM: no namespace,
 * link or process outlives the run.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export class TwinUnavailableError extends Error {}

/** Runs `ip …` (or another tool) and throws with its stderr when it fails. */
export function run(command: string, args: string[], input?: string): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], input });
  } catch (error) {
    const err = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")}: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** `ip netns exec NS command…`. */
export function inNamespace(namespace: string, command: string, args: string[], input?: string): string {
  return run("ip", ["netns", "exec", namespace, command, ...args], input);
}

/**
 * Refuses a run that cannot build the twin, naming what is missing: root, network namespaces,
 * veth, bridges, nftables.
 */
export function checkPrerequisites(): void {
  if (process.getuid?.() !== 0) throw new TwinUnavailableError("the edge twin needs root (network namespaces, veth, nftables): run it as root");
  for (const [tool, pkg] of [
    ["/usr/sbin/ip", "iproute2"],
    ["/usr/sbin/nft", "nftables"],
    ["/usr/sbin/nginx", "nginx-light"],
    ["/usr/sbin/nsd", "nsd"],
    ["/usr/sbin/unbound", "unbound"],
  ] as const) {
    if (!existsSync(tool)) throw new TwinUnavailableError(`${tool} is missing: apt-get install ${pkg} (listed in .ci/apt-packages.txt)`);
  }
  const probe = `gdprobe${process.pid}`;
  try {
    run("ip", ["netns", "add", probe]);
    run("ip", ["-n", probe, "link", "add", "p0", "type", "veth", "peer", "name", "p1"]);
    run("ip", ["-n", probe, "link", "add", "b0", "type", "bridge"]);
    inNamespace(probe, "nft", [
      "add table ip probe; add chain ip probe pre { type nat hook prerouting priority -100; }; add rule ip probe pre meta l4proto tcp dnat to numgen inc mod 2 map { 0 : 198.18.0.1, 1 : 198.18.0.2 }",
    ]);
  } catch (error) {
    throw new TwinUnavailableError(`the kernel refuses a feature the twin needs (netns, veth, bridge or nftables NAT with numgen): ${(error as Error).message}`);
  } finally {
    spawnSync("ip", ["netns", "del", probe], { stdio: "ignore" });
  }
}

/** Undo steps, run last-in first-out, each at most once, all synchronous so a signal handler can run them. */
export class Teardown {
  private readonly steps: { what: string; undo: () => void }[] = [];
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.run();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  private readonly onExit = () => this.run();

  constructor() {
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
    process.once("exit", this.onExit);
  }

  add(what: string, undo: () => void): void {
    this.steps.push({ what, undo });
  }

  /** Runs every undo step; a failing step is reported and the rest still run. Returns the failures. */
  run(): string[] {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        step.undo();
      } catch (error) {
        failures.push(`${step.what}: ${(error as Error).message}`);
      }
    }
    process.removeListener("SIGINT", this.onSignal);
    process.removeListener("SIGTERM", this.onSignal);
    process.removeListener("exit", this.onExit);
    return failures;
  }
}

/** Sends `signal` to every live process of a namespace (SIGSTOP freezes all of them). */
export function signalNamespace(namespace: string, signal: NodeJS.Signals): void {
  for (const pid of namespacePids(namespace).filter(isAlive)) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/** PIDs of every process inside a namespace. */
export function namespacePids(namespace: string): number[] {
  const result = spawnSync("ip", ["netns", "pids", namespace], { encoding: "utf8" });
  return result.stdout.split("\n").filter(Boolean).map(Number);
}

/** A process that exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** SIGKILLs every process of a namespace (an nginx master's workers too) and waits until none is alive. */
export function killNamespaceProcesses(namespace: string): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    const pids = namespacePids(namespace).filter(isAlive);
    if (pids.length === 0 || Date.now() > deadline) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    spawnSync("sleep", ["0.05"]);
  }
}

/** Creates a namespace with loopback up; its removal (processes first) is registered. */
export function addNamespace(teardown: Teardown, name: string): void {
  run("ip", ["netns", "add", name]);
  teardown.add(`namespace ${name}`, () => {
    killNamespaceProcesses(name);
    run("ip", ["netns", "del", name]);
  });
  run("ip", ["-n", name, "link", "set", "lo", "up"]);
}

/** A bridge in the root namespace (removal registered). */
export function addBridge(teardown: Teardown, name: string, address?: string): void {
  run("ip", ["link", "add", name, "type", "bridge"]);
  teardown.add(`bridge ${name}`, () => run("ip", ["link", "del", name]));
  if (address) run("ip", ["addr", "add", address, "dev", name]);
  run("ip", ["link", "set", name, "up"]);
}

/**
 * A veth pair: `inside` moves into `namespace` with `address` (CIDR), the other end joins
 * `bridge`. Deleting the namespace deletes the pair; the root end is registered too in case the
 * namespace removal fails.
 */
export function attach(teardown: Teardown, namespace: string, inside: string, bridge: string, rootEnd: string, address: string): void {
  run("ip", ["link", "add", rootEnd, "type", "veth", "peer", "name", inside, "netns", namespace]);
  teardown.add(`link ${rootEnd}`, () => {
    spawnSync("ip", ["link", "del", rootEnd], { stdio: "ignore" });
  });
  run("ip", ["link", "set", rootEnd, "master", bridge]);
  run("ip", ["link", "set", rootEnd, "up"]);
  run("ip", ["-n", namespace, "addr", "add", address, "dev", inside]);
  run("ip", ["-n", namespace, "link", "set", inside, "up"]);
}

/**
 * Runs a TypeScript file of this repository with Node inside a namespace, its one argument the JSON
 * of `input`, and parses the one JSON document it prints on stdout. Killed after `timeoutMs`.
 */
export function runNodeInNamespace<T>(namespace: string, file: string, input: unknown, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", namespace, process.execPath, "--require", "tsx/cjs", file, JSON.stringify(input)], {
      stdio: ["ignore", "pipe", "pipe"],
      cwd: path.join(__dirname, ".."),
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(JSON.parse(out) as T);
      else reject(new Error(`${path.basename(file)} failed (exit ${code}): ${err}`));
    });
  });
}

/**
 * The script's side of {@link runNodeInNamespace}: when `module` is the entry point, runs `main` on
 * the JSON argument and prints its JSON result on stdout; an error goes to stderr with exit 1.
 */
export function runAsNamespaceScript<Input, Output>(module: NodeModule, main: (input: Input) => Promise<Output>): void {
  if (require.main !== module) return;
  main(JSON.parse(process.argv[2]!) as Input).then(
    (output) => process.stdout.write(`${JSON.stringify(output)}\n`),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
