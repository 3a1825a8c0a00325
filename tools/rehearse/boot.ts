/**
 * Boots the host image under systemd as PID 1 with `systemd-nspawn --boot`, inside the host's
 * network namespace, with cloud-init's NoCloud seed holding the launch template's user data as EC2
 * hands it over (the base64 decoded: gzip, which cloud-init unpacks). `--volatile=overlay` puts a
 * memory overlay over the image, so every boot starts from the same image and leaves it as it was.
 * Read-only mounts add the trust store with the rehearsal's test CA and the resolver's address
 * (DHCP's job on EC2). Checked on this kind of machine: ../shared/NOTES.md.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface BootOptions {
  image: string;
  /** The container's machine name: unique on this machine. */
  machine: string;
  /** The network namespace (`ip netns`) the host joins. */
  namespace: string;
  /** A directory of the run: the seed, the mounted files and the console log go there. */
  dir: string;
  /** The launch template's user data, base64 as the plan carries it. */
  userData: string;
  instanceId: string;
  hostname: string;
  /** Files mounted read-only over the image's: image path → file on this machine. */
  files: Record<string, string>;
  /** Directories mounted writable over the image's: image path → directory on this machine (a small disk of the host's own). */
  directories?: Record<string, string>;
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class BootedHost {
  private exited: Promise<number | null>;

  constructor(
    private readonly nspawn: ChildProcess,
    /** The container's PID 1 (systemd) as this machine sees it. */
    readonly leader: number,
    readonly startedAt: number,
    readonly consoleLog: string,
  ) {
    this.exited = new Promise((resolve) => nspawn.once("exit", (code) => resolve(code)));
  }

  /** Runs a command in the container (every namespace of its PID 1), bounded in time. */
  exec(args: string[], timeoutMs = 30_000): CommandResult {
    const run = spawnSync("nsenter", ["--target", String(this.leader), "--all", "--", "/usr/bin/env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...args], {
      encoding: "utf8",
      timeout: timeoutMs,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? (run.error ? run.error.message : "") };
  }

  /** This machine's PID of a process the container numbers `pid` (what `systemctl show -p MainPID` says inside), or undefined when none runs. */
  hostPid(pid: number): number | undefined {
    const namespace = (p: number) => {
      try {
        return readlinkSync(`/proc/${p}/ns/pid`);
      } catch {
        return undefined;
      }
    };
    const ours = namespace(this.leader);
    for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
      try {
        const nspid = /^NSpid:\s+(.*)$/m
          .exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1]
          ?.trim()
          .split(/\s+/);
        if (nspid && nspid[nspid.length - 1] === String(pid) && namespace(Number(entry)) === ours) return Number(entry);
      } catch {
        continue;
      }
    }
    return undefined;
  }

  /** Kills the container at once, its PID 1 first (every process of its PID namespace dies with it): teardown on an error. */
  stopNow(): void {
    if (this.nspawn.exitCode !== null || this.nspawn.signalCode !== null) return;
    try {
      process.kill(this.leader, "SIGKILL");
    } catch {
      // already gone
    }
    this.nspawn.kill("SIGKILL");
  }

  /** Shuts the container down (systemd stops every unit), then kills it if it has not stopped within `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.nspawn.exitCode !== null || this.nspawn.signalCode !== null) return;
    this.nspawn.kill("SIGTERM");
    const stopped = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
    if (!stopped) {
      this.nspawn.kill("SIGKILL");
      await this.exited;
    }
  }
}

/** The NoCloud seed: meta-data and the user data's bytes. */
function writeSeed(dir: string, options: BootOptions): string {
  const seed = path.join(dir, "seed");
  mkdirSync(seed, { recursive: true });
  writeFileSync(path.join(seed, "meta-data"), `instance-id: ${options.instanceId}\nlocal-hostname: ${options.hostname}\n`);
  writeFileSync(path.join(seed, "user-data"), Buffer.from(options.userData, "base64"));
  return seed;
}

/** The process whose PID namespace numbers it 1, under `root`: the container's systemd. */
function findLeader(root: number): number | undefined {
  const children = (pid: number): number[] => {
    try {
      return readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number));
    } catch {
      return [];
    }
  };
  const queue = children(root);
  while (queue.length) {
    const pid = queue.shift()!;
    try {
      const nspid = /^NSpid:\s+(.*)$/m
        .exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
        ?.trim()
        .split(/\s+/);
      if (nspid && nspid.length > 1 && nspid[nspid.length - 1] === "1") return pid;
    } catch {
      continue;
    }
    queue.push(...children(pid));
  }
  return undefined;
}

/** Starts the container and returns once its PID 1 runs (systemd then boots on its own). */
export async function bootHost(options: BootOptions): Promise<BootedHost> {
  mkdirSync(options.dir, { recursive: true });
  const seed = writeSeed(options.dir, options);
  const consoleLog = path.join(options.dir, "console.log");
  const binds = [
    ...Object.entries(options.files).map(([inside, outside]) => `--bind-ro=${outside}:${inside}`),
    ...Object.entries(options.directories ?? {}).map(([inside, outside]) => `--bind=${outside}:${inside}`),
  ];
  const args = [
    "--quiet",
    `--directory=${options.image}`,
    "--boot",
    "--register=no",
    "--keep-unit",
    `--machine=${options.machine}`,
    "--volatile=overlay",
    `--network-namespace-path=/run/netns/${options.namespace}`,
    "--resolv-conf=off",
    "--timezone=off",
    "--link-journal=no",
    "--console=passive",
    `--bind-ro=${seed}:/var/lib/cloud/seed/nocloud`,
    ...binds,
  ];
  const startedAt = Date.now();
  const nspawn = spawn("systemd-nspawn", args, { stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  nspawn.stdout!.on("data", (c: Buffer) => log.push(c.toString()));
  nspawn.stderr!.on("data", (c: Buffer) => log.push(c.toString()));
  nspawn.once("exit", () => writeFileSync(consoleLog, log.join("")));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (nspawn.exitCode !== null || nspawn.signalCode !== null)
      throw new Error(`systemd-nspawn exited (${nspawn.exitCode ?? nspawn.signalCode}) before the host booted: ${log.join("").trim().slice(-2000)}`);
    const leader = nspawn.pid === undefined ? undefined : findLeader(nspawn.pid);
    if (leader !== undefined) return new BootedHost(nspawn, leader, startedAt, consoleLog);
    if (Date.now() > deadline) {
      nspawn.kill("SIGKILL");
      throw new Error(`systemd-nspawn started no PID 1 within 30 s: ${log.join("").trim().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
