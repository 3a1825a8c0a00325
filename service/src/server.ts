/**
 * The HTTP surface: the collector path and `POST /v1/batch` (same body), `/healthz` (alive),
 * `/readyz` (ready: an event sent now would be stored, see `readiness`), `/metrics` (counters as
 * JSON, only to a direct local caller, never through nginx), and CORS for the snippet.
 */
import http from "node:http";
import type { ServiceConfig } from "./config";
import { parseBatch, RequestError, truncateAddress } from "./events";
import { errorText, log } from "./log";
import type { Counters } from "./metrics";
import { Pipeline, RowsRefusedError, ShedError } from "./pipeline";
import { readinessCollectorPathHeader } from "../../models/hostEdge/settings";

/**
 * nginx's health check names the path it routes events to (models/hostEdge), so readiness probes
 * the route nginx really uses: a release whose service takes events elsewhere (a renamed path, a
 * mis-rendered env file) answers 404 to every event and must not enter service.
 */
const collectorPathHeader = readinessCollectorPathHeader.toLowerCase();

export const batchPath = "/v1/batch";

function corsHeaders(config: ServiceConfig, origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  const allowed = config.allowedOrigins === "*" ? "*" : config.allowedOrigins.includes(origin) ? origin : undefined;
  if (!allowed) return {};
  return {
    "Access-Control-Allow-Origin": allowed,
    "Access-Control-Expose-Headers": "Retry-After",
    ...(allowed === "*" ? {} : { Vary: "Origin" }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const isLoopback = (address: string | undefined) => !!address && /^(127\.|::1$|::ffff:127\.)/.test(address);

/** The address the event's network comes from: nginx's X-Forwarded-For last hop when nginx (on loopback) sent it. */
function clientAddress(req: http.IncomingMessage): string | undefined {
  const peer = req.socket.remoteAddress;
  const forwarded = req.headers["x-forwarded-for"];
  if (isLoopback(peer) && typeof forwarded === "string" && forwarded) return forwarded.split(",").at(-1)!.trim();
  return peer;
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > maxBytes) return reject(new RequestError(413, "body", `a body is at most ${maxBytes} bytes, got ${declared}: send fewer events per request`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        reject(new RequestError(413, "body", `a body is at most ${maxBytes} bytes, got more: send fewer events per request`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** What a request to `url` by `method` is: one of the service's own endpoints, an event post, or an answer it refuses with. */
export type Route = "alive" | "ready" | "metrics" | "preflight" | "ingest" | { status: 404 | 405; error: string };

export function routeOf(config: ServiceConfig, method: string, url: string): Route {
  if (method === "OPTIONS") return "preflight";
  if (method === "GET" && url === "/healthz") return "alive";
  if (method === "GET" && url === "/readyz") return "ready";
  if (method === "GET" && url === "/metrics") return "metrics";
  if (url !== config.collectorPath && url !== batchPath) return { status: 404, error: `no such path ${url}; events go to POST ${config.collectorPath} or POST ${batchPath}` };
  if (method !== "POST") return { status: 405, error: `${url} takes POST, got ${method}` };
  return "ingest";
}

export interface Readiness {
  ready: boolean;
  /** Why not, when not ready. */
  reason?: string;
  /** The path probed: the one nginx routes events to, else the service's own. */
  collectorPath: string;
  datastore: "writable" | "unavailable";
  spoolBytes: number;
  spoolHighWaterBytes: number;
}

/** One event as the snippet sends it: what readiness parses, never stored. */
const probeBody = JSON.stringify({ events: [{ insertId: "readiness-probe-0000", name: "readiness", properties: {}, time: 0 }], page: "https://readiness.invalid/", sentAt: 0 });

/**
 * Ready when an event sent now would be stored: a POST to the collector path reaches the ingest
 * route, an event parses, and the datastore is writable or the spool takes an fsync'd write with
 * room for a full request and is below its high-water mark. A host that would answer its events
 * 404, 5xx or 503 is kept out of service by the load balancer (and rolled back by a refresh).
 */
export function readiness(config: ServiceConfig, pipeline: Pipeline, collectorPath = config.collectorPath): Readiness {
  const spoolHighWaterBytes = Math.floor((config.spoolMaxBytes * config.spoolHighWaterPercent) / 100);
  const writable = pipeline.datastore.writable;
  const spoolBytes = pipeline.spool.bytes;
  const state = { collectorPath, datastore: writable ? ("writable" as const) : ("unavailable" as const), spoolBytes, spoolHighWaterBytes };
  const notReady = (reason: string): Readiness => ({ ready: false, reason, ...state });
  const route = routeOf(config, "POST", collectorPath);
  if (route !== "ingest") return notReady(`an event posted to ${collectorPath} would be answered ${typeof route === "object" ? `${route.status}: ${route.error}` : route}`);
  try {
    parseBatch(probeBody, { maxEventsPerBatch: config.maxEventsPerBatch, maxEventBytes: config.maxEventBytes }, null, Date.now());
  } catch (error) {
    return notReady(`an event does not parse: ${errorText(error)}`);
  }
  if (writable) return { ready: true, ...state };
  if (spoolBytes >= spoolHighWaterBytes) return notReady(`no writable datastore and the spool holds ${spoolBytes} bytes, at its high-water mark ${spoolHighWaterBytes}`);
  const spoolProblem = pipeline.spool.probe(config.maxBodyBytes);
  if (spoolProblem) return notReady(`no writable datastore and the spool cannot take a request: ${spoolProblem}`);
  return { ready: true, ...state };
}

export function createServer(config: ServiceConfig, pipeline: Pipeline, counters: Counters): http.Server {
  const limits = { maxEventsPerBatch: config.maxEventsPerBatch, maxEventBytes: config.maxEventBytes };

  const server = http.createServer(async (req, res) => {
    const url = (req.url ?? "/").split("?")[0]!;
    const cors = corsHeaders(config, req.headers.origin);
    const route = routeOf(config, req.method ?? "GET", url);
    if (route === "preflight") {
      res.writeHead(204, {
        ...cors,
        ...(cors["Access-Control-Allow-Origin"] ? { "Access-Control-Allow-Methods": "POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "86400" } : {}),
      });
      return void res.end();
    }
    if (route === "alive") return send(res, 200, { status: "alive" });
    if (route === "ready") {
      const probed = req.headers[collectorPathHeader];
      const state = readiness(config, pipeline, typeof probed === "string" && probed.startsWith("/") ? probed : config.collectorPath);
      return send(res, state.ready ? 200 : 503, state);
    }
    if (route === "metrics") {
      if (!isLoopback(req.socket.remoteAddress) || req.headers["x-forwarded-for"]) return send(res, 404, { error: "no such path /metrics" });
      return send(res, 200, {
        ...counters.totals,
        datastoreErrors: pipeline.datastore.errors,
        spoolDepth: pipeline.spool.depth,
        spoolBytes: pipeline.spool.bytes,
        pendingEvents: pipeline.pendingEvents,
      });
    }
    if (route !== "ingest") {
      // An event sent where no route takes it: a release that cannot ingest (a crawler's GET is not counted).
      if (req.method === "POST" || route.status === 405) counters.add("errorAnswers", 1);
      return send(res, route.status, { error: route.error }, { ...cors, ...(route.status === 405 ? { Allow: "POST, OPTIONS" } : {}) });
    }

    let count = 0;
    try {
      const body = await readBody(req, config.maxBodyBytes);
      if (body.includes("\\u0000")) throw new RequestError(422, "body", "text may not contain the NUL character (\\u0000), which PostgreSQL cannot store");
      const rows = parseBatch(body, limits, truncateAddress(clientAddress(req)), Date.now());
      count = rows.length;
      await pipeline.submit(rows);
      send(res, 200, { accepted: rows.length }, cors);
    } catch (error) {
      if (error instanceof RequestError) {
        counters.add("rejected", 1);
        send(res, error.status, { error: error.message, field: error.field }, { ...cors, ...(error.status === 413 ? { Connection: "close" } : {}) });
      } else if (error instanceof ShedError) {
        counters.add("shed", 1);
        send(res, 503, { error: error.message }, { ...cors, "Retry-After": String(error.retryAfterSeconds) });
      } else if (error instanceof RowsRefusedError) {
        counters.add("rejected", 1);
        send(res, 422, { error: `the datastore refused these events: ${error.message}`, field: "events" }, cors);
      } else {
        log("error", "request failed", { events: count, error: errorText(error) });
        counters.add("errorAnswers", 1);
        send(res, 503, { error: "the service failed to store the events; retry" }, { ...cors, "Retry-After": "1" });
      }
    }
  });
  // Longer than nginx's upstream keep-alive, so nginx closes an idle connection first and never
  // sends a request on one the service is closing (sporadic 502s on POSTs).
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = Math.min(config.keepAliveTimeoutMs + 1000, 120_000);
  server.requestTimeout = 30_000;
  return server;
}
