/**
 * The twin's load generator, run inside the client namespace (`ip netns exec … node --import tsx
 * gameday/loadgen.ts '<json>'`): one simulated snippet per source address, each tracking numbered
 * events at a steady rate and sending them as the library does — batches of at most the queue's
 * batch size, one request in flight, every event with its insert id, retries what the library
 * retries (`deliveryOutcome`) with its schedule (`models/snippet/delivery.ts`, scaled). Bounded:
 * events are tracked for `trackMs`, then sending stops at `deadlineMs` whatever is left.
 * Prints one JSON `LoadReport` on stdout.
 */
import { readFileSync } from "node:fs";
import { promises as dns } from "node:dns";
import http from "node:http";
import { deliveryOutcome, retryDelayMs, RetrySchedule } from "../models/snippet/delivery";
import { runAsNamespaceScript } from "./netns";

export interface LoadPlan {
  /** Insert-id prefix of this run (letters, digits, `-`). */
  idPrefix: string;
  /** Source addresses; client `i` sends from `sources[i]` to `targets[i % targets.length]`. */
  sources: string[];
  /** `host:port` of each region's balancer. */
  targets: string[];
  /**
   * JSON file holding the regions the ingest name currently answers with (indices into `targets`),
   * the twin's stand-in for Route 53's health-checked latency records; a client re-reads it once
   * its cached answer is `answerTtlMs` old and uses its own region while answered, else the first one answered.
   */
  answerFile: string;
  answerTtlMs: number;
  /**
   * Resolve the ingest name through this recursive resolver (the twin's Unbound, `gameday/dns.ts`)
   * instead of `answerFile`: the answer is kept for its TTL, the client's own region's balancer used
   * while listed (else the first address), and a lookup that fails is a failed attempt, retried.
   */
  resolver?: { address: string; name: string; timeoutMs: number; attempts: number };
  collectorPath: string;
  eventsPerSecondPerClient: number;
  maxBatchEvents: number;
  retry: RetrySchedule;
  /** How long events are tracked, from the start. */
  trackMs: number;
  /** When every client gives up, from the start. */
  deadlineMs: number;
}

export interface Attempt {
  client: number;
  start: number;
  end: number;
  /** HTTP status, or 0 for a network error or timeout. */
  status: number;
  events: number;
}

export interface LoadReport {
  sent: number;
  acknowledged: number;
  /** Every id a client saw acknowledged (answered 2xx): each must be stored. */
  acknowledgedIds: string[];
  /** Ids tracked but never acknowledged before the deadline: still queued, or given up on a refusal. */
  unacknowledged: string[];
  /** Of those, the ids the clients gave up on a refusal that is the events' fault (the library drops them). */
  dropped: string[];
  attempts: Attempt[];
}

function post(source: string, target: string, urlPath: string, body: string, timeoutMs: number): Promise<{ status: number; retryAfterMs: number }> {
  const [host, port] = target.split(":");
  return new Promise((resolve) => {
    const req = http.request(
      {
        host,
        port: Number(port),
        localAddress: source,
        method: "POST",
        path: urlPath,
        agent: false,
        timeout: timeoutMs,
        headers: { "Content-Type": "text/plain;charset=UTF-8", Origin: "https://shop.example.com" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfterMs: Number(res.headers["retry-after"] ?? 0) * 1000 || 0 }));
        res.on("error", () => resolve({ status: 0, retryAfterMs: 0 }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, retryAfterMs: 0 }));
    req.end(body);
  });
}

export async function generateLoad(plan: LoadPlan): Promise<LoadReport> {
  const started = Date.now();
  const attempts: Attempt[] = [];
  const unacknowledged: string[] = [];
  const acknowledgedIds: string[] = [];
  const dropped: string[] = [];
  let sent = 0;
  let acknowledged = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
  const client = async (index: number) => {
    const source = plan.sources[index]!;
    const home = index % plan.targets.length;
    let answer: number[] = [];
    let resolvedAt = -Infinity;
    const target = async (): Promise<string | undefined> => {
      if (plan.resolver) return resolvedTarget(plan.resolver, home);
      if (Date.now() - resolvedAt >= plan.answerTtlMs) {
        answer = JSON.parse(readFileSync(plan.answerFile, "utf8")) as number[];
        // Resolver caches are not in step: the first answer is already up to a TTL old.
        resolvedAt = resolvedAt === -Infinity ? Date.now() - Math.random() * plan.answerTtlMs : Date.now();
      }
      return plan.targets[answer.includes(home) || answer.length === 0 ? home : answer[0]!]!;
    };
    let cached: { addresses: string[]; until: number } | undefined;
    const resolvedTarget = async (resolver: NonNullable<LoadPlan["resolver"]>, region: number): Promise<string | undefined> => {
      if (!cached || Date.now() >= cached.until) {
        const lookup = new dns.Resolver({ timeout: resolver.timeoutMs, tries: resolver.attempts });
        lookup.setServers([resolver.address]);
        try {
          const records = await lookup.resolve4(resolver.name, { ttl: true });
          cached = { addresses: records.map((r) => r.address), until: Date.now() + Math.min(...records.map((r) => r.ttl)) * 1000 };
        } catch {
          cached = undefined;
          return undefined;
        }
      }
      const [homeHost, port] = plan.targets[region]!.split(":");
      return `${cached.addresses.includes(homeHost!) ? homeHost : cached.addresses[0]}:${port}`;
    };
    const queue: { id: string; time: number }[] = [];
    let tracked = 0;
    let failures = 0;
    const periodMs = 1000 / plan.eventsPerSecondPerClient;
    const track = () => {
      const due = Math.min(Math.floor((Math.min(Date.now(), started + plan.trackMs) - started) / periodMs), Number.MAX_SAFE_INTEGER);
      while (tracked < due) {
        queue.push({ id: `${plan.idPrefix}-${index.toString().padStart(3, "0")}-${(tracked++).toString().padStart(8, "0")}`, time: Date.now() });
        sent++;
      }
    };
    for (;;) {
      track();
      const now = Date.now();
      if (now >= started + plan.deadlineMs) break;
      if (queue.length === 0) {
        if (now >= started + plan.trackMs) break;
        await sleep(periodMs);
        continue;
      }
      const batch = queue.slice(0, plan.maxBatchEvents);
      const body = JSON.stringify({
        events: batch.map((e) => ({ insertId: e.id, name: "gameday", properties: { client: index }, time: e.time })),
        page: "https://shop.example.com/gameday",
        sentAt: now,
      });
      const timeoutMs = Math.min(plan.retry.requestTimeoutMs, started + plan.deadlineMs - now);
      const to = await target();
      const response = to === undefined ? { status: 0, retryAfterMs: 0 } : await post(source, to, plan.collectorPath, body, timeoutMs);
      attempts.push({ client: index, start: now, end: Date.now(), status: response.status, events: batch.length });
      if (response.status >= 200 && response.status < 300) {
        acknowledgedIds.push(...queue.splice(0, batch.length).map((e) => e.id));
        acknowledged += batch.length;
        failures = 0;
        await sleep(periodMs);
      } else if (deliveryOutcome(response.status) === "retry") {
        failures++;
        await sleep(Math.min(retryDelayMs(plan.retry, failures, response.retryAfterMs, Math.random()), started + plan.deadlineMs - Date.now()));
      } else {
        // A refusal that is the events' fault: the library drops them. Counted as unacknowledged.
        const refused = queue.splice(0, batch.length).map((e) => e.id);
        dropped.push(...refused);
        unacknowledged.push(...refused);
      }
    }
    track();
    unacknowledged.push(...queue.map((e) => e.id));
  };
  await Promise.all(plan.sources.map((_, i) => client(i)));
  return { sent, acknowledged, acknowledgedIds, unacknowledged, dropped, attempts };
}

runAsNamespaceScript(module, generateLoad);
