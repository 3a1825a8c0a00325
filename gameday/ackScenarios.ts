/**
 * Scenarios for what a client was told: an acknowledged event is never lost, a release that cannot
 * ingest never takes traffic, and the ways back the recovery model predicts hold at real timings:
 * a spool whose disk fills while the datastore is away, a release that answers events 404, a host
 * frozen where the region has only the one, and a snippet library that cannot load.
 */
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freeBytes } from "../harness/tmpfs";
import { drainHost } from "./bootedHost";
import { inNamespace } from "./netns";
import { OriginStates, readCdnLog } from "./cdn";
import { loaderKey, loaderRetry } from "../models/snippet/snippet";
import { healthyWaitMs, inService, refreshSeconds } from "./hostWaits";
import type { Scenario } from "./scenarios";
import type { Twin } from "./twin";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const faultDelaySeconds = 4;

/** The largest request the planned service takes (`INGEST_MAX_BODY_BYTES`, its default 256 KiB): readiness wants that much free. */
const maxBodyBytes = (twin: Twin, region: number) => Number(twin.regions[region]!.env.INGEST_MAX_BODY_BYTES ?? 256 * 1024);

/** Cuts (or restores) a region's hosts from the datastore: their packets to it are dropped, as a hung primary's would be. */
function datastoreReach(twin: Twin, region: number, reachable: boolean): void {
  for (const host of twin.hosts.filter((h) => h.region === region)) {
    const rules = reachable ? "delete table inet twinfault\n" : `table inet twinfault {\n  chain out {\n    type filter hook output priority 0;\n    tcp dport ${twin.datastorePort} drop\n  }\n}\n`;
    inNamespace(host.namespace, "nft", ["-f", "-"], rules);
  }
}

export const acknowledgementScenarios: Scenario[] = [
  {
    name: "spool disk fills while the datastore is down",
    mode: "spoolFull",
    measures:
      "from the first of the region's hosts whose disk can no longer take a request (the datastore cut off from the region's hosts, their disks, shared with nginx's access log, left 1 MiB) to the start of the last client attempt that failed; the datastore comes back once the region is out of the answers, and every acknowledged id must be stored after the replay",
    trackSeconds: (c) => faultDelaySeconds + 30 + 1.3 * c.predictedSeconds + 10,
    async inject(twin, context) {
      const region = 0;
      const hosts = twin.hosts.filter((h) => h.region === region);
      datastoreReach(twin, region, false);
      const cutAt = Date.now();
      try {
        for (const host of hosts) writeFileSync(path.join(host.disk, "ballast"), Buffer.alloc(Math.max(0, freeBytes(host.disk) - 1024 * 1024)));
        // The spools (and the access log) take the rest: wait for the first disk without room for a request.
        let fullAt: number | undefined;
        while (fullAt === undefined && Date.now() < cutAt + 120_000) {
          if (hosts.some((h) => freeBytes(h.disk) < maxBodyBytes(twin, region))) fullAt = Date.now();
          else await sleep(100);
        }
        if (fullAt === undefined) return { problems: ["the spools never filled their disk"] };
        // Long enough for the way back the model predicts, and to see it is not longer.
        await sleep((1.3 * context.predictedSeconds + 5) * 1000);
        return { faultAt: fullAt, figures: { spoolsFullAfterSeconds: seconds(fullAt - cutAt) } };
      } finally {
        for (const host of hosts) rmSync(path.join(host.disk, "ballast"), { force: true });
        datastoreReach(twin, region, true);
      }
    },
  },
  {
    name: "a release that answers events 404",
    mode: "deploy",
    measures:
      "an instance refresh to a release whose service takes events on another path than nginx sends them to: from the old host stopping, if the refresh ever gets that far, to the start of the last client attempt that failed; the release must never pass its health check (the refresh rolls it back) and no event may be given up",
    trackSeconds: (c) => refreshSeconds(c.options, 0, 12),
    async inject(twin, context) {
      const old = twin.hosts[0]!;
      const release = await twin.addHost(old.region, { INGEST_COLLECTOR_PATH: "/v2/collect" });
      if (!(await inService(twin, release, healthyWaitMs(context.options, old.region)))) {
        // The refresh's new instance never turns healthy: it fails and rolls back, the old host serves on.
        await twin.terminate(release);
        return { details: ["the release never passed its health check: the refresh rolled back, the old host kept serving"] };
      }
      // As the refresh does once the new host is healthy: the old one drains and stops.
      await drainHost(old);
      await sleep(twin.regions[old.region]!.drainSeconds * 1000);
      const stoppedAt = Date.now();
      await twin.terminate(old);
      return { faultAt: stoppedAt, problems: ["a release that answers events 404 passed its health check and took the region's traffic"] };
    },
  },
  {
    name: "one host frozen",
    mode: "hostFreezes",
    measures:
      "from every process of one host stopped (SIGSTOP: it accepts connections and never answers) to the start of the last client attempt that failed, waits included; with the plan's minimum of one host per region the region's way out of the answers applies; thawed after 1.3 × the predicted recovery",
    trackSeconds: (c) => faultDelaySeconds + 1.3 * c.predictedSeconds + 15,
    async inject(twin, context) {
      const host = twin.hosts[0]!;
      twin.signalHost(host, "SIGSTOP");
      try {
        await sleep((1.3 * context.predictedSeconds + 3) * 1000);
      } finally {
        twin.signalHost(host, "SIGCONT");
      }
    },
  },
  {
    name: "the snippet's library cannot load",
    mode: "libraryUnavailable",
    browserShare: true,
    measures:
      "both CDN origins unreachable from before the first page view: from its loader's first library load, which fails, to the start of the last one that failed; once the loader has given up the CDN comes back, and the visitor's next page view must deliver every event of both once",
    trackSeconds: (c) => 2 * (c.predictedSeconds + 15),
    async prepare(twin, _teardown, options) {
      const dir = path.dirname(twin.answerFile);
      const statesFile = path.join(dir, "origins.json");
      const logFile = path.join(dir, "cdn-requests.jsonl");
      const origins = options.cdn!.origins.map((o) => o.originId);
      const write = (states: OriginStates) => writeFileSync(statesFile, JSON.stringify(states));
      write(Object.fromEntries(origins.map((id) => [id, "unreachable"])));
      outages.set(twin.prefix, { logFile, loaderTimeoutMs: options.cdn!.loaderTimeoutMs, restore: () => write(Object.fromEntries(origins.map((id) => [id, "serve"]))) });
      return { browser: { pageViews: 2, originStatesFile: statesFile, cdnLogFile: logFile } };
    },
    async inject(twin, context) {
      const outage = outages.get(twin.prefix)!;
      outages.delete(twin.prefix);
      const attempts = loaderRetry.retries + 1;
      const libraryLoads = () => readCdnLog(outage.logFile).filter((r) => r.path !== `/${loaderKey}`);
      // Until the first page's loader has made its last attempt and waited it out (the browser starts on its own time).
      const deadline = Date.now() + (3 * context.predictedSeconds + 60) * 1000;
      while (Date.now() < deadline) {
        const loads = libraryLoads();
        if (loads.length >= attempts && Date.now() > loads[attempts - 1]!.start + outage.loaderTimeoutMs + 500) break;
        await sleep(200);
      }
      outage.restore();
      const first = libraryLoads()[0];
      if (!first) return { problems: ["no page asked the CDN for the library while its origins were unreachable"] };
      return { faultAt: first.start };
    },
  },
];

/** A run's unreachable origins: where its CDN logs, the loader's timeout, and how to bring them back (prepare → inject of the same twin). */
const outages = new Map<string, { logFile: string; loaderTimeoutMs: number; restore: () => void }>();
