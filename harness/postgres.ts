/**
 * A throwaway PostgreSQL cluster from Debian's `postgresql` on 127.0.0.1 and a free port, run as
 * the `postgres` user (initdb refuses root), its socket in its own directory. Shared by the
 * service's tests and the ingest benchmark. `stop()` always removes it, also after a kill or a stop signal.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./nginx";
import { Requirement } from "./requirements";

const binDir = (() => {
  const root = "/usr/lib/postgresql";
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  return version ? path.join(root, version, "bin") : "";
})();

export const postgresAvailable = binDir !== "" && existsSync(path.join(binDir, "initdb"));
export const postgresInstalled: Requirement = { what: "PostgreSQL (/usr/lib/postgresql/*/bin/initdb)", debianPackage: "postgresql", present: postgresAvailable };

export interface Postgres {
  port: number;
  dir: string;
  /** The postmaster's pid. */
  pid(): number;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  start(): void;
  /** Fast shutdown (`pg_ctl -m fast`). */
  stopServer(): void;
  /** SIGKILL of the postmaster and every backend: a crash. */
  kill(): void;
  /** Sends `signal` to the postmaster and every backend: SIGSTOP hangs the datastore mid-operation, SIGCONT thaws it. */
  signalAll(signal: NodeJS.Signals): void;
  /** Stops and removes the cluster. */
  stop(): Promise<void>;
}

const asPostgres = (args: string[]) => execFileSync("runuser", ["-u", "postgres", "--", ...args], { stdio: "pipe", encoding: "utf8" });

/** Where else than 127.0.0.1 the cluster listens, and the network it trusts there (the edge twin's hosts). */
export interface PostgresReach {
  addresses: string[];
  /** CIDR given `trust` in pg_hba.conf, e.g. `198.18.0.0/15`. */
  network: string;
}

/**
 * A superuser `ingest` with password `secret` and a database `edge`, reachable over TCP. With
 * `standbyOf`, a streaming replica of that cluster instead (`pg_basebackup -R`): read-only,
 * `pg_is_in_recovery()` true.
 */
export async function startPostgres(standbyOf?: Postgres, reach?: PostgresReach): Promise<Postgres> {
  if (!postgresAvailable) throw new Error("PostgreSQL is not installed: apt-get install postgresql (listed in .ci/apt-packages.txt)");
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-pg-"));
  chownSync(dir, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })));
  const data = path.join(dir, "data");
  const port = await freePort();
  const pgCtl = (...args: string[]) => asPostgres([path.join(binDir, "pg_ctl"), "-D", data, ...args]);
  const pid = (): number => postmasterPid(data);
  const signalAll = (signal: NodeJS.Signals): number[] => signalCluster(data, signal);
  const start = () => {
    const listen = ["127.0.0.1", ...(reach?.addresses ?? [])].join(",");
    pgCtl("-o", `-p ${port} -k ${dir} -c listen_addresses=${listen} -c fsync=on -c max_connections=200`, "-l", path.join(dir, "log"), "-w", "-t", "30", "start");
  };
  const stopServer = () => {
    if (existsSync(path.join(data, "postmaster.pid")))
      spawnSync("runuser", ["-u", "postgres", "--", path.join(binDir, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "-t", "10", "stop"], { stdio: "ignore" });
  };
  try {
    if (standbyOf) {
      asPostgres([path.join(binDir, "pg_basebackup"), "-h", "127.0.0.1", "-p", String(standbyOf.port), "-U", "postgres", "-D", data, "-R", "--no-sync"]);
      start();
      return handle();
    }
    asPostgres([path.join(binDir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    if (reach) appendFileSync(path.join(data, "pg_hba.conf"), `host all all ${reach.network} trust\n`);
    start();
    const admin = new pg.Client({ host: dir, port, user: "postgres", database: "postgres" });
    await admin.connect();
    await admin.query("CREATE ROLE ingest LOGIN SUPERUSER PASSWORD 'secret'");
    await admin.query("CREATE DATABASE edge OWNER ingest");
    await admin.end();
  } catch (error) {
    stopServer();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return handle();

  function handle(): Postgres {
    return {
      port,
      dir,
      pid,
      async query(sql, params) {
        const client = new pg.Client({ host: "127.0.0.1", port, user: "ingest", password: "secret", database: "edge" });
        try {
          await client.connect();
          return (await client.query(sql, params)).rows;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      start,
      stopServer: () => pgCtl("-m", "fast", "-w", "-t", "30", "stop"),
      signalAll,
      kill() {
        const master = pid();
        const children = signalAll("SIGKILL");
        // The next start needs the pid file gone and the old shared memory released.
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline && [master, ...children].some((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, "utf8").includes(") Z"))) {
          spawnSync("sleep", ["0.05"]);
        }
        // A killed postmaster can stay a zombie (nothing reaps it here), and PostgreSQL takes a live
        // pid in the lock file for a running server: the file goes, as after a host crash.
        rmSync(path.join(data, "postmaster.pid"), { force: true });
        rmSync(path.join(dir, `.s.PGSQL.${port}.lock`), { force: true });
      },
      async stop() {
        try {
          process.kill(pid(), "SIGCONT");
        } catch {
          // not running
        }
        stopServer();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** Debian's PostgreSQL binaries (`/usr/lib/postgresql/<newest>/bin`), for other throwaway clusters (the rehearsal's datastore). */
export const postgresBinDir = binDir;

/** The postmaster's pid of the cluster in `data`. */
export function postmasterPid(data: string): number {
  return Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
}

/** Signals the postmaster of the cluster in `data` and its backends (SIGSTOP hangs it mid-operation); returns the backends' pids. */
export function signalCluster(data: string, signal: NodeJS.Signals): number[] {
  const master = postmasterPid(data);
  const children = spawnSync("pgrep", ["-P", String(master)], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean)
    .map(Number);
  for (const p of [master, ...children]) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
  return children;
}
/** Runs a PostgreSQL command as the `postgres` user (initdb and pg_ctl refuse root). */
export const runAsPostgres = asPostgres;
