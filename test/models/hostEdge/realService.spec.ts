/**
 * The rendered nginx config in front of the real ingestion service (service/, the file the bundle
 * ships) and a real PostgreSQL on loopback: the env file the units load is the service's config,
 * `/http-check` is the service's readiness, and a frozen process costs the ingest read timeout,
 * after which the POST is stored by the backup exactly once (incident 003; incident 002's insert id).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthCheckPath, ingestReadTimeoutSeconds, renderIngestEnv } from "../../../models/hostEdge";
import { Postgres, postgresInstalled, startPostgres } from "../../../harness/postgres";
import { skipWithout } from "../../../harness/requirements";
import { batchBody, datastoreEnv, removeDir, removeServiceTempDirs, RunningService, startService } from "../../../harness/service";
import { freePort, nginxInstalled, RunningNginx, startNginx } from "../../../harness/nginx";
import { request } from "../../../harness/upstream";
import { sampleSettings } from "./fixtures";

// The service build the harness made: nothing stays in the run's temp dir.
afterAll(removeServiceTempDirs);

/** The env file as systemd's EnvironmentFile= reads it: KEY=value lines, # comments. */
function envFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

describe.skipIf(skipWithout([nginxInstalled, postgresInstalled]))("real nginx in front of the real ingestion service and PostgreSQL", () => {
  let pg: Postgres;
  let primary: RunningService;
  let backup: RunningService;
  let nginx: RunningNginx;

  beforeAll(async () => {
    pg = await startPostgres();
    const [port, backupPort] = [await freePort(), await freePort()];
    const settings = sampleSettings({ ingest: { service: { port, backupPort } } });
    const env = { ...datastoreEnv(`127.0.0.1:${pg.port}`), ...envFile(renderIngestEnv(settings)) };
    primary = await startService({ env, port });
    backup = await startService({ env, port: backupPort });
    nginx = await startNginx(settings);
  });
  afterAll(async () => {
    await nginx?.stop();
    for (const service of [primary, backup]) {
      if (!service) continue;
      service.child.kill("SIGCONT");
      await service.kill();
      removeDir(service.spoolDir);
    }
    await pg?.stop();
  });

  const stored = async (ids: string[]) => Number((await pg.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE insert_id = ANY($1)", [ids]))[0]!.n);

  it("stores the snippet's POST through nginx, and /http-check is the service's readiness", async () => {
    const { body, ids } = batchBody(3);
    expect(await request(nginx.port, "/track", { method: "POST", body })).toMatchObject({ status: 200, body: '{"accepted":3}' });
    expect(await stored(ids)).toBe(3);
    const health = await request(nginx.port, healthCheckPath);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ready: true });
  });

  it("resends a POST the frozen primary never answers to the backup after the ingest read timeout, storing it once", async () => {
    const { body, ids } = batchBody(2);
    primary.child.kill("SIGSTOP");
    try {
      const answer = await request(nginx.port, "/track", { method: "POST", body });
      expect(answer).toMatchObject({ status: 200, body: '{"accepted":2}' });
      expect(answer.ms).toBeGreaterThanOrEqual(ingestReadTimeoutSeconds * 1000 - 50);
      expect(answer.ms).toBeLessThan(ingestReadTimeoutSeconds * 1000 + 2000);
    } finally {
      primary.child.kill("SIGCONT");
    }
    // The primary, thawed, may store the same request too: the insert ids keep it once.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await stored(ids)).toBe(2);
  });

  it("answers 200 from the spool, not 504, when the datastore hangs mid-operation: the service gives up on it before nginx gives up on the service", async () => {
    // Warm both pools, so the hang meets open connections as a real one would.
    for (let i = 0; i < 4; i++) expect((await request(nginx.port, "/track", { method: "POST", body: batchBody(1).body })).status).toBe(200);
    const { body, ids } = batchBody(3);
    pg.signalAll("SIGSTOP");
    try {
      const answer = await request(nginx.port, "/track", { method: "POST", body });
      expect(answer).toMatchObject({ status: 200, body: '{"accepted":3}' });
    } finally {
      pg.signalAll("SIGCONT");
    }
    for (let i = 0; i < 60 && (await stored(ids)) < 3; i++) await new Promise((r) => setTimeout(r, 500));
    expect(await stored(ids)).toBe(3);
  });

  it("takes the host out (not 200 within the NLB's 5 s) when both processes are frozen", async () => {
    primary.child.kill("SIGSTOP");
    backup.child.kill("SIGSTOP");
    try {
      const health = await request(nginx.port, healthCheckPath);
      expect(health.status).not.toBe(200);
      expect(health.ms).toBeLessThan(5000);
    } finally {
      primary.child.kill("SIGCONT");
      backup.child.kill("SIGCONT");
    }
    expect((await request(nginx.port, healthCheckPath)).status).toBe(200);
  });

  it("takes out a release whose service takes events on another path than nginx sends them to (it would answer every event 404)", async () => {
    const env = { ...datastoreEnv(`127.0.0.1:${pg.port}`), ...envFile(renderIngestEnv(sampleSettings())), INGEST_COLLECTOR_PATH: "/v2/collect" };
    for (const service of [primary, backup]) {
      await service.kill();
      removeDir(service.spoolDir);
    }
    primary = await startService({ env, port: primary.port });
    backup = await startService({ env, port: backup.port });
    expect((await request(nginx.port, "/track", { method: "POST", body: batchBody(1).body })).status).toBe(404);
    const health = await request(nginx.port, healthCheckPath);
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body).reason).toMatch(/^an event posted to \/track would be answered 404/);
  });
});
