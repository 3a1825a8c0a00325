/**
 * Hostile clients at the limits of a rendered nginx config, and what they cost nginx: the shapes
 * of the connection states the memory model prices (models/hostEdge/memory.ts), a client that
 * holds N of them open from many loopback source addresses. Shared by the real-nginx spec (test/models/hostEdge/nginxMemory.real.spec.ts) and the fidelity
 * benchmark (bench/fidelity/nginx.ts), which runs the same clients in child processes
 * (harness/hostileClientsProcess.ts) when one process's descriptors are not enough.
 */
import net from "node:net";
import { NginxMemoryLimits, nginxSizeBytes } from "../models/hostEdge";

/** What the shapes read from the rendered config. */
export interface ClientLimits {
  /** `client_header_buffer_size` and `large_client_header_buffers`, bytes. */
  clientHeaderBufferBytes: number;
  largeBufferCount: number;
  largeBufferBytes: number;
  /** `max_headers`. */
  maxHeaders: number;
  /** `client_body_buffer_size` and `client_max_body_size`, bytes. */
  clientBodyBufferBytes: number;
  clientMaxBodyBytes: number;
  /** The charged receive buffer of a client socket (2 × `listen rcvbuf`), bytes: what data behind a request can fill. */
  clientReceiveBytes: number;
}

/** What the shapes read from a config's limits (rendered, or read back), its `client_max_body_size` apart. */
export function clientLimitsOf(limits: NginxMemoryLimits, clientMaxBodyBytes: number): ClientLimits {
  return {
    clientHeaderBufferBytes: nginxSizeBytes(limits.clientHeaderBufferSize),
    largeBufferCount: limits.largeClientHeaderBuffers.count,
    largeBufferBytes: nginxSizeBytes(limits.largeClientHeaderBuffers.size),
    maxHeaders: limits.maxHeaders,
    clientBodyBufferBytes: limits.clientBodyBufferBytes,
    clientMaxBodyBytes,
    // Without rcvbuf the kernel's default receive buffer (tcp_rmem's 128 KiB) is what data behind a request fills first.
    clientReceiveBytes: 2 * (limits.listen.rcvbufBytes ?? 64 * 1024),
  };
}

/**
 * The connection states, as a client drives nginx into them:
 * - `waiting`: connected, nothing sent;
 * - `headerLines`: a header of `max_headers` short lines (one under: the last would be refused), never ended;
 * - `headerKeys`: header lines whose names waste the most of the request pool (a name just over
 *   half a 4 KiB pool block leaves the rest of its block unused), every header buffer filled, never ended;
 * - `refused`: a complete worst-case header whose Content-Length is above `client_max_body_size`:
 *   nginx answers 413 before `limit_conn` counts it, then reads and discards the body the client
 *   keeps sending (lingering close); the client reads nothing;
 * - `keptAlive`: a worst-case header answered at once (`GET /`), read, then the connection idles;
 * - `reusedHeaderKeys`: a `keptAlive` connection whose next header is `headerKeys` (its pools are
 *   allocated among what the allocator kept of the first request's);
 * - `busy`: a worst-case header and a body of `client_body_buffer_size` to `/hold` (the upstream
 *   starts its answer and holds it), and data behind the request that fills the socket's receive
 *   buffer; the client reads nothing;
 * - `queued`: a small request and data behind it, sent while nginx is stopped: the kernel holds
 *   them for a connection nginx has not accepted.
 */
export const clientShapes = ["waiting", "headerLines", "headerKeys", "refused", "keptAlive", "reusedHeaderKeys", "busy", "queued"] as const;
export type ClientShape = (typeof clientShapes)[number];

/** The header name length that wastes the most of nginx's 4 KiB request pool blocks (found by scanning 20 B to 8 KiB). */
export const wastefulHeaderNameBytes = 2100;

/**
 * Header lines of `nameBytes`-byte names that fill `limits`' header buffers without passing them:
 * the 1 KiB client header buffer holds the request line, each large buffer as many whole lines as fit.
 */
export function wastefulHeaderLines(limits: ClientLimits, nameBytes = Math.min(wastefulHeaderNameBytes, limits.largeBufferBytes - 64)): string {
  const line = (i: number) => `${`k${i}-`.padEnd(nameBytes, "a")}: v\r\n`;
  const perBuffer = Math.floor((limits.largeBufferBytes - 32) / line(0).length);
  // Two lines of max_headers go to Host and Content-Length.
  const lines = Math.min(limits.largeBufferCount * perBuffer, limits.maxHeaders - 2);
  return Array.from({ length: Math.max(0, lines) }, (_, i) => line(i)).join("");
}

/** The first bytes a client of `shape` sends (`waiting` sends none). */
export function shapeRequest(shape: ClientShape, limits: ClientLimits, paths: { hold: string; fast: string }, bodyBytes = limits.clientBodyBufferBytes): string {
  const keys = wastefulHeaderLines(limits);
  switch (shape) {
    case "waiting":
      return "";
    case "headerLines":
      return `GET ${paths.fast} HTTP/1.1\r\nHost: edge.test\r\n${Array.from({ length: limits.maxHeaders - 2 }, (_, i) => `h${i}:\r\n`).join("")}`;
    case "headerKeys":
      return `GET ${paths.fast} HTTP/1.1\r\nHost: edge.test\r\n${keys}`;
    case "refused":
      return `POST ${paths.fast} HTTP/1.1\r\nHost: edge.test\r\nContent-Length: ${limits.clientMaxBodyBytes * 4}\r\n${wastefulHeaderLines(limits)}\r\n`;
    case "keptAlive":
    case "reusedHeaderKeys":
      return `GET ${paths.fast} HTTP/1.1\r\nHost: edge.test\r\n${keys}\r\n`;
    case "queued":
      return `GET ${paths.fast} HTTP/1.1\r\nHost: edge.test\r\n\r\n`;
    case "busy": {
      const body = "b".repeat(bodyBytes);
      return `POST ${paths.hold} HTTP/1.1\r\nHost: edge.test\r\nContent-Length: ${body.length}\r\n${wastefulHeaderLines(limits)}\r\n${body}`;
    }
  }
}

/** What a held set of clients saw. */
export interface HeldClients {
  /** Connections still open (nginx has not closed them). */
  open(): number;
  /** The most that were open at once. */
  peak(): number;
  /** Answers received, by status ("closed": nginx closed the connection without an answer). */
  answers: Record<string, number>;
  /** Connections that failed to connect. */
  connectErrors: number;
  /** Closes every connection. */
  release(): void;
}

export interface HoldOptions {
  /** Loopback source addresses to spread connections over (each has ~28,000 ephemeral ports, and `limit_req` counts per address). */
  sources?: string[];
  /** Connects in flight at once. Defaults to 200. */
  concurrency?: number;
  /** Gives up opening more connections after this many ms. Defaults to 60,000. */
  deadlineMs?: number;
  /** A `busy` request's body, bytes. Defaults to `client_body_buffer_size` (held in memory; a larger one goes to a temp file). */
  bodyBytes?: number;
}

/** `count` loopback addresses 127.0.0.x and 127.0.y.x, for spreading connections. */
export function loopbackSources(count: number, first = 11): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${Math.floor((first + i) / 250)}.${((first + i) % 250) + 2}`);
}

const statusOf = (text: string) => /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];

/**
 * Opens `count` connections of `shape` to 127.0.0.1:`port` and holds them: each sends its
 * request and then keeps the state (a `refused` client trickles body bytes so nginx keeps
 * discarding; a `busy` client sends data behind its request). Bounded in count and time: it stops
 * opening at `deadlineMs`.
 */
export async function holdClients(port: number, count: number, shape: ClientShape, limits: ClientLimits, options: HoldOptions = {}): Promise<HeldClients> {
  const sources = options.sources ?? ["127.0.0.1"];
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  const text = shapeRequest(shape, limits, { hold: "/hold", fast: "/" }, options.bodyBytes);
  const behind = shape === "busy" || shape === "queued" ? Buffer.alloc(limits.clientReceiveBytes * 2, "p") : undefined;
  const sockets: net.Socket[] = [];
  const answers: Record<string, number> = {};
  const timers: NodeJS.Timeout[] = [];
  let connectErrors = 0;
  let next = 0;
  let openNow = 0;
  let peak = 0;
  const openOne = (i: number) =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ port, host: "127.0.0.1", localAddress: sources[i % sources.length] });
      let seen = "";
      let counted = false;
      socket.on("error", () => undefined);
      socket.once("connect", () => {
        sockets.push(socket);
        peak = Math.max(peak, ++openNow);
        socket.once("close", () => openNow--);
        const answered = shape === "keptAlive" || shape === "reusedHeaderKeys";
        if (text) socket.write(text);
        if (behind) socket.write(behind);
        if (shape === "refused") {
          // nginx discards the body as it comes: a byte a second keeps it reading (lingering_timeout is longer).
          const timer = setInterval(() => socket.writable && socket.write("x"), 1000);
          timers.push(timer);
        }
        if (answered) {
          socket.on("data", (chunk: Buffer) => {
            seen += chunk.toString("latin1");
            const status = statusOf(seen);
            if (!counted && status && /\r\n\r\n[\s\S]+$/.test(seen)) {
              counted = true;
              answers[status] = (answers[status] ?? 0) + 1;
              if (shape === "reusedHeaderKeys") socket.write(shapeRequest("headerKeys", limits, { hold: "/hold", fast: "/" }));
              resolve();
            }
          });
        } else {
          // Reads (and drops) whatever comes, so a close is seen; nginx's answer is in the kernel's hands either way.
          socket.on("data", (chunk: Buffer) => {
            if (counted) return;
            seen += chunk.toString("latin1");
            const status = statusOf(seen);
            if (status) {
              counted = true;
              answers[status] = (answers[status] ?? 0) + 1;
            }
          });
          resolve();
        }
      });
      socket.once("close", () => {
        if (!sockets.includes(socket)) {
          connectErrors++;
          resolve();
        } else if (!counted) {
          counted = true;
          answers.closed = (answers.closed ?? 0) + 1;
          resolve();
        }
      });
    });
  await Promise.all(
    Array.from({ length: Math.min(count, options.concurrency ?? 200) }, async () => {
      for (let i = next++; i < count && Date.now() < deadline; i = next++) await openOne(i);
    }),
  );
  return {
    open: () => sockets.filter((s) => !s.destroyed && !s.readableEnded).length,
    peak: () => peak,
    answers,
    get connectErrors() {
      return connectErrors;
    },
    release() {
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.destroy());
    },
  };
}
