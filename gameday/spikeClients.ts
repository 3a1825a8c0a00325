/**
 * The hostile clients of the spike scenario (`gameday/spike.ts`), run inside the client namespace
 * (`ip netns exec … gameday/spikeClients.ts '<json>'`); it imports only the namespace tools, so it
 * starts fast on a busy machine. Prints one JSON `SpikeReport` on stdout.
 */
import net from "node:net";
import { runAsNamespaceScript } from "./netns";

export interface SpikePlan {
  /** `address:port` of the region's balancer. */
  target: string;
  collectorPath: string;
  /** The held requests' source addresses, used in turn. */
  heldSources: string[];
  heldRequests: number;
  slowHeaderConnections: number;
  /** A request with a worst-case header and body; held requests send it all but its last `heldBackBytes`. */
  request: string;
  heldBackBytes: number;
  /** The slow headers' texts, used in turn: headers at nginx's limits (`max_headers` lines, names that waste its pool), no blank line. */
  slowHeaders: string[];
  burstSources: string[];
  /** A small complete POST: what the burst sends. */
  burstRequest: string;
  /** POSTs each burst source sends at once. */
  burstRequestsPerSource: number;
  /** How long the hostile connections are held open from the first one's connect, ms (opening stops there too). */
  holdMs: number;
  /** How long the burst has for its answers at least, from when the held connections are open, ms. */
  burstMs: number;
  /** Connects of the storm, all at once after the hold, each a `burstRequest` from `stormSources`. */
  stormConnects: number;
  stormSources: string[];
  /** How long a storm client waits for its answer before it counts as unanswered, ms (at most until the hold ends). */
  stormTimeoutMs: number;
}

export interface SpikeReport {
  /** Answers to held requests and the burst, by HTTP status ("0": closed without an answer). */
  statuses: Record<string, number>;
  /** 503 answers without `Retry-After`. */
  shedWithoutRetryAfter: number;
  /** Held requests and slow headers still open, unanswered, when the hold ended. */
  heldOpen: number;
  /** Held requests and slow headers the plan asked for, and how many were opened before the opening's deadline. */
  hostilePlanned: number;
  hostileOpened: number;
  /** Connections the balancer or a host refused or reset before an answer. */
  connectErrors: number;
  /** When the hostile clients started opening connections, when every one was open, and when they were closed (ms since epoch). */
  openingFrom: number;
  heldFrom: number;
  heldUntil: number;
  /** The connect storm: answers, 503s, connects refused or reset, unanswered within its timeout, and the longest wait from connect to answer, ms. */
  storm: { answered: number; shed503: number; connectErrors: number; unanswered: number; slowestMs: number };
}

/** Status and headers of an HTTP answer once its header has arrived, else undefined. */
function parseAnswer(text: string): { status: number; retryAfter: boolean } | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const head = text.slice(0, end);
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), retryAfter: /\r\nRetry-After: *\d+/i.test(head) };
}

const openingConcurrency = 400;

/** The hostile clients (run inside the client namespace). */
export async function holdSpike(plan: SpikePlan): Promise<SpikeReport> {
  const [host, port] = plan.target.split(":");
  const report: SpikeReport = {
    statuses: {},
    shedWithoutRetryAfter: 0,
    heldOpen: 0,
    hostilePlanned: 0,
    hostileOpened: 0,
    connectErrors: 0,
    openingFrom: Date.now(),
    heldFrom: 0,
    heldUntil: 0,
    storm: { answered: 0, shed503: 0, connectErrors: 0, unanswered: 0, slowestMs: 0 },
  };
  const open = new Set<net.Socket>();
  const connection = (source: string, text: string) =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host, port: Number(port), localAddress: source });
      let seen = "";
      let settled = false;
      const settle = () => {
        if (!settled) [settled] = [true, resolve()];
      };
      socket.setEncoding("utf8");
      socket.on("connect", () => {
        open.add(socket);
        socket.write(text);
        settle();
      });
      socket.on("data", (chunk: string) => {
        seen += chunk;
        const answer = parseAnswer(seen);
        if (!answer || !open.has(socket)) return;
        report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
        if (answer.status === 503 && !answer.retryAfter) report.shedWithoutRetryAfter++;
        open.delete(socket);
        socket.destroy();
      });
      socket.on("error", () => {
        if (!open.has(socket) && !settled) report.connectErrors++;
        open.delete(socket);
        settle();
      });
      socket.on("close", () => {
        if (open.delete(socket)) report.statuses["0"] = (report.statuses["0"] ?? 0) + 1;
        settle();
      });
    });
  const held = plan.request.slice(0, plan.request.length - plan.heldBackBytes);
  const texts = [...Array.from({ length: plan.heldRequests }, () => held), ...Array.from({ length: plan.slowHeaderConnections }, (_, i) => plan.slowHeaders[i % plan.slowHeaders.length]!)];
  // A few hundred connects at a time: thousands at once overflow nginx's accept queue (listen
  // backlog 511) and the dropped SYNs are resent after 1, 3, 7 s, so the first connections would
  // reach client_body_timeout before the last one opens.
  const deadline = report.openingFrom + plan.holdMs;
  let next = 0;
  report.hostilePlanned = texts.length;
  await Promise.all(
    Array.from({ length: openingConcurrency }, async () => {
      for (let i = next++; i < texts.length && Date.now() < deadline; i = next++) {
        await connection(plan.heldSources[i % plan.heldSources.length]!, texts[i]!);
        report.hostileOpened++;
      }
    }),
  );
  report.heldFrom = Date.now();
  for (const source of plan.burstSources) for (let i = 0; i < plan.burstRequestsPerSource; i++) void connection(source, plan.burstRequest);
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now(), plan.burstMs)));
  report.heldOpen = open.size;
  for (const socket of open) socket.destroy();
  open.clear();
  report.heldUntil = Date.now();
  // Then the storm, all at once from its own addresses: past their limit_req burst nginx answers by itself.
  await Promise.all(
    Array.from({ length: plan.stormConnects }, (_, i) => stormConnection(host!, Number(port), plan.stormSources[i % plan.stormSources.length]!, plan.burstRequest, plan.stormTimeoutMs, report)),
  );
  return report;
}

/**
 * One client of the connect storm: connects with everyone else at once, sends a small POST and
 * waits for the answer's status line; the wait from the connect to the answer (SYN retransmits
 * included) is what the stalled-host figure bounds.
 */
function stormConnection(host: string, port: number, source: string, request: string, timeoutMs: number, report: SpikeReport): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host, port, localAddress: source });
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

runAsNamespaceScript(module, holdSpike);
