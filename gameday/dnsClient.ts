/**
 * The game day's DNS client: one query in one UDP datagram (no retry, no TCP), and a prober that
 * asks a resolver as a stub resolver does, with glibc's resend.
 */
import dgram from "node:dgram";
import * as dnsPacket from "dns-packet";
import { stubResendTimeoutSeconds } from "../models/recovery";

export interface QueryResult {
  /** The response code, `TIMEOUT` when no datagram came within the timeout, `ERROR` when the socket failed. */
  rcode: string;
  /** The TC flag: the answer did not fit. */
  truncated: boolean;
  /** A addresses in the answer section. */
  addresses: string[];
  /** Bytes of the response datagram (0 when none came). */
  bytes: number;
  /** Milliseconds from the send to the answer (or the timeout). */
  ms: number;
}

/**
 * One query in one UDP datagram, answered or not within `timeoutMs`: no retry, no TCP. Without
 * `ednsUdpSize` it carries no OPT record, so the server must fit its answer in 512 bytes: the
 * legacy client of incident 001. `rcode` is `TIMEOUT` when nothing came back.
 */
export function query(
  server: string,
  name: string,
  type: "A" | "SOA",
  { timeoutMs = 2000, recursion = false, ednsUdpSize }: { timeoutMs?: number; recursion?: boolean; ednsUdpSize?: number } = {},
): Promise<QueryResult> {
  const id = Math.floor(Math.random() * 65536);
  const packet = dnsPacket.encode({
    type: "query",
    id,
    flags: recursion ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type, name }],
    additionals: ednsUdpSize === undefined ? [] : [{ type: "OPT", name: ".", udpPayloadSize: ednsUdpSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const done = (result: Omit<QueryResult, "ms">) => {
      clearTimeout(timer);
      socket.close();
      resolve({ ...result, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done({ rcode: "TIMEOUT", truncated: false, addresses: [], bytes: 0 }), timeoutMs);
    socket.on("error", () => done({ rcode: "ERROR", truncated: false, addresses: [], bytes: 0 }));
    socket.on("message", (message) => {
      const response = dnsPacket.decode(message);
      if (response.id !== id) return;
      done({
        rcode: (response as { rcode?: string }).rcode ?? "NOERROR",
        truncated: Boolean(response.flag_tc),
        addresses: (response.answers ?? []).flatMap((a) => (a.type === "A" ? [String(a.data)] : [])),
        bytes: message.length,
      });
    });
    socket.send(packet, 53, server);
  });
}

/**
 * A stub resolver's lookup as glibc makes it with resolv.conf's defaults (`timeout:5`,
 * `attempts:2`): the query resent once when no answer came within the timeout. A resolver that
 * drops a reply it was late with (Unbound's `discard-timeout`, 1.9 s) is answered on the resend.
 */
export const stubResolver = { timeoutMs: stubResendTimeoutSeconds * 1000, attempts: 2 } as const;

/** One lookup of a resolver prober: when it started, how long it took, whether it gave addresses, how many sends it took. */
export interface Lookup {
  at: number;
  ms: number;
  ok: boolean;
  sends: number;
}

/** Asks the resolver for `name` every `everyMs` as a modern stub does (EDNS on, `stubResolver`'s resend) until stopped; one lookup in flight. */
export function probeResolver(resolver: string, name: string, everyMs: number): { lookups: Lookup[]; stop(): Promise<void> } {
  const lookups: Lookup[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      let result: QueryResult | undefined;
      let sends = 0;
      while (sends < stubResolver.attempts && (result === undefined || result.rcode === "TIMEOUT")) {
        sends++;
        result = await query(resolver, name, "A", { recursion: true, ednsUdpSize: 1232, timeoutMs: stubResolver.timeoutMs });
      }
      lookups.push({ at, ms: Date.now() - at, ok: result!.rcode === "NOERROR" && result!.addresses.length > 0, sends });
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - at))));
    }
  })();
  return {
    lookups,
    async stop() {
      running = false;
      await loop;
    },
  };
}
