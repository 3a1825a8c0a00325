/**
 * The rendered nginx config in Debian's real nginx (/usr/sbin/nginx) on 127.0.0.1, with small
 * local upstreams standing in for the ingestion service and its backup (incidents 000 and 003).
 */
import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  estimateNginxMemory,
  healthCheckConnections,
  healthCheckPath,
  HostEdgeSettings,
  ingestReadTimeoutSeconds,
  nginxMemoryInput,
  readinessReadTimeoutSeconds,
  renderDrainScript,
  serviceKeepaliveTimeoutMs,
  serviceReadinessPath,
  upstreamFailTimeoutSeconds,
  upstreamKeepaliveSeconds,
} from "../../../models/hostEdge";
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, measureNginxRss, nginxInstalled, nginxTempDir, nginxWorkerPids, renderTestConfig, RunningNginx, startNginx, StartNginxOptions, testNginxConfig } from "../../../harness/nginx";
import { get, holdIdleConnections, request, startHungUpstream, startUpstream, Upstream, UpstreamOptions, waitUntil } from "../../../harness/upstream";
import { installedAt, skipWithout } from "../../../harness/requirements";
import { sampleSettings } from "./fixtures";

const connectionLimit = 4;

function settingsFor(port: number, backupPort: number): HostEdgeSettings {
  return sampleSettings({
    nginx: { workerConnections: 128, maxConnectionsPerHost: connectionLimit, connectTimeoutSeconds: 1, readTimeoutSeconds: 30 },
    ingest: { service: { port, backupPort } },
  });
}

/** Two stand-in upstreams and nginx on the settings for their ports, started before the block's tests and stopped after. */
function nginxWithUpstreams(options: { upstream?: UpstreamOptions; settings?: (port: number, backupPort: number) => HostEdgeSettings } & StartNginxOptions = {}): {
  primary: Upstream;
  backup: Upstream;
  nginx: RunningNginx;
} {
  const ctx = {} as { primary: Upstream; backup: Upstream; nginx: RunningNginx };
  beforeAll(async () => {
    ctx.primary = await startUpstream("primary", 0, options.upstream);
    ctx.backup = await startUpstream("backup", 0, options.upstream);
    ctx.nginx = await startNginx((options.settings ?? settingsFor)(ctx.primary.port, ctx.backup.port), options);
  });
  afterAll(async () => {
    await ctx.nginx?.stop();
    await ctx.primary?.close();
    await ctx.backup?.close();
  });
  return ctx;
}

describe.skipIf(skipWithout([nginxInstalled]))("real nginx", () => {
  const ctx = nginxWithUpstreams();

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
    expect(await get(ctx.nginx.port, "/")).toMatchObject({ status: 200, body: "primary" });
  });

  it("answers /http-check from the service's readiness, and 404 while the drain file exists (incident 003)", async () => {
    expect(await get(ctx.nginx.port, healthCheckPath)).toMatchObject({ status: 200, body: "primary ready" });
    ctx.primary.setReady(false);
    try {
      expect(await get(ctx.nginx.port, healthCheckPath)).toMatchObject({ status: 503, body: "primary not ready" });
    } finally {
      ctx.primary.setReady(true);
    }
    writeFileSync(ctx.nginx.drainFile, "");
    try {
      expect(await get(ctx.nginx.port, healthCheckPath)).toMatchObject({ status: 404, body: "draining\n" });
    } finally {
      unlinkSync(ctx.nginx.drainFile);
    }
    expect((await get(ctx.nginx.port, healthCheckPath)).status).toBe(200);
  });

  it("is taken out of rotation by the rendered drain script, which returns after drainSeconds (incident 003)", async () => {
    const script = path.join(ctx.nginx.dir, "edge-drain");
    writeFileSync(script, renderDrainScript(1, ctx.nginx.drainFile), { mode: 0o755 });
    const started = Date.now();
    const done = new Promise<number | null>((resolve) => spawn("/bin/sh", [script], { stdio: "inherit" }).once("exit", resolve));
    try {
      await waitUntil(() => existsSync(ctx.nginx.drainFile), 5000, "the drain file");
      expect((await get(ctx.nginx.port, healthCheckPath)).status).toBe(404);
      expect(await done).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect((await get(ctx.nginx.port, healthCheckPath)).status).toBe(404);
    } finally {
      await done;
      rmSync(ctx.nginx.drainFile, { force: true });
    }
  });

  it("lets a request slower than the connect timeout but within the read timeout succeed (incident 003)", async () => {
    const result = await get(ctx.nginx.port, "/slow?ms=2500");
    expect(result).toMatchObject({ status: 200, body: "primary" });
    expect(result.ms).toBeGreaterThanOrEqual(2400);
  });

  it("answers 503 past the connection limit, within the memory model (incident 000)", async () => {
    const pending = Array.from({ length: connectionLimit }, () => get(ctx.nginx.port, "/hold").catch(() => undefined));
    try {
      await waitUntil(() => ctx.primary.held.length === connectionLimit, 10_000, `${connectionLimit} held requests`);
      expect((await get(ctx.nginx.port, "/")).status).toBe(503);
      expect((await get(ctx.nginx.port, healthCheckPath)).status).toBe(200);
      const workers = nginxWorkerPids(ctx.nginx.pid).length;
      const rss = measureNginxRss(ctx.nginx.pid);
      const model = estimateNginxMemory(nginxMemoryInput({ ...settingsFor(ctx.primary.port, ctx.backup.port), vcpus: workers }));
      expect(rss.totalBytes).toBeLessThanOrEqual(model.totalBytes);
    } finally {
      ctx.primary.release();
      await Promise.all(pending);
    }
    expect((await get(ctx.nginx.port, "/")).status).toBe(200);
  });
});

describe.skipIf(skipWithout([nginxInstalled]))("real nginx with the primary upstream down (refused connects)", () => {
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

  it("answers a failed request 503 + Retry-After, and one failure does not take the backup out: the next ones are served by it", async () => {
    // The primary refuses, the backup resets one request: with max_fails=1 on both, nginx then
    // answered every request 503 for fail_timeout. With max_fails=5 only a stall takes both out.
    // The snippet can read the wait: nginx's own 503 carries CORS (a browser hides it otherwise).
    expect(await get(nginx.port, "/reset")).toMatchObject({ status: 503, retryAfter: "1", cors: { allowOrigin: "*", exposeHeaders: "Retry-After" } });
    expect(await request(nginx.port, "/track", { method: "POST", body: "{}" })).toMatchObject({ status: 200, body: "backup" });
    expect(await get(nginx.port, "/")).toMatchObject({ status: 200, body: "backup" });
  });
});

describe.skipIf(skipWithout([nginxInstalled]))("real nginx with the primary upstream hung (connects time out)", () => {
  let backup: Upstream;
  let hung: { stop(): Promise<void> };
  let nginx: RunningNginx;

  beforeAll(async () => {
    backup = await startUpstream("backup");
    const primaryPort = await freePort();
    hung = await startHungUpstream(primaryPort);
    // Room for a spike of 300 POSTs: 150 admitted at once, the rest shed by limit_conn.
    nginx = await startNginx(
      sampleSettings({
        nginx: { workerConnections: 1024, maxConnectionsPerHost: 150, requestsPerSecondPerClient: 100_000 },
        ingest: { service: { port: primaryPort, backupPort: backup.port } },
      }),
    );
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

  it("answers every POST 200 from the backup or 503 (limit_conn), never 502 or 504", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 300 }, () =>
        request(nginx.port, "/track", { method: "POST", body: "{}" }).then(
          (r) => r.status,
          () => 0,
        ),
      ),
    );
    const counts: Record<number, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    expect(Object.keys(counts).map(Number).sort()).toEqual(Object.keys(counts).length === 1 ? [200] : [200, 503]);
    expect(counts[200]).toBeGreaterThanOrEqual(150);
    expect(readFileSync(nginx.errorLog, "utf8")).not.toContain("no live upstreams");
  });
});

describe.skipIf(skipWithout([nginxInstalled]))("real nginx in front of a service that accepts and never answers", () => {
  const ctx = nginxWithUpstreams();

  it("resends an event POST to the backup after the ingest read timeout, not the 30 s query timeout", async () => {
    ctx.primary.setFrozen(true);
    try {
      const result = await request(ctx.nginx.port, "/track", { method: "POST", body: '{"events":[]}' });
      expect(result).toMatchObject({ status: 200, body: "backup" });
      expect(result.ms).toBeGreaterThanOrEqual(ingestReadTimeoutSeconds * 1000 - 50);
      expect(result.ms).toBeLessThan(ingestReadTimeoutSeconds * 1000 + 1500);
      expect(ctx.primary.requests).toContain("POST /track");
      expect(ctx.backup.requests).toContain("POST /track");
      // The host stays healthy: the backup is ready and serves.
      expect(await get(ctx.nginx.port, healthCheckPath)).toMatchObject({ status: 200, body: "backup ready" });
    } finally {
      ctx.primary.setFrozen(false);
    }
  });

  it("is unhealthy within the NLB's 5 s probe timeout when both processes are frozen, and sheds POSTs with 503 + Retry-After", async () => {
    ctx.primary.setFrozen(true);
    ctx.backup.setFrozen(true);
    try {
      const health = await get(ctx.nginx.port, healthCheckPath);
      // Not 200, which is all the target group's matcher accepts: the host leaves the NLB.
      expect(health.status).toBe(504);
      expect(health.ms).toBeLessThan(2 * readinessReadTimeoutSeconds * 1000 + 500);
      expect(health.ms).toBeLessThan(5000);
      const post = await request(ctx.nginx.port, "/track", { method: "POST", body: '{"events":[]}' });
      expect(post).toMatchObject({ status: 503, retryAfter: "1" });
    } finally {
      ctx.primary.setFrozen(false);
      ctx.backup.setFrozen(false);
    }
    expect(await get(ctx.nginx.port, healthCheckPath)).toMatchObject({ status: 200, body: "primary ready" });
  });
});

describe.skipIf(skipWithout([nginxInstalled]))("real nginx under a flood of /http-check", () => {
  // The service's readiness hangs (both processes accept and never answer): every probe nginx passes on is held.
  const ctx = nginxWithUpstreams({
    settings: (port, backupPort) => sampleSettings({ nginx: { workerConnections: 1024 }, ingest: { service: { port, backupPort } } }),
  });

  it("passes at most its limit_conn to the service at once and sheds the rest at once with 503 (incident 000)", async () => {
    ctx.primary.setFrozen(true);
    ctx.backup.setFrozen(true);
    const flood = 150;
    try {
      const started = Date.now();
      const probes = Array.from({ length: flood }, () => get(ctx.nginx.port, healthCheckPath).catch(() => ({ status: 0, body: "", ms: Date.now() - started })));
      // Before the 2 s readiness timeout, no probe has ended upstream: what reached the service is what nginx holds.
      await new Promise((r) => setTimeout(r, 1000));
      const reached = [...ctx.primary.requests, ...ctx.backup.requests].filter((r) => r === `GET ${serviceReadinessPath}`).length;
      expect(reached).toBeLessThanOrEqual(healthCheckConnections);
      expect(reached).toBeGreaterThan(0);
      const answers = await Promise.all(probes);
      const shed = answers.filter((a) => a.status === 503);
      expect(shed.length).toBeGreaterThanOrEqual(flood - healthCheckConnections);
      // Shed at once, not after the readiness timeout.
      expect(Math.min(...shed.map((a) => a.ms))).toBeLessThan(readinessReadTimeoutSeconds * 1000);
      expect(readFileSync(ctx.nginx.errorLog, "utf8")).toContain('limiting connections by zone "edge_health"');
    } finally {
      ctx.primary.setFrozen(false);
      ctx.backup.setFrozen(false);
    }
    // The timed-out probes took both processes out for fail_timeout: the host is unhealthy until then, healthy after.
    const deadline = Date.now() + (upstreamFailTimeoutSeconds + 5) * 1000;
    let status = 0;
    while (Date.now() < deadline && (status = (await get(ctx.nginx.port, healthCheckPath)).status) !== 200) await new Promise((r) => setTimeout(r, 250));
    expect(status).toBe(200);
  }, 40_000);

  it("sheds probes past limit_req's burst from one address, like every other path", async () => {
    const answers = await Promise.all(
      Array.from({ length: 400 }, () =>
        get(ctx.nginx.port, healthCheckPath).then(
          (a) => a.status,
          () => 0,
        ),
      ),
    );
    expect(answers.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(answers.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(readFileSync(ctx.nginx.errorLog, "utf8")).toContain("limiting requests, excess");
  }, 30_000);
});

describe.skipIf(skipWithout([nginxInstalled]))("real nginx's upstream keep-alive against the service's idle timeout", () => {
  const ctx = nginxWithUpstreams({ upstream: { keepAliveTimeoutMs: serviceKeepaliveTimeoutMs } });

  it("closes idle upstream connections before the service does, so no POST meets a closing connection", async () => {
    const post = () => request(ctx.nginx.port, "/track", { method: "POST", body: "{}" }).then((r) => r.status);
    expect(await Promise.all(Array.from({ length: connectionLimit }, post))).toEqual(Array(connectionLimit).fill(200));
    const pooled = ctx.primary.idleClosed.byPeer + ctx.primary.idleClosed.byServer;
    await new Promise((r) => setTimeout(r, upstreamKeepaliveSeconds * 1000 + 600));
    // Every pooled connection was closed by nginx (a FIN from nginx), none by the service's timer.
    expect(ctx.primary.idleClosed.byServer).toBe(0);
    expect(ctx.primary.idleClosed.byPeer).toBeGreaterThan(pooled);
    expect(await Promise.all(Array.from({ length: connectionLimit }, post))).toEqual(Array(connectionLimit).fill(200));
  }, 20_000);
});

describe.skipIf(skipWithout([nginxInstalled, installedAt("/usr/bin/prlimit", "prlimit", "util-linux")]))("real nginx started with Debian's soft limit of 1,024 descriptors", () => {
  const admitted = 1100;
  const clients = 1300;

  const ctx = nginxWithUpstreams({
    nofileSoft: 1024,
    settings: (port, backupPort) =>
      sampleSettings({
        nginx: { workerConnections: 4096, maxConnectionsPerHost: admitted, requestsPerSecondPerClient: 100_000 },
        ingest: { service: { port, backupPort } },
      }),
  });

  it("raises its own limit: above 1,024 requests it sheds with 503 from limit_conn, and never fails with EMFILE", async () => {
    expect(readFileSync(`/proc/${ctx.nginx.pid}/limits`, "utf8")).toMatch(/Max open files\s+1024\s/);
    const sockets = await holdIdleConnections(ctx.nginx.port, clients);
    const answers = sockets.map(() => "");
    try {
      sockets.forEach((socket, i) => {
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => (answers[i] += chunk));
        socket.write("GET /hold HTTP/1.1\r\nHost: edge.test\r\n\r\n");
      });
      await waitUntil(() => ctx.primary.held.length + ctx.backup.held.length === admitted, 30_000, `${admitted} held requests`).catch((e) => {
        throw new Error(
          `${e.message}: ${ctx.primary.held.length}+${ctx.backup.held.length} held; ${answers
            .filter((a) => a)
            .map((a) => a.slice(0, 12))
            .join(",")
            .slice(0, 300)}; ${readFileSync(ctx.nginx.errorLog, "utf8").slice(-1500)}`,
        );
      });
      await waitUntil(() => answers.filter((a) => a.startsWith("HTTP/1.1 503")).length === clients - admitted, 10_000, "the 503s");
      const workerLimits = nginxWorkerPids(ctx.nginx.pid).map((pid) => readFileSync(`/proc/${pid}/limits`, "utf8"));
      for (const limits of workerLimits) expect(limits).toMatch(new RegExp(`Max open files\\s+${4096 + 2048 + 64}\\s`));
      const log = readFileSync(ctx.nginx.errorLog, "utf8");
      expect(log).not.toMatch(/Too many open files|worker_connections are not enough/);
      expect(log).toContain('limiting connections by zone "edge_host"');
    } finally {
      sockets.forEach((s) => s.destroy());
      ctx.primary.release();
      ctx.backup.release();
    }
  });
});
