/**
 * A real authoritative server for tests: NSD on 127.0.0.1, an unprivileged free port, its own
 * config and state in a temporary directory (settings in /work/shared/NOTES.md), and `dig` to ask it.
 * Start with `startNsd`, always `stop()` (in afterAll / finally).
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nsdConfig } from "../../gameday/dns";

export const nsdBinary = "/usr/sbin/nsd";

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
