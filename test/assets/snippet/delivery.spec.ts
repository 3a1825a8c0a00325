/**
 * The library in a real browser (Debian's Chromium through playwright-core) against a collector on
 * loopback that sheds (503 + Retry-After), drops connections and refuses: every event is stored
 * exactly once by its insert id, across outages and page reloads, and a permanent refusal is not
 * retried. The library is rendered by the model with a short schedule, so a test takes seconds.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SnippetDelivery } from "../../../models/snippet/delivery";
import { snippetObjects } from "../../../models/snippet/snippet";
import { closeAll, launchChromium, listen, readBody, until } from "../../../harness/chromium";

const root = join(__dirname, "..", "..", "..");
const sources = { loader: readFileSync(join(root, "assets/snippet/loader.js"), "utf8"), library: readFileSync(join(root, "assets/snippet/edge.js"), "utf8") };
const delivery: SnippetDelivery = {
  retry: { baseMs: 100, capMs: 800, retryAfterCapMs: 5000, requestTimeoutMs: 3000, maxEventAgeMs: 600_000 },
  queue: { maxQueuedEvents: 40, maxBatchEvents: 5, maxBatchBytes: 16_384 },
};
const storageKey = "edge:queue:v1";

interface WireEvent {
  insertId: string;
  name: string;
  properties: { seq: number };
}

/**
 * How the collector answers a POST: a status (with Retry-After on 503), a dropped connection (before
 * or after storing the events: the answer is lost either way), or never.
 */
type Answer = "store" | "shed" | "drop" | "storeThenDrop" | "hold" | 400 | 404 | 405 | 413 | 422 | 429 | 500;

interface Seen {
  /** `Sec-Fetch-Mode`: `cors` for the library's fetch, `no-cors` for a beacon. */
  mode: string;
  answer: Answer;
  at: number;
  ids: string[];
}

/** A collector that stores each insert id once, as the service does (`ON CONFLICT DO NOTHING`). */
class Collector {
  answer: (req: IncomingMessage, events: WireEvent[], seen: Seen[]) => Answer = () => "store";
  readonly stored = new Map<string, WireEvent>();
  readonly seen: Seen[] = [];
  /** Where "hold" parks its responses, unanswered. */
  readonly held: ServerResponse[] = [];
  retryAfterSeconds = 1;
  preflights = 0;

  async handle(req: IncomingMessage, res: ServerResponse) {
    const cors = { "access-control-allow-origin": req.headers.origin ?? "*", "access-control-expose-headers": "Retry-After" };
    if (req.method === "OPTIONS") {
      this.preflights += 1;
      res.writeHead(204, cors).end();
      return;
    }
    const events = (JSON.parse(await readBody(req)) as { events: WireEvent[] }).events;
    const answer = this.answer(req, events, this.seen);
    this.seen.push({ mode: String(req.headers["sec-fetch-mode"]), answer, at: Date.now(), ids: events.map((e) => e.insertId) });
    if (answer === "storeThenDrop") this.store(events);
    if (answer === "drop" || answer === "storeThenDrop") {
      req.socket.destroy();
      return;
    }
    if (answer === "shed") {
      res.writeHead(503, { ...cors, "retry-after": String(this.retryAfterSeconds) }).end();
      return;
    }
    if (answer === "hold") {
      this.held.push(res);
      return;
    }
    if (answer !== "store") {
      res.writeHead(answer, cors).end();
      return;
    }
    this.store(events);
    res.writeHead(200, { ...cors, "content-type": "application/json" }).end(JSON.stringify({ accepted: events.length }));
  }

  private store(events: WireEvent[]) {
    for (const e of events) if (!this.stored.has(e.insertId)) this.stored.set(e.insertId, e);
  }

  /** The `seq` of every stored event, sorted. */
  storedSeqs(): number[] {
    return [...this.stored.values()].map((e) => e.properties.seq).sort((a, b) => a - b);
  }

  answered(answer: Answer): number {
    return this.seen.filter((s) => s.answer === answer).length;
  }
}

let browser: Browser;
let collector: Collector;
let siteOrigin: string;
let servers: Server[] = [];
let context: BrowserContext | undefined;
let pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  await closeAll(servers);
  servers = [];
});

/** A fresh collector and a site whose page runs the rendered loader and library. */
async function openSite(): Promise<Page> {
  collector = new Collector();
  const collectorServer = await listen((req, res) => void collector.handle(req, res));
  let libraryBody = "";
  const site = await listen((req, res) => {
    if (req.url?.startsWith("/edge.js")) {
      res.writeHead(200, { "content-type": "application/javascript; charset=utf-8" }).end(libraryBody);
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><script>${loaderBody}</script></head><body>shop</body></html>`);
  });
  const { library, loader } = snippetObjects(sources, { cdnHost: "cdn.invalid", collectorUrl: `${collectorServer.origin}/track`, loadTimeoutMs: 2000, delivery });
  libraryBody = library.body;
  const loaderBody = loader.body.replace(`https://cdn.invalid/${library.key}`, `${site.origin}/edge.js`);
  servers = [collectorServer.server, site.server];
  siteOrigin = site.origin;
  context = await browser.newContext();
  pageErrors = [];
  const page = await newPage();
  await visit(page);
  return page;
}

/** Another tab of the same browser profile (it shares the site's localStorage). */
async function newPage(): Promise<Page> {
  const page = await context!.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  return page;
}

/** Opens the site and waits for the library. */
async function visit(page: Page): Promise<void> {
  await page.goto(siteOrigin, { waitUntil: "load", timeout: 30_000 });
  expect(await until(() => page.evaluate<boolean>("Boolean(edge.libraryLoaded)"), 10_000)).toBe(true);
}

/** Tracks events `{ seq }` for seq in [from, to). Browser-side code is a string: no DOM types here. */
function track(page: Page, from: number, to: number): Promise<void> {
  return page.evaluate(`for (let seq = ${from}; seq < ${to}; seq++) edge.track("purchase", { seq })`);
}

function stats(page: Page): Promise<{ tracked: number; stored: number; retries: number; requests: number; beacons: number; dropped: Record<string, number> }> {
  return page.evaluate("edge.stats");
}

/** Insert ids in the page's stored queue (after the library's pending write). */
async function storedQueue(page: Page): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 50));
  return page.evaluate(`(JSON.parse(localStorage.getItem(${JSON.stringify(storageKey)}) || '{"events":[]}').events).map((e) => e.insertId)`);
}

/** When the page's stored queue may next be sent: later than now while the collector's Retry-After holds. */
function storedRetryAt(page: Page): Promise<number> {
  return page.evaluate(`Number(JSON.parse(localStorage.getItem(${JSON.stringify(storageKey)}) || "{}").retryAt) || 0`);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("the snippet library keeps events until the collector stores them", () => {
  it("stores every event exactly once through a collector that sheds and drops connections, then accepts", async () => {
    const page = await openSite();
    let outage = true;
    const outageAnswers: Answer[] = ["shed", "drop", "storeThenDrop"];
    collector.answer = (_req, _events, seen) => (outage ? outageAnswers[seen.length % outageAnswers.length] : "store");
    for (const chunk of [0, 10, 20]) {
      await track(page, chunk, chunk + 10);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(await until(() => outageAnswers.every((a) => collector.answered(a) >= 2), 30_000)).toBe(true);
    outage = false;
    expect(await until(() => collector.stored.size === 30, 30_000)).toBe(true);

    expect(collector.storedSeqs()).toEqual(range(0, 30));
    // A retried event keeps its insert id: every id sent is one of the 30 stored.
    const sent = collector.seen.flatMap((s) => s.ids);
    expect(new Set(sent).size).toBe(30);
    // Some were stored and then sent again (their answer was lost): the insert id stored them once.
    expect(sent.length).toBeGreaterThan(30);
    const resentAfterStoring = collector.seen.filter((r) => r.answer === "storeThenDrop").flatMap((r) => r.ids);
    expect(resentAfterStoring.length).toBeGreaterThan(0);
    // It was retries that delivered them: the library retried after every 503 it read. (Chromium
    // itself resends a request whose reused connection was dropped, so not every drop reaches it.)
    const s = await stats(page);
    expect(s.retries).toBeGreaterThanOrEqual(collector.answered("shed"));
    expect(s.requests).toBeGreaterThan(6);
    expect(s.stored).toBe(30);
    expect(s.dropped).toEqual({ overflow: 0, rejected: 0, expired: 0, tooLarge: 0, invalid: 0 });
    // Never before Retry-After (1 s): the next request after a 503 came at least that much later.
    collector.seen.forEach((req, i) => {
      const next = collector.seen[i + 1];
      if (req.answer === "shed" && next) expect(next.at - req.at).toBeGreaterThanOrEqual(950);
    });
    // Batches are capped at maxBatchEvents.
    expect(Math.max(...collector.seen.map((r) => r.ids.length))).toBe(delivery.queue.maxBatchEvents);
    // Simple CORS requests: nothing preflighted, and the library read every answer.
    expect(collector.preflights).toBe(0);
    expect(collector.seen.every((r) => r.mode === "cors")).toBe(true);
    expect(await storedQueue(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("delivers after a reload the events queued before it", async () => {
    const page = await openSite();
    let outage = true;
    // Beacons at page hide are refused too: only the reloaded page can deliver.
    collector.answer = (req) => (outage || req.headers["sec-fetch-mode"] !== "cors" ? "shed" : "store");
    await track(page, 0, 7);
    expect(await until(() => collector.answered("shed") >= 1, 10_000)).toBe(true);
    const queuedBefore = await storedQueue(page);
    expect(queuedBefore).toHaveLength(7);

    await visit(page);
    outage = false;
    expect(await until(() => collector.stored.size === 7, 30_000)).toBe(true);
    expect(collector.storedSeqs()).toEqual(range(0, 7));
    expect([...collector.stored.keys()].sort()).toEqual([...queuedBefore].sort());
    const after = await stats(page);
    expect(after).toMatchObject({ tracked: 0, stored: 7 });
    expect(await storedQueue(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("keeps the events on every answer that is the edge's fault (404 and 405 from a broken collector route, 429, 5xx) and delivers them once it stores", async () => {
    const page = await openSite();
    const edgeFaults: Answer[] = [404, 405, 429, 500];
    collector.answer = (_req, _events, seen) => edgeFaults[seen.length] ?? "store";
    await track(page, 0, 4);
    expect(await until(() => collector.stored.size === 4, 30_000)).toBe(true);
    expect(collector.seen.slice(0, 4).map((s) => s.answer)).toEqual(edgeFaults);
    expect(collector.storedSeqs()).toEqual(range(0, 4));
    expect((await stats(page)).dropped).toEqual({ overflow: 0, rejected: 0, expired: 0, tooLarge: 0, invalid: 0 });
    expect(await storedQueue(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("gives up only what is the events' fault: a 400 is not retried, and a batch refused with 413 or 422 is sent one by one", async () => {
    const page = await openSite();
    collector.answer = () => 400;
    await track(page, 0, 1);
    expect(await until(() => collector.seen.length >= 1, 10_000)).toBe(true);
    // Several of the test schedule's largest delays: a retry would have come.
    await new Promise((r) => setTimeout(r, 3 * delivery.retry.capMs));
    expect(collector.seen).toHaveLength(1);
    expect((await stats(page)).dropped.rejected).toBe(1);
    expect(await storedQueue(page)).toEqual([]);

    // One event of three is over the collector's limits: only it is lost.
    collector.answer = (_req, events) => (events.length > 1 ? 422 : events[0].properties.seq === 11 ? 422 : "store");
    await track(page, 10, 13);
    expect(await until(async () => collector.stored.size === 2 && (await stats(page)).dropped.rejected === 2, 10_000)).toBe(true);
    expect(collector.storedSeqs()).toEqual([10, 12]);
    expect(collector.seen.slice(1).map((r) => r.ids.length)).toEqual([3, 1, 1, 1]);
    // The same for a body over the collector's size limit.
    collector.answer = (_req, events) => (events.length > 1 || events[0].properties.seq === 21 ? 413 : "store");
    await track(page, 20, 23);
    expect(await until(async () => collector.stored.size === 4 && (await stats(page)).dropped.rejected === 3, 10_000)).toBe(true);
    expect(collector.storedSeqs()).toEqual([10, 12, 20, 22]);
    expect(pageErrors).toEqual([]);
  });

  it("keeps the events of a tab that closed during an outage while another tab of the site writes the stored copy", async () => {
    const first = await openSite();
    let outage = true;
    collector.answer = () => (outage ? "shed" : "store");
    const second = await newPage();
    await visit(second);
    await track(first, 0, 5);
    await track(second, 5, 10);
    expect(await until(() => collector.answered("shed") >= 2, 10_000)).toBe(true);
    await first.close();
    await track(second, 10, 12);
    expect(await storedQueue(second)).toHaveLength(12);
    // A later page of the site sends what the closed tab left.
    const third = await newPage();
    outage = false;
    await visit(third);
    expect(await until(() => collector.stored.size === 12, 30_000)).toBe(true);
    expect(collector.storedSeqs()).toEqual(range(0, 12));
    expect(pageErrors).toEqual([]);
  });

  it("drops the oldest events when the queue is full, and counts them", async () => {
    const page = await openSite();
    let outage = true;
    collector.answer = () => (outage ? "shed" : "store");
    await track(page, 0, 45);
    expect((await stats(page)).dropped.overflow).toBe(5);
    expect(await storedQueue(page)).toHaveLength(delivery.queue.maxQueuedEvents);
    outage = false;
    expect(await until(() => collector.stored.size === 40, 30_000)).toBe(true);
    expect(collector.storedSeqs()).toEqual(range(5, 45));
  });

  it("keeps the queue in memory when storage is disabled", async () => {
    const page = await openSite();
    await page.close();
    const blocked = await newPage();
    // What a browser with storage disabled does: reading localStorage throws.
    await blocked.addInitScript(`Object.defineProperty(window, "localStorage", { get() { throw new DOMException("denied", "SecurityError"); } })`);
    let outage = true;
    collector.answer = () => (outage ? "drop" : "store");
    await visit(blocked);
    await track(blocked, 0, 6);
    expect(await until(() => collector.answered("drop") >= 2, 10_000)).toBe(true);
    outage = false;
    expect(await until(() => collector.stored.size === 6, 30_000)).toBe(true);
    expect(collector.storedSeqs()).toEqual(range(0, 6));
    expect(pageErrors).toEqual([]);
  });

  it("hands the queue to a beacon when the page goes away mid-send, and keeps it until a read answer acknowledges it", async () => {
    const page = await openSite();
    let holding = true;
    collector.answer = (req) => (req.headers["sec-fetch-mode"] === "cors" && holding ? "hold" : "store");
    await track(page, 0, 3);
    expect(await until(() => collector.held.length >= 1, 10_000)).toBe(true);
    // The page leaves while its fetch is unanswered: the fetch is cancelled, the beacon goes out.
    await page.goto("about:blank");
    expect(await until(() => collector.stored.size === 3, 10_000)).toBe(true);
    expect(collector.seen.filter((r) => r.mode === "no-cors" && r.answer === "store")).toHaveLength(1);
    // The beacon's answer could not be read: the next page sends them again, stored once.
    holding = false;
    await visit(page);
    expect(await until(async () => (await stats(page)).stored === 3, 10_000)).toBe(true);
    expect(collector.stored.size).toBe(3);
    expect(collector.seen.filter((r) => r.mode === "cors" && r.answer === "store")).toHaveLength(1);
    expect(await storedQueue(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("sends no beacon while the collector has asked to wait: the stored events wait for the next page", async () => {
    const page = await openSite();
    let outage = true;
    // Long enough that the page leaves inside the wait even on a loaded machine.
    collector.retryAfterSeconds = 5;
    collector.answer = () => (outage ? "shed" : "store");
    await track(page, 0, 2);
    // The page, not just the collector, must have read the answer: until then its fetch is
    // unanswered and leaving hands the queue to a beacon, as it should.
    expect(await until(async () => (await storedRetryAt(page)) > Date.now(), 10_000)).toBe(true);
    await page.goto("about:blank");
    await new Promise((r) => setTimeout(r, 500));
    expect(collector.seen.filter((r) => r.mode !== "cors")).toEqual([]);
    outage = false;
    await visit(page);
    expect(await until(() => collector.stored.size === 2, 20_000)).toBe(true);
    expect(collector.seen.every((r) => r.mode === "cors")).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
