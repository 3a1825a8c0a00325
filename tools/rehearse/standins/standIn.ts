/**
 * What every stand-in shares: where it listens, the record of each request it answered (so the
 * rehearsal can print a timeline and counts), and, for the HTTP ones, one server that reads the
 * whole request, asks the stand-in for an answer and records it.
 */
import { createReadStream, readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { type HeaderPairs, headerPairs } from "./sigv4";

/** One request a stand-in answered. */
export interface RequestRecord {
  /** ISO 8601, when the answer was sent. */
  time: string;
  /** `imds`, `resolver`, `s3`, `ssm`, `logs`, `monitoring`, `time`. */
  service: string;
  /** The caller's address. */
  caller: string;
  /** What was asked: an HTTP method and path, an API action and its resource, a DNS question. */
  action: string;
  /** The HTTP status or DNS response code. */
  status: number | string;
  /** `OK`, or the error code the real service would answer with. */
  verdict: string;
  detail?: string;
}

export type RecordSink = (record: RequestRecord) => void;

/** Where a stand-in listens, and who hears of its requests. */
export interface ListenOptions {
  /** Address to bind, e.g. a VPC address inside the rehearsal's namespace; tests use 127.0.0.1. */
  address: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Called for every request as it is answered (the rehearsal's log). */
  onRequest?: RecordSink;
}

export interface StandIn {
  address: string;
  port: number;
  /** Every request answered so far, in order. */
  requests: RequestRecord[];
  stop(): Promise<void>;
}

/** The certificate and key an HTTPS stand-in presents (from the rehearsal's test CA). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  target: string;
  headers: HeaderPairs;
  body: Buffer;
  caller: string;
}

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  /** The body, or a file streamed as the body. */
  body?: string | Buffer | { file: string };
  action: string;
  verdict: string;
  detail?: string;
}

/** A recorder that keeps every record and passes it on. */
export function recorder(service: string, onRequest?: RecordSink): { requests: RequestRecord[]; record(entry: Omit<RequestRecord, "time" | "service">): void } {
  const requests: RequestRecord[] = [];
  return {
    requests,
    record(entry) {
      const full: RequestRecord = { time: new Date().toISOString(), service, ...entry };
      requests.push(full);
      onRequest?.(full);
    },
  };
}

export const callerOf = (socket: Socket): string => (socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");

/** Largest request body read: CloudWatch Logs' PutLogEvents batch limit is 1 MiB. */
const maxBodyBytes = 2 * 1024 * 1024;

export async function startHttpStandIn(service: string, options: ListenOptions & { tls?: TlsFiles }, answer: (request: ReceivedRequest) => HttpAnswer | Promise<HttpAnswer>): Promise<StandIn> {
  const log = recorder(service, options.onRequest);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on("end", () => {
      const caller = callerOf(req.socket);
      const respond = (reply: HttpAnswer): void => {
        log.record({ caller, action: reply.action, status: reply.status, verdict: reply.verdict, ...(reply.detail ? { detail: reply.detail } : {}) });
        const body = reply.body;
        if (body !== undefined && typeof body === "object" && "file" in body) {
          res.writeHead(reply.status, reply.headers);
          if (req.method === "HEAD") res.end();
          else
            createReadStream(body.file)
              .on("error", () => res.destroy())
              .pipe(res);
          return;
        }
        res.writeHead(reply.status, { ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}), ...reply.headers });
        res.end(req.method === "HEAD" ? undefined : body);
      };
      if (size > maxBodyBytes) {
        respond({ status: 413, action: `${req.method} ${req.url}`, verdict: "RequestEntityTooLarge", body: "" });
        return;
      }
      Promise.resolve()
        .then(() => answer({ method: req.method ?? "GET", target: req.url ?? "/", headers: headerPairs(req.rawHeaders), body: Buffer.concat(chunks), caller }))
        .then(respond, (error: unknown) => respond({ status: 500, action: `${req.method} ${req.url}`, verdict: "InternalError", detail: String(error), body: "" }));
    });
  };
  const server = options.tls ? https.createServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }, handler) : http.createServer(handler);
  // Clients keep connections open (the SDK's agent does): a shorter server keep-alive than theirs only adds resets.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: options.address,
    port,
    requests: log.requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The host name a request was sent to, without the port. */
export function hostName(headers: HeaderPairs): string {
  const host = headers.find(([name]) => name.toLowerCase() === "host")?.[1] ?? "";
  return host.replace(/:\d+$/, "").toLowerCase();
}

export const headerValue = (headers: HeaderPairs, name: string): string | undefined => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
