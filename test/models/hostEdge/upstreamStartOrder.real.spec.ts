/**
 * Why each ingestion unit counts as started only once it answers, and nginx starts after both
 * (the units' ExecStartPost= and nginx's drop-in, models/hostEdge/userData.ts): real nginx, with
 * the rendered config and stand-in processes on loopback, clears a process's failures only when a
 * request to it succeeds. Health checks that reach nginx while the processes start leave the backup
 * out, since it takes no request while the primary serves, and the first events after the primary
 * dies are answered 503 instead of going to it. Started in that order, every one goes to the backup
 * (incident 003).
 */
import { afterEach, describe, expect, it } from "vitest";
import { healthCheckPath, upstreamFailTimeoutSeconds, upstreamMaxFails } from "../../../models/hostEdge";
import { until } from "../../../harness/chromium";
import { freePort, nginxInstalled, RunningNginx, startNginx } from "../../../harness/nginx";
import { get, request, startUpstream, Upstream } from "../../../harness/upstream";
import { skipWithout } from "../../../harness/requirements";
import { sampleSettings } from "./fixtures";

/** Events posted at once the instant the primary is gone: more than nginx's one retry of a marked process. */
const burst = 20;

describe.skipIf(skipWithout([nginxInstalled]))("nginx and the ingestion processes' start order", () => {
  const started: { stop(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
  });

  async function edge(processesFirst: boolean): Promise<{ nginx: RunningNginx; primary: Upstream; backup: Upstream }> {
    const [port, backupPort] = [await freePort(), await freePort()];
    const processes = async () => {
      const pair = { primary: await startUpstream("primary", port), backup: await startUpstream("backup", backupPort) };
      started.push({ stop: () => pair.primary.close() }, { stop: () => pair.backup.close() });
      return pair;
    };
    const first = processesFirst ? await processes() : undefined;
    const nginx = await startNginx(sampleSettings({ ingest: { service: { port, backupPort } } }));
    started.push(nginx);
    if (first) return { nginx, ...first };
    // The balancer's health checks while both processes are still starting: each counts a failure against both.
    for (let i = 0; i < upstreamMaxFails; i++) expect((await get(nginx.port, healthCheckPath)).status).not.toBe(200);
    const pair = await processes();
    // nginx tries a marked process again after fail_timeout: the primary answers and is back.
    const back = await until(async () => (await get(nginx.port, healthCheckPath)).status === 200, (upstreamFailTimeoutSeconds + 5) * 1000);
    expect(back, `the primary back in nginx within fail_timeout (${upstreamFailTimeoutSeconds} s) + 5 s`).toBe(true);
    return { nginx, ...pair };
  }

  async function primaryDies(running: { nginx: RunningNginx; primary: Upstream; backup: Upstream }): Promise<number[]> {
    await running.primary.close();
    const answers = await Promise.all(Array.from({ length: burst }, () => request(running.nginx.port, "/track", { method: "POST", body: "{}" })));
    return answers.map((a) => a.status);
  }

  it("health checks during the processes' start-up leave the backup out: the first events after the primary dies are answered 503", async () => {
    const statuses = await primaryDies(await edge(false));
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
  }, 60_000);

  it("with nginx started after both processes answer, every event of the burst goes to the backup", async () => {
    const running = await edge(true);
    for (let i = 0; i < upstreamMaxFails; i++) expect((await get(running.nginx.port, healthCheckPath)).status).toBe(200);
    const statuses = await primaryDies(running);
    expect(statuses).toEqual(Array.from({ length: burst }, () => 200));
    expect(running.backup.requests.filter((r) => r === "POST /track")).toHaveLength(burst);
  }, 60_000);
});
