/**
 * The hostile clients of the spike scenario (`gameday/spike.ts`), run inside the client namespace
 * (`ip netns exec … gameday/spikeClients.ts '<json>'`); it imports only the namespace tools, so it
 * starts fast on a busy machine. Prints one JSON `SpikeReport` on stdout. The connect storm runs
 * in `stormProcesses` children of it (the same script with a `StormShare`), so that no one process's
 * scheduling on a busy machine stands in the waits the storm measures.
 */
import { spawn } from "node:child_process";
import net from "node:net";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { runAsNamespaceScript } from "./netns";
import type { SpikePlan, SpikeReport, StormReport, StormShare } from "./spikePlan";

/** Status and headers of an HTTP answer once its header has arrived, else undefined. */
function parseAnswer(text: string): { status: number; retryAfter: boolean } | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const head = text.slice(0, end);
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), retryAfter: /\r\nRetry-After: *\d+/i.test(head) };
}

const openingConcurrency = 400;

/** A report with nothing counted yet, the opening starting now. */
function emptySpikeReport(): SpikeReport {
  return {
    statuses: {},
    shedWithoutRetryAfter: 0,
    heldOpen: 0,
    hostilePlanned: 0,
    hostileOpened: 0,
    hostileAtOnce: 0,
    hostileEndedEarly: 0,
    burstUnanswered: 0,
    connectErrors: 0,
    openingFrom: Date.now(),
    heldFrom: 0,
    heldUntil: 0,
    storm: { answered: 0, shed503: 0, connectErrors: 0, unanswered: 0, slowestMs: 0, clientLagMs: 0, clientBusy: 0 },
  };
}

/** The storm's processes, each with its share of the connects, started at once (a node process takes seconds to start on a busy machine). */
function startStorms(plan: SpikePlan): { go(): Promise<StormReport> }[] {
  return Array.from({ length: plan.stormProcesses }, (_, p) =>
    startStormProcess(
      {
        stormShare: {
          target: plan.target,
          stormSources: plan.stormSources,
          burstRequest: plan.burstRequest,
          stormTimeoutMs: plan.stormTimeoutMs,
          stormConnects: Math.floor(plan.stormConnects / plan.stormProcesses) + (p < plan.stormConnects % plan.stormProcesses ? 1 : 0),
        },
      },
      plan.openingMs + plan.burstAnswerMs + plan.stormTimeoutMs + 60_000,
    ),
  );
}

/** The hostile connections to the balancer: those open and unanswered, the held ones still trickling their body, and whether the opening still runs. */
interface HostileSockets {
  open: Set<net.Socket>;
  /** Held requests still sending their body, with how many of its bytes they have sent. */
  trickling: Map<net.Socket, number>;
  opening: boolean;
  /** Connects from `source` and sends `text`; resolves whether it connected; `onEnd` when it closes. */
  connect(source: string, text: string, onEnd?: () => void): Promise<boolean>;
}

/** Hostile connections counted into `report`: answers by status, 503s without Retry-After, refusals, those nginx ended while the opening ran. */
function hostileSockets(plan: SpikePlan, report: SpikeReport, held: string): HostileSockets {
  const [host, port] = plan.target.split(":");
  const sockets: HostileSockets = {
    open: new Set<net.Socket>(),
    trickling: new Map<net.Socket, number>(),
    opening: true,
    connect: (source, text, onEnd) =>
      new Promise<boolean>((resolve) => {
        const { open, trickling } = sockets;
        const socket = net.connect({ host, port: Number(port), localAddress: source });
        let seen = "";
        let settled = false;
        const settle = (connected: boolean) => {
          if (!settled) [settled] = [true, resolve(connected)];
        };
        socket.setEncoding("utf8");
        socket.on("connect", () => {
          open.add(socket);
          socket.write(text);
          if (text === held) trickling.set(socket, held.length);
          settle(true);
        });
        socket.on("data", (chunk: string) => {
          seen += chunk;
          const answer = parseAnswer(seen);
          if (!answer || !open.has(socket)) return;
          report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
          if (answer.status === 503 && !answer.retryAfter) report.shedWithoutRetryAfter++;
          open.delete(socket);
          trickling.delete(socket);
          socket.destroy();
        });
        socket.on("error", () => {
          if (!open.has(socket) && !settled) report.connectErrors++;
          if (open.has(socket) && sockets.opening) report.hostileEndedEarly++;
          open.delete(socket);
          trickling.delete(socket);
          settle(false);
        });
        socket.on("close", () => {
          if (open.has(socket) && sockets.opening) report.hostileEndedEarly++;
          if (open.delete(socket)) report.statuses["0"] = (report.statuses["0"] ?? 0) + 1;
          trickling.delete(socket);
          settle(false);
          onEnd?.();
        });
      }),
  };
  return sockets;
}

/** Opens the held requests and slow headers, a few hundred at a time, until all are open or the opening's deadline passes; counts them into `report`. */
async function openHostile(plan: SpikePlan, report: SpikeReport, sockets: HostileSockets, held: string): Promise<void> {
  const texts = [...Array.from({ length: plan.heldRequests }, () => held), ...Array.from({ length: plan.slowHeaderConnections }, (_, i) => plan.slowHeaders[i % plan.slowHeaders.length]!)];
  // A few hundred connects at a time: thousands at once overflow nginx's accept queue and the
  // dropped SYNs are resent after 1, 3, 7 s, so the slow headers would reach client_header_timeout
  // before the last one opens.
  const deadline = report.openingFrom + plan.openingMs;
  let next = 0;
  report.hostilePlanned = texts.length;
  await Promise.all(
    Array.from({ length: openingConcurrency }, async () => {
      for (let i = next++; i < texts.length && Date.now() < deadline; i = next++) {
        if (await sockets.connect(plan.heldSources[i % plan.heldSources.length]!, texts[i]!)) report.hostileOpened++;
      }
    }),
  );
}

/**
 * The burst, ended before the storm begins (each is judged on its own): every burst request has
 * its answer, or `burstAnswerMs` has passed, and the hold lasts `burstMs` at least. Resolves to the
 * burst requests still without an answer.
 */
async function runBurst(plan: SpikePlan, sockets: HostileSockets): Promise<number> {
  let burstPending = plan.burstSources.length * plan.burstRequestsPerSource;
  for (const source of plan.burstSources) for (let i = 0; i < plan.burstRequestsPerSource; i++) void sockets.connect(source, plan.burstRequest, () => burstPending--);
  const burstFrom = Date.now();
  while ((burstPending > 0 || Date.now() < burstFrom + plan.burstMs) && Date.now() < burstFrom + plan.burstAnswerMs) await new Promise((r) => setTimeout(r, 100));
  return burstPending;
}

/** Adds a storm process's counts to `report`: sums, and the worst of its waits, lag and load. */
function addStormShare(report: SpikeReport, share: StormReport): void {
  for (const [status, n] of Object.entries(share.statuses)) report.statuses[status] = (report.statuses[status] ?? 0) + n;
  report.shedWithoutRetryAfter += share.shedWithoutRetryAfter;
  report.storm.answered += share.storm.answered;
  report.storm.shed503 += share.storm.shed503;
  report.storm.connectErrors += share.storm.connectErrors;
  report.storm.unanswered += share.storm.unanswered;
  report.storm.slowestMs = Math.max(report.storm.slowestMs, share.storm.slowestMs);
  report.storm.clientLagMs = Math.max(report.storm.clientLagMs, share.storm.clientLagMs);
  report.storm.clientBusy = Math.max(report.storm.clientBusy, share.storm.clientBusy);
}

/** The hostile clients (run inside the client namespace). */
export async function holdSpike(plan: SpikePlan): Promise<SpikeReport> {
  const report = emptySpikeReport();
  // The storm's processes start now (a node process takes seconds to start on a busy machine).
  const storms = startStorms(plan);
  const held = plan.request.slice(0, plan.request.length - plan.heldBackBytes);
  const sockets = hostileSockets(plan, report, held);
  const { open, trickling } = sockets;
  // One more byte of each held body now and then, never the last: nginx's client_body_timeout runs
  // between two reads, so a held request stays as long as it trickles, however long the rest take
  // to open (client_header_timeout, by contrast, bounds the whole header: slow headers open last).
  // https://nginx.org/en/docs/http/ngx_http_core_module.html#client_body_timeout
  const trickle = setInterval(() => {
    for (const [socket, sent] of trickling) {
      if (sent >= plan.request.length - 1) continue;
      socket.write(plan.request[sent]!);
      trickling.set(socket, sent + 1);
    }
  }, plan.trickleMs);
  try {
    await openHostile(plan, report, sockets, held);
    sockets.opening = false;
    report.heldFrom = Date.now();
    // Answered by nginx (limit_conn's 503s) or still open: what nginx had to handle at once.
    const answered = Object.values(report.statuses).reduce((sum, n) => sum + n, 0) - (report.statuses["0"] ?? 0);
    report.hostileAtOnce = open.size + answered;
    report.burstUnanswered = await runBurst(plan, sockets);
  } finally {
    clearInterval(trickle);
  }
  report.heldOpen = open.size;
  for (const socket of open) socket.destroy();
  open.clear();
  trickling.clear();
  report.heldUntil = Date.now();
  // Then the storm, all at once from its own addresses, in the processes started with the opening.
  for (const share of await Promise.all(storms.map((storm) => storm.go()))) addStormShare(report, share);
  return report;
}

/**
 * A storm process: this script with `share`, in this network namespace. It says "ready" once
 * started and runs its storm when `go()` writes to it; killed after `timeoutMs`, and it exits by
 * itself when this process ends first (its stdin closes).
 */
function startStormProcess(share: StormShare, timeoutMs: number): { go(): Promise<StormReport> } {
  const child = spawn(process.execPath, ["--require", "tsx/cjs", __filename, JSON.stringify(share)], { stdio: ["pipe", "pipe", "pipe"] });
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  let out = "";
  let err = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
    if (out.startsWith("ready\n")) onReady();
  });
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<StormReport>((resolve, reject) =>
    child.on("exit", (code, signal) => {
      clearTimeout(killer);
      onReady();
      if (code === 0 && out.startsWith("ready\n")) resolve(JSON.parse(out.slice("ready\n".length)) as StormReport);
      else reject(new Error(`a storm process failed (exit ${code ?? signal}): ${err}`));
    }),
  );
  exited.catch(() => {});
  return {
    async go() {
      await ready;
      child.stdin.write("go\n");
      return exited;
    },
  };
}

/** A storm process's side: "ready", then on "go" its share of the storm, all at once. */
async function runStormShare({ stormShare: plan }: StormShare): Promise<StormReport> {
  const [host, port] = plan.target.split(":");
  const report: StormReport = { statuses: {}, shedWithoutRetryAfter: 0, storm: { answered: 0, shed503: 0, connectErrors: 0, unanswered: 0, slowestMs: 0, clientLagMs: 0, clientBusy: 0 } };
  await new Promise<void>((resolve) => {
    process.stdin.on("data", () => resolve());
    process.stdin.on("end", () => process.exit(1));
    process.stdout.write("ready\n");
  });
  process.stdin.destroy();
  // The event loop's delay and load meanwhile are this process's share of the waits.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const busyBefore = performance.eventLoopUtilization();
  lag.enable();
  await Promise.all(
    Array.from({ length: plan.stormConnects }, (_, i) => stormConnection(host!, Number(port), plan.stormSources[i % plan.stormSources.length]!, plan.burstRequest, plan.stormTimeoutMs, report)),
  );
  lag.disable();
  report.storm.clientLagMs = Math.round(lag.max / 1e6);
  report.storm.clientBusy = Math.round(performance.eventLoopUtilization(busyBefore).utilization * 100) / 100;
  return report;
}

/**
 * One client of the connect storm: connects with everyone else at once, sends a small POST and
 * waits for the answer's status line; the wait from the connect to the answer (SYN retransmits
 * included) is what the stalled-host figure bounds. The wait starts when the connect is issued
 * (`net.connect` issues it on the next tick, once every client of the storm is created), not while
 * this process is still creating the others: a real client is its own machine.
 */
function stormConnection(host: string, port: number, source: string, request: string, timeoutMs: number, report: StormReport): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, localAddress: source });
    // Node's net.connect to an IP address connects in a process.nextTick (lib/net.js lookupAndConnect); this tick runs right after it.
    let started = Date.now();
    process.nextTick(() => (started = Date.now()));
    let seen = "";
    let done = false;
    const finish = (outcome: "answered" | "error" | "unanswered", answer?: { status: number; retryAfter: boolean }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome === "answered") {
        report.storm.answered++;
        report.storm.slowestMs = Math.max(report.storm.slowestMs, Date.now() - started);
        if (answer!.status === 503) report.storm.shed503++;
        if (answer!.status === 503 && !answer!.retryAfter) report.shedWithoutRetryAfter++;
        report.statuses[answer!.status] = (report.statuses[answer!.status] ?? 0) + 1;
      } else if (outcome === "error") report.storm.connectErrors++;
      else report.storm.unanswered++;
      resolve();
    };
    const timer = setTimeout(() => finish("unanswered"), timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: string) => {
      seen += chunk;
      const answer = parseAnswer(seen);
      if (answer) finish("answered", answer);
    });
    socket.on("error", () => finish("error"));
    socket.on("close", () => finish(seen ? "unanswered" : "error"));
  });
}

runAsNamespaceScript(module, (input: SpikePlan | StormShare) => ("stormShare" in input ? runStormShare(input) : holdSpike(input)));
