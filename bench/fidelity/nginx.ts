/**
 * Fidelity of the nginx memory model (models/hostEdge/memory.ts) on the prod stack's nginx
 * settings: Debian's real nginx runs the rendered config on 127.0.0.1 (harness/nginx.ts)
 * under the hostile clients the model exists for (harness/upstream.ts): slow header senders
 * with every large header buffer filled, idle keep-alive connections, held worst-case requests, and
 * a mix. The prediction for the processes must be no less than their measured RSS, and for the
 * busy case at most 25% above it; the kernel's socket buffers are predicted apart and reported
 * beside /proc/net/sockstat, which counts every socket of the network namespace (other processes'
 * too), so it is no measurement of nginx alone. The one change to the prod settings: the
 * per-client request rate limit is lifted, since every connection here comes from one address.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type net from "node:net";
import { HostEdgeSettings, hostEdgeSettings, NginxLoad, nginxSizeBytes, predictNginxMemory } from "../../models/hostEdge";
import { parseStackConfig } from "../../stacks/schema";
import { readStackFile } from "../../tools/plan/stackFile";
import { measureNginxRss, nginxBinary, nginxWorkerPids, startNginx } from "../../harness/nginx";
import {
  holdBusyConnections,
  holdKeepaliveConnections,
  holdPartialHeaders,
  startUpstream,
  tcpKernelBytes,
  waitUntil,
  worstCaseRequest,
} from "../../harness/upstream";
import type { FidelityResult } from "./index";

/** Connections per state in each case: enough that the shared zones, counted full, do not dominate the busy case. */
export const nginxLevels = [1000, 2000];
/** The request body of a busy connection, bytes (within `client_body_buffer_size`). */
const bodyBytes = 16 * 1024;
/** The prediction may exceed the measurement by at most this share where it must be tight (busy requests): safe, but not so far above that it refuses configs that fit. */
export const nginxOverBound = 0.25;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface Case {
  name: string;
  load: NginxLoad;
  tight: boolean;
  hold(port: number): Promise<net.Socket[]>;
}

function cases(settings: HostEdgeSettings, level: number): Case[] {
  const { count, size } = settings.nginx.largeClientHeaderBuffers;
  const large = { kind: "large" as const, largeBufferCount: count, largeBufferBytes: nginxSizeBytes(size) };
  const busy = worstCaseRequest(count, nginxSizeBytes(size), bodyBytes);
  return [
    { name: `${level} slow header senders, large header buffers filled`, load: { headerPhase: level }, tight: false, hold: (port) => holdPartialHeaders(port, level, large) },
    { name: `${level} idle keep-alive`, load: { idle: level }, tight: false, hold: (port) => holdKeepaliveConnections(port, level) },
    { name: `${level} held worst-case requests`, load: { busy: level }, tight: true, hold: (port) => holdBusyConnections(port, level, busy) },
    {
      name: `${level} of each at once`,
      load: { busy: level, headerPhase: level, idle: level },
      tight: false,
      hold: async (port) => [
        ...(await holdPartialHeaders(port, level, large)),
        ...(await holdKeepaliveConnections(port, level)),
        ...(await holdBusyConnections(port, level, busy)),
      ],
    },
  ];
}

export async function nginxFidelity(projectRoot: string, levels = nginxLevels): Promise<FidelityResult[]> {
  if (!existsSync(nginxBinary)) {
    return [{ model: "nginx memory", case: "prod settings", detail: `not checked: ${nginxBinary} is not installed (.ci/apt-packages.txt: nginx-light)` }];
  }
  const prod = parseStackConfig(readStackFile(join(projectRoot, "stacks", "Pulumi.prod.yaml")).edge);
  const primary = await startUpstream("primary");
  const backup = await startUpstream("backup");
  const results: FidelityResult[] = [];
  try {
    for (const level of levels) {
      const config = {
        ...prod,
        nginx: { ...prod.nginx, requestsPerSecondPerClient: 1_000_000 },
        ingest: { ...prod.ingest, service: { ...prod.ingest.service, port: primary.port, backupPort: backup.port } },
      };
      const settings = hostEdgeSettings(config, 2);
      for (const c of cases(settings, level)) {
        const nginx = await startNginx(settings);
        const sockets: net.Socket[] = [];
        try {
          const kernelBefore = tcpKernelBytes();
          sockets.push(...(await c.hold(nginx.port)));
          const busy = c.load.busy ?? 0;
          // A burst of connects can overflow the primary's accept queue; nginx then fails over to the
          // backup (incident 003's 1 s connect timeout), so the busy requests are counted at both.
          await waitUntil(() => primary.held.length + backup.held.length === busy, 60_000, `${busy} busy requests at the upstreams`);
          await new Promise((r) => setTimeout(r, 300));
          const workers = nginxWorkerPids(nginx.pid).length;
          const measured = measureNginxRss(nginx.pid).totalBytes;
          const kernel = Math.max(0, tcpKernelBytes() - kernelBefore);
          const predicted = predictNginxMemory({ ...settings, vcpus: workers }, c.load);
          const over = predicted.processBytes / measured - 1;
          results.push({
            model: "nginx memory",
            case: `${c.name}, ${workers} workers, worker_connections ${settings.nginx.workerConnections}`,
            held: predicted.processBytes >= measured && (!c.tight || over <= nginxOverBound),
            detail:
              `processes predicted ${mib(predicted.processBytes)}, measured ${mib(measured)} (${over >= 0 ? "+" : ""}${(over * 100).toFixed(1)}%, ` +
              `bound 0 to ${c.tight ? `+${nginxOverBound * 100}%` : "any"}); kernel TCP predicted ${mib(predicted.kernelBytes)}, measured ${mib(kernel)}`,
            predicted: predicted.processBytes,
            measured,
          });
        } finally {
          sockets.forEach((s) => s.destroy());
          primary.release();
          backup.release();
          await nginx.stop();
        }
      }
    }
  } finally {
    await primary.close();
    await backup.close();
  }
  return results;
}
