/**
 * The failure modes of a region's datastore and of a deploy: the primary fails (the spool takes
 * the batches), the spools fill, an instance refresh replaces a host. Rows of the failure-mode
 * table (report.ts).
 *
 * Pure module: no Pulumi imports.
 */
import { readRenderedDrainSeconds, readRenderedEnv } from "../capacity/declared";
import { datastoreTimeoutDefaults, spoolAnswerMarginMs, spoolDefaults } from "../ingestService";
import { resourceTypes } from "../resourceTypes";
import type { RegionContext } from "./context";
import { byType, figure, nameOf, regionOf, seconds, src, term } from "./figure";
import { regionPathTerms } from "./regionFigures";
import { RecoveryFigure } from "./types";

/**
/**
 * How long the hosts' spools absorb a datastore outage before they refuse events: the free bytes
 * over the bytes a host spools per second. The twin's spool-full scenario reads the same rule.
 */
export function spoolHoldSeconds(freeBytes: number, eventsPerSecondPerHost: number, bytesPerEvent: number): number {
  return eventsPerSecondPerHost > 0 && bytesPerEvent > 0 ? freeBytes / (eventsPerSecondPerHost * bytesPerEvent) : Number.POSITIVE_INFINITY;
}

/** A typical spooled event (the alarm thresholds' "1 KiB event"), for the spool's hold beside its worst case. */
export const typicalEventBytes = 1024;

/** Debian 12, its packages, the host bundle and the logs on the root volume: what the spools cannot use. */
export const hostSystemBytes = 4 * 1024 ** 3;

/** A number the hosts' env file sets, else the service's default, with where it came from. */
function envNumber(userData: string, name: string, fallback: number): { value: number; from: string } {
  const raw = readRenderedEnv(userData, name);
  return { value: raw === undefined ? fallback : Number(raw), from: raw === undefined ? `${name} unset (service default ${fallback})` : `${name}=${raw}` };
}

/**
 * The datastore: an insert on a hung primary fails after the statement timeout (plus the connect
 * timeout: pg's query_timeout), then the batch is spooled and answered; the requests queued behind
 * it are spooled then too. A request that arrives while the service searches the candidates waits
 * for the search instead (each candidate's connect timeout): the longer of the two is the bound.
 */
export function datastorePrimaryFailsFigures(ctx: RegionContext): RecoveryFigure[] {
  const { template, userData, upstream } = ctx;
  const hostsRaw = readRenderedEnv(userData, "INGEST_DB_HOSTS");
  if (!template || hostsRaw === undefined) return [];
  const envMs = (name: string, fallback: number) => envNumber(userData, name, fallback);
  const statement = envMs("INGEST_DB_STATEMENT_TIMEOUT_MS", datastoreTimeoutDefaults.statementTimeoutMs);
  const connect = envMs("INGEST_DB_CONNECT_TIMEOUT_MS", datastoreTimeoutDefaults.connectTimeoutMs);
  const reconnect = envMs("INGEST_DB_RECONNECT_INTERVAL_MS", datastoreTimeoutDefaults.reconnectIntervalMs);
  const candidates = hostsRaw.split(",").filter(Boolean).length;
  const searchMs = candidates * connect.value;
  const searchTerm = term(
    "a request that arrives as the service searches the candidates waits for each one's connect timeout",
    searchMs / 1000,
    src(template, `userData env INGEST_DB_HOSTS (${candidates} candidates) × ${connect.from}`),
    template.urn,
    true,
    { fix: "list fewer candidates in INGEST_DB_HOSTS or set a lower INGEST_DB_CONNECT_TIMEOUT_MS in the hosts' env file" },
  );
  const insertTerms = [
    term("the insert on the hung primary times out", statement.value / 1000, src(template, `userData env ${statement.from}`), template.urn, true, {
      fix: "set a lower INGEST_DB_STATEMENT_TIMEOUT_MS in the hosts' env file",
    }),
    term("plus the connect allowance of the same query", connect.value / 1000, src(template, `userData env ${connect.from}`), template.urn, true, {
      fix: "set a lower INGEST_DB_CONNECT_TIMEOUT_MS in the hosts' env file",
    }),
  ];
  const insertMs = statement.value + connect.value;
  const searchIsLonger = searchMs > insertMs;
  const terms = [
    ...(searchIsLonger ? [searchTerm] : insertTerms),
    term(
      "then the batch is fsync'd to the spool and answered",
      spoolAnswerMarginMs / 1000,
      `the service's margin for a group commit's write, fdatasync and answer (models/ingestService.ts spoolAnswerMarginMs)`,
      "",
      false,
      {
        fix: "nothing in the stack: the spool's disk sets its fsync time",
      },
    ),
  ];
  const notes = [
    `back in the datastore after ${reconnect.from} + ${candidates} candidates (INGEST_DB_HOSTS) × ${connect.from} = ` +
      `${seconds((reconnect.value + searchMs) / 1000)} s once a candidate is writable; until then events wait in the spool`,
    searchIsLonger
      ? `an insert on the hung primary gives up sooner, after ${seconds(insertMs / 1000)} s (${statement.from} + ${connect.from})`
      : `a request that arrives as the service searches the ${candidates} candidates waits less, ${seconds(searchMs / 1000)} s`,
  ];
  // The figure is when the service answers: its longer wait, then the spool.
  const answerSeconds = seconds(terms.reduce((sum, t) => sum + t.seconds, 0));
  if (upstream && answerSeconds > upstream.readTimeoutSeconds) {
    notes.push(`the service answers after ${seconds(answerSeconds)} s, longer than nginx's proxy_read_timeout ${upstream.readTimeoutSeconds}s: the first batches get 503 and come back by retry`);
  }
  return [figure("datastorePrimaryFails", ctx.region, terms, 1 / ctx.stack.regionCount, ctx.stack.events, notes)];
}

/**
 * A datastore outage the spools cannot absorb: every host of the region spools at the same rate, so
 * they fill together; then readiness fails on each (the spool cannot take a request), the NLB has
 * no healthy target and the region is down until Route 53 takes it out of the answers. The figure
 * is that way back, from the moment the spools are full; how long they hold first (free bytes ÷
 * the bytes a host spools per second) is its first note.
 */
export function spoolFullFigures(ctx: RegionContext): RecoveryFigure[] {
  const { template, userData, group } = ctx;
  const { resources, behaviour, peakEventsPerSecond, totalMinHosts, regionCount, events } = ctx.stack;
  if (!template || readRenderedEnv(userData, "INGEST_DB_HOSTS") === undefined) return [];
  const regionPath = regionPathTerms(resources, ctx.region, behaviour);
  if (!regionPath) return [];
  const maxBytes = envNumber(userData, "INGEST_SPOOL_MAX_BYTES", spoolDefaults.maxBytes);
  const highWater = envNumber(userData, "INGEST_SPOOL_HIGH_WATER_PERCENT", spoolDefaults.highWaterPercent);
  const eventBytes = envNumber(userData, "INGEST_MAX_EVENT_BYTES", spoolDefaults.maxEventBytes);
  const volumeGiB = Number(template.inputs.blockDeviceMappings?.[0]?.ebs?.volumeSize ?? 0);
  // The primary process spools what it is sent (the backup only while the primary is down).
  const spoolBytes = (maxBytes.value * highWater.value) / 100;
  const diskBytes = volumeGiB > 0 ? Math.max(0, volumeGiB * 1024 ** 3 - hostSystemBytes) : Number.POSITIVE_INFINITY;
  const freeBytes = Math.min(spoolBytes, diskBytes);
  const perHost = peakEventsPerSecond === null ? null : peakEventsPerSecond / Math.max(1, totalMinHosts);
  const hold = perHost === null ? undefined : spoolHoldSeconds(freeBytes, perHost, eventBytes.value);
  const holdNote =
    hold === undefined
      ? "how long the spools hold needs the fleet's peak events/s (edge:capacity:peak-events-per-second), which the plan does not declare"
      : `the spools hold a datastore outage of ${seconds(hold)} s at the peak with the largest events: free ${Math.round(freeBytes / 1024 ** 2)} MiB ` +
        `(min(${maxBytes.from} × ${highWater.from} %, ${volumeGiB ? `root volume ${volumeGiB} GiB of ${nameOf(template)} − ${hostSystemBytes / 1024 ** 3} GiB for the system` : "no root volume size declared"})) ÷ ` +
        `(${seconds(perHost!)} events/s per host (peak ÷ ${totalMinHosts} hosts at minSize) × ${eventBytes.from} bytes); ${seconds(spoolHoldSeconds(freeBytes, perHost!, typicalEventBytes))} s with ${typicalEventBytes} B events`;
  return [
    figure("spoolFull", ctx.region, regionPath, 1 / regionCount, events, [
      holdNote,
      `then each host answers 503 + Retry-After and fails readiness (its spool cannot take a request), and with every host of ${nameOf(group)} out the region is lost; the spooled events stay acknowledged and replay once the datastore is back`,
    ]),
  ];
}

/** A deploy: the NLB still sends to a host that stopped for its detection time minus the drain. */
export function deployFigures(ctx: RegionContext): RecoveryFigure[] {
  const { targetGroup, template, userData, group, region } = ctx;
  if (!targetGroup || !template) return [];
  const hc = targetGroup.inputs.healthCheck ?? {};
  const interval = Number(hc.interval ?? 30);
  const unhealthy = Number(hc.unhealthyThreshold ?? 3);
  const drain = readRenderedDrainSeconds(userData) ?? 0;
  // The termination hook: a LifecycleHook resource of the group (same region), or the group's own initialLifecycleHooks.
  const terminating = (h: any) => h?.lifecycleTransition === "autoscaling:EC2_INSTANCE_TERMINATING";
  const hookResource = byType(ctx.stack.resources, resourceTypes.autoscalingLifecycleHook).find((h) => regionOf(h) === region && terminating(h.inputs));
  const hook = hookResource?.inputs ?? (group.inputs.initialLifecycleHooks ?? []).find(terminating);
  const hookOwner = hookResource ?? group;
  // Without a heartbeatTimeout, EC2 Auto Scaling waits 3,600 s (API reference, PutLifecycleHook).
  const heartbeat = hook ? Number(hook.heartbeatTimeout ?? 3600) : 0;
  const served = Math.min(drain, heartbeat);
  const gap = Math.max(0, interval * unhealthy - served);
  return [
    figure(
      "deploy",
      region,
      [
        term(
          "the NLB still sends to a host that stopped: NLB detection minus the drain",
          gap,
          `${src(targetGroup, `healthCheck.interval=${interval} × healthCheck.unhealthyThreshold=${unhealthy}`)} − min(${src(template, `userData drain script sleep ${drain}`)}, ${src(hookOwner, hook ? `heartbeatTimeout=${heartbeat}` : "no termination lifecycle hook")})`,
          group.urn,
          false,
          { fix: `raise edge:ingest.drainSeconds to at least ${interval * unhealthy} (the NLB's detection), with the lifecycle hook's heartbeat above it` },
        ),
      ],
      ctx.stack.hostShare,
      ctx.stack.events,
      [`in-flight requests get deregistrationDelay=${targetGroup.inputs.deregistrationDelay ?? 300} s to finish`],
    ),
  ];
}
