/**
 * Small local HTTP servers standing in for the ingestion service behind nginx, requests through
 * nginx, and idle connections (connected, silent). The hostile clients the memory model is
 * checked with are in hostileClients.ts.
 */
import http from "node:http";
import net from "node:net";

export interface Upstream {
  port: number;
  /** Requests the upstream is holding (path `/hold`), finished when `release()` is called. */
  held: http.ServerResponse[];
  release(): void;
  /** `/readyz` answers 200 when ready (the default), else 503 with Retry-After. */
  setReady(ready: boolean): void;
  /** A frozen upstream accepts connections and reads requests but never answers. */
  setFrozen(frozen: boolean): void;
  /** Requests received, by method and path (`POST /track`). */
  requests: string[];
  /** Idle keep-alive connections closed by nginx (a FIN arrived) and by this server's idle timeout. */
  idleClosed: { byPeer: number; byServer: number };
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** Bytes of the held body sent before holding. Defaults to 24 KiB. */
  holdBodyBytes?: number;
  /** The server's idle keep-alive timeout, ms. Defaults to Node's, 5000. */
  keepAliveTimeoutMs?: number;
}

/**
 * An upstream standing in for the ingestion service: answers `name` on `/`, after `delayMs` on
 * `/slow?ms=<delayMs>`, its readiness on `/readyz`, resets the connection on `/reset`, and holds `/hold`: the response head and
 * `holdBodyBytes` of a longer body are sent, then nothing until `release()`.
 */
export async function startUpstream(name: string, port = 0, options: UpstreamOptions = {}): Promise<Upstream> {
  const holdBodyBytes = options.holdBodyBytes ?? 24 * 1024;
  const held: http.ServerResponse[] = [];
  const frozenRequests: http.ServerResponse[] = [];
  const requests: string[] = [];
  const idleClosed = { byPeer: 0, byServer: 0 };
  let ready = true;
  let frozen = false;
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    requests.push(`${req.method} ${(req.url ?? "/").split("?")[0]}`);
    req.resume();
    req.on("end", () => {
      if (frozen) {
        frozenRequests.push(res);
        return;
      }
      const url = new URL(req.url ?? "/", "http://upstream");
      if (url.pathname === "/slow") {
        setTimeout(() => res.end(name), Number(url.searchParams.get("ms") ?? 0));
      } else if (url.pathname === "/reset") {
        req.socket.destroy();
      } else if (url.pathname === "/readyz") {
        if (ready) res.end(`${name} ready`);
        else res.writeHead(503, { "retry-after": "5" }).end(`${name} not ready`);
      } else if (url.pathname === "/hold") {
        res.writeHead(200, { "content-length": String(holdBodyBytes * 64) });
        res.write(Buffer.alloc(holdBodyBytes, "x"));
        held.push(res);
      } else {
        res.end(name);
      }
    });
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.on("connection", (socket: net.Socket) => {
    let peerEnded = false;
    socket.on("end", () => (peerEnded = true));
    socket.on("close", () => {
      if (peerEnded) idleClosed.byPeer++;
      else idleClosed.byServer++;
    });
  });
  // A deep accept queue, as a service under load has: a burst through nginx is not refused here.
  await new Promise<void>((resolve) => server.listen({ port, host: "127.0.0.1", backlog: 4096 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    held,
    requests,
    idleClosed,
    setReady: (value) => (ready = value),
    setFrozen: (value) => {
      frozen = value;
      if (!value) frozenRequests.splice(0).forEach((res) => res.destroy());
    },
    release: () => held.splice(0).forEach((res) => res.end(Buffer.alloc(holdBodyBytes * 63, "x"))),
    close: () =>
      new Promise((resolve) => {
        held.splice(0).forEach((res) => res.destroy());
        frozenRequests.splice(0).forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP request through nginx (a fresh connection): status, `Retry-After`, the CORS headers a browser reads, body and milliseconds taken. */
export function request(
  port: number,
  path: string,
  options: { method?: string; body?: string } = {},
): Promise<{ status: number; body: string; ms: number; retryAfter?: string; cors?: { allowOrigin?: string; exposeHeaders?: string } }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: options.method ?? "GET", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => {
        const retryAfter = res.headers["retry-after"];
        const allowOrigin = res.headers["access-control-allow-origin"];
        const exposeHeaders = res.headers["access-control-expose-headers"];
        resolve({
          status: res.statusCode ?? 0,
          body,
          ms: Date.now() - started,
          ...(retryAfter ? { retryAfter: String(retryAfter) } : {}),
          ...(allowOrigin || exposeHeaders ? { cors: { allowOrigin: allowOrigin && String(allowOrigin), exposeHeaders: exposeHeaders && String(exposeHeaders) } } : {}),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body !== undefined) req.setHeader("content-type", "text/plain;charset=UTF-8");
    req.end(options.body);
  });
}

/** A GET through nginx: status, body and milliseconds taken. */
export function get(port: number, path: string): Promise<{ status: number; body: string; ms: number }> {
  return request(port, path);
}

/** Waits until `predicate` holds, polling every 20 ms, or throws after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Connections that connect and send nothing (each holds an nginx connection slot and pool). */
export async function holdIdleConnections(port: number, count: number): Promise<net.Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
          socket.on("error", reject);
        }),
    ),
  );
}

/**
 * A worst-case request for `/hold`: header lines that fill `largeBufferCount` large header buffers
 * of `largeBufferBytes` and a `bodyBytes` body. Each line stays below one buffer, as nginx requires.
 */
export function worstCaseRequest(largeBufferCount: number, largeBufferBytes: number, bodyBytes: number): string {
  const lineBytes = Math.floor(largeBufferBytes * 0.75);
  const fill = Array.from({ length: largeBufferCount }, (_, i) => `X-Fill-${i}: ${"a".repeat(lineBytes - 14)}\r\n`).join("");
  return `POST /hold HTTP/1.1\r\nHost: edge.test\r\nContent-Type: application/json\r\nContent-Length: ${bodyBytes}\r\n${fill}\r\n${"b".repeat(bodyBytes)}`;
}

/**
 * A hung upstream: a process that listens on `port` with a backlog of 1 and is then stopped
 * (SIGSTOP), its accept queue filled by `fillers` connections, so a further connect gets no answer
 * at all, as from a frozen or dead host (incident 003). `stop()` kills it.
 */
export async function startHungUpstream(port: number): Promise<{ stop(): Promise<void> }> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, ["-e", `require("net").createServer().listen({ port: ${port}, host: "127.0.0.1", backlog: 1 }, () => console.log("ready"))`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const fillers: net.Socket[] = [];
  const stop = async () => {
    fillers.forEach((s) => s.destroy());
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`hung upstream exited ${code}`)));
    });
    child.kill("SIGSTOP");
    // Fill the accept queue (backlog + 1) and a little more; extra connects simply hang.
    for (let i = 0; i < 4; i++) {
      const socket = net.connect(port, "127.0.0.1");
      socket.on("error", () => undefined);
      fillers.push(socket);
    }
    await new Promise((r) => setTimeout(r, 200));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
