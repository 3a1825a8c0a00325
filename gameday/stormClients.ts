/**
 * The clients of the connect-storm scenario (`gameday/connectStorm.ts`), run inside the client
 * namespace, one process per share (`ip netns exec … gameday/stormClients.ts '<json>'`). Every
 * process starts its connects at the same wall-clock moment, all at once; each client posts one
 * event with its own insert id and, as the snippet does, resends it after a 503's Retry-After (or a
 * failed connect) until it is acknowledged. Prints one JSON `StormShareReport` on stdout.
 */
import net from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { runAsNamespaceScript } from "./netns";

export interface StormSharePlan {
  /** `address:port` of the region's balancer. */
  target: string;
  collectorPath: string;
  /** Source addresses, used in turn. */
  sources: string[];
  /** Insert ids of this share's clients, one each. */
  ids: string[];
  /** When every process starts its connects, ms since epoch. */
  startAt: number;
  /** How long one attempt waits for its answer, ms. */
  attemptTimeoutMs: number;
  /** Attempts a client makes at most before it gives up (reported). */
  maxAttempts: number;
}

export interface StormShareReport {
  /** Per client, ms from its first connect issued to the connect completing (SYN resends included); -1 when it never did. */
  connectMs: number[];
  /** Per client, ms from its first connect issued to the first answer's status line; -1 without one. */
  firstAnswerMs: number[];
  /** Ids acknowledged (2xx). */
  acknowledged: string[];
  /** Ids given up after `maxAttempts`. */
  givenUp: string[];
  /** Answers by status over all attempts ("0": none). */
  statuses: Record<string, number>;
  /** The process's own longest event-loop delay, ms: a share of the waits that is its scheduling. */
  clientLagMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function request(plan: StormSharePlan, id: string): string {
  const body = JSON.stringify({ events: [{ insertId: id, name: "storm", properties: {}, time: Date.now() }], page: "https://shop.example.com/storm", sentAt: Date.now() });
  return `POST ${plan.collectorPath} HTTP/1.1\r\nHost: edge.test\r\nContent-Type: text/plain;charset=UTF-8\r\nOrigin: https://shop.example.com\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** One attempt: the connect's and the answer's times from the connect issued, and the answer's status and Retry-After. */
function attempt(plan: StormSharePlan, source: string, id: string): Promise<{ connectMs: number; answerMs: number; status: number; retryAfterSeconds: number }> {
  const [host, port] = plan.target.split(":");
  return new Promise((resolve) => {
    const socket = net.connect({ host: host!, port: Number(port), localAddress: source });
    // net.connect to an IP address connects on the next tick (lib/net.js lookupAndConnect): the wait starts there.
    let started = performance.now();
    process.nextTick(() => (started = performance.now()));
    let connectMs = -1;
    let seen = "";
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const retryAfter = Number(/\r\nRetry-After: *(\d+)/i.exec(seen)?.[1] ?? 1);
      resolve({ connectMs, answerMs: status ? performance.now() - started : -1, status, retryAfterSeconds: retryAfter });
    };
    const timer = setTimeout(() => finish(0), plan.attemptTimeoutMs);
    socket.setEncoding("latin1");
    socket.on("connect", () => {
      connectMs = performance.now() - started;
      socket.write(request(plan, id));
    });
    socket.on("data", (chunk: string) => {
      seen += chunk;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(seen);
      if (status && seen.includes("\r\n\r\n")) finish(Number(status[1]));
    });
    socket.on("error", () => finish(0));
    socket.on("close", () => finish(0));
  });
}

async function stormShare(plan: StormSharePlan): Promise<StormShareReport> {
  const report: StormShareReport = { connectMs: [], firstAnswerMs: [], acknowledged: [], givenUp: [], statuses: {}, clientLagMs: 0 };
  await sleep(Math.max(0, plan.startAt - Date.now()));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  await Promise.all(
    plan.ids.map(async (id, i) => {
      const source = plan.sources[i % plan.sources.length]!;
      for (let n = 0; n < plan.maxAttempts; n++) {
        const a = await attempt(plan, source, id);
        if (n === 0) {
          report.connectMs[i] = a.connectMs;
          report.firstAnswerMs[i] = a.answerMs;
        }
        report.statuses[a.status] = (report.statuses[a.status] ?? 0) + 1;
        if (a.status >= 200 && a.status < 300) return void report.acknowledged.push(id);
        // As the snippet: a refusal waits Retry-After, anything else its first backoff (1 s).
        await sleep(a.retryAfterSeconds * 1000);
      }
      report.givenUp.push(id);
    }),
  );
  lag.disable();
  report.clientLagMs = Math.round(lag.max / 1e6);
  return report;
}

runAsNamespaceScript(module, stormShare);
