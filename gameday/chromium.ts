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
import { loaderKey, snippetObjects } from "../models/snippet/snippet";
import type { Page } from "playwright-core";
import { closeAll, launchChromium, listen, until } from "../harness/chromium";
import { CdnRequest, CdnStandIn, cdnStandIn, readOriginStates } from "./cdn";
import type { PlannedCdn } from "./planned";
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
  /** How long events are tracked, from the page's load, ms (spread over the page views). */
  trackMs: number;
  /** When the browser closes whatever is left, from the start, ms. */
  deadlineMs: number;
  /** The snippet's CDN as planned: the loader and library are served through its stand-in. */
  cdn: PlannedCdn;
  /** Where the scenario writes what each origin does (`OriginStates`); absent: both serve. */
  originStatesFile?: string;
  /** Where the CDN stand-in logs each request as it starts, for the scenario to watch. */
  cdnLogFile?: string;
  /** Page views of one visitor, one after the other (the events of one wait in storage for the next). Defaults to 1. */
  pageViews?: number;
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
  /** Events the pages tracked (`edge.track` calls), whether or not a library ran. */
  tracked: number;
  /** The last page's library count; undefined when no library ran there. */
  stats?: LibraryStats;
  pageErrors: string[];
  /** Whether the library ran, per page view. */
  libraryLoaded: boolean[];
  /** The CDN stand-in's requests: what the loaders asked for and got. */
  cdnRequests: CdnRequest[];
}

/** Runs the browser share (inside the client namespace). */
export async function browse(plan: ChromiumPlan): Promise<ChromiumReport> {
  const started = Date.now();
  const sources = {
    loader: readFileSync(path.join(projectRoot, "assets/snippet/loader.js"), "utf8"),
    library: readFileSync(path.join(projectRoot, "assets/snippet/edge.js"), "utf8"),
  };
  // The CDN stand-in, on loopback, behind the planned origin group: the objects as uploaded (the
  // twin speaks HTTP, so the loader names the library at http://).
  let served: CdnStandIn | undefined;
  const cdnServer = await listen((req, res) => served!.handle(req, res));
  const cdnHost = cdnServer.origin.replace(/^http:\/\//, "");
  const { library, loader } = snippetObjects(sources, {
    cdnHost,
    collectorUrl: `http://${plan.ingestHost}${plan.collectorPath}`,
    loadTimeoutMs: plan.cdn.loaderTimeoutMs,
    delivery: plan.delivery,
  });
  const loaderBody = loader.body.replace(`https://${cdnHost}/`, `http://${cdnHost}/`);
  served = cdnStandIn(
    plan.cdn,
    { [`/${library.key}`]: { body: library.body, contentType: library.contentType }, [`/${loader.key}`]: { body: loaderBody, contentType: loader.contentType } },
    () => (plan.originStatesFile ? readOriginStates(plan.originStatesFile) : {}),
    plan.cdnLogFile,
  );
  // The shop's page: the loader inline, as customers paste it.
  const site = await listen((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html><head><script>${loaderBody}</script></head><body>shop</body></html>`);
  });
  const browser = await launchChromium([`--host-resolver-rules=MAP ${plan.ingestHost} ${plan.address}`]);
  const pageErrors: string[] = [];
  const libraryLoaded: boolean[] = [];
  let tracked = 0;
  try {
    const context = await browser.newContext();
    const views = plan.pageViews ?? 1;
    const perView = Math.floor((plan.eventsPerSecond * plan.trackMs) / 1000 / views);
    let page: Page | undefined;
    for (let view = 0; view < views; view++) {
      const next = await context.newPage();
      next.on("pageerror", (error) => pageErrors.push(error.message));
      // The visitor goes on to the next page: the last one is left (pagehide) as the next one opens.
      await page?.close({ runBeforeUnload: true });
      page = next;
      await page.goto(site.origin, { waitUntil: "load", timeout: 30_000 });
      // Browser-side code is a string: no DOM types here.
      await page.evaluate(
        `(() => { let seq = ${tracked}; const end = ${tracked + perView}; const timer = setInterval(() => { if (seq >= end) return clearInterval(timer); edge.track("gameday", { share: ${JSON.stringify(plan.share)}, seq: seq++ }); }, ${1000 / plan.eventsPerSecond}); })()`,
      );
      tracked += perView;
      await new Promise((r) => setTimeout(r, plan.trackMs / views + 500));
      libraryLoaded.push(await page.evaluate<boolean>("Boolean(window.edge && edge.libraryLoaded)"));
    }
    // The last page view's library sends what every page kept, until its stored queue is empty.
    const last = page!;
    const queued = () => last.evaluate<number>(`(JSON.parse(localStorage.getItem("edge:queue:v1") || '{"events":[]}').events || []).length + (window.edge && edge.libraryLoaded ? 0 : 1)`);
    await until(async () => (await queued()) === 0, Math.max(0, started + plan.deadlineMs - Date.now()));
    const stats = (await last.evaluate<boolean>("Boolean(window.edge && edge.libraryLoaded)")) ? await last.evaluate<LibraryStats>("edge.stats") : undefined;
    return { tracked, stats, pageErrors, libraryLoaded, cdnRequests: served.requests };
  } finally {
    await browser.close();
    await closeAll([site.server, cdnServer.server]);
  }
}

/** The browser share's events, counted like the load generator's. */
export interface BrowserShareCount {
  sent: number;
  stored: number;
  lost: number;
  duplicates: number;
  /** Inserts of an insert id the datastore already held (the twin's audit count). */
  duplicateDeliveries: number;
  /** Requests the last page's library made, and how many of them were retries. */
  requests: number;
  retries: number;
  /** Start times (ms) of the library loads the page gave up on: an error, or no answer within the loader's timeout. */
  failedLibraryLoads: number[];
  problems: string[];
}

/** What the browser share does besides tracking on one page: a visitor's page views, and the origins' states file. */
export interface BrowserShareOptions {
  pageViews?: number;
  originStatesFile?: string;
  cdnLogFile?: string;
}

/**
 * Starts the browser share of a scenario on `region`'s balancer; `count()` waits for the browser to
 * finish and for the datastore's count of its events to hold still.
 */
export function startBrowserShare(twin: Twin, options: GamedayOptions, share: string, region: number, extra: BrowserShareOptions = {}): { count(): Promise<BrowserShareCount> } {
  const plan: ChromiumPlan = {
    share,
    ingestHost: options.browser!.ingestHost,
    address: twin.vips[region]!,
    collectorPath: options.collectorPath,
    delivery: { retry: options.retry, queue: snippetDelivery.queue },
    eventsPerSecond: options.browser!.eventsPerSecond,
    trackMs: options.trackMs,
    deadlineMs: options.deadlineMs,
    cdn: options.cdn!,
    ...extra,
  };
  const done = runNodeInNamespace<ChromiumReport>(twin.clientNamespace, path.join(__dirname, "chromium.ts"), plan, options.deadlineMs + 60_000);
  // Awaited by count(); a scenario that fails first tears the browser down with the namespace.
  done.catch(() => undefined);
  const stored = async () => {
    const [row] = await twin.postgres.query<{ rows: string; seqs: string; deliveries: string }>(
      "SELECT count(*) AS rows, count(DISTINCT properties->>'seq') AS seqs, (SELECT count(*) FROM twin_deliveries d JOIN events e USING (insert_id) WHERE e.properties->>'share' = $1) AS deliveries FROM events WHERE properties->>'share' = $1",
      [share],
    );
    return { rows: Number(row!.rows), seqs: Number(row!.seqs), deliveries: Number(row!.deliveries) };
  };
  return {
    async count() {
      const report = await done;
      let counts = await stored();
      for (let i = 0, stable = 0; i < 20 && stable < 2 && counts.seqs < report.tracked; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const next = await stored();
        stable = next.rows === counts.rows ? stable + 1 : 0;
        counts = next;
      }
      const problems = report.pageErrors.map((e) => `Chromium page error: ${e}`);
      const dropped = report.stats?.dropped ?? {};
      const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
      if (droppedTotal > 0) problems.push(`the library dropped ${droppedTotal} events: ${JSON.stringify(dropped)}`);
      if (report.tracked === 0) problems.push("Chromium tracked no events");
      if (!report.libraryLoaded.at(-1)) problems.push("the library never ran on the last page view: nothing could send the events kept");
      // Failed as the page saw it: an error, or no answer within the loader's timeout (it gave up on the attempt).
      const failedLibraryLoads = report.cdnRequests.filter((r) => r.path !== `/${loaderKey}` && (r.status !== 200 || r.end - r.start > plan.cdn.loaderTimeoutMs)).map((r) => r.start);
      return {
        sent: report.tracked,
        stored: counts.seqs,
        lost: report.tracked - counts.seqs,
        duplicates: counts.rows - counts.seqs,
        duplicateDeliveries: counts.deliveries - counts.rows,
        requests: report.stats?.requests ?? 0,
        retries: report.stats?.retries ?? 0,
        failedLibraryLoads,
        problems,
      };
    },
  };
}

runAsNamespaceScript(module, browse);
