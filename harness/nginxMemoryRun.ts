/**
 * Measures Debian's real nginx on a rendered host config under hostile clients at its limits, in
 * a network namespace of its own that carries the host's TCP sysctls (models/hostEdge/kernel.ts:
 * they are per namespace, so the machine's own are left alone, and `ss` there sees only this
 * run's sockets). `measureNginxMemory` is the caller's side; the same file, run inside the
 * namespace, starts the stand-in service, nginx and the clients (child processes,
 * harness/hostileClientsProcess.ts) for each case and prints what it measured.
 * Used by the real-nginx memory spec and the fidelity benchmark.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HostEdgeSettings, hostTcpSettings, listenBacklog, NginxLoad, renderHostSysctl } from "../models/hostEdge";
import { addNamespace, inNamespace, runAsNamespaceScript, runNodeInNamespace, Teardown } from "../gameday/netns";
import { ClientLimits, ClientShape, loopbackSources } from "./hostileClients";
import { spawnClients, SpawnedClients } from "./hostileClientsProcess";
import { freePort, measureNginxRss, nginxWorkerPids, RunningNginx, startNginx } from "./nginx";
import { startUpstream, Upstream } from "./upstream";

/** Kernel memory of a set of TCP sockets: their number and the bytes charged to them. */
export interface SocketMemory {
  sockets: number;
  /** Σ receive queue + write queue + forward-allocated bytes (`ss` skmem r + w + f): what TCP charges to the host's memory. */
  bytes: number;
}

/** One row: clients driven into states, then measured. */
export interface MemoryCase {
  name: string;
  /** The clients, opened in this order. */
  loads: { shape: ClientShape; count: number; bodyBytes?: number }[];
  /** The service processes are stopped before the clients come: nginx's requests to them fill its send queue. */
  stoppedService?: boolean;
  /** After the loads, nginx is stopped and this many clients connect and send: the kernel queues them. */
  queued?: number;
}

export interface MemoryRunInput {
  /** The host's settings (the service ports are the stand-ins'). */
  settings: HostEdgeSettings;
  /** nginx's `worker_processes`: the host's vCPUs. */
  workers: number;
  limits: ClientLimits;
  /** Loopback source addresses the clients spread over (`limit_req` counts per address). */
  sources: number;
  cases: MemoryCase[];
  /** How long each load may take to open its connections, ms. */
  deadlineMs: number;
  /** The client timeouts nginx runs with instead of the rendered ones (they end a state, they do not size it): a slow machine opens every connection before the first times out. */
  clientTimeoutSeconds?: number;
}

/** What one case measured. */
export interface CaseMeasurement {
  name: string;
  workers: number;
  /**
   * Connections by the state the model prices, the most held at once (the allocator may keep
   * what a closed one held), as counted from the clients' and nginx's sides.
   */
  load: NginxLoad;
  /** Answers the clients got, by status ("closed": nginx closed without one). */
  answers: Record<string, number>;
  /** Sum of VmRSS of nginx's master and workers. */
  processBytes: number;
  /** nginx's sockets and their buffers (`ss -m`). */
  buffers: SocketMemory;
  /** Kernel slab bytes per TCP socket this case opened (/proc/slabinfo, the caches a socket allocates from), when enough were opened to read it. */
  slabBytesPerSocket?: number;
}

/**
 * The slab caches a TCP socket allocates from and little else does: the socket, its inode, its
 * file and its epoll entry. Its dentry (192 B) is left out: the machine's file systems move that
 * cache by far more than a run's sockets.
 */
const socketSlabs = ["TCP", "sock_inode_cache", "filp", "eventpoll_epi", "eventpoll_pwq"];

/**
 * The bytes of those caches and the number of TCP sockets (the `TCP` cache's objects), machine-wide:
 * their change over a case, one divided by the other, is what a socket costs, closing ones
 * (of this case or the one before) counted on both sides alike.
 */
function slab(): { bytes: number; sockets: number } {
  let bytes = 0;
  let sockets = 0;
  for (const line of readFileSync("/proc/slabinfo", "utf8").split("\n")) {
    const [name, active, , size] = line.trim().split(/\s+/);
    if (socketSlabs.includes(name!)) bytes += Number(active) * Number(size);
    if (name === "TCP") sockets = Number(active);
  }
  return { bytes, sockets };
}

/** nginx's sockets on its port (accepted or queued) and to the service, their buffers, and the accept queue's length. */
function nginxSockets(port: number, servicePorts: number[]): { buffers: SocketMemory; upstream: number; queued: number } {
  const filter = [`sport = :${port}`, ...servicePorts.map((p) => `dport = :${p}`)].join(" or ");
  const out = spawnSync("ss", ["-tmnHO", "state", "all", `( ${filter} )`], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`ss failed: ${out.stderr}`);
  let sockets = 0;
  let bytes = 0;
  let upstream = 0;
  let queued = 0;
  for (const line of out.stdout.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === "LISTEN") {
      queued += Number(fields[1]);
      continue;
    }
    const mem = /skmem:\(r(\d+),rb\d+,t\d+,tb\d+,f(\d+),w(\d+)/.exec(line);
    if (!mem) continue;
    sockets++;
    bytes += Number(mem[1]) + Number(mem[2]) + Number(mem[3]);
    if (fields[0] === "ESTAB" && servicePorts.some((p) => fields[4]?.endsWith(`:${p}`))) upstream++;
  }
  return { buffers: { sockets, bytes }, upstream, queued };
}

/** A stand-in service that stopped: it listens (deep backlog), accepts and reads nothing. */
async function startStoppedService(ports: number[], backlog: number): Promise<{ stop(): Promise<void> }> {
  const script = `const net=require("net");let n=0;for(const p of ${JSON.stringify(ports)})net.createServer(s=>s.pause()).listen({port:p,host:"127.0.0.1",backlog:${backlog}},()=>{if(++n===${ports.length})console.log("ready")})`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the stopped service exited ${code}`)));
  });
  child.kill("SIGSTOP");
  return {
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

const signalAll = (pids: number[], signal: NodeJS.Signals) => pids.forEach((pid) => process.kill(pid, signal));

async function measureCase(input: MemoryRunInput, c: MemoryCase): Promise<CaseMeasurement> {
  const sources = loopbackSources(input.sources);
  const live: Upstream[] = [];
  let stopped: { stop(): Promise<void> } | undefined;
  let nginx: RunningNginx | undefined;
  const clients: SpawnedClients[] = [];
  try {
    let ports: number[];
    if (c.stoppedService) {
      ports = [await freePort(), await freePort()];
      stopped = await startStoppedService(ports, listenBacklog(input.settings.nginx));
    } else {
      live.push(await startUpstream("primary"), await startUpstream("backup"));
      ports = live.map((u) => u.port);
    }
    const settings: HostEdgeSettings = { ...input.settings, service: { ...input.settings.service, port: ports[0]!, backupPort: ports[1]! } };
    nginx = await startNginx(settings, { workerProcesses: input.workers, clientTimeoutSeconds: input.clientTimeoutSeconds });
    const slabBefore = slab();
    for (const load of c.loads) {
      const plan = { port: nginx.port, shape: load.shape, count: load.count, limits: input.limits, sources, deadlineMs: input.deadlineMs, bodyBytes: load.bodyBytes };
      clients.push(await spawnClients(plan));
    }
    // Let nginx read what was sent and the service answer or hold it.
    await new Promise((r) => setTimeout(r, 2000));
    const statuses = await Promise.all(clients.map((h) => h.status()));
    const pids = [nginx.pid, ...nginxWorkerPids(nginx.pid)];
    if (c.queued) {
      signalAll(pids, "SIGSTOP");
      const plan = { port: nginx.port, shape: "queued" as const, count: c.queued, limits: input.limits, sources, deadlineMs: input.deadlineMs };
      clients.push(await spawnClients(plan));
      await new Promise((r) => setTimeout(r, 1000));
    }
    const processBytes = measureNginxRss(nginx.pid).totalBytes;
    const sockets = nginxSockets(nginx.port, ports);
    const slabNow = slab();
    const openedSockets = slabNow.sockets - slabBefore.sockets;
    if (c.queued) signalAll(pids, "SIGCONT");
    const load: NginxLoad = {};
    const add = (state: keyof NginxLoad, n: number) => n > 0 && (load[state] = (load[state] ?? 0) + n);
    const answers: Record<string, number> = {};
    c.loads.forEach((l, i) => {
      const s = statuses[i]!;
      for (const [k, v] of Object.entries(s.answers)) answers[k] = (answers[k] ?? 0) + v;
      const open = s.peak;
      if (l.shape === "busy") {
        // Past limit_conn nginx answered 503 and discards the body behind it: those linger, outside limit_conn.
        add("busy", Math.min(open, sockets.upstream));
        add("answered", open - Math.min(open, sockets.upstream));
      } else if (l.shape === "refused") add("answered", open);
      else if (l.shape === "keptAlive") add("keptAlive", open);
      else if (l.shape === "waiting") add("waiting", open);
      else add("headerPhase", open);
    });
    if (c.queued) add("queued", sockets.queued);
    return {
      name: c.name,
      workers: nginxWorkerPids(nginx.pid).length,
      load,
      answers,
      processBytes,
      buffers: sockets.buffers,
      ...(openedSockets > 1000 ? { slabBytesPerSocket: Math.round((slabNow.bytes - slabBefore.bytes) / openedSockets) } : {}),
    };
  } finally {
    await Promise.all(clients.map((h) => h.release()));
    await nginx?.stop();
    await stopped?.stop();
    await Promise.all(live.map((u) => u.close()));
  }
}

async function runCases(input: MemoryRunInput): Promise<CaseMeasurement[]> {
  const results: CaseMeasurement[] = [];
  for (const c of input.cases) results.push(await measureCase(input, c));
  return results;
}

runAsNamespaceScript(module, runCases);

/**
 * Runs `input`'s cases in a fresh network namespace with the hosts' sysctls applied, and returns
 * what each measured. Needs root (network namespaces). Everything it starts is gone when it
 * returns or throws.
 */
export async function measureNginxMemory(input: MemoryRunInput, timeoutMs: number): Promise<CaseMeasurement[]> {
  if (process.getuid?.() !== 0) throw new Error("measuring nginx under hostile clients needs root: it runs in a network namespace with the hosts' sysctls");
  const teardown = new Teardown();
  const namespace = `nm${process.pid}${Math.random().toString(36).slice(2, 6)}`;
  const sysctl = path.join(os.tmpdir(), `${namespace}.sysctl.conf`);
  let measured: CaseMeasurement[];
  try {
    addNamespace(teardown, namespace);
    writeFileSync(sysctl, renderHostSysctl(hostTcpSettings(listenBacklog(input.settings.nginx))));
    teardown.add(`file ${sysctl}`, () => rmSync(sysctl, { force: true }));
    inNamespace(namespace, "sysctl", ["-q", "-p", sysctl]);
    measured = await runNodeInNamespace<CaseMeasurement[]>(namespace, __filename, input, timeoutMs);
  } catch (error) {
    // Clean up, and report the measurement's own error first (a throw in `finally` would replace it).
    const failures = teardown.run();
    throw failures.length ? new Error(`${error instanceof Error ? error.message : String(error)}; and cleaning up: ${failures.join("; ")}`, { cause: error }) : error;
  }
  const failures = teardown.run();
  if (failures.length) throw new Error(`cleaning up: ${failures.join("; ")}`);
  return measured;
}
