/**
 * The rendered nginx config in Debian's real nginx (/usr/sbin/nginx) on 127.0.0.1, with small
 * local upstreams standing in for the ingestion service and its backup (incidents 000 and 003).
 */
import { existsSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateNginxMemory, healthCheckPath, HostEdgeSettings, renderDrainScript } from "../../../models/hostEdge";
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, measureNginxRss, nginxBinary, nginxTempDir, nginxWorkerPids, renderTestConfig, RunningNginx, startNginx, testNginxConfig } from "../../support/nginx";
import { get, startHungUpstream, startUpstream, Upstream, waitUntil } from "../../support/upstream";
import { sampleSettings } from "./fixtures";

const connectionLimit = 4;

function settingsFor(port: number, backupPort: number): HostEdgeSettings {
  return sampleSettings({
    nginx: { workerConnections: 128, maxConnectionsPerHost: connectionLimit, connectTimeoutSeconds: 1, readTimeoutSeconds: 30 },
    ingest: { service: { port, backupPort } },
  });
}

describe.skipIf(!existsSync(nginxBinary))("real nginx", () => {
  let primary: Upstream;
  let backup: Upstream;
  let nginx: RunningNginx;

  beforeAll(async () => {
    primary = await startUpstream("primary");
    backup = await startUpstream("backup");
    nginx = await startNginx(settingsFor(primary.port, backup.port));
  });
  afterAll(async () => {
    await nginx?.stop();
    await primary?.close();
    await backup?.close();
  });

  it("nginx -t accepts the rendered config", () => {
    const dir = nginxTempDir();
    try {
      const result = testNginxConfig(dir, renderTestConfig(sampleSettings(), dir, 18080));
      expect(result.output).toContain("test is successful");
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("proxies to the primary upstream", async () => {
    expect(await get(nginx.port, "/")).toMatchObject({ status: 200, body: "primary" });
  });

  it("answers /http-check with 200, and 404 while the drain file exists (incident 003)", async () => {
    expect(await get(nginx.port, healthCheckPath)).toMatchObject({ status: 200, body: "ok\n" });
    writeFileSync(nginx.drainFile, "");
    try {
      expect(await get(nginx.port, healthCheckPath)).toMatchObject({ status: 404, body: "draining\n" });
    } finally {
      unlinkSync(nginx.drainFile);
    }
    expect((await get(nginx.port, healthCheckPath)).status).toBe(200);
  });

  it("is taken out of rotation by the rendered drain script, which returns after drainSeconds (incident 003)", async () => {
    const script = path.join(nginx.dir, "edge-drain");
    writeFileSync(script, renderDrainScript(1, nginx.drainFile), { mode: 0o755 });
    const started = Date.now();
    const done = new Promise<number | null>((resolve) => spawn("/bin/sh", [script], { stdio: "inherit" }).once("exit", resolve));
    try {
      await waitUntil(() => existsSync(nginx.drainFile), 5000, "the drain file");
      expect((await get(nginx.port, healthCheckPath)).status).toBe(404);
      expect(await done).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect((await get(nginx.port, healthCheckPath)).status).toBe(404);
    } finally {
      await done;
      rmSync(nginx.drainFile, { force: true });
    }
  });

  it("lets a request slower than the connect timeout but within the read timeout succeed (incident 003)", async () => {
    const result = await get(nginx.port, "/slow?ms=2500");
    expect(result).toMatchObject({ status: 200, body: "primary" });
    expect(result.ms).toBeGreaterThanOrEqual(2400);
  });

  it("answers 503 past the connection limit, within the memory model (incident 000)", async () => {
    const pending = Array.from({ length: connectionLimit }, () => get(nginx.port, "/hold").catch(() => undefined));
    try {
      await waitUntil(() => primary.held.length === connectionLimit, 10_000, `${connectionLimit} held requests`);
      expect((await get(nginx.port, "/")).status).toBe(503);
      expect((await get(nginx.port, healthCheckPath)).status).toBe(200);
      const workers = nginxWorkerPids(nginx.pid).length;
      const rss = measureNginxRss(nginx.pid);
      const model = estimateNginxMemory({ ...settingsFor(primary.port, backup.port), vcpus: workers });
      expect(rss.totalBytes).toBeLessThanOrEqual(model.totalBytes);
    } finally {
      primary.release();
      await Promise.all(pending);
    }
    expect((await get(nginx.port, "/")).status).toBe(200);
  });
});

describe.skipIf(!existsSync(nginxBinary))("real nginx with the primary upstream down", () => {
  let backup: Upstream;
  let nginx: RunningNginx;

  beforeAll(async () => {
    backup = await startUpstream("backup");
    nginx = await startNginx(settingsFor(await freePort(), backup.port));
  });
  afterAll(async () => {
    await nginx?.stop();
    await backup?.close();
  });

  it("serves the request from the backup within ~1.5 s (incident 003)", async () => {
    const result = await get(nginx.port, "/");
    expect(result).toMatchObject({ status: 200, body: "backup" });
    expect(result.ms).toBeLessThan(1500);
  });
});

describe.skipIf(!existsSync(nginxBinary))("real nginx with the primary upstream hung (connects time out)", () => {
  let backup: Upstream;
  let hung: { stop(): Promise<void> };
  let nginx: RunningNginx;

  beforeAll(async () => {
    backup = await startUpstream("backup");
    const primaryPort = await freePort();
    hung = await startHungUpstream(primaryPort);
    nginx = await startNginx(settingsFor(primaryPort, backup.port));
  });
  afterAll(async () => {
    await nginx?.stop();
    await hung?.stop();
    await backup?.close();
  });

  it("gives up on the primary after the 1 s connect timeout and serves from the backup (incident 003)", async () => {
    const result = await get(nginx.port, "/");
    expect(result).toMatchObject({ status: 200, body: "backup" });
    expect(result.ms).toBeGreaterThanOrEqual(950);
    expect(result.ms).toBeLessThan(1500);
  });
});
