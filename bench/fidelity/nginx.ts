/**
 * Fidelity of the nginx memory model (models/hostEdge/memory.ts) on the prod stack's nginx
 * settings: Debian's real nginx runs the rendered config on 127.0.0.1 (test/support/nginx.ts),
 * holds N idle and N busy worst-case connections at each level (test/support/upstream.ts), and the
 * model's prediction must be no less than the measured RSS and at most 25% above it (a model
 * far above the server would refuse configs that fit). The one change to the prod settings: the per-client request rate limit is lifted, since
 * every connection here comes from one address.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type net from "node:net";
import { hostEdgeSettings, nginxSizeBytes, predictNginxBytes } from "../../models/hostEdge";
import { parseStackConfig } from "../../stacks/schema";
import { readStackFile } from "../../tools/plan/stackFile";
import { measureNginxRss, nginxBinary, nginxWorkerPids, startNginx } from "../../test/support/nginx";
import { holdBusyConnections, holdIdleConnections, startUpstream, waitUntil, worstCaseRequest } from "../../test/support/upstream";
import type { FidelityResult } from "./index";

/** N idle + N busy connections at each level. */
export const nginxLevels = [100, 300, 1000];
/** The request body of a busy connection, bytes (within `client_body_buffer_size`). */
const bodyBytes = 16 * 1024;
/** The prediction may exceed the measurement by at most this share: safe, but not so far above that it refuses configs that fit. */
export const nginxOverBound = 0.25;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

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
      const nginx = await startNginx(settings);
      const sockets: net.Socket[] = [];
      try {
        const { count, size } = settings.nginx.largeClientHeaderBuffers;
        sockets.push(...(await holdIdleConnections(nginx.port, level)));
        sockets.push(...(await holdBusyConnections(nginx.port, level, worstCaseRequest(count, nginxSizeBytes(size), bodyBytes))));
        // A burst of connects can overflow the primary's accept queue; nginx then fails over to the
        // backup (incident 003's 1 s connect timeout), so the busy requests are counted at both.
        await waitUntil(() => primary.held.length + backup.held.length === level, 60_000, `${level} busy requests at the upstreams`);
        await new Promise((r) => setTimeout(r, 300));
        const workers = nginxWorkerPids(nginx.pid).length;
        const measured = measureNginxRss(nginx.pid).totalBytes;
        const predicted = predictNginxBytes({ ...settings, vcpus: workers }, { busy: level, idle: level });
        const over = predicted / measured - 1;
        results.push({
          model: "nginx memory",
          case: `${level} idle + ${level} busy connections, ${workers} workers, worker_connections ${settings.nginx.workerConnections}`,
          held: predicted >= measured && over <= nginxOverBound,
          detail: `predicted ${mib(predicted)}, measured ${mib(measured)} (${over >= 0 ? "+" : ""}${(over * 100).toFixed(1)}%, bound 0 to +${nginxOverBound * 100}%)`,
          predicted,
          measured,
        });
      } finally {
        sockets.forEach((s) => s.destroy());
        primary.release();
        backup.release();
        await nginx.stop();
      }
    }
  } finally {
    await primary.close();
    await backup.close();
  }
  return results;
}
