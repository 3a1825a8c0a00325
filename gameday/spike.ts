/**
 * A spike beyond capacity on one region of the edge twin (incident 000: an 8x spike ran both
 * proxies out of memory). Hostile clients from many source addresses, sized from the rendered
 * limits, run inside the client namespace (`gameday/spikeClients.ts`) through the region's
 * balancer:
 *   - held requests: the full worst-case header (every large header buffer filled) and part of the
 *     body, never the rest, more of them than `limit_conn` admits on the region's hosts, each
 *     source address below `limit_req`'s burst: limit_conn must shed the excess with 503;
 *   - slow headers in the shapes nginx accepts at its limits (harness/hostileClients.ts): a
 *     header of `max_headers` lines, and header names that waste the request pool with every
 *     header buffer filled, never ended (the state `limit_conn` does not count, bounded only by
 *     `worker_connections`);
 *   - a burst: small complete POSTs from a few addresses, each well past `limit_req`'s burst:
 *     limit_req must shed with 503;
 *   - then a connect storm: more connects at once than nginx serves and than the hosts' accept
 *     queues (min(listen backlog, somaxconn) as planned) hold, from two addresses, each a small
 *     POST; the connects past the queue wait out SYN resends, nginx sheds past their limit_req
 *     burst itself, and each client must have its answer (503 + Retry-After) within the recovery
 *     model's connect-storm timing for that many connects per host (models/recovery,
 *     `connectStormTiming`) plus its stalled-host figure (`hostStalls`).
 * The region's hosts run with the hosts' sysctls (models/hostEdge/kernel.ts), as the user data sets
 * them. Meanwhile the parent samples, on every host of the region, the nginx processes' memory
 * (sum of VmRSS of master and workers) and their sockets' buffers (`ss -m` in the host's
 * namespace) and keeps the peaks, each held to the memory model's. When the hold ends every
 * hostile connection closes, and the retrying clients' events must all come in.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { clientTimeoutSeconds, estimateNginxMemory, ingestReadTimeoutSeconds, NginxLimits, nginxListenPort, NginxMemoryLimits, nginxSizeBytes, proxiedRequestLimit } from "../models/hostEdge";
import { readRenderedNginxLimits, readRenderedUpstream } from "../models/capacity";
import { connectStormTiming, stalledHostSeconds, stormAcceptQueue } from "../models/recovery";
import { clientLimitsOf, shapeRequest } from "../harness/hostileClients";
import { measureNginxRss, nginxWorkerPids } from "../harness/nginx";
import { worstCaseRequest } from "../harness/upstream";
import { inNamespace, run, runNodeInNamespace } from "./netns";
import type { ScenarioFindings } from "./scenarios";
import type { SpikePlan, SpikeReport } from "./spikePlan";
import { spikeFigures, spikeProblems, upstreamFailure } from "./spikeVerdict";
import type { Twin, TwinHost } from "./twin";
import { unitMainPid } from "./bootedHost";

/** The host PID of the booted host's nginx master. */
function nginxPid(host: TwinHost): number {
  const pid = unitMainPid(host.machine, "nginx.service");
  if (pid === undefined) throw new Error(`nginx.service runs no main process on the host at ${host.address}`);
  return pid;
}

/** What the spike scenario measured on the region's hosts, for the results. */
export interface SpikeMeasurement {
  report: SpikeReport;
  /** Peak sum of VmRSS of one host's nginx master and workers, the highest of the region's hosts, bytes. */
  peakNginxBytes: number;
  /** The memory model's worst case of one host's processes on the limits of the twin's rendered nginx.conf and its worker count, bytes. */
  modelNginxBytes: number;
  /** Peak of one host's nginx socket buffers (`ss -m` in its namespace), the highest of the region's hosts, bytes. */
  peakSocketBytes: number;
  /** The memory model's worst case of one host's socket buffers, bytes. */
  modelSocketBytes: number;
  /** The recovery model's stalled-host figure on the planned config: the longest a storm's client may wait for its answer, seconds. */
  stalledHostSeconds: number;
  /** nginx's error log lines of the region's hosts: limit_conn and limit_req refusals, and upstream failures. */
  limitConnLines: number;
  limitReqLines: number;
  upstreamFailureLines: number;
}

/** Source addresses added to the client namespace after the twin's own, up to the balancers' VIPs (.100). */
function addSourceAddresses(twin: Twin, count: number): string[] {
  const first = twin.clientAddresses[0]!;
  const network = first.slice(0, first.lastIndexOf("."));
  const start = Number(first.slice(first.lastIndexOf(".") + 1)) + twin.clientAddresses.length;
  if (start + count > 100) throw new Error(`the client network has room for ${100 - start} more source addresses, ${count} asked`);
  const addresses = Array.from({ length: count }, (_, i) => `${network}.${start + i}`);
  for (const address of addresses) run("ip", ["-n", twin.clientNamespace, "addr", "add", `${address}/24`, "dev", "eth0"]);
  return addresses;
}

/** A one-event body, padded to `bodyBytes` when given. */
function eventBody(bodyBytes = 0): string {
  const body = (pad: string) => JSON.stringify({ events: [{ insertId: "spike-0000000000000000", name: "spike", properties: { pad }, time: 0 }], page: "https://shop.example.com/spike", sentAt: 0 });
  return body("p".repeat(Math.max(0, bodyBytes - body("").length)));
}

/**
 * A POST to the collector path with a worst-case header (every large header buffer filled) and a
 * valid one-event body padded to `bodyBytes`: what a held request sends in part.
 */
function worstCaseSpikeRequest(limits: NginxLimits, collectorPath: string, bodyBytes: number): string {
  const { count, size } = limits.largeClientHeaderBuffers;
  const body = eventBody(bodyBytes);
  const header = worstCaseRequest(count, nginxSizeBytes(size), body.length).replace("POST /hold ", `POST ${collectorPath} `);
  return header.slice(0, header.length - body.length) + body;
}

/** A small POST of one event, as the snippet sends it. */
function smallRequest(collectorPath: string): string {
  const body = eventBody();
  return `POST ${collectorPath} HTTP/1.1\r\nHost: edge.test\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

const countLines = (text: string, pattern: RegExp) => text.split("\n").filter((line) => pattern.test(line)).length;

/** Spike sizes from the rendered limits: how many of each hostile client per host. */
export const spikeShape = {
  /** Held requests per host, as a multiple of `limit_conn`'s limit. */
  heldOverLimit: 1.2,
  /** Slow header connections per host. */
  slowHeadersPerHost: 256,
  /** Source addresses of the held requests and slow headers. */
  sources: 60,
  burstSources: 2,
  /** Body of a held request, bytes: what `client_body_buffer_size` holds in memory. */
  bodyBytes: 16 * 1024,
  /**
   * Connects of the storm per host, as a multiple of the larger of the requests limit_conn admits
   * and the planned accept queue: more than nginx serves at once and than the kernel queues, so
   * some connects wait out a SYN resend (the connect-storm figure's first round).
   */
  stormOverQueue: 1.25,
  stormSources: 2,
  /**
   * Processes the storm's clients are shared among: one process alone, at a load of 15–20 on 2
   * cores, was busy all through the storm and its own event loop lagged 5.5–7.5 s of the 11–13 s
   * it measured; 8 processes lagged about 1 s each, and the storm reached nginx at once.
   */
  stormProcesses: 8,
  /**
   * The longest the hostile clients may take to open every connection, seconds: three times the
   * ~13 s they take for ~4,900 at a load of 20 on 2 cores.
   */
  openingSeconds: 40,
  /**
   * How long the retrying clients track events in this scenario, seconds: past the spike's end
   * (the clients' start, the opening, the burst and the storm) with room to come back.
   */
  trackSeconds: 60,
} as const;

/** nginx's sockets on its port and to the service in a host's namespace: their buffers' bytes (`ss -m`: receive + send + forward allocation). */
function hostSocketBytes(namespace: string, servicePorts: number[]): number {
  const filter = [`sport = :${nginxListenPort}`, ...servicePorts.map((p) => `dport = :${p}`)].join(" or ");
  let bytes = 0;
  for (const line of inNamespace(namespace, "ss", ["-tmnHO", "state", "all", `( ${filter} )`]).split("\n")) {
    const mem = /skmem:\(r(\d+),rb\d+,t\d+,tb\d+,f(\d+),w(\d+)/.exec(line);
    if (mem && !line.startsWith("LISTEN")) bytes += Number(mem[1]) + Number(mem[2]) + Number(mem[3]);
  }
  return bytes;
}

/** The limits of the region's planned nginx.conf and sysctls, as the memory policy reads them, and the figures the spike is sized and judged by. */
interface SpikeLimits {
  limits: NginxMemoryLimits;
  /** The recovery model's stalled-host figure on the planned upstream, seconds. */
  stallBound: number;
  /** limit_conn's connections per host. */
  limit: number;
  /** limit_req's burst. */
  rate: number;
}

/** Reads the region's planned limits; throws when one the spike tests is missing. */
function spikeLimits(planned: Twin["regions"][number]): SpikeLimits {
  // The readers take user data: these files as one cloud-config text.
  const asUserData = (text: string) => `#cloud-config\n${text}`;
  const rendered = readRenderedNginxLimits(asUserData(`${planned.nginxConfig}\n${planned.hostSysctl}`));
  if ("missing" in rendered) throw new Error(`the planned nginx.conf of ${planned.region} lacks ${rendered.missing.join(", ")}`);
  const limits: NginxMemoryLimits = rendered.limits;
  const upstream = readRenderedUpstream(asUserData(`${planned.nginxConfig}\nINGEST_COLLECTOR_PATH=${planned.collectorPath}\n`));
  if ("missing" in upstream) throw new Error(`the planned nginx.conf of ${planned.region} lacks ${upstream.missing.join(", ")}`);
  const stallBound = stalledHostSeconds(upstream.upstream, limits);
  const burst = /\blimit_req\s+zone=\S+\s+burst=(\d+)/.exec(planned.nginxConfig);
  if (!burst) throw new Error(`the planned nginx.conf of ${planned.region} has no limit_req burst: nothing would shed a burst per client`);
  const limit = limits.maxConnectionsPerHost;
  if (limit === undefined || limit === Number.MAX_SAFE_INTEGER) throw new Error(`the planned nginx.conf of ${planned.region} has no limit_conn: nothing would shed held requests`);
  return { limits, stallBound, limit, rate: Number(burst[1]) };
}

/** The hostile clients' plan on `region`'s hosts, sized from its limits, with the storm's size and the bound each storm client's wait is held to. */
function planSpike(
  twin: Twin,
  region: number,
  hosts: TwinHost[],
  { limits, stallBound, limit, rate }: SpikeLimits,
): { plan: SpikePlan; stormPerHost: number; acceptQueue: number; stormBound: number } {
  const planned = twin.regions[region]!;
  const { collectorPath } = planned;
  // Held requests trickle their body, so client_body_timeout (between two reads) never ends them;
  // slow headers open last, within client_header_timeout (the whole header) of each other.
  const burstMs = 2000;
  const trickleMs = (clientTimeoutSeconds * 1000) / 4;
  const heldRequests = Math.ceil(limit * spikeShape.heldOverLimit) * hosts.length;
  const slowHeaderConnections = spikeShape.slowHeadersPerHost * hosts.length;
  const sources = addSourceAddresses(twin, spikeShape.sources + spikeShape.burstSources + spikeShape.stormSources);
  const heldSources = sources.slice(0, spikeShape.sources);
  // Each held source stays under limit_req's burst, so limit_conn (not limit_req) sheds the excess.
  const perSource = Math.ceil((heldRequests + slowHeaderConnections) / heldSources.length);
  if (perSource >= rate) throw new Error(`${perSource} requests per source address reach limit_req's burst of ${rate}: add source addresses`);
  const request = worstCaseSpikeRequest(limits, collectorPath, spikeShape.bodyBytes);
  const shapes = clientLimitsOf(limits, nginxSizeBytes(/\bclient_max_body_size\s+(\w+);/.exec(planned.nginxConfig)?.[1] ?? "1m"));
  const paths = { hold: collectorPath, fast: collectorPath };
  const slowHeaders = [shapeRequest("headerLines", shapes, paths), shapeRequest("headerKeys", shapes, paths)];
  const acceptQueue = stormAcceptQueue(limits);
  const stormPerHost = Math.ceil(Math.max(proxiedRequestLimit(limits), acceptQueue) * spikeShape.stormOverQueue);
  const stormConnects = stormPerHost * hosts.length;
  // A storm client's answer: the connect-storm timing (SYN resends, then nginx accepting), then nginx's answer.
  const stormBound = connectStormTiming(stormPerHost, acceptQueue).seconds + stallBound;
  const plan: SpikePlan = {
    target: `${twin.vips[region]}:${nginxListenPort}`,
    collectorPath,
    heldSources,
    heldRequests,
    slowHeaderConnections,
    request,
    heldBackBytes: spikeShape.bodyBytes / 2,
    trickleMs,
    slowHeaders,
    burstSources: sources.slice(spikeShape.sources, spikeShape.sources + spikeShape.burstSources),
    stormSources: sources.slice(spikeShape.sources + spikeShape.burstSources),
    burstRequest: smallRequest(collectorPath),
    // Four times limit_req's burst on each host the balancer spreads them over.
    burstRequestsPerSource: 4 * rate * hosts.length,
    openingMs: spikeShape.openingSeconds * 1000,
    burstMs,
    // Three times the ingestion service's read timeout and its resend to the other process, and more.
    burstAnswerMs: 3 * 2 * ingestReadTimeoutSeconds * 1000,
    stormConnects,
    stormTimeoutMs: (stormBound + 2) * 1000,
    stormProcesses: spikeShape.stormProcesses,
  };
  return { plan, stormPerHost, acceptQueue, stormBound };
}

/** Samples the hosts' nginx memory (every 100 ms) and socket buffers (every fifth round) until `stop`, which resolves to each host's peaks. */
function sampleNginx(hosts: TwinHost[], servicePorts: number[]): { stop(): Promise<{ peaks: Map<string, number>; socketPeaks: Map<string, number> }> } {
  const peaks = new Map(hosts.map((h) => [h.address, 0]));
  const socketPeaks = new Map(hosts.map((h) => [h.address, 0]));
  let sampling = true;
  let sample = 0;
  const sampler = (async () => {
    while (sampling) {
      for (const host of hosts) {
        try {
          peaks.set(host.address, Math.max(peaks.get(host.address)!, measureNginxRss(nginxPid(host)).totalBytes));
          // ss is costlier than /proc: every fifth round.
          if (sample % 5 === 0) socketPeaks.set(host.address, Math.max(socketPeaks.get(host.address)!, hostSocketBytes(host.namespace, servicePorts)));
        } catch {
          // a worker exited between listing and reading
        }
      }
      sample++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await sampler;
      return { peaks, socketPeaks };
    },
  };
}

/**
 * The spike on `region`: hostile clients held until every one is open and the burst has its
 * answers, then the storm, the region's nginx memory sampled meanwhile; findings are the scenario's
 * figures and what broke a rule.
 */
export async function spikeBeyondCapacity(twin: Twin, region: number): Promise<ScenarioFindings & { measurement: SpikeMeasurement }> {
  // The limits as the region's planned nginx.conf sets them (the memory policy's reader).
  const planned = twin.regions[region]!;
  const limits = spikeLimits(planned);
  const injectedAt = Date.now();
  const hosts = twin.hosts.filter((h) => h.region === region);
  // The sysctl.d file the user data writes (models/hostEdge/kernel.ts).
  for (const host of hosts) {
    for (const line of planned.hostSysctl.split("\n").filter((l) => /^\w/.test(l))) inNamespace(host.namespace, "sysctl", ["-qw", line.replace(/\s*=\s*/, "=")]);
  }
  const { plan, ...storm } = planSpike(twin, region, hosts, limits);
  // nginx's error log from here on: a booted host's log also holds its boot (health checks refused
  // before the service listened), which is not the spike's.
  const errorLog = (h: TwinHost) => path.join(h.disk, "nginx", "error.log");
  const logStart = new Map(hosts.map((h) => [h.address, existsSync(errorLog(h)) ? statSync(errorLog(h)).size : 0]));
  const sampler = sampleNginx(hosts, [planned.servicePort, planned.backupPort]);
  let report: SpikeReport;
  let sampled: Awaited<ReturnType<typeof sampler.stop>>;
  try {
    report = await runNodeInNamespace<SpikeReport>(twin.clientNamespace, path.join(__dirname, "spikeClients.ts"), plan, plan.openingMs + plan.burstAnswerMs + plan.stormTimeoutMs + 60_000);
  } finally {
    sampled = await sampler.stop();
  }
  // The model as the memory policy evaluates it: the limits read back from the planned config (the
  // twin's hosts run it with only paths rewritten), at the worker count nginx started.
  const workers = Math.max(...hosts.map((h) => nginxWorkerPids(nginxPid(h)).length));
  const model = estimateNginxMemory({ nginx: limits.limits, vcpus: workers });
  const logs = hosts.map((h) => readFileSync(errorLog(h)).subarray(logStart.get(h.address)!).toString("utf8")).join("\n");
  const measurement: SpikeMeasurement = {
    report,
    peakNginxBytes: Math.max(...sampled.peaks.values()),
    modelNginxBytes: model.processBytes,
    peakSocketBytes: Math.max(...sampled.socketPeaks.values()),
    modelSocketBytes: model.bufferBytes,
    stalledHostSeconds: limits.stallBound,
    limitConnLines: countLines(logs, /limiting connections by zone/),
    limitReqLines: countLines(logs, /limiting requests, excess/),
    upstreamFailureLines: countLines(logs, upstreamFailure),
  };
  return { measurement, problems: spikeProblems(measurement, plan, storm, logs), figures: spikeFigures(measurement, plan, storm, workers, injectedAt) };
}
