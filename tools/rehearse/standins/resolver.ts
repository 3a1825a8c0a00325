/**
 * The VPC resolver (the VPC's base + 2, "AmazonProvidedDNS") as the hosts reach it, over UDP and
 * TCP on port 53: A answers for the names the plan declares (the bundle bucket's regional name,
 * the interface endpoints' private DNS names) with the stand-ins' addresses, and nothing else.
 *
 * The real resolver answers public names from the internet's DNS; the rehearsal has no internet,
 * so a name the plan does not declare gets NXDOMAIN: whatever a host would reach outside the plan's
 * declared paths resolves to nothing reachable here, and the boot shows it. It is a recursive
 * resolver (RA set, never AA); a declared name has no AAAA (NOERROR, no answer: the endpoints'
 * private DNS names are IPv4 in an IPv4 VPC). Negative answers carry no SOA here (no negative
 * caching to model). VPC User Guide, "Amazon DNS server"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html); PrivateLink guide,
 * "Enable private DNS names" for interface endpoints; RFC 1035 §4.2.2 for DNS over TCP (two-byte
 * length prefix); RFC 2308 §2.2 for NODATA.
 */
import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import { type ListenOptions, recorder, type StandIn } from "./standIn";

export interface ResolverOptions extends ListenOptions {
  /** Name → IPv4 address. A name may start with `*.` to stand for every name below it. */
  names: Record<string, string>;
  /** TTL of the answers, seconds. Defaults to 60 (Route 53 alias and endpoint records). */
  ttl?: number;
}

const rcodes = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4 } as const;
const responseFlags = dnsPacket.RECURSION_AVAILABLE;

const normalize = (name: string) => name.toLowerCase().replace(/\.$/, "");

/** The declared names as a lookup: an exact name, else the first wildcard `*.suffix` it falls under. */
function nameTable(names: Record<string, string>): (name: string) => string | undefined {
  const exact = new Map<string, string>();
  const wildcards: [string, string][] = [];
  for (const [name, address] of Object.entries(names)) {
    if (net.isIPv4(address) === false) throw new Error(`resolver names: ${name}: expected an IPv4 address, got ${JSON.stringify(address)}`);
    if (name.startsWith("*.")) wildcards.push([`.${normalize(name.slice(2))}`, address]);
    else exact.set(normalize(name), address);
  }
  return (name) => exact.get(name) ?? wildcards.find(([suffix]) => name.endsWith(suffix) && name.length > suffix.length)?.[1];
}

type Answerer = (message: Buffer, caller: string, transport: string) => Buffer | undefined;

/** The answer to one query message, or nothing for what is not a query at all. */
function answerer(addressOf: (name: string) => string | undefined, ttl: number, log: ReturnType<typeof recorder>): Answerer {
  return (message, caller, transport) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      if (message.length < 12) return undefined;
      log.record({ caller, action: `${transport} (undecodable)`, status: "FORMERR", verdict: "FORMERR" });
      return dnsPacket.encode({ type: "response", id: message.readUInt16BE(0), flags: responseFlags | rcodes.FORMERR, questions: [] });
    }
    if (query.type !== "query") return undefined;
    const reply = (rcode: keyof typeof rcodes, verdict: string, action: string, answers: dnsPacket.Answer[] = []) => {
      log.record({ caller, action, status: rcode, verdict });
      const flags = responseFlags | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcodes[rcode];
      return dnsPacket.encode({ type: "response", id: query.id, flags, questions: query.questions, answers });
    };
    const opcode = ((query.flags ?? 0) >> 11) & 0xf;
    if (opcode !== 0) return reply("NOTIMP", "NOTIMP", `${transport} opcode ${opcode}`);
    const question = query.questions?.length === 1 ? query.questions[0]! : undefined;
    if (!question) return reply("FORMERR", "FORMERR", `${transport} ${query.questions?.length ?? 0} questions`);
    const action = `${question.type} ${question.name}`;
    const address = question.class === "IN" ? addressOf(normalize(question.name)) : undefined;
    if (address === undefined) return reply("NXDOMAIN", "NXDOMAIN", action);
    if (question.type !== "A") return reply("NOERROR", "NODATA", action);
    return reply("NOERROR", "OK", action, [{ type: "A", class: "IN", name: question.name, ttl, data: address }]);
  };
}

/** DNS over TCP: each message and each answer behind its two-byte length (RFC 1035 §4.2.2). */
function tcpServer(answer: Answerer): net.Server {
  return net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + message.length);
        const reply = answer(message, (socket.remoteAddress ?? "").replace(/^::ffff:/, ""), "tcp");
        if (!reply) {
          socket.destroy();
          return;
        }
        const length = Buffer.alloc(2);
        length.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([length, reply]));
      }
    });
    socket.on("error", () => socket.destroy());
  });
}

/** Binds a UDP socket and `tcp` to one port. UDP and TCP share the port: with port 0, UDP picks it and TCP may find it taken; then both try again. */
async function listenBoth(tcp: net.Server, options: ListenOptions): Promise<dgram.Socket> {
  const listen = (target: dgram.Socket | net.Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      target.once("error", reject);
      const bound = () => {
        target.off("error", reject);
        resolve();
      };
      if (target instanceof net.Server) target.listen(port, options.address, bound);
      else target.bind(port, options.address, bound);
    });
  for (let attempt = 1; ; attempt++) {
    const socket = dgram.createSocket(net.isIPv6(options.address) ? "udp6" : "udp4");
    await listen(socket, options.port);
    try {
      await listen(tcp, socket.address().port);
      return socket;
    } catch (error) {
      socket.close();
      if (options.port !== 0 || attempt >= 5) throw error;
    }
  }
}

export async function startResolver(options: ResolverOptions): Promise<StandIn> {
  const log = recorder("resolver", options.onRequest);
  const answer = answerer(nameTable(options.names), options.ttl ?? 60, log);
  const tcp = tcpServer(answer);
  const udp = await listenBoth(tcp, options);
  udp.on("message", (message, remote) => {
    const reply = answer(message, remote.address, "udp");
    if (reply) udp.send(reply, remote.port, remote.address);
  });
  const port = udp.address().port;
  const connections = new Set<net.Socket>();
  tcp.on("connection", (socket) => {
    connections.add(socket);
    socket.on("close", () => connections.delete(socket));
  });

  return {
    address: options.address,
    port,
    requests: log.requests,
    stop: async () => {
      for (const socket of connections) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => tcp.close(() => resolve())), new Promise<void>((resolve) => udp.close(() => resolve()))]);
    },
  };
}
