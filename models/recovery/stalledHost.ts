/**
 * The failure modes of a host's accept queue: a host whose service processes stall under a connect
 * storm (nginx must still answer 503 + Retry-After), and a reconnect storm after a region failover,
 * beyond the accept queue, that waits out the clients' SYN retransmits. Rows of the failure-mode
 * table (report.ts).
 *
 * Pure module: no Pulumi imports.
 */
import type { RenderedUpstream } from "../capacity/declared";
import { NginxMemoryLimits, proxiedRequestLimit } from "../hostEdge/memory";
import { shedRetryAfterSeconds } from "../hostEdge/nginxConfig";
import { RegionContext, regionContexts } from "./context";
import { figure, nameOf, seconds, src, term } from "./figure";
import type { DeclaredResource } from "../declaredResource";
import { RecoveryFigure, RecoveryTerm } from "./types";

/**
 * TCP's initial retransmission timeout: a SYN the kernel drops (its accept queue full) is resent
 * after 1 s, then 3 s and 7 s after the first (RFC 6298 §2; Linux `TCP_TIMEOUT_INIT`, 1 s in
 * include/net/tcp.h).
 */
export const synRetransmitSeconds = 1;

/**
 * A Linux client's `net.ipv4.tcp_syn_retries`, 6 by default: the SYN is resent 1, 3, 7, 15, 31 and
 * 63 s after the first (the timeout doubling from `TCP_TIMEOUT_INIT`), and the connect fails at
 * 127 s (Documentation/networking/ip-sysctl.rst, tcp_syn_retries). Browsers connect through the
 * same kernel stacks' schedules (Windows and macOS also start at 1 s and double).
 */
export const synRetries = 6;

/** When the `round`-th resend of a dropped SYN leaves the client: 2^round − 1 s after the first SYN. */
export const synRetryAtSeconds = (round: number) => synRetransmitSeconds * (2 ** round - 1);

/**
 * Connections nginx on one host accepts per second, at least, from a full accept queue during a
 * storm: each accepted, its small request read and answered (or proxied). A c6i.large's two
 * workers spend well under a millisecond of CPU on each; on this project's shared, loaded 2-core
 * machine one worker, its clients on the same cores, took a queue of 65 at 735-3,710/s
 * (test/models/recovery/connectStorm.real.spec.ts prints it).
 */
export const nginxAcceptsPerSecond = 2000;

/**
 * The connects a host's kernel holds for nginx in a storm: min(listen backlog, `somaxconn`)
 * completed ones, and `tcp_max_syn_backlog` half-open ones before them. Past the SYN backlog the
 * kernel answers with a SYN cookie (`tcp_syncookies` 1, Linux's default) rather than dropping, but
 * the model counts it as a limit too: a host without cookies drops there.
 */
export function stormAcceptQueue(limits: Pick<NginxMemoryLimits, "listen" | "tcp">): number {
  return Math.min(limits.listen.backlog, limits.tcp.somaxconn, limits.tcp.synBacklog);
}

/** How a connect storm of `connects` at once on one host is taken in, round by round of SYN resends. */
export interface ConnectStormTiming {
  /** Seconds from the storm until nginx has accepted the last connect (or the connects that never got in gave up). */
  seconds: number;
  /** SYN resend rounds the storm waited out (0: the accept queue held it all). */
  rounds: number;
  /** When the last round's SYNs were resent, seconds after the storm. */
  lastRoundAtSeconds: number;
  /** Connects the queue held at once (the storm's first round). */
  queuedAtOnce: number;
  /** Connects still waiting to be accepted after the last round's SYNs got in: drained at the accept rate. */
  drainedAfterLastRound: number;
  /** Connects that failed after `synRetries` resends (their clients retry later). */
  gaveUp: number;
}

/**
 * The kernel queues at most `queue` completed connects (min(listen backlog, somaxconn)); with
 * `tcp_abort_on_overflow` 0 (Linux's default, ip-sysctl.rst) it drops a SYN that finds the queue
 * full, and the client resends it on the SYN schedule ({@link synRetryAtSeconds}). Conservative:
 * every SYN of the storm arrives at the same instant and every resend of a round too, so a round
 * gets in only as far as the queue has drained since the last one (nginx accepting
 * {@link nginxAcceptsPerSecond}); in reality nginx also accepts while a round arrives.
 */
export function connectStormTiming(connects: number, queue: number, acceptsPerSecond: number = nginxAcceptsPerSecond, retries: number = synRetries): ConnectStormTiming {
  const queuedAtOnce = Math.min(connects, queue);
  let waiting = connects - queuedAtOnce;
  let queued = queuedAtOnce;
  let at = 0;
  let rounds = 0;
  while (waiting > 0 && rounds < retries) {
    rounds += 1;
    const next = synRetryAtSeconds(rounds);
    queued = Math.max(0, queued - acceptsPerSecond * (next - at));
    at = next;
    const admitted = Math.min(waiting, queue - queued);
    queued += admitted;
    waiting -= admitted;
  }
  const drained = seconds(at + queued / acceptsPerSecond);
  // The connects still waiting after the last resend fail when it times out: 2^(retries+1) − 1 s.
  const total = waiting > 0 ? Math.max(drained, synRetryAtSeconds(retries + 1)) : drained;
  return { seconds: total, rounds, lastRoundAtSeconds: at, queuedAtOnce, drainedAfterLastRound: Math.round(queued), gaveUp: Math.round(waiting) };
}

/**
 * How long a client of a stalled host waits for nginx's 503 + Retry-After, from the rendered user
 * data: a connect storm waits in the accept queue when it is as deep as the requests nginx serves
 * at once (past those nginx answers 503 at once), else the client resends its SYN; then nginx
 * holds an event POST for each try's connect or read timeout before it answers. The game day's
 * spike holds its clients to the same figure ({@link stalledHostSeconds}).
 */
export function stalledHostTerms(template: DeclaredResource, upstream: RenderedUpstream, limits: NginxMemoryLimits): RecoveryTerm[] {
  const { queue, served, queued, synSeconds, answerSeconds } = stalledHost(upstream, limits);
  return [
    term(
      queued ? "a connect storm waits in the accept queue for nginx's answer" : "a connect storm overflows the accept queue: the client resends its SYN",
      synSeconds,
      src(
        template,
        `userData nginx listen backlog=${limits.listen.backlog}, net.core.somaxconn=${limits.tcp.somaxconn} (queue ${queue}) ${queued ? "≥" : "<"} the ${served} requests limit_conn admits`,
      ),
      template.urn,
      true,
      { fix: `raise the listen backlog and net.core.somaxconn to at least ${served} (models/hostEdge/buffers.ts listenBacklog)` },
    ),
    term(
      "nginx gives up on both stalled processes and answers 503 + Retry-After",
      answerSeconds,
      src(
        template,
        `userData nginx location ${upstream.eventPath} proxy_next_upstream_tries=${upstream.tries} × max(proxy_connect_timeout=${upstream.connectTimeoutSeconds}s, proxy_read_timeout=${upstream.readTimeoutSeconds}s)`,
      ),
      template.urn,
      true,
      { fix: "lower ingestReadTimeoutSeconds (models/hostEdge/nginxConfig.ts), the event path's proxy_read_timeout" },
    ),
  ];
}

function stalledHost(upstream: RenderedUpstream, limits: NginxMemoryLimits) {
  const queue = Math.min(limits.listen.backlog, limits.tcp.somaxconn);
  const served = proxiedRequestLimit(limits);
  const queued = queue >= served;
  const answerSeconds = upstream.tries * Math.max(upstream.connectTimeoutSeconds, upstream.readTimeoutSeconds);
  return { queue, served, queued, synSeconds: queued ? 0 : synRetransmitSeconds, answerSeconds };
}

/** Seconds until a client of a stalled host has nginx's 503 + Retry-After: the sum of {@link stalledHostTerms}. */
export function stalledHostSeconds(upstream: RenderedUpstream, limits: NginxMemoryLimits): number {
  const { synSeconds, answerSeconds } = stalledHost(upstream, limits);
  return seconds(synSeconds + answerSeconds);
}

export function hostStallsFigures(ctx: RegionContext): RecoveryFigure[] {
  const { template, upstream: u, limits } = ctx;
  if (!template || !u || !limits) return [];
  return [
    figure("hostStalls", ctx.region, stalledHostTerms(template, u, limits), ctx.stack.hostShare, ctx.stack.events, [
      `after max_fails=${u.maxFails} timeouts within fail_timeout=${u.failTimeoutSeconds}s a process is out, the backup too: nginx then answers 503 at once until fail_timeout ends`,
      `the snippet waits Retry-After (${shedRetryAfterSeconds} s) and resends; the balancer takes the host out once /http-check fails`,
    ]),
  ];
}

/** Requests one host serves at once: `limit_conn` of the event paths (the clients a host holds). */
const servedAtOnce = (limits: NginxMemoryLimits) => limits.maxConnectionsPerHost ?? proxiedRequestLimit(limits);

/**
 * The reconnect storm one host of `ctx`'s region takes when another region is lost: the requests the
 * lost region's hosts were serving at once (minSize × limit_conn) reconnect at once, all to this
 * region (worst case: latency routing sends them to the nearest healthy one), spread over its hosts
 * at minSize. With one region, its own clients coming back after it was lost.
 */
export function reconnectStorm(ctx: RegionContext): { perHost: number; connects: number; lost: string; source: string } | undefined {
  const regions = regionContexts(ctx.stack).filter((r) => r.limits !== undefined);
  const others = regions.filter((r) => r.region !== ctx.region);
  const size = (r: RegionContext) => Math.max(1, r.fleet.minHosts) * servedAtOnce(r.limits!);
  const lost = (others.length ? others : regions).reduce<RegionContext | undefined>((a, b) => (a === undefined || size(b) > size(a) ? b : a), undefined);
  if (!lost) return undefined;
  const connects = size(lost);
  const hosts = Math.max(1, ctx.fleet.minHosts);
  return {
    connects,
    perHost: Math.ceil(connects / hosts),
    lost: lost.region,
    source: `${lost.region === ctx.region ? "its own" : `${lost.region}'s`} minSize=${Math.max(1, lost.fleet.minHosts)} of ${nameOf(lost.group)} × limit_conn ${servedAtOnce(lost.limits!)} = ${connects} connects ÷ minSize=${hosts} of ${nameOf(ctx.group)}`,
  };
}

/**
 * A reconnect storm after a region failover: the connects beyond a host's accept queue wait out
 * their SYN resends, then nginx accepts what the queue holds. The clients' events wait in their
 * browsers meanwhile: a connect that outlasts the snippet's request timeout is aborted and resent.
 */
export function connectStormFigures(ctx: RegionContext): RecoveryFigure[] {
  const { template, limits } = ctx;
  if (!template || !limits) return [];
  const storm = reconnectStorm(ctx);
  if (!storm) return [];
  const queue = stormAcceptQueue(limits);
  const timing = connectStormTiming(storm.perHost, queue);
  const queueSource = src(
    template,
    `userData nginx listen backlog=${limits.listen.backlog}, net.core.somaxconn=${limits.tcp.somaxconn}, net.ipv4.tcp_max_syn_backlog=${limits.tcp.synBacklog} (queue ${queue})`,
  );
  const fix = `raise the listen backlog and net.core.somaxconn to at least ${storm.perHost} (models/hostEdge/buffers.ts listenBacklog), or raise minSize of ${nameOf(ctx.group)} so each host takes fewer`;
  const terms: RecoveryTerm[] = [
    term(
      timing.rounds === 0
        ? "the storm fits the accept queue: no SYN is dropped"
        : `the storm overflows the accept queue: the connects beyond it wait out ${timing.rounds} SYN resend${timing.rounds === 1 ? "" : "s"} (1 s, 3 s, 7 s… tcp_syn_retries)`,
      timing.lastRoundAtSeconds,
      `${queueSource} ${timing.rounds === 0 ? "≥" : "<"} ${storm.perHost} connects per host (${storm.source}); past the queue, tcp_abort_on_overflow 0 drops the SYN`,
      template.urn,
      false,
      { fix },
    ),
    term(
      "nginx accepts what the queue holds",
      timing.seconds - timing.lastRoundAtSeconds,
      `${timing.drainedAfterLastRound} queued connects ÷ ${nginxAcceptsPerSecond} accepts/s per host (models/recovery nginxAcceptsPerSecond)`,
      "",
      false,
      {
        fix: `raise minSize of ${nameOf(ctx.group)}: fewer connects per host`,
      },
    ),
  ];
  const notes = [
    `a reconnect storm after ${storm.lost === ctx.region ? "the region comes back" : `${storm.lost} is lost`}: ${storm.connects} connects at once, ${storm.perHost} per host against an accept queue of ${queue}, assuming the regions scale in step`,
    `no event is lost: a client waits in connect with the event kept in the browser; one that outlasts the snippet's request timeout (requestTimeoutMs=${ctx.stack.retry.requestTimeoutMs}) aborts and resends it, within its retry window (maxEventAgeMs=${ctx.stack.retry.maxEventAgeMs})`,
  ];
  if (timing.gaveUp > 0) notes.push(`${timing.gaveUp} connects per host fail after ${synRetries} SYN resends (${synRetryAtSeconds(synRetries + 1)} s) and come back by the snippet's retries`);
  return [figure("connectStorm", ctx.region, terms, 1 / ctx.stack.regionCount, ctx.stack.events, notes)];
}
