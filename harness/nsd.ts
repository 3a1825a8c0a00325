/**
 * A real authoritative server for tests: NSD on 127.0.0.1, an unprivileged free port, its own
 * config and state in a temporary directory (settings in /work/shared/NOTES.md), and `dig` to ask it.
 * Start with `startNsd`, always `stop()` (in afterAll / finally).
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import net, { createServer } from "node:net";
import * as dnsPacket from "dns-packet";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nsdConfig } from "../gameday/dns";
import { installedAt, requireInstalled } from "./requirements";

export const nsdBinary = "/usr/sbin/nsd";
export const nsdInstalled = installedAt(nsdBinary, "NSD", "nsd");
const digInstalled = installedAt("/usr/bin/dig", "dig", "dnsutils");

export interface NsdServer {
  port: number;
  stop(): Promise<void>;
}

/** A port free for TCP now (NSD listens on UDP and TCP; the test retries on a clash). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts NSD serving `zones` (apex → zone file text); resolves once the first zone answers. */
export async function startNsd(zones: Record<string, string>): Promise<NsdServer> {
  requireInstalled(nsdInstalled);
  requireInstalled(digInstalled);
  const dir = mkdtempSync(join(tmpdir(), "edge-nsd-"));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const files = Object.fromEntries(
      Object.keys(zones).map((apex, i) => {
        writeFileSync(join(dir, `zone${i}.zone`), zones[apex]);
        return [apex, `zone${i}.zone`];
      }),
    );
    writeFileSync(join(dir, "nsd.conf"), nsdConfig(dir, ["127.0.0.1"], port, files));
    child = spawn(nsdBinary, ["-d", "-c", join(dir, "nsd.conf")], { stdio: "ignore" });
    const apex = Object.keys(zones)[0];
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) break;
      const answer = dig(port, apex, "SOA");
      if (answer.status === "NOERROR") return { port, stop };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const log = existsSync(join(dir, "nsd.log")) ? readFileSync(join(dir, "nsd.log"), "utf8") : "";
    throw new Error(`NSD did not start serving ${apex} on 127.0.0.1:${port}\n${log}`);
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface DigAnswer {
  status: string;
  /** `MSG SIZE rcvd`: the bytes of the DNS message the server sent. */
  bytes: number;
  truncated: boolean;
  answers: number;
  authority: number;
}

/**
 * `dig +noedns +norec +ignore` (UDP, no EDNS, no retry over TCP) or over TCP with `tcp`; with
 * `ednsUdpSize`, EDNS version 0 advertising that size, without a cookie (so the answer's OPT record
 * is the bare 11 bytes).
 */
export function dig(port: number, name: string, type: string, { tcp = false, ednsUdpSize }: { tcp?: boolean; ednsUdpSize?: number } = {}): DigAnswer {
  const edns = ednsUdpSize === undefined ? ["+noedns"] : ["+edns=0", `+bufsize=${ednsUdpSize}`, "+nocookie", "+nonsid"];
  const args = [...edns, "+norec", "+ignore", "+time=2", "+tries=1", tcp ? "+tcp" : "+notcp", "-p", String(port), "@127.0.0.1", name, type];
  const result = spawnSync("dig", args, { encoding: "utf8", timeout: 10_000 });
  const out = result.stdout ?? "";
  const header = /status: (\w+)/.exec(out);
  const flags = /;; flags: ([^;]*);.*ANSWER: (\d+), AUTHORITY: (\d+)/.exec(out);
  const size = /MSG SIZE\s+rcvd: (\d+)/.exec(out);
  return {
    status: header?.[1] ?? "NO ANSWER",
    bytes: size ? Number(size[1]) : 0,
    truncated: flags ? flags[1].split(" ").includes("tc") : false,
    answers: flags ? Number(flags[2]) : 0,
    authority: flags ? Number(flags[3]) : 0,
  };
}

/** What a server sent for one question asked from this process. */
export interface ServerAnswer {
  /** The DNS message's length: what `dig` reports as `MSG SIZE rcvd`. */
  bytes: number;
  truncated: boolean;
  rcode: string;
  /** Types of the answer section's records, in order. */
  answerTypes: string[];
}

function query(qname: string, qtype: string, id: number): Buffer {
  // No RD flag and no OPT record: a legacy resolver's question, as `dig +noedns +norec`.
  return dnsPacket.encode({ type: "query", id, flags: 0, questions: [{ type: qtype as dnsPacket.RecordType, name: qname }] });
}

function readAnswer(message: Buffer): ServerAnswer {
  const decoded = dnsPacket.decode(message) as dnsPacket.Packet & { rcode?: string };
  return { bytes: message.length, truncated: (message[2] & 0x02) !== 0, rcode: decoded.rcode ?? "NOERROR", answerTypes: (decoded.answers ?? []).map((a) => a.type) };
}

/**
 * One question over UDP without EDNS, from this process (a zone of thousands of names is asked in
 * seconds, not one `dig` each): the message the server sent. Fails after `timeoutMs`.
 */
export function askUdp(port: number, qname: string, qtype: string, timeoutMs = 2000): Promise<ServerAnswer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no UDP answer to ${qname} ${qtype} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("message", (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(readAnswer(message));
    });
    socket.send(query(qname, qtype, 1), port, "127.0.0.1");
  });
}

/** One question over TCP: the whole answer (the length prefix not counted). */
export function askTcp(port: number, qname: string, qtype: string, timeoutMs = 2000): Promise<ServerAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TCP answer to ${qname} ${qtype} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("connect", () => {
      const message = query(qname, qtype, 2);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      socket.write(Buffer.concat([length, message]));
    });
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(readAnswer(received.subarray(2, 2 + received.readUInt16BE(0))));
    });
  });
}

/** Whether a zone file loads in Knot's checker (`kzonecheck`, Debian knot-dnssecutils) and NSD's (`nsd-checkzone`): the problems each prints, none when it loads. */
export function checkZoneFile(apex: string, file: string): { knot: string; nsd: string } {
  const knot = spawnSync("kzonecheck", ["-o", apex, file], { encoding: "utf8", timeout: 30_000 });
  const nsd = spawnSync("/usr/sbin/nsd-checkzone", [apex, file], { encoding: "utf8", timeout: 30_000 });
  const problems = (r: ReturnType<typeof spawnSync>, name: string) => (r.status === 0 ? "" : `${name} exit ${r.status ?? r.signal}: ${`${r.stdout ?? ""}${r.stderr ?? ""}`.trim()}`);
  return { knot: problems(knot, "kzonecheck"), nsd: problems(nsd, "nsd-checkzone") };
}
