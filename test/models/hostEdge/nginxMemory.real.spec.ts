/**
 * Calibration of the nginx memory model (models/hostEdge/memory.ts) against Debian's real nginx:
 * at several connection levels, hold N idle and N busy worst-case connections, read VmRSS of master
 * and workers from /proc, and require the model to predict no less than measured and at most 25%
 * more (incident 000: the memory limit must be known, not guessed).
 */
import { existsSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostEdgeSettings, nginxSizeBytes, predictNginxBytes } from "../../../models/hostEdge";
import { measureNginxRss, nginxBinary, nginxWorkerPids, startNginx } from "../../support/nginx";
import { holdBusyConnections, holdIdleConnections, startUpstream, Upstream, waitUntil, worstCaseRequest } from "../../support/upstream";
import { sampleSettings } from "./fixtures";

const levels = [0, 40, 80, 160];
const bodyBytes = 16 * 1024;

describe.skipIf(!existsSync(nginxBinary))("nginx memory model against a real nginx", () => {
  let primary: Upstream;
  let backup: Upstream;
  const results: { level: number; workers: number; measured: number; predicted: number }[] = [];

  beforeAll(async () => {
    primary = await startUpstream("primary");
    backup = await startUpstream("backup");
  });
  afterAll(async () => {
    console.log(results.map((r) => `N=${r.level} workers=${r.workers} measured=${r.measured} predicted=${r.predicted} ratio=${(r.predicted / r.measured).toFixed(3)}`).join("\n"));
    await primary?.close();
    await backup?.close();
  });

  it.each(levels)("predicts the memory of N=%i idle and N busy connections within +25%", async (level) => {
    const base: HostEdgeSettings = sampleSettings({
      nginx: { workerConnections: 512, maxConnectionsPerHost: 1000, requestsPerSecondPerClient: 10_000 },
      ingest: { service: { port: primary.port, backupPort: backup.port } },
    });
    const nginx = await startNginx(base);
    const sockets: net.Socket[] = [];
    try {
      const { count, size } = base.nginx.largeClientHeaderBuffers;
      sockets.push(...(await holdIdleConnections(nginx.port, level)));
      sockets.push(...(await holdBusyConnections(nginx.port, level, worstCaseRequest(count, nginxSizeBytes(size), bodyBytes))));
      await waitUntil(() => primary.held.length === level, 20_000, `${level} busy requests at the upstream`);
      await new Promise((r) => setTimeout(r, 300));
      const workers = nginxWorkerPids(nginx.pid).length;
      const measured = measureNginxRss(nginx.pid).totalBytes;
      const predicted = predictNginxBytes({ ...base, vcpus: workers }, { busy: level, idle: level });
      results.push({ level, workers, measured, predicted });
      expect(predicted).toBeGreaterThanOrEqual(measured);
      expect(predicted).toBeLessThanOrEqual(measured * 1.25);
    } finally {
      sockets.forEach((s) => s.destroy());
      primary.release();
      await nginx.stop();
    }
  });
});
