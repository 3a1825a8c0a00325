/**
 * The JavaScript snippet as it is served from the CDN (incident 000: the snippet was served by the
 * API's own load balancers and hung customers' pages when they fell over).
 *
 * Two objects: the loader at a stable, short-cached key (`loader.js`) and the library at a
 * versioned key with its content hash (`v1.0.0/edge.<hash>.js`), cached for a year and immutable.
 * The loader names the exact library it was rendered with, so a deploy is never half-cached: an
 * old loader keeps pointing at the old library, which is never overwritten.
 *
 * Pure module: no Pulumi imports, so the component, the policies, the plan and the tests share it.
 */
import { createHash } from "node:crypto";
import { SnippetDelivery, snippetDelivery, validateDelivery } from "./delivery";

/** Cache lifetimes, in seconds. */
export const snippetCacheSeconds = {
  /** The loader at its stable key: a new library reaches pages within 5 minutes. */
  loader: 300,
  /** How long a cached loader may be served while CloudFront or a browser revalidates it. */
  loaderStaleWhileRevalidate: 86_400,
  /** How long a stale loader may be served while the origin answers errors. */
  loaderStaleIfError: 604_800,
  /** Versioned, content-hashed files never change: a year. */
  versioned: 31_536_000,
} as const;

export const snippetContentType = "application/javascript; charset=utf-8";

/** The loader's stable key (and URL path without the leading slash). */
export const loaderKey = "loader.js";

/** CloudFront path pattern of versioned files: `/v1.0.0/...`. */
export const versionedPathPattern = "/v*";

/**
 * Status codes on which CloudFront's origin group retries the replica: the codes AWS documents for
 * S3 origin failover (403 and 404 included: a bucket that lost an object or its permissions).
 */
export const originFailoverStatusCodes = [403, 404, 500, 502, 503, 504] as const;

export const loaderCacheControl =
  `public, max-age=${snippetCacheSeconds.loader}, ` + `stale-while-revalidate=${snippetCacheSeconds.loaderStaleWhileRevalidate}, stale-if-error=${snippetCacheSeconds.loaderStaleIfError}`;

export const versionedCacheControl = `public, max-age=${snippetCacheSeconds.versioned}, immutable`;

/** One file to upload: its key in the origin bucket and the headers S3 (and so CloudFront) serves. */
export interface SnippetObject {
  key: string;
  body: string;
  contentType: string;
  cacheControl: string;
  /** The first 12 hex digits of the body's SHA-256. */
  hash: string;
}

export interface SnippetSources {
  /** Source of `assets/snippet/loader.js`. */
  loader: string;
  /** Source of `assets/snippet/edge.js`, starting with its `edge library v<semver>` banner. */
  library: string;
}

export interface SnippetSettings {
  /** Host name of the CDN, e.g. `cdn.example.com`. */
  cdnHost: string;
  /** Where the library sends events, e.g. `https://api.example.com/track`. */
  collectorUrl: string;
  /** How long the loader waits for the library before it gives up on one attempt, in ms. */
  loadTimeoutMs: number;
  /** The library's retry schedule and queue limits. Defaults to `snippetDelivery`. */
  delivery?: SnippetDelivery;
}

/** First 12 hex digits of the SHA-256 of the text. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 12);
}

/** `1.0.0` from the library's `/*! edge library v1.0.0 *\/` banner. */
export function libraryVersion(source: string): string {
  const match = /^\/\*! edge library v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?) \*\//.exec(source);
  if (!match) throw new Error("the snippet library must start with a `/*! edge library v<semver> */` banner");
  return match[1];
}

/** Replaces a placeholder that must occur exactly once, so a renamed one cannot ship unfilled. */
function fill(source: string, placeholder: string, value: string, file: string): string {
  const parts = source.split(placeholder);
  if (parts.length !== 2) throw new Error(`${file}: expected the placeholder ${placeholder} exactly once, found ${parts.length - 1}`);
  return parts.join(value);
}

/** The library as uploaded, at `v<semver>/edge.<hash>.js`, with the collector and its delivery numbers. */
export function renderLibrary(source: string, collectorUrl: string, delivery: SnippetDelivery = snippetDelivery): SnippetObject {
  const withUrl = fill(source, "__EDGE_COLLECTOR_URL__", collectorUrl, "library");
  // Numbers only, so the JSON holds no quote that could end the string literal it is put in.
  const body = fill(withUrl, "__EDGE_DELIVERY__", JSON.stringify(validateDelivery(delivery)), "library");
  const hash = contentHash(body);
  return { key: `v${libraryVersion(source)}/edge.${hash}.js`, body, contentType: snippetContentType, cacheControl: versionedCacheControl, hash };
}

/**
 * How often the loader tries the library after a first attempt that failed or timed out, and the
 * backoff before each retry (`baseMs` doubling, at most `capMs`). After the last, the page's events
 * wait in the library's stored queue for the next page view.
 */
export const loaderRetry = { retries: 3, baseMs: 1_000, capMs: 30_000 } as const;

/**
 * The longest a page's loader keeps trying the library: every attempt waits out `loadTimeoutMs`,
 * with the backoff between them (the worst case: a CDN that holds each request).
 */
export function loaderGiveUpMs(loadTimeoutMs: number, retry: typeof loaderRetry = loaderRetry): number {
  let total = loadTimeoutMs;
  for (let attempt = 1; attempt <= retry.retries; attempt++) total += Math.min(retry.capMs, retry.baseMs * 2 ** (attempt - 1)) + loadTimeoutMs;
  return total;
}

/** The load timeout a rendered loader was given (`loader.js` as uploaded), or undefined when it is not one. */
export function readLoaderTimeoutMs(body: string): number | undefined {
  const match = /var TIMEOUT_MS = Number\("(\d+)"\);/.exec(body);
  return match && /edge loader/.test(body) ? Number(match[1]) : undefined;
}

/**
 * The loader as uploaded, naming the library's exact URL; it keeps at most `maxQueuedEvents` of the
 * page's events in the library's stored queue while the library cannot load (the library's bound).
 */
export function renderLoader(source: string, libraryUrl: string, loadTimeoutMs: number, maxQueuedEvents = snippetDelivery.queue.maxQueuedEvents): SnippetObject {
  const withUrl = fill(source, "__EDGE_LIBRARY_URL__", libraryUrl, "loader");
  const withTimeout = fill(withUrl, "__EDGE_TIMEOUT_MS__", String(loadTimeoutMs), "loader");
  const withQueue = fill(withTimeout, "__EDGE_MAX_QUEUED_EVENTS__", String(maxQueuedEvents), "loader");
  const body = fill(withQueue, "__EDGE_LOADER_RETRY__", JSON.stringify(loaderRetry), "loader");
  return { key: loaderKey, body, contentType: snippetContentType, cacheControl: loaderCacheControl, hash: contentHash(body) };
}

/** Both objects, library first: upload it before the loader that names it. */
export function snippetObjects(sources: SnippetSources, settings: SnippetSettings): { library: SnippetObject; loader: SnippetObject } {
  const library = renderLibrary(sources.library, settings.collectorUrl, settings.delivery);
  const loader = renderLoader(sources.loader, `https://${settings.cdnHost}/${library.key}`, settings.loadTimeoutMs, (settings.delivery ?? snippetDelivery).queue.maxQueuedEvents);
  return { library, loader };
}

/** The replica's region: the configured one, else the second region of the stack. */
export function decideReplicaRegion(regions: readonly string[], replicaRegion?: string): string {
  const region = replicaRegion ?? regions[1];
  if (!region) throw new Error("the snippet CDN needs a replica region: list two regions or set edge:cdn.replicaRegion");
  return region;
}

/** `bucket.s3.us-west-2.amazonaws.com` → `us-west-2`; undefined for anything else. */
export function s3RegionalDomainRegion(domainName: string): string | undefined {
  return /^[a-z0-9.-]+\.s3[.-]([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.amazonaws\.com$/.exec(domainName)?.[1];
}
