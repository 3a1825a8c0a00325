/**
 * Fidelity of the nginx memory model (models/hostEdge/memory.ts): Debian's real nginx runs a
 * rendered host config in a network namespace with the hosts' sysctls (harness/nginxMemoryRun.ts),
 * and for each connection state the model prices, hostile clients fill the config's limit with that
 * state (harness/hostileClients.ts), then the worst mix: every proxied request limit_conn
 * admits, sending data behind its request to a stopped service, every other slot a header that
 * wastes the most pool, and a full accept queue. Each row compares the model with what was
 * measured: nginx's processes (sum of VmRSS), its sockets' buffers (`ss -m`), and both with the
 * sockets' kernel structures (slab per socket from /proc/slabinfo). The model must never be below
 * a measurement, and at most 1.5 times the worst mix.
 *
 * Two configs: the prod stack's (c6i.xlarge: 4 workers × 8192 connections) and the schema's
 * defaults (2 workers × 4096). The only changes to either: `worker_processes`, set to the host's
 * vCPUs, and the client timeouts ({@link clientTimeoutSeconds}). `npx tsx bench/fidelity/nginx.ts [--quick]` runs it alone (`--quick`: the reduced config
 * of the real-nginx spec) and prints the table.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  clientMaxBodySize,
  HostEdgeSettings,
  hostEdgeSettings,
  NginxLoad,
  nginxMemoryInput,
  nginxSizeBytes,
  predictNginxMemory,
  proxiedRequestLimit,
  renderedNginxLimits,
} from "../../models/hostEdge";
import { parseStackConfig } from "../../stacks/schema";
import { readStackFile } from "../../tools/plan/stackFile";
import { ClientLimits, clientLimitsOf } from "../../harness/hostileClients";
import { nginxBinary } from "../../harness/nginx";
import { CaseMeasurement, measureNginxMemory, MemoryCase } from "../../harness/nginxMemoryRun";
import type { FidelityResult } from "./index";

/** The most the model may be above what it bounds, on the worst mix: safe, but not so far above that it refuses configs that fit. */
export const worstMixBound = 1.5;
/** A proxied request's body when the service is stopped: past nginx's send buffer to it (tcp_wmem max) and the service's receive buffer. */
export const stoppedServiceBodyBytes = 256 * 1024;
/**
 * The client timeouts nginx runs with here: the rendered 10-15 s end a state, they do not size it,
 * and opening 30,000 hostile connections on a loaded 2-core machine takes longer than that.
 */
export const clientTimeoutSeconds = 300;
/** Share of the slots the clients fill: nginx spreads connections unevenly over its workers, and a full worker closes what it accepts. */
const slotShare = 0.95;

/** What the hostile clients read from the rendered limits of `settings`. */
export function clientLimits(settings: HostEdgeSettings): ClientLimits {
  return clientLimitsOf(renderedNginxLimits(settings.nginx), nginxSizeBytes(clientMaxBodySize));
}

/** Every connection state the model prices, each at the config's limit, and the worst mix. */
export function memoryCases(settings: HostEdgeSettings, workers: number): MemoryCase[] {
  const limits = renderedNginxLimits(settings.nginx);
  const fill = Math.floor(workers * settings.nginx.workerConnections * slotShare);
  const proxied = proxiedRequestLimit(limits) - limits.healthCheckConnections;
  // A few past limit_conn: those get 503 and linger, outside it.
  const busy = Math.ceil(proxied * 1.05);
  const queued = Math.min(limits.listen.backlog, limits.tcp.somaxconn);
  return [
    { name: "connected, nothing sent", loads: [{ shape: "waiting", count: fill }] },
    { name: `header of ${limits.maxHeaders} lines (max_headers)`, loads: [{ shape: "headerLines", count: fill }] },
    { name: "header names that waste the pool, every header buffer full", loads: [{ shape: "headerKeys", count: fill }] },
    { name: "answered 413 (body above client_max_body_size), lingering", loads: [{ shape: "refused", count: fill }] },
    { name: "kept alive after a worst-case request", loads: [{ shape: "keptAlive", count: fill }] },
    { name: "a kept-alive connection's next header wastes the pool", loads: [{ shape: "reusedHeaderKeys", count: fill }] },
    { name: `proxied at limit_conn (${proxied}), data behind each request`, loads: [{ shape: "busy", count: busy }] },
    {
      name: `proxied to a stopped service, ${stoppedServiceBodyBytes / 1024} KiB bodies and data behind`,
      stoppedService: true,
      loads: [{ shape: "busy", count: busy, bodyBytes: stoppedServiceBodyBytes }],
    },
    { name: `accept queue full (backlog ${queued}), nginx stopped`, loads: [], queued },
    {
      name: "worst mix: proxied to a stopped service + every other slot wasting the pool + a full accept queue",
      stoppedService: true,
      loads: [
        { shape: "busy", count: busy, bodyBytes: stoppedServiceBodyBytes },
        { shape: "headerKeys", count: Math.max(0, fill - 2 * busy) },
      ],
      queued,
    },
  ];
}

/** One row of the fidelity table. */
export interface MemoryRow {
  config: string;
  state: string;
  workers: number;
  load: NginxLoad;
  answers: Record<string, number>;
  predicted: { processes: number; buffers: number; total: number };
  measured: { processes: number; buffers: number; total: number };
  /** Kernel slab bytes per socket, measured, when the case opened enough sockets to read it. */
  slabBytesPerSocket?: number;
  worstMix: boolean;
}

const ratio = (predicted: number, measured: number) => (measured > 0 ? predicted / measured : predicted > 0 ? Number.POSITIVE_INFINITY : 1);

/** Whether a row holds: the model at or above each measurement, and within {@link worstMixBound} of the worst mix's total. */
export function rowHolds(row: MemoryRow): boolean {
  const r = (k: "processes" | "buffers" | "total") => ratio(row.predicted[k], row.measured[k]);
  return r("processes") >= 1 && r("buffers") >= 1 && r("total") >= 1 && (!row.worstMix || r("total") <= worstMixBound);
}

/** The rows of `measurements` against the model on `settings`. */
export function memoryRows(config: string, settings: HostEdgeSettings, measurements: CaseMeasurement[]): MemoryRow[] {
  return measurements.map((m) => {
    const predicted = predictNginxMemory(nginxMemoryInput({ nginx: settings.nginx, vcpus: m.workers }), m.load);
    const sockets = Object.entries(m.load).reduce((n, [state, count]) => n + (state === "busy" ? 2 : 1) * (count ?? 0), 0);
    const slab = (m.slabBytesPerSocket ?? 0) * sockets;
    return {
      config,
      state: m.name,
      workers: m.workers,
      load: m.load,
      answers: m.answers,
      predicted: { processes: predicted.processBytes, buffers: predicted.bufferBytes, total: predicted.totalBytes },
      measured: { processes: m.processBytes, buffers: m.buffers.bytes, total: m.processBytes + m.buffers.bytes + slab },
      ...(m.slabBytesPerSocket === undefined ? {} : { slabBytesPerSocket: m.slabBytesPerSocket }),
      worstMix: m.name.startsWith("worst mix"),
    };
  });
}

/** A stack file's host settings, on `vcpus`. */
function stackSettings(projectRoot: string, stack: string, vcpus: number): HostEdgeSettings {
  return hostEdgeSettings(parseStackConfig(readStackFile(join(projectRoot, "stacks", `Pulumi.${stack}.yaml`)).edge), vcpus);
}

/** The configs measured: the prod stack's on its 4 vCPUs, and the dev stack's (nginx at the schema's defaults) on 2. */
export function fidelityConfigs(projectRoot: string): { name: string; settings: HostEdgeSettings; workers: number }[] {
  return [
    { name: "prod: 4 workers × 8192", settings: stackSettings(projectRoot, "prod", 4), workers: 4 },
    { name: "defaults: 2 workers × 4096", settings: stackSettings(projectRoot, "dev", 2), workers: 2 },
  ];
}

/** The config of the real-nginx spec in `npm test`: the dev stack's with 512 connections a worker, on 2 workers. */
export function reducedConfig(projectRoot: string): { name: string; settings: HostEdgeSettings; workers: number } {
  const settings = stackSettings(projectRoot, "dev", 2);
  return { name: "reduced: 2 workers × 512", settings: { ...settings, nginx: { ...settings.nginx, workerConnections: 512 } }, workers: 2 };
}

/** Measures every case of `config` (minutes at prod scale; bounded by `deadlineMs` per load and the run's timeout). */
export async function measureConfig(config: { name: string; settings: HostEdgeSettings; workers: number }): Promise<MemoryRow[]> {
  const { settings, workers } = config;
  const cases = memoryCases(settings, workers);
  const measurements = await measureNginxMemory({ settings, workers, limits: clientLimits(settings), sources: 250, cases, deadlineMs: 120_000, clientTimeoutSeconds }, cases.length * 240_000);
  return memoryRows(config.name, settings, measurements);
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const times = (r: number) => (Number.isFinite(r) ? r.toFixed(2) : "–");

/** The table: state, clients, predicted and measured (processes, sockets), ratios. */
export function memoryTable(rows: MemoryRow[]): string[] {
  const lines = [
    "| config | state | clients (by state) | predicted MiB: processes / sockets / total | measured MiB: processes / sockets / total | ratio: processes / sockets / total | held |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const clients = Object.entries(r.load)
      .map(([s, n]) => `${n} ${s}`)
      .join(", ");
    lines.push(
      `| ${r.config} | ${r.state} | ${clients} | ${mib(r.predicted.processes)} / ${mib(r.predicted.buffers)} / ${mib(r.predicted.total)} | ` +
        `${mib(r.measured.processes)} / ${mib(r.measured.buffers)} / ${mib(r.measured.total)} | ` +
        `${times(ratio(r.predicted.processes, r.measured.processes))} / ${times(ratio(r.predicted.buffers, r.measured.buffers))} / ${times(ratio(r.predicted.total, r.measured.total))} | ${rowHolds(r) ? "yes" : "**no**"} |`,
    );
  }
  return lines;
}

export async function nginxFidelity(projectRoot: string): Promise<FidelityResult[]> {
  if (!existsSync(nginxBinary)) {
    return [{ model: "nginx memory", case: "prod settings", detail: `not checked: ${nginxBinary} is not installed (.ci/apt-packages.txt: nginx-light)` }];
  }
  const results: FidelityResult[] = [];
  for (const config of fidelityConfigs(projectRoot)) {
    for (const r of await measureConfig(config)) {
      results.push({
        model: "nginx memory",
        case: `${r.config}, ${r.state}`,
        held: rowHolds(r),
        detail:
          `${Object.entries(r.load)
            .map(([s, n]) => `${n} ${s}`)
            .join(", ")}; processes predicted ${mib(r.predicted.processes)} MiB, measured ${mib(r.measured.processes)} MiB ` +
          `(×${times(ratio(r.predicted.processes, r.measured.processes))}); socket buffers predicted ${mib(r.predicted.buffers)} MiB, measured ${mib(r.measured.buffers)} MiB ` +
          `(×${times(ratio(r.predicted.buffers, r.measured.buffers))}); with socket structures predicted ${mib(r.predicted.total)} MiB, measured ${mib(r.measured.total)} MiB ` +
          `(×${times(ratio(r.predicted.total, r.measured.total))}${r.worstMix ? `, bound 1 to ${worstMixBound}` : ", bound ≥ 1"})` +
          (r.slabBytesPerSocket === undefined ? "" : `; slab ${r.slabBytesPerSocket} B a socket`),
        predicted: r.predicted.total,
        measured: r.measured.total,
      });
    }
  }
  return results;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  (async () => {
    const root = join(__dirname, "..", "..");
    const configs = values.quick ? [reducedConfig(root)] : fidelityConfigs(root);
    const rows: MemoryRow[] = [];
    for (const config of configs) {
      const measured = await measureConfig(config);
      rows.push(...measured);
      for (const line of memoryTable(measured)) console.log(line);
    }
    console.log(`\n${rows.filter(rowHolds).length} of ${rows.length} rows held`);
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
