/**
 * Runs the compiled ingestion service (the file the bundle ships, built by `tools/bundle/`) as a
 * child process on a free loopback port, and talks HTTP to it. Shared by the service's tests and
 * the ingest benchmark.
 */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { buildService } from "../tools/bundle/buildService";
import { freePort } from "./nginx";

let built: string | undefined;

/**
 * The temp dirs this module made (the build, the spools it chose), removed by
 * {@link removeServiceTempDirs}, which every test file that starts the service calls in its
 * `afterAll`, since a test worker's exit hooks do not run.
 */
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A fresh spool dir, removed with the others by {@link removeServiceTempDirs}: for a test that lays out a spool before the service starts. */
export function newSpoolDir(): string {
  return tempDir("edge-spool-");
}

/** Removes the build and the spool dirs this module made; the next `serviceFile()` builds again. */
export function removeServiceTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  built = undefined;
}

/** The single-file service, built once per process (until {@link removeServiceTempDirs}). */
export function serviceFile(): string {
  if (!built) built = buildService(path.join(tempDir("edge-ingest-build-"), "ingest.js"));
  return built;
}

export interface RunningService {
  port: number;
  child: ChildProcess;
  spoolDir: string;
  /** Every line the service wrote (JSON logs and EMF records). */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, waits for the exit. */
  kill(): Promise<void>;
}

export interface ServiceOptions {
  env: Record<string, string>;
  port?: number;
  spoolDir?: string;
  /** Wait for the "listening" line. Defaults to `true`. */
  waitListening?: boolean;
  /** Prefix of the command, e.g. `["prlimit", "--nofile=20000", "--"]`. */
  wrapper?: string[];
}

/** The env that points a service at a test cluster, password given directly (no SSM here). */
export function datastoreEnv(hosts: string): Record<string, string> {
  return { INGEST_DB_HOSTS: hosts, INGEST_DB_PASSWORD: "secret", INGEST_DB_SSLMODE: "disable", INGEST_POOL_SIZE: "16", INGEST_METRICS_INTERVAL_MS: "1000" };
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const port = options.port ?? (await freePort());
  const spoolDir = options.spoolDir ?? newSpoolDir();
  const command = [...(options.wrapper ?? []), process.execPath, serviceFile(), "--listen", `127.0.0.1:${port}`];
  const child = spawn(command[0]!, command.slice(1), {
    env: { PATH: process.env.PATH, INGEST_SPOOL_DIR: spoolDir, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buffer = "";
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  };
  if (options.waitListening ?? true) {
    const deadline = Date.now() + 20_000;
    while (!lines.some((l) => l.includes('"msg":"listening"'))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await kill();
        throw new Error(`the service did not start: ${lines.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { port, child, spoolDir, lines, exited, kill };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request to the service; rejects on a connection error or after `timeoutMs`. */
export function request(port: number, method: string, urlPath: string, body?: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, agent, headers: { "Content-Type": "text/plain;charset=UTF-8", ...headers }, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

let counter = 0;
/** A fresh client-made insert id. */
export function insertId(): string {
  return `t${process.pid.toString(36)}x${(counter++).toString(36).padStart(8, "0")}${Math.random().toString(36).slice(2, 10)}`;
}

/** A body of `count` events of about `eventBytes` bytes each, and their ids. */
export function batchBody(count: number, eventBytes = 200): { body: string; ids: string[] } {
  const ids = Array.from({ length: count }, insertId);
  const pad = "x".repeat(Math.max(0, eventBytes - 120));
  const events = ids.map((id) => ({ insertId: id, name: "page_view", properties: { path: "/pricing", pad }, time: Date.now() }));
  return { body: JSON.stringify({ events, page: "https://shop.example.com/pricing", sentAt: Date.now() }), ids };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
