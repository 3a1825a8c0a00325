/**
 * The ingestion service against its two floors, round by round on one machine:
 *   - a trivial Node HTTP handler (reads the body, answers `{}`) behind the same nginx config, at the
 *     same concurrency and with the same bodies: what HTTP alone costs;
 *   - PostgreSQL's COPY FROM STDIN (psql) of the same rows into a table like the service's (same
 *     columns, keys and index): what storing alone costs.
 * Each round measures the service's one-event beacons, the trivial handler's, the service's
 * 50-event batches and COPY one after another, so a round's ratios see one load.
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { datastoreEnv, insertId, RunningService, startService, serviceFile } from "../harness/service";
import { Postgres, postgresAvailable, postgresBinDir, startPostgres } from "../harness/postgres";
import { freePort, nginxBinary, RunningNginx, startNginx } from "../harness/nginx";
import { parseStackConfig } from "../stacks/schema";
import { readStackFile } from "../tools/plan/stackFile";
import { benchNginxSettings, throughput } from "./ingest";
import type { IngestRound } from "./roundTargets";

const trivialHandler = `
const port = Number(process.argv[1]);
require("node:http").createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => { res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 2 }); res.end("{}"); });
}).listen(port, "127.0.0.1", () => process.stdout.write("listening\\n"));`;

function startTrivialHandler(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", trivialHandler, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the trivial handler did not listen within 10 s")), 10_000);
    child.stdout!.once("data", () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`the trivial handler exited ${code}`)));
  });
}

const copyColumns = "insert_id, name, event_time, properties, page, client_network, received_at";

/** `count` rows shaped as the bench's bodies make them, in COPY's text format. */
function copyRows(count: number): string {
  const properties = JSON.stringify({ path: "/pricing", referrer: "https://search.example.net/?q=edge", title: "Pricing - Example Shop", pad: "x".repeat(700) }).replace(/\\/g, "\\\\");
  const now = new Date().toISOString();
  let text = "";
  for (let i = 0; i < count; i++) text += `${insertId()}\tpage_view\t${now}\t${properties}\thttps://shop.example.com/pricing\t198.51.100.0/24\t${now}\n`;
  return text;
}

/** Stored events per second of one COPY FROM STDIN of `count` rows through psql (its start included: ~1% of the run). */
async function copyRate(db: Postgres, count: number): Promise<number> {
  await db.query("TRUNCATE events_copy_floor");
  const data = copyRows(count);
  const t0 = performance.now();
  const psql = spawn(
    join(postgresBinDir, "psql"),
    ["-h", "127.0.0.1", "-p", String(db.port), "-U", "ingest", "-d", "edge", "-v", "ON_ERROR_STOP=1", "-qc", `COPY events_copy_floor (${copyColumns}) FROM STDIN`],
    {
      env: { ...process.env, PGPASSWORD: "secret" },
      stdio: ["pipe", "ignore", "pipe"],
    },
  );
  let stderr = "";
  psql.stderr!.on("data", (chunk) => (stderr += chunk));
  psql.stdin!.end(data);
  const code = await new Promise<number | null>((resolve) => psql.once("exit", resolve));
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`psql COPY exited ${code}: ${stderr}`);
  const stored = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM events_copy_floor"))[0]!.n);
  return stored / seconds;
}

export interface IngestRoundsOptions {
  projectRoot: string;
  rounds: number;
  seconds: number;
  log: (line: string) => void;
}

/** `rounds` rounds of the service and its floors; `skipped` says why nothing could be measured. */
export async function ingestRounds(options: IngestRoundsOptions): Promise<IngestRound[] | { skipped: string }> {
  if (!postgresAvailable) return { skipped: "PostgreSQL is not installed (.ci/apt-packages.txt: postgresql)" };
  if (!existsSync(nginxBinary)) return { skipped: `${nginxBinary} is not installed` };
  const { log, seconds } = options;
  const prod = parseStackConfig(readStackFile(join(options.projectRoot, "stacks", "Pulumi.prod.yaml")).edge);
  serviceFile();
  const db = await startPostgres();
  const started: { stop(): Promise<unknown> | void }[] = [];
  try {
    const service: RunningService = await startService({
      env: { ...datastoreEnv(`127.0.0.1:${db.port}`), INGEST_POOL_SIZE: String(prod.datastore.poolSizePerHost), INGEST_METRICS_INTERVAL_MS: "60000" },
    });
    started.push({ stop: () => service.kill() });
    const nginx: RunningNginx = await startNginx(benchNginxSettings(prod, service.port));
    started.push(nginx);
    const trivialPort = await freePort();
    const trivial = await startTrivialHandler(trivialPort);
    started.push({ stop: () => void trivial.kill("SIGKILL") });
    const trivialNginx: RunningNginx = await startNginx(benchNginxSettings(prod, trivialPort));
    started.push(trivialNginx);
    // Warm-up: JIT, the pool's connections, the table created by the service's migration.
    await throughput(db, service, nginx, 1, 16, 1);
    await throughput(db, { child: trivial }, trivialNginx, 1, 16, 1);
    await db.query(`CREATE TABLE events_copy_floor (LIKE events INCLUDING ALL)`);
    const rounds: IngestRound[] = [];
    for (let i = 0; i < options.rounds; i++) {
      const single = await throughput(db, service, nginx, 1, 64, seconds);
      const trivialSingle = await throughput(db, { child: trivial }, trivialNginx, 1, 64, seconds);
      const batch50 = await throughput(db, service, nginx, 50, 16, seconds);
      const copy = await copyRate(db, 20_000);
      const round = { serviceSingle: single.eventsPerSecond, trivialSingle: trivialSingle.answeredEventsPerSecond, serviceBatch50: batch50.eventsPerSecond, copy };
      log(
        `ingest round ${i + 1}: service ${round.serviceSingle.toFixed(0)} events/s (${single.errors} errors), trivial handler ${round.trivialSingle.toFixed(0)}, ` +
          `service 50-event batches ${round.serviceBatch50.toFixed(0)} (${batch50.errors} errors), COPY ${copy.toFixed(0)}`,
      );
      rounds.push(round);
    }
    return rounds;
  } finally {
    for (const s of started.reverse()) await s.stop();
    await db.stop();
  }
}
