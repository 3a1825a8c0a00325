/**
 * The loader in a real browser (Debian's Chromium through playwright-core): a CDN that never
 * answers must not hold the page's load event, and the events the page queues must survive until
 * the library arrives and delivers them to the collector (incident 000).
 */
import { readFileSync } from "node:fs";
import type { Server, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetObjects } from "../../../models/snippet/snippet";
import { closeAll, launchChromium, listen, readBody, until } from "../../../harness/chromium";

const root = join(__dirname, "..", "..", "..");
const loadTimeoutMs = 1000;

// The CDN: holds every library request while `hanging`, answers them all on release.
let hanging = true;
const held: ServerResponse[] = [];
let libraryRequests = 0;
let libraryBody = "";
function answerLibrary(res: ServerResponse) {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(200, { "content-type": "application/javascript; charset=utf-8", "access-control-allow-origin": "*" });
  res.end(libraryBody);
}

// The collector: what the library delivers.
const delivered: { events: { name: string; properties: Record<string, unknown> }[] }[] = [];

let servers: Server[] = [];
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
let loadMs: number;
let siteOrigin: string;

beforeAll(async () => {
  const cdn = await listen((_req, res) => {
    libraryRequests += 1;
    if (hanging) held.push(res);
    else answerLibrary(res);
  });
  const collector = await listen(async (req, res) => {
    const body = await readBody(req);
    if (req.method === "POST") delivered.push(JSON.parse(body));
    res.writeHead(204, { "access-control-allow-origin": "*" });
    res.end();
  });
  const { library, loader } = snippetObjects(
    { loader: readFileSync(join(root, "assets/snippet/loader.js"), "utf8"), library: readFileSync(join(root, "assets/snippet/edge.js"), "utf8") },
    { cdnHost: "cdn.invalid", collectorUrl: `${collector.origin}/track`, loadTimeoutMs },
  );
  libraryBody = library.body;
  // The loader as rendered, pointed at the local CDN instead of https://cdn.invalid.
  const loaderBody = loader.body.replace(`https://cdn.invalid/${library.key}`, `${cdn.origin}/${library.key}`);
  const site = await listen((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    if (req.url === "/naive") {
      // What the loader avoids: an async script tag in the page still holds the load event.
      res.end(`<!doctype html><html><head><script async src="${cdn.origin}/${library.key}?naive"></script></head><body>naive</body></html>`);
      return;
    }
    res.end(`<!doctype html><html><head><title>shop</title>
<script>${loaderBody}</script>
<script>edge.track("page_view", { path: "/" }); edge.track("signup", { plan: "pro" });</script>
</head><body><h1>A customer's page</h1></body></html>`);
  });
  servers = [cdn.server, collector.server, site.server];
  siteOrigin = site.origin;

  browser = await launchChromium();
  page = await browser.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(site.origin, { waitUntil: "load", timeout: 30_000 });
  // Browser-side expressions are strings: the test project's types have no DOM.
  loadMs = await page.evaluate<number>(`performance.getEntriesByType("navigation")[0].loadEventStart`);
});

afterAll(async () => {
  for (const res of held) res.destroy();
  await browser?.close();
  await closeAll(servers);
});

describe("the snippet loader in Chromium", () => {
  it("lets the page's load event fire while the library URL hangs", async () => {
    expect(loadMs).toBeGreaterThan(0);
    // The load event did not wait for the library: it fired well inside one loader timeout.
    expect(loadMs).toBeLessThan(loadTimeoutMs);
    expect(await until(() => libraryRequests >= 1, 5000)).toBe(true);
    expect(held.length).toBeGreaterThanOrEqual(1);
  });

  it("shows the test can fail: a plain async script tag to the same hung URL holds the load event", async () => {
    const naive = await browser!.newPage();
    try {
      await naive.goto(`${siteOrigin}/naive`, { waitUntil: "domcontentloaded", timeout: 30_000 });
      await new Promise((r) => setTimeout(r, loadTimeoutMs * 1.5));
      expect(await naive.evaluate<string>("document.readyState")).toBe("interactive");
    } finally {
      await naive.close();
    }
  });

  it("keeps the page's events queued past the loader's timeout, and retries", async () => {
    await page.evaluate(`edge.track("after_load", { late: true })`);
    await new Promise((r) => setTimeout(r, loadTimeoutMs * 2.5));
    const queue = await page.evaluate(`({ calls: Array.from(edge).map((call) => call[1]), libraryLoaded: Boolean(edge.libraryLoaded) })`);
    expect(queue).toEqual({ calls: ["page_view", "signup", "after_load"], libraryLoaded: false });
    expect(delivered).toEqual([]);
    expect(libraryRequests).toBeGreaterThanOrEqual(2);
  });

  it("delivers every queued event once to the collector when the library answers", async () => {
    hanging = false;
    for (const res of held.splice(0)) answerLibrary(res);
    expect(await until(() => delivered.length > 0, 20_000)).toBe(true);
    // A late copy of the library must not deliver twice.
    await new Promise((r) => setTimeout(r, loadTimeoutMs * 1.5));
    const events = delivered.flatMap((batch) => batch.events);
    expect(events.map((e) => e.name)).toEqual(["page_view", "signup", "after_load"]);
    expect(events[1].properties).toEqual({ plan: "pro" });
    expect(await page.evaluate<number>("edge.length")).toBe(0);

    await page.evaluate(`edge.track("click", { id: "buy" })`);
    expect(await until(() => delivered.flatMap((b) => b.events).some((e) => e.name === "click"), 10_000)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});

describe("the loader when the library cannot load", () => {
  // The CDN answers 503 for the library (both origins failing) until `cdnUp`.
  let cdnUp = false;
  let cdnRequests = 0;
  const stored = new Map<string, { name: string }>();
  let sends = 0;
  let local: Server[] = [];
  let origin = "";
  let libraryBody2 = "";

  beforeAll(async () => {
    const cdn = await listen((_req, res) => {
      cdnRequests += 1;
      if (!cdnUp) return void res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
      res.writeHead(200, { "content-type": "application/javascript; charset=utf-8", "access-control-allow-origin": "*" }).end(libraryBody2);
    });
    // A collector that stores each insert id once, as the service does.
    const collector = await listen(async (req, res) => {
      const body = await readBody(req);
      if (req.method === "POST") {
        sends += 1;
        for (const e of (JSON.parse(body) as { events: { insertId: string; name: string }[] }).events) if (!stored.has(e.insertId)) stored.set(e.insertId, e);
      }
      res.writeHead(200, { "access-control-allow-origin": "*", "content-type": "application/json" }).end("{}");
    });
    const { library, loader } = snippetObjects(
      { loader: readFileSync(join(root, "assets/snippet/loader.js"), "utf8"), library: readFileSync(join(root, "assets/snippet/edge.js"), "utf8") },
      { cdnHost: "cdn.invalid", collectorUrl: `${collector.origin}/track`, loadTimeoutMs },
    );
    libraryBody2 = library.body;
    const loaderBody = loader.body.replace(`https://cdn.invalid/${library.key}`, `${cdn.origin}/${library.key}`);
    const site = await listen((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><script>${loaderBody}</script>
<script>edge.track("page_view", { path: ${JSON.stringify(req.url)} });</script></head><body>shop</body></html>`);
    });
    local = [cdn.server, collector.server, site.server];
    origin = site.origin;
  });

  afterAll(async () => {
    await closeAll(local);
  });

  it("keeps the page's events when every attempt fails, and the next page view's library delivers each once", async () => {
    const context = await browser!.newContext();
    try {
      const first = await context.newPage();
      const errors: string[] = [];
      first.on("pageerror", (err) => errors.push(err.message));
      await first.goto(`${origin}/first`, { waitUntil: "load", timeout: 30_000 });
      await first.evaluate(`edge.track("signup", { plan: "pro" }); edge.track("purchase", { total: 42 })`);
      // The loader gives up after its retries (4 attempts, backoff 1 + 2 + 4 s).
      expect(await until(() => cdnRequests >= 4, 30_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 9000));
      expect(cdnRequests).toBe(4);
      expect(await first.evaluate<boolean>("Boolean(edge.libraryLoaded)")).toBe(false);
      // The visitor goes on to another page once the CDN is back.
      cdnUp = true;
      const second = await context.newPage();
      second.on("pageerror", (err) => errors.push(err.message));
      await first.close();
      await second.goto(`${origin}/second`, { waitUntil: "load", timeout: 30_000 });
      expect(await until(() => stored.size === 4, 20_000)).toBe(true);
      await new Promise((r) => setTimeout(r, loadTimeoutMs));
      expect([...stored.values()].map((e) => e.name).sort()).toEqual(["page_view", "page_view", "purchase", "signup"]);
      expect(await second.evaluate<number>(`JSON.parse(localStorage.getItem("edge:queue:v1")).events.length`)).toBe(0);
      expect(sends).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
