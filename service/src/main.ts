/**
 * `ingest --listen 127.0.0.1:8080`: the reference ingestion service (`service/README.md`).
 * Exit 0 after a graceful stop, 1 when it failed at runtime, 2 on invalid settings.
 */
import { ConfigError, readConfig, ServiceConfig } from "./config";
import { Datastore } from "./datastore";
import { errorText, log } from "./log";
import { Counters, MetricsEmitter } from "./metrics";
import { readPassword } from "./password";
import { Pipeline } from "./pipeline";
import { createServer } from "./server";
import { Spool } from "./spool";

async function start(config: ServiceConfig): Promise<void> {
  const password = await readPassword(config);
  const spool = new Spool(config.spoolDir, config.spoolMaxBytes, config.spoolSegmentBytes);
  const datastore = new Datastore(config, password);
  const counters = new Counters();
  const pipeline = new Pipeline(config, datastore, spool, counters);
  const metrics = new MetricsEmitter(config, counters, () => ({ spoolDepth: spool.depth, replayLagSeconds: spool.lagSeconds(), datastoreErrors: datastore.errors }));
  // Connect, migrate and start replaying before the first request; a datastore that is down only
  // means requests spool.
  await datastore.writablePool();
  void pipeline.replay();
  const server = createServer(config, pipeline, counters);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // nginx may connect as many requests at once as limit_conn admits (a connect storm's admitted
    // burst), far beyond Node's default backlog of 511: past it the kernel drops the SYNs and nginx
    // times out the connect and resends to the backup. The largest backlog listen(2) takes is
    // capped silently at net.core.somaxconn, which the host's sysctls size above limit_conn's
    // admitted requests (models/hostEdge/kernel.ts).
    server.listen({ port: config.listenPort, host: config.listenHost, backlog: 65_535 }, resolve);
  });
  log("info", "listening", { listen: `${config.listenHost}:${config.listenPort}`, poolMax: config.poolMax, spoolDepth: spool.depth, datastore: datastore.host ?? null });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "stopping: no new connections, finishing requests", { signal });
    const deadline = setTimeout(() => {
      log("error", "graceful stop took too long; exiting with requests unanswered (clients retry them)", { timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    // Requests in flight finish (their rows commit or spool) before the process exits; each
    // keep-alive connection is closed as soon as it is idle.
    const closed = new Promise((resolve) => server.close(resolve));
    const closer = setInterval(() => server.closeIdleConnections(), 50);
    await closed;
    clearInterval(closer);
    await pipeline.drain();
    await pipeline.close();
    metrics.close();
    await spool.close();
    await datastore.close().catch(() => undefined);
    clearTimeout(deadline);
    log("info", "stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

let config: ServiceConfig;
try {
  config = readConfig();
} catch (error) {
  process.stderr.write(`ingest: ${errorText(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
start(config).catch((error) => {
  log("error", "start failed", { error: errorText(error) });
  process.exit(error instanceof ConfigError ? 2 : 1);
});
