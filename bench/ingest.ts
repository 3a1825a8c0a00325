/**
 * The ingest path on loopback: Debian's nginx on the prod stack's rendered config, the compiled
 * ingestion service (main process, prod pool share), and a real PostgreSQL. Measures
 *   - stored events per CPU-second of the service (and of service + nginx: what a host's vCPU does),
 *     for single ~1 KB beacons and 50-event batches, at the closed-loop maximum rate;
 *   - p99 request latency at 70% of the single-beacon maximum rate (open loop);
 *   - the service's RSS holding 5,000 concurrent connections, and with a full spool;
 *   - the replay rate once the datastore is back, against the ingest rate.
 * CPU time is read from /proc, so the per-CPU-second figures hold on a shared machine; rates and
 * latencies do not (they say so in the results).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { hostEdgeSettings } from "../models/hostEdge";
import { datastoreEnv, insertId, RunningService, startService, serviceFile } from "../harness/service";
import { Postgres, postgresAvailable, startPostgres } from "../harness/postgres";
import { parseStackConfig, StackConfig } from "../stacks/schema";
import { nginxBinary, nginxWorkerPids, RunningNginx, startNginx, vmRssBytes } from "../harness/nginx";
import { readStackFile } from "../tools/plan/stackFile";

export interface IngestPathResults {
  single: ThroughputResult;
  batch50: ThroughputResult;
  latencyAt70: { targetRate: number; achievedRate: number; requests: number; p50Ms: number; p99Ms: number; errors: number };
  rss: { idleMiB: number; connections: number; with5000ConnectionsMiB: number; fullSpoolMiB: number; spoolBytes: number };
  replay: { events: number; seconds: number; eventsPerSecond: number; ingestEventsPerSecond: number; ratio: number };
  targets: { name: string; target: string; measured: string; met: boolean }[];
}

export interface ThroughputResult {
  eventsPerRequest: number;
  requests: number;
  storedEvents: number;
  seconds: number;
  eventsPerSecond: number;
  /** Events in requests answered 200 per second: the trivial handler's rate, which stores nothing. */
  answeredEventsPerSecond: number;
  serviceCpuSeconds: number;
  nginxCpuSeconds: number;
  /** Stored events per CPU-second of the service process. */
  eventsPerServiceCpuSecond: number;
  /** Stored events per CPU-second of the service and nginx together: what one host vCPU does. */
  eventsPerHostCpuSecond: number;
  errors: number;
}

const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime + stime of one process, seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

function nginxCpu(nginx: RunningNginx): number {
  return [nginx.pid, ...nginxWorkerPids(nginx.pid)].reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** A ~1 KB body of `count` events. */
export function body(count: number): string {
  const properties = { path: "/pricing", referrer: "https://search.example.net/?q=edge", title: "Pricing - Example Shop", pad: "x".repeat(700) };
  return JSON.stringify({
    events: Array.from({ length: count }, () => ({ insertId: insertId(), name: "page_view", properties, time: Date.now() })),
    page: "https://shop.example.com/pricing",
    sentAt: Date.now(),
  });
}

function post(agent: http.Agent, port: number, text: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path: "/track", agent, headers: { "Content-Type": "text/plain;charset=UTF-8", "Content-Length": Buffer.byteLength(text) }, timeout: 30_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(text);
  });
}

async function storedCount(db: Postgres): Promise<number> {
  return Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM events"))[0]!.n);
}

/** Closed loop: `concurrency` clients, each sending the next request when the last is answered. */
export async function throughput(db: Postgres, service: { child: { pid?: number } }, nginx: RunningNginx, eventsPerRequest: number, concurrency: number, seconds: number): Promise<ThroughputResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const before = await storedCount(db);
  const cpu0 = cpuSeconds(service.child.pid!);
  const nginx0 = nginxCpu(nginx);
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let requests = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const status = await post(agent, nginx.port, body(eventsPerRequest));
        if (status === 200) requests++;
        else errors++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const serviceCpuSeconds = cpuSeconds(service.child.pid!) - cpu0;
  const nginxCpuSeconds = nginxCpu(nginx) - nginx0;
  agent.destroy();
  const storedEvents = (await storedCount(db)) - before;
  return {
    eventsPerRequest,
    requests,
    storedEvents,
    seconds: elapsed,
    eventsPerSecond: storedEvents / elapsed,
    answeredEventsPerSecond: (requests * eventsPerRequest) / elapsed,
    serviceCpuSeconds,
    nginxCpuSeconds,
    eventsPerServiceCpuSecond: storedEvents / serviceCpuSeconds,
    eventsPerHostCpuSecond: storedEvents / (serviceCpuSeconds + nginxCpuSeconds),
    errors,
  };
}

/** Open loop at `rate` requests per second: latency from each request's scheduled start. */
async function latencyAt(port: number, rate: number, seconds: number): Promise<IngestPathResults["latencyAt70"]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const total = Math.floor(rate * seconds);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      post(agent, port, body(1)).then((status) => {
        if (status === 200) latencies.push(performance.now() - due);
        else errors++;
      }),
    );
    if (pending.length > 2000) await Promise.all(pending.splice(0, 1000));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { targetRate: rate, achievedRate: latencies.length / elapsed, requests: total, p50Ms: at(0.5), p99Ms: at(0.99), errors };
}

/** Opens `count` connections straight to the service, each with a request whose body is half sent; peak RSS while held and answered. */
async function rssWithConnections(service: RunningService, count: number): Promise<number> {
  const text = body(1);
  const head = `POST /track HTTP/1.1\r\nHost: bench\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n`;
  const half = Math.floor(text.length / 2);
  const sockets: net.Socket[] = [];
  let peak = 0;
  const sample = () => (peak = Math.max(peak, vmRssBytes(service.child.pid!)));
  const probe = setInterval(sample, 50);
  try {
    for (let i = 0; i < count; i += 250) {
      await Promise.all(
        Array.from(
          { length: Math.min(250, count - i) },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = net.connect(service.port, "127.0.0.1", () => {
                socket.write(head + text.slice(0, half));
                resolve();
              });
              socket.on("error", reject);
              sockets.push(socket);
            }),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
    sample();
    const answered = sockets.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.once("data", () => resolve());
          s.once("close", () => resolve());
        }),
    );
    for (const s of sockets) s.write(text.slice(half));
    await Promise.race([Promise.all(answered), new Promise((r) => setTimeout(r, 60_000))]);
    sample();
  } finally {
    clearInterval(probe);
    for (const s of sockets) s.destroy();
  }
  return peak;
}

const mib = (bytes: number) => bytes / 2 ** 20;

/** The prod stack's nginx in front of an upstream on `port`, the per-client limit lifted: every bench request comes from one address. */
export function benchNginxSettings(prod: StackConfig, port: number): ReturnType<typeof hostEdgeSettings> {
  const backupPort = port === 65535 ? port - 1 : port + 1;
  return hostEdgeSettings(
    {
      ...prod,
      nginx: { ...prod.nginx, requestsPerSecondPerClient: 1_000_000 },
      ingest: { ...prod.ingest, service: { ...prod.ingest.service, port, backupPort } },
    },
    2,
  );
}

export interface IngestBenchOptions {
  projectRoot: string;
  seconds: number;
  spoolMiB: number;
  log: (line: string) => void;
}

export async function ingestPathBench(options: IngestBenchOptions): Promise<IngestPathResults | { skipped: string }> {
  if (!postgresAvailable) return { skipped: "PostgreSQL is not installed (.ci/apt-packages.txt: postgresql)" };
  if (!existsSync(nginxBinary)) return { skipped: `${nginxBinary} is not installed` };
  const { log, seconds } = options;
  const prod = parseStackConfig(readStackFile(join(options.projectRoot, "stacks", "Pulumi.prod.yaml")).edge);
  serviceFile();
  // 5,000 connections need more descriptors than systemd's default 1,024, here and in the service.
  const nofile = Number(execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim());
  if (nofile < 6000) return { skipped: `the open-file limit is ${nofile}; raise it to at least 6000 (ulimit -n) for 5,000 connections` };
  const db = await startPostgres();
  let service: RunningService | undefined;
  let nginx: RunningNginx | undefined;
  try {
    const env = {
      ...datastoreEnv(`127.0.0.1:${db.port}`),
      INGEST_POOL_SIZE: String(prod.datastore.poolSizePerHost),
      INGEST_SPOOL_MAX_BYTES: String(options.spoolMiB * 2 ** 20),
      INGEST_METRICS_INTERVAL_MS: "60000",
    };
    service = await startService({ env });
    nginx = await startNginx(benchNginxSettings(prod, service.port));
    // Warm-up: JIT, pool connections.
    await throughput(db, service, nginx, 1, 16, 1);

    const single = await throughput(db, service, nginx, 1, 64, seconds);
    log(
      `single beacons: ${single.eventsPerSecond.toFixed(0)} events/s, ${single.eventsPerServiceCpuSecond.toFixed(0)} per service CPU-second, ${single.eventsPerHostCpuSecond.toFixed(0)} per service+nginx CPU-second, ${single.errors} errors`,
    );
    const batch50 = await throughput(db, service, nginx, 50, 16, seconds);
    log(`50-event batches: ${batch50.eventsPerSecond.toFixed(0)} events/s, ${batch50.eventsPerServiceCpuSecond.toFixed(0)} per service CPU-second, ${batch50.errors} errors`);
    const latencyAt70 = await latencyAt(nginx.port, (single.requests / single.seconds) * 0.7, seconds);
    log(`at 70% of the maximum (${latencyAt70.targetRate.toFixed(0)} req/s): p50 ${latencyAt70.p50Ms.toFixed(1)} ms, p99 ${latencyAt70.p99Ms.toFixed(1)} ms, ${latencyAt70.errors} errors`);

    const idle = vmRssBytes(service.child.pid!);
    const connections = 5000;
    const with5000 = await rssWithConnections(service, connections);
    log(`service RSS: ${mib(idle).toFixed(0)} MiB idle, ${mib(with5000).toFixed(0)} MiB peak with ${connections} connections`);

    // Full spool: the datastore goes away; batches spool until the spool refuses (503).
    db.stopServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    let spoolPeak = 0;
    let full = false;
    const spoolDeadline = performance.now() + 300_000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (!full && performance.now() < spoolDeadline) {
          const status = await post(agent, service!.port, body(50));
          if (status === 503) full = true;
          spoolPeak = Math.max(spoolPeak, vmRssBytes(service!.child.pid!));
        }
      }),
    );
    agent.destroy();
    const spooled = JSON.parse(await getText(service.port, "/metrics")) as { spoolDepth: number; spoolBytes: number };
    spoolPeak = Math.max(spoolPeak, vmRssBytes(service.child.pid!));
    log(`full spool: ${spooled.spoolDepth} events, ${mib(spooled.spoolBytes).toFixed(0)} MiB, service RSS peak ${mib(spoolPeak).toFixed(0)} MiB`);

    db.start();
    const r0 = performance.now();
    const replayDeadline = r0 + 600_000;
    let depth = spooled.spoolDepth;
    let replayPeak = 0;
    while (depth > 0 && performance.now() < replayDeadline) {
      await new Promise((r) => setTimeout(r, 100));
      depth = (JSON.parse(await getText(service.port, "/metrics")) as { spoolDepth: number }).spoolDepth;
      replayPeak = Math.max(replayPeak, vmRssBytes(service.child.pid!));
    }
    const replaySeconds = (performance.now() - r0) / 1000;
    const replayRate = (spooled.spoolDepth - depth) / replaySeconds;
    const replay = {
      events: spooled.spoolDepth - depth,
      seconds: replaySeconds,
      eventsPerSecond: replayRate,
      ingestEventsPerSecond: single.eventsPerSecond,
      ratio: replayRate / single.eventsPerSecond,
    };
    log(`replay: ${replay.events} events in ${replaySeconds.toFixed(1)} s, ${replayRate.toFixed(0)} events/s, ${replay.ratio.toFixed(1)}x the single-beacon ingest rate`);

    const fullSpoolMiB = mib(Math.max(spoolPeak, replayPeak));
    const rss = { idleMiB: mib(idle), connections, with5000ConnectionsMiB: mib(with5000), fullSpoolMiB, spoolBytes: spooled.spoolBytes };
    const targets = [
      { name: "stored events per service CPU-second, single beacons", target: ">= 5000", measured: single.eventsPerServiceCpuSecond.toFixed(0), met: single.eventsPerServiceCpuSecond >= 5000 },
      { name: "p99 latency at 70% of the maximum rate", target: "<= 50 ms", measured: `${latencyAt70.p99Ms.toFixed(1)} ms`, met: latencyAt70.p99Ms <= 50 },
      { name: `service RSS with ${connections} connections`, target: "<= 256 MiB", measured: `${rss.with5000ConnectionsMiB.toFixed(0)} MiB`, met: rss.with5000ConnectionsMiB <= 256 },
      { name: "service RSS with a full spool (and its replay)", target: "<= 256 MiB", measured: `${fullSpoolMiB.toFixed(0)} MiB`, met: fullSpoolMiB <= 256 },
      { name: "replay rate / ingest rate", target: ">= 2x", measured: `${replay.ratio.toFixed(1)}x`, met: replay.ratio >= 2 },
    ];
    return { single, batch50, latencyAt70, rss, replay, targets };
  } finally {
    await nginx?.stop();
    await service?.kill();
    await db.stop();
  }
}

function getText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve(text));
      })
      .on("error", reject);
  });
}
