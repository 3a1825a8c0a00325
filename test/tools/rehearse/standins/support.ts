/** Helpers the stand-ins' specs share: one HTTP(S) request, read whole, with a deadline. */
import http from "node:http";
import https from "node:https";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The address to send from (any 127.0.0.0/8 address works on Linux's loopback). */
  localAddress?: string;
  /** For HTTPS: the CA to trust and the address to connect to instead of resolving the URL's host. */
  ca?: string | Buffer;
  connectTo?: { address: string; port: number };
}

/** Sends one request; the URL's host stays the Host header (and the TLS name) even with `connectTo`. */
export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        method: options.method ?? "GET",
        host: options.connectTo?.address ?? target.hostname,
        port: options.connectTo?.port ?? (target.port || (secure ? 443 : 80)),
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...options.headers },
        localAddress: options.localAddress,
        ...(secure ? { ca: options.ca, servername: target.hostname } : {}),
        timeout: 30_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString("utf8"), bytes });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${options.method ?? "GET"} ${url}: no answer in 30 s`)));
    req.on("error", reject);
    req.end(options.body);
  });
}
