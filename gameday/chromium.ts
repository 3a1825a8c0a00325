/**
 * A share of the game day's load sent by a real browser: Debian's headless Chromium in the client
 * namespace (`ip netns exec … gameday/chromium.ts '<json>'`) opens a page that runs the real loader
 * and library (`assets/snippet/`, rendered by `snippetObjects` with the run's scaled retry schedule),
 * tracks numbered events, and the library sends them to the twin's ingest name, which Chromium
 * resolves to a region's balancer (`--host-resolver-rules`). Its events carry `{ share, seq }`, so
 * the datastore tells what it stored (distinct `seq`) from what it stored twice (rows beyond them).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { SnippetDelivery, snippetDelivery } from "../models/snippet/delivery";
import { snippetObjects } from "../models/snippet/snippet";
import { closeAll, launchChromium, listen, until } from "../harness/chromium";
import { runAsNamespaceScript, runNodeInNamespace } from "./netns";
import type { GamedayOptions } from "./scenarios";
import type { Twin } from "./twin";

const projectRoot = path.join(__dirname, "..");

export interface ChromiumPlan {
  /** Marks this run's events (`properties.share`). */
  share: string;
  /** The ingest name the library posts to (port 80, as nginx listens in the twin), and the balancer address Chromium resolves it to. */
  ingestHost: string;
  address: string;
  collectorPath: string;
  delivery: SnippetDelivery;
  eventsPerSecond: number;
  /** How long events are tracked, from the page's load, ms. */
  trackMs: number;
  /** When the browser closes whatever is left, from the start, ms. */
  deadlineMs: number;
}

/** The library's own count (`edge.stats`). */
export interface LibraryStats {
  tracked: number;
  requests: number;
  retries: number;
  stored: number;
  beacons: number;
  dropped: Record<string, number>;
}

export interface ChromiumReport {
  stats: LibraryStats;
  pageErrors: string[];
}

/** Runs the browser share (inside the client namespace). */
export async function browse(plan: ChromiumPlan): Promise<ChromiumReport> {
  const started = Date.now();
  const sources = {
    loader: readFileSync(path.join(projectRoot, "assets/snippet/loader.js"), "utf8"),
    library: readFileSync(path.join(projectRoot, "assets/snippet/edge.js"), "utf8"),
  };
  const { library, loader } = snippetObjects(sources, { cdnHost: "cdn.invalid", collectorUrl: `http://${plan.ingestHost}${plan.collectorPath}`, loadTimeoutMs: 5000, delivery: plan.delivery });
  // The shop's page, and the library where the CDN would serve it.
  const site = await listen((req, res) => {
    if (req.url?.startsWith("/edge.js")) {
      res.writeHead(200, { "content-type": library.contentType }).end(library.body);
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html><head><script>${loaderBody}</script></head><body>shop</body></html>`);
  });
  const loaderBody = loader.body.replace(`https://cdn.invalid/${library.key}`, `${site.origin}/edge.js`);
  const browser = await launchChromium([`--host-resolver-rules=MAP ${plan.ingestHost} ${plan.address}`]);
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(site.origin, { waitUntil: "load", timeout: 30_000 });
    if (!(await until(() => page.evaluate<boolean>("Boolean(window.edge && edge.libraryLoaded)"), 10_000))) throw new Error("the library did not load in Chromium");
    const events = Math.floor((plan.eventsPerSecond * plan.trackMs) / 1000);
    // Browser-side code is a string: no DOM types here.
    await page.evaluate(
      `(() => { let seq = 0; const timer = setInterval(() => { if (seq >= ${events}) return clearInterval(timer); edge.track("gameday", { share: ${JSON.stringify(plan.share)}, seq: seq++ }); }, ${1000 / plan.eventsPerSecond}); })()`,
    );
    const stats = () => page.evaluate<LibraryStats>("edge.stats");
    await until(async () => {
      const s = await stats();
      return s.tracked === events && s.stored === events;
    }, Math.max(0, started + plan.deadlineMs - Date.now()));
    return { stats: await stats(), pageErrors };
  } finally {
    await browser.close();
    await closeAll([site.server]);
  }
}

/** The browser share's events, counted like the load generator's. */
export interface BrowserShareCount {
  sent: number;
  stored: number;
  lost: number;
  duplicates: number;
  /** Requests the library made, and how many of them were retries. */
  requests: number;
  retries: number;
  problems: string[];
}

/**
 * Starts the browser share of a scenario on `region`'s balancer; `count()` waits for the browser to
 * finish and for the datastore's count of its events to hold still.
 */
export function startBrowserShare(twin: Twin, options: GamedayOptions, share: string, region: number): { count(): Promise<BrowserShareCount> } {
  const plan: ChromiumPlan = {
    share,
    ingestHost: options.browser!.ingestHost,
    address: twin.vips[region]!,
    collectorPath: options.collectorPath,
    delivery: { retry: options.retry, queue: snippetDelivery.queue },
    eventsPerSecond: options.browser!.eventsPerSecond,
    trackMs: options.trackMs,
    deadlineMs: options.deadlineMs,
  };
  const done = runNodeInNamespace<ChromiumReport>(twin.clientNamespace, path.join(__dirname, "chromium.ts"), plan, options.deadlineMs + 60_000);
  // Awaited by count(); a scenario that fails first tears the browser down with the namespace.
  done.catch(() => undefined);
  const stored = async () => {
    const [row] = await twin.postgres.query<{ rows: string; seqs: string }>("SELECT count(*) AS rows, count(DISTINCT properties->>'seq') AS seqs FROM events WHERE properties->>'share' = $1", [share]);
    return { rows: Number(row!.rows), seqs: Number(row!.seqs) };
  };
  return {
    async count() {
      const report = await done;
      let counts = await stored();
      for (let i = 0, stable = 0; i < 20 && stable < 2 && counts.seqs < report.stats.tracked; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const next = await stored();
        stable = next.rows === counts.rows ? stable + 1 : 0;
        counts = next;
      }
      const { tracked, requests, retries, dropped } = report.stats;
      const problems = report.pageErrors.map((e) => `Chromium page error: ${e}`);
      const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
      if (droppedTotal > 0) problems.push(`the library dropped ${droppedTotal} events: ${JSON.stringify(dropped)}`);
      if (tracked === 0) problems.push("Chromium tracked no events");
      return { sent: tracked, stored: counts.seqs, lost: tracked - counts.seqs, duplicates: counts.rows - counts.seqs, requests, retries, problems };
    },
  };
}

runAsNamespaceScript(module, browse);
