/**
 * Runs the rendered nginx config in Debian's real nginx on 127.0.0.1, with its own prefix, temp
 * dirs and pid file, and measures its memory from /proc. Shared by the host edge tests and the
 * benchmarks: `startNginx`, `measureNginxRss`, `freePort`, `holdConnections`.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { HostEdgeSettings, renderNginxConfig } from "../models/hostEdge";
import { installedAt } from "./requirements";

export const nginxBinary = "/usr/sbin/nginx";
export const nginxInstalled = installedAt(nginxBinary, "nginx", "nginx-light");

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningNginx {
  port: number;
  dir: string;
  configFile: string;
  drainFile: string;
  errorLog: string;
  /** The master process's pid. */
  pid: number;
  /** Stops nginx (SIGQUIT then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

/** Renders the config for a temp prefix and a loopback port; returns the config path. */
export function renderTestConfig(settings: HostEdgeSettings, dir: string, port: number): string {
  const configFile = path.join(dir, "nginx.conf");
  writeFileSync(
    configFile,
    renderNginxConfig(settings, {
      listen: `127.0.0.1:${port}`,
      pidFile: path.join(dir, "nginx.pid"),
      errorLog: path.join(dir, "error.log"),
      accessLog: "off",
      tempDir: dir,
      drainFile: path.join(dir, "drain"),
      user: os.userInfo().username,
    }),
  );
  return configFile;
}

/** Makes a temp directory nginx's workers can use (they may run as another user). */
export function nginxTempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-nginx-"));
  chmodSync(dir, 0o755);
  return dir;
}

/** `nginx -t` on a config: exit status and output. */
export function testNginxConfig(dir: string, configFile: string): { status: number | null; output: string } {
  const result = spawnSync(nginxBinary, ["-t", "-p", dir, "-c", configFile], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function waitForPort(port: number, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${readLog(dir)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}: ${readLog(dir)}`);
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, "error.log"), "utf8");
  } catch {
    return "(no error log)";
  }
}

export interface StartNginxOptions {
  /**
   * Soft descriptor limit the nginx process starts with (`prlimit --nofile=N:`), the 1,024 that
   * Debian's systemd (252) gives a unit without `LimitNOFILE` (its hard limit stays 524,288, here the
   * test process's: raising the hard limit needs CAP_SYS_RESOURCE, which this sandbox lacks).
   * Defaults to the test process's own limit.
   */
  nofileSoft?: number;
  /** `worker_processes` instead of the rendered `auto` (one per CPU of this machine): a host's vCPU count. */
  workerProcesses?: number;
  /**
   * Seconds for the timeouts that end a client's connection (its header, body, answer, keep-alive,
   * lingering close) instead of the rendered ones: they bound how long a connection lasts, not what
   * it holds, so a slow machine can open every hostile connection before the first one times out.
   */
  clientTimeoutSeconds?: number;
  /** The `listen` socket's `backlog` instead of the rendered one: a shallow accept queue a connect storm overflows at once. */
  listenBacklog?: number;
}

/** Starts nginx in the foreground on the rendered config; waits until it accepts connections. */
export async function startNginx(settings: HostEdgeSettings, options: StartNginxOptions = {}): Promise<RunningNginx> {
  const dir = nginxTempDir();
  const port = await freePort();
  const configFile = renderTestConfig(settings, dir, port);
  let text = readFileSync(configFile, "utf8");
  if (options.workerProcesses !== undefined) text = text.replace(/^worker_processes auto;$/m, `worker_processes ${options.workerProcesses};`);
  if (options.clientTimeoutSeconds !== undefined) {
    text = text.replace(/^( {4}(?:client_header_timeout|client_body_timeout|send_timeout|keepalive_timeout|lingering_time)) \d+s;$/gm, `$1 ${options.clientTimeoutSeconds}s;`);
  }
  if (options.listenBacklog !== undefined) text = text.replace(/ backlog=\d+/, ` backlog=${options.listenBacklog}`);
  writeFileSync(configFile, text);
  const args = ["-p", dir, "-c", configFile, "-g", "daemon off;"];
  // prlimit sets the limit on itself and then execs nginx, so the pid is nginx's master.
  const child =
    options.nofileSoft === undefined ? spawn(nginxBinary, args, { stdio: "ignore" }) : spawn("/usr/bin/prlimit", [`--nofile=${options.nofileSoft}:`, "--", nginxBinary, ...args], { stdio: "ignore" });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGQUIT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, dir);
    // Workers are forked after the listen socket opens: wait until all of them are up.
    const deadline = Date.now() + 5000;
    const workers = options.workerProcesses ?? 1;
    while (nginxWorkerPids(child.pid!).length < workers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, dir, configFile, drainFile: path.join(dir, "drain"), errorLog: path.join(dir, "error.log"), pid: child.pid!, stop };
}

/** The worker processes of an nginx master (its children, found by parent pid in /proc). */
export function nginxWorkerPids(masterPid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === masterPid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** VmRSS of one process in bytes. */
export function vmRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export interface NginxRss {
  masterBytes: number;
  workerBytes: number[];
  /** Sum of VmRSS of master and workers: what the memory model predicts. */
  totalBytes: number;
}

/** The resident memory of an nginx master and its workers, from /proc/<pid>/status (VmRSS). */
export function measureNginxRss(masterPid: number): NginxRss {
  const masterBytes = vmRssBytes(masterPid);
  const workerBytes = nginxWorkerPids(masterPid).map(vmRssBytes);
  return { masterBytes, workerBytes, totalBytes: masterBytes + workerBytes.reduce((a, b) => a + b, 0) };
}
