/**
 * The HTTP surface: the collector path and `POST /v1/batch` (same body), `/healthz` (alive),
 * `/readyz` (ready: datastore writable, or spool below its high-water mark), `/metrics` (counters
 * as JSON, only to a direct local caller, never through nginx), and CORS for the snippet.
 */
import http from "node:http";
import type { ServiceConfig } from "./config";
import { parseBatch, RequestError, truncateAddress } from "./events";
import { errorText, log } from "./log";
import type { Counters } from "./metrics";
import { Pipeline, RowsRefusedError, ShedError } from "./pipeline";

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

export interface Readiness {
  ready: boolean;
  datastore: "writable" | "unavailable";
  spoolBytes: number;
  spoolHighWaterBytes: number;
}

export function readiness(config: ServiceConfig, pipeline: Pipeline): Readiness {
  const spoolHighWaterBytes = Math.floor((config.spoolMaxBytes * config.spoolHighWaterPercent) / 100);
  const writable = pipeline.datastore.writable;
  const spoolBytes = pipeline.spool.bytes;
  return { ready: writable || spoolBytes < spoolHighWaterBytes, datastore: writable ? "writable" : "unavailable", spoolBytes, spoolHighWaterBytes };
}

export function createServer(config: ServiceConfig, pipeline: Pipeline, counters: Counters): http.Server {
  const ingestPaths = new Set([config.collectorPath, batchPath]);
  const limits = { maxEventsPerBatch: config.maxEventsPerBatch, maxEventBytes: config.maxEventBytes };

  const server = http.createServer(async (req, res) => {
    const url = (req.url ?? "/").split("?")[0]!;
    const cors = corsHeaders(config, req.headers.origin);
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...cors,
        ...(cors["Access-Control-Allow-Origin"] ? { "Access-Control-Allow-Methods": "POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "86400" } : {}),
      });
      return void res.end();
    }
    if (req.method === "GET" && url === "/healthz") return send(res, 200, { status: "alive" });
    if (req.method === "GET" && url === "/readyz") {
      const state = readiness(config, pipeline);
      return send(res, state.ready ? 200 : 503, state);
    }
    if (req.method === "GET" && url === "/metrics" && isLoopback(req.socket.remoteAddress) && !req.headers["x-forwarded-for"]) {
      return send(res, 200, { ...counters.totals, datastoreErrors: pipeline.datastore.errors, spoolDepth: pipeline.spool.depth, spoolBytes: pipeline.spool.bytes, pendingEvents: pipeline.pendingEvents });
    }
    if (!ingestPaths.has(url)) return send(res, 404, { error: `no such path ${url}; events go to POST ${config.collectorPath} or POST ${batchPath}` }, cors);
    if (req.method !== "POST") return send(res, 405, { error: `${url} takes POST, got ${req.method}` }, { ...cors, Allow: "POST, OPTIONS" });

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
