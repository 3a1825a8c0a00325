/**
 * Recovery time before deploy: for each failure mode, the worst-case time until it is detected and
 * until traffic is served again, derived from the resources as declared (health checks, target
 * groups, records, the nginx and env file rendered into user data, the CDN's origins), and the
 * events at risk in that window with how many the snippet's retries bring in.
 *
 * Each figure is a sum of terms; each term names the resource inputs it comes from, so a reader
 * (and a later twin run) can check every second of it. Behaviour of a service that no resource
 * declares (Route 53's probe timeouts, CloudFront's origin defaults, resolvers' per-server timeout,
 * the parent zone's NS TTL) is a named constant below with its source.
 *
 * Pure module: no Pulumi imports.
 */
import {
  decodeUserData,
  readDeclaredFleets,
  readRenderedDrainSeconds,
  readRenderedEnv,
  readRenderedNginxLimits,
  readRenderedUpstream,
  RenderedUpstream,
} from "../capacity/declared";
import { NginxMemoryLimits, proxiedRequestLimit } from "../hostEdge/memory";
import { datastoreTimeoutDefaults } from "../ingestService";
import { resourceTypes } from "../resourceTypes";
import { longestRedeliveryMs, RetrySchedule, snippetDelivery } from "../snippet/delivery";
import { shedRetryAfterSeconds } from "../hostEdge/nginxConfig";

/** A resource as policies, the plan and its JSON all carry it: type, URN, inputs, dependencies' URNs. */
export interface DeclaredResource {
  type: string;
  urn: string;
  props: Record<string, any>;
  dependencies?: string[];
}

export const failureModes = [
  "hostDies",
  "hostFreezes",
  "serviceDies",
  "serviceFreezes",
  "hostStalls",
  "azLost",
  "regionLost",
  "regionLostSecondary",
  "dnsPrimaryLost",
  "cdnOriginFails",
  "datastorePrimaryFails",
  "deploy",
] as const;
export type FailureMode = (typeof failureModes)[number];

export const failureModeTitles: Record<FailureMode, string> = {
  hostDies: "one host dies",
  hostFreezes: "one host freezes (accepts, never answers)",
  serviceDies: "a host's ingestion service dies",
  serviceFreezes: "a host's ingestion service freezes",
  hostStalls: "a host stalls under a connect storm",
  azLost: "an availability zone is lost",
  regionLost: "a region is lost",
  regionLostSecondary: "a region is lost, via Cloudflare (manual)",
  dnsPrimaryLost: "the primary DNS provider stops answering",
  cdnOriginFails: "the CDN's origin fails",
  datastorePrimaryFails: "the datastore's primary fails",
  deploy: "a deploy (instance refresh)",
};

/** One addend of a figure: seconds, what it is, and the declared inputs (or named constant) it comes from. */
export interface RecoveryTerm {
  /** What the wait is: "NLB marks the target unhealthy". */
  label: string;
  seconds: number;
  /** The inputs, as `<type> <name> input=value × input=value`, or the constant and its source. */
  source: string;
  /** The resource the term comes from; empty for a constant. */
  urn: string;
  /** True when the term is part of detecting the failure (the rest is the way back). */
  detect: boolean;
  /** The declared input that sets the term, when one does: term = value × secondsPerUnit. */
  knob?: TermKnob;
  /** The change that shortens the term when no single input scales it. */
  fix?: string;
}

/** The input a term scales with, and the smallest value the provider or program accepts. */
export interface TermKnob {
  input: string;
  value: number;
  secondsPerUnit: number;
  minimum: number;
}

/** The worst case of one failure mode in one place (a region, the zone, a distribution). */
export interface RecoveryFigure {
  mode: FailureMode;
  /** Where: a region, `dns`, or the CDN distribution's name. */
  scope: string;
  /** Seconds from the failure until it is detected: the sum of the detect terms. */
  detectSeconds: number;
  /** Seconds from the failure until traffic is served again: the sum of all terms. */
  recoverySeconds: number;
  terms: RecoveryTerm[];
  /** The largest term: what a fix shortens. */
  dominant: RecoveryTerm;
  /** The share of peak traffic the failure touches (1 = all of it); null when no events ride on it. */
  trafficShare: number | null;
  /** peak events/s × share × recovery seconds; null when no events ride on it or the peak is not declared. */
  eventsAtRisk: number | null;
  /** Of those, the events the snippet still delivers: those whose retries outlast the window. */
  eventsRetried: number | null;
  /** eventsAtRisk − eventsRetried: tracked so early that they expire before the edge is back. */
  eventsLost: number | null;
  /** What the figure assumes beyond its terms. */
  notes: string[];
}

/** Every figure of a stack, and the inputs all of them share: the plan JSON carries this as is. */
export interface RecoveryReport {
  figures: RecoveryFigure[];
  /** The fleet's peak events/s (the largest `edge:capacity:peak-events-per-second` tag); null without one. */
  peakEventsPerSecond: number | null;
  /** The snippet's retry schedule the retried/lost counts read. */
  retry: RetrySchedule;
  /** Seconds after the edge is back until a waiting client has sent again (`longestRedeliveryMs`). */
  redeliverySeconds: number;
}

/**
 * Route 53 health checkers give up on an endpoint that does not accept a TCP connection within 4 s
 * or answer within 2 s more (Amazon Route 53 Developer Guide, "How Amazon Route 53 determines
 * whether a health check is healthy").
 */
export const route53ProbeTimeoutSeconds = 4 + 2;

/**
 * What the services do that no resource declares, as the model assumes it. A game day that scales
 * every timer (models then evaluated on a twin) passes its scaled copy; everything else uses
 * {@link serviceBehaviour}.
 */
export interface ServiceBehaviour {
  /** Seconds a Route 53 checker waits on one probe. Defaults to {@link route53ProbeTimeoutSeconds}. */
  route53ProbeTimeoutSeconds: number;
  /** Seconds the on-call takes from the page to a lost region withdrawn from Cloudflare. Defaults to {@link regionWithdrawalSeconds}. */
  regionWithdrawalSeconds?: number;
  /** Seconds Cloudflare takes to serve a changed record everywhere. Defaults to {@link cloudflarePropagationSeconds}. */
  cloudflarePropagationSeconds?: number;
}

/**
 * A lost region leaves Cloudflare's answer only by hand: Cloudflare runs no health check on
 * DNS-only records (its health-checked answers are the Load Balancing add-on), so the on-call,
 * paged by the region's health-check alarm, withdraws the region's records with the runbook's
 * command (docs/dns-region-loss.md). The response the runbook commits to: the page acknowledged
 * within 5 minutes, the records withdrawn within 10 more. A commitment, not a measurement: the
 * plan says so beside the figure.
 */
export const regionWithdrawalSeconds = 15 * 60;
/**
 * Cloudflare serves a record change from every location within about a minute ("global
 * propagation of changes tends to be 60 seconds or less": Cloudflare community, staff answer;
 * Cloudflare blog, "How we improved DNS record build speed by more than 4,000x").
 */
export const cloudflarePropagationSeconds = 60;

export const serviceBehaviour: ServiceBehaviour = { route53ProbeTimeoutSeconds, regionWithdrawalSeconds, cloudflarePropagationSeconds };
/**
 * CloudFront's origin defaults when a distribution's origin sets none: `connectionTimeout` 10 s,
 * `connectionAttempts` 3 (CloudFront Developer Guide, "Origin settings"; the Terraform provider's
 * `connection_timeout` and `connection_attempts` defaults).
 */
export const cloudfrontOriginDefaults = { connectionTimeout: 10, connectionAttempts: 3 } as const;
/**
 * The parent zone's NS TTL for the delegation (`.com` and `.net` publish 172,800 s, two days):
 * after a registrar change, a resolver may keep the old delegation this long (incident 001).
 */
export const parentNsTtlSeconds = 172_800;
/**
 * A recursive resolver's wait on one name server that does not answer before it asks another:
 * Unbound starts unknown servers at 376 ms and BIND at about 800 ms; 1 s bounds both.
 */
export const resolverServerTimeoutSeconds = 1;
/**
 * A recursive resolver drops its reply to a lookup it has worked on longer than this, and answers
 * the stub's resend from its cache instead: Unbound's `discard-timeout`, 1.9 s by default (Debian
 * 12's unbound 1.17.1, unbound.conf(5)). Seen on the edge twin with 4 of 6 delegated servers silent.
 */
export const resolverDiscardTimeoutSeconds = 1.9;
/** How long a stub resolver waits before it resends a lookup: glibc's resolv.conf `timeout:5` default (resolv.conf(5)). */
export const stubResendTimeoutSeconds = 5;
/**
 * Cloudflare assigns every zone's name servers under this suffix (Cloudflare docs, "Nameservers"):
 * the Route 53 apex NS record lists them exactly when the registrar lists both providers.
 */
export const cloudflareNameServerSuffix = ".ns.cloudflare.com";

const seconds = (n: number) => Math.round(n * 1000) / 1000;
const nameOf = (r: DeclaredResource) => r.urn.slice(r.urn.lastIndexOf("::") + 2);
const src = (r: DeclaredResource, inputs: string) => `${r.type} ${nameOf(r)} ${inputs}`;

function term(label: string, secs: number, source: string, urn: string, detect: boolean, how: { knob?: TermKnob; fix?: string } = {}): RecoveryTerm {
  return { label, seconds: seconds(secs), source, urn, detect, ...how };
}

/**
 * TCP's initial retransmission timeout: a SYN the kernel drops (its accept queue full) is resent
 * after 1 s, then 3 s and 7 s after the first (RFC 6298 §2; Linux `TCP_TIMEOUT_INIT`).
 */
export const synRetransmitSeconds = 1;

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
      src(template, `userData nginx listen backlog=${limits.listen.backlog}, net.core.somaxconn=${limits.tcp.somaxconn} (queue ${queue}) ${queued ? "≥" : "<"} the ${served} requests limit_conn admits`),
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

/**
 * The smallest change that brings `figure` within `boundSeconds`, on its dominant term: the input
 * lowered just enough, or the term's own fix when no input scales it.
 */
export function smallestFix(f: RecoveryFigure, boundSeconds: number): string {
  const excess = f.recoverySeconds - boundSeconds;
  const t = f.dominant;
  if (t.knob) {
    const wanted = Math.floor((t.seconds - excess) / t.knob.secondsPerUnit + 1e-9);
    if (wanted >= t.knob.minimum && wanted < t.knob.value) return `${t.knob.input} ${t.knob.value} → ${wanted} on ${nameOfUrn(t.urn)}`;
    const floor = Math.max(t.knob.minimum, 0);
    if (floor < t.knob.value) return `${t.knob.input} ${t.knob.value} → ${floor} on ${nameOfUrn(t.urn)} (its smallest), and shorten the next largest term by ${seconds(excess - (t.seconds - floor * t.knob.secondsPerUnit))} s`;
  }
  return t.fix ?? `shorten "${t.label}" by ${seconds(excess)} s`;
}

const nameOfUrn = (urn: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "the snippet");

function figure(
  mode: FailureMode,
  scope: string,
  terms: RecoveryTerm[],
  trafficShare: number | null,
  events: EventsModel,
  notes: string[] = [],
): RecoveryFigure {
  const recoverySeconds = seconds(terms.reduce((sum, t) => sum + t.seconds, 0));
  const detectSeconds = seconds(terms.filter((t) => t.detect).reduce((sum, t) => sum + t.seconds, 0));
  const dominant = terms.reduce((a, b) => (b.seconds > a.seconds ? b : a), terms[0]!);
  return { mode, scope, detectSeconds, recoverySeconds, terms, dominant, trafficShare, ...events.count(trafficShare, recoverySeconds), notes };
}

interface EventsModel {
  count(share: number | null, windowSeconds: number): Pick<RecoveryFigure, "eventsAtRisk" | "eventsRetried" | "eventsLost">;
  /** How long the snippet keeps an event, seconds. */
  maxEventAgeSeconds: number;
}

/**
 * Events at risk = peak × share × window. An event tracked at t ∈ [0, window] is sent again at most
 * `redelivery` after the edge is back, so it is delivered unless window − t + redelivery exceeds
 * the snippet's `maxEventAgeMs`: the events lost are those tracked in the first
 * max(0, min(window, window + redelivery − maxAge)) seconds.
 */
export function eventsModel(peakEventsPerSecond: number | null, retry: RetrySchedule, redeliverySeconds: number): EventsModel {
  return {
    maxEventAgeSeconds: retry.maxEventAgeMs / 1000,
    count(share, windowSeconds) {
      if (share === null || peakEventsPerSecond === null) return { eventsAtRisk: null, eventsRetried: null, eventsLost: null };
      const rate = peakEventsPerSecond * share;
      const expiredSeconds = Math.max(0, Math.min(windowSeconds, windowSeconds + redeliverySeconds - retry.maxEventAgeMs / 1000));
      const eventsAtRisk = Math.round(rate * windowSeconds);
      const eventsLost = Math.round(rate * expiredSeconds);
      return { eventsAtRisk, eventsRetried: eventsAtRisk - eventsLost, eventsLost };
    },
  };
}

const byType = (resources: DeclaredResource[], type: string) => resources.filter((r) => r.type === type);
const regionOf = (r: DeclaredResource): string => (typeof r.props.region === "string" ? r.props.region : "(provider default)");

/** Every figure the declared resources allow. */
export function recoveryReport(resources: DeclaredResource[], retry: RetrySchedule = snippetDelivery.retry, behaviour: ServiceBehaviour = serviceBehaviour): RecoveryReport {
  const fleets = readDeclaredFleets(resources);
  const peaks = fleets.map((f) => f.peakEventsPerSecond).filter((p): p is number => p !== undefined);
  const peakEventsPerSecond = peaks.length ? Math.max(...peaks) : null;
  const redeliverySeconds = longestRedeliveryMs(retry, shedRetryAfterSeconds) / 1000;
  const events = eventsModel(peakEventsPerSecond, retry, redeliverySeconds);
  const totalMinHosts = fleets.reduce((sum, f) => sum + Math.max(1, f.minHosts), 0);
  const regionCount = Math.max(1, fleets.length);
  const hostShare = totalMinHosts > 0 ? 1 / totalMinHosts : null;
  const figures: RecoveryFigure[] = [];

  for (const group of byType(resources, resourceTypes.autoscalingGroup)) {
    const fleet = fleets.find((f) => f.urn === group.urn);
    if (!fleet) continue;
    const region = regionOf(group);
    const targetGroup = byType(resources, resourceTypes.lbTargetGroup).find((t) => regionOf(t) === region);
    const template = byType(resources, resourceTypes.ec2LaunchTemplate).find((t) => regionOf(t) === region);
    const userData = template ? decodeUserData(String(template.props.userData ?? "")) : "";
    const zones = Array.isArray(group.props.vpcZoneIdentifiers) ? group.props.vpcZoneIdentifiers.length : 1;

    if (targetGroup) {
      const hc = targetGroup.props.healthCheck ?? {};
      // Elastic Load Balancing defaults for an NLB target group (ELB User Guide, "Health checks for Network Load Balancer target groups").
      const interval = Number(hc.interval ?? 30);
      const unhealthy = Number(hc.unhealthyThreshold ?? 3);
      const timeout = Number(hc.timeout ?? 10);
      const marks = (label: string) => [
        // NLB target groups accept an unhealthy threshold of 2–10 and a probe timeout of 2–120 s (ELB API reference, CreateTargetGroup).
        term(label, interval * unhealthy, src(targetGroup, `healthCheck.interval=${interval} × healthCheck.unhealthyThreshold=${unhealthy}`), targetGroup.urn, true, {
          knob: { input: "healthCheck.unhealthyThreshold", value: unhealthy, secondsPerUnit: interval, minimum: 2 },
        }),
        term("the last failing probe times out", timeout, src(targetGroup, `healthCheck.timeout=${timeout}`), targetGroup.urn, true, {
          knob: { input: "healthCheck.timeout", value: timeout, secondsPerUnit: 1, minimum: 2 },
        }),
      ];
      figures.push(
        figure("hostDies", region, marks("NLB marks the dead target unhealthy"), hostShare, events, [
          "the NLB sends no new flow to an unhealthy target; the snippet resends what the dead host held",
        ]),
      );
      figures.push(
        figure("hostFreezes", region, marks("NLB marks the frozen target unhealthy"), hostShare, events, [
          "requests the frozen host holds end at the snippet's request timeout and are resent",
        ]),
      );
      const zoneShare = hostShare === null ? null : 1 / (regionCount * Math.max(1, zones));
      const dead = term(
        "a client that picked the lost zone's address waits out one request",
        retry.requestTimeoutMs / 1000,
        `snippet retry.requestTimeoutMs=${retry.requestTimeoutMs}`,
        "",
        false,
        { fix: "lower the snippet's retry.requestTimeoutMs (models/snippet/delivery.ts)" },
      );
      const firstRetry = term("then the snippet's first retry", retry.baseMs / 1000, `snippet retry.baseMs=${retry.baseMs}`, "", false, {
        fix: "lower the snippet's retry.baseMs (models/snippet/delivery.ts)",
      });
      const azTerms = marks("NLB marks the zone's targets unhealthy");
      // The slower of the two ways back: the NLB taking the zone's targets out, or a client leaving the zone's address.
      const total = (ts: RecoveryTerm[]) => ts.reduce((sum, t) => sum + t.seconds, 0);
      const azPath = total(azTerms) >= total([dead, firstRetry]) ? azTerms : [dead, firstRetry];
      figures.push(
        figure("azLost", region, azPath, zoneShare, events, [
          `${zones} zones; the records list one static address per zone and keep the lost zone's, so a client on it waits out a request and retries (browsers try the next address)`,
        ]),
      );
    }

    const upstream = template ? readRenderedUpstream(userData) : undefined;
    if (template && upstream && "upstream" in upstream) {
      const u = upstream.upstream;
      // A dead process's port refuses the connect at once, and a request it held ends with a reset:
      // nginx resends either to the backup (proxy_next_upstream error) without a wait. Without a
      // backup, traffic waits for systemd to start the process again.
      const backup = /upstream\s+ingest\s*\{[^}]*\bserver\s+\S+\s+backup\b/.test(userData);
      const restartSec = Number(/^\s*RestartSec=(\d+(?:\.\d+)?)$/m.exec(userData)?.[1] ?? 0.1);
      figures.push(
        figure(
          "serviceDies",
          region,
          [
            backup && u.tries >= 2
              ? term("nginx's connect to the dead process is refused and it resends to the backup at once", 0, src(template, `userData nginx upstream ingest backup server, proxy_next_upstream_tries=${u.tries}`), template.urn, true, {
                  fix: "nothing: the refused connect fails over without a wait",
                })
              : term("no backup process: traffic waits for systemd to restart the service", restartSec, src(template, `userData unit RestartSec=${restartSec}`), template.urn, true, {
                  fix: "give the upstream a backup server (models/hostEdge/nginxConfig.ts) with proxy_next_upstream_tries 2",
                }),
          ],
          hostShare,
          events,
          ["systemd's Restart=always brings the process back; until then nginx counts its failures against max_fails and keeps resending to the backup"],
        ),
      );
      const inputs = `userData nginx location ${u.eventPath} proxy_read_timeout=${u.readTimeoutSeconds}s`;
      figures.push(
        figure(
          "serviceFreezes",
          region,
          [
            term("nginx gives up on the frozen process and resends to the other", u.readTimeoutSeconds, src(template, inputs), template.urn, true, {
              fix: "lower ingestReadTimeoutSeconds (models/hostEdge/nginxConfig.ts), the event path's proxy_read_timeout",
            }),
          ],
          hostShare,
          events,
          [
            `after max_fails=${u.maxFails} such timeouts within fail_timeout=${u.failTimeoutSeconds}s nginx skips the frozen process for ${u.failTimeoutSeconds} s; then one request pays the read timeout again`,
            u.deepHealthCheck
              ? "/http-check asks the service's readiness (from the other process too), so the host stays in service"
              : "/http-check does not ask the service: the NLB keeps sending to the host",
          ],
        ),
      );
    }

    const limits = template ? readRenderedNginxLimits(userData) : undefined;
    if (template && upstream && "upstream" in upstream && limits && "limits" in limits) {
      const u = upstream.upstream;
      figures.push(
        figure("hostStalls", region, stalledHostTerms(template, u, limits.limits), hostShare, events, [
          `after max_fails=${u.maxFails} timeouts within fail_timeout=${u.failTimeoutSeconds}s a process is out, the backup too: nginx then answers 503 at once until fail_timeout ends`,
          `the snippet waits Retry-After (${shedRetryAfterSeconds} s) and resends; the balancer takes the host out once /http-check fails`,
        ]),
      );
    }

    // The datastore: an insert on a hung primary fails after the statement timeout (plus the connect
    // timeout: pg's query_timeout), then the batch is spooled and answered.
    const envMs = (name: string, fallback: number) => {
      const raw = readRenderedEnv(userData, name);
      return { value: raw === undefined ? fallback : Number(raw), from: raw === undefined ? `${name} unset (service default ${fallback})` : `${name}=${raw}` };
    };
    const hostsRaw = readRenderedEnv(userData, "INGEST_DB_HOSTS");
    if (template && hostsRaw !== undefined) {
      const statement = envMs("INGEST_DB_STATEMENT_TIMEOUT_MS", datastoreTimeoutDefaults.statementTimeoutMs);
      const connect = envMs("INGEST_DB_CONNECT_TIMEOUT_MS", datastoreTimeoutDefaults.connectTimeoutMs);
      const reconnect = envMs("INGEST_DB_RECONNECT_INTERVAL_MS", datastoreTimeoutDefaults.reconnectIntervalMs);
      const candidates = hostsRaw.split(",").filter(Boolean).length;
      const notes = [
        `back in the datastore after ${reconnect.from} + ${candidates} candidates (INGEST_DB_HOSTS) × ${connect.from} = ` +
          `${seconds((reconnect.value + candidates * connect.value) / 1000)} s once a candidate is writable; until then events wait in the spool`,
      ];
      if (upstream && "upstream" in upstream && (statement.value + connect.value) / 1000 > upstream.upstream.readTimeoutSeconds) {
        notes.push(
          `the service answers after ${seconds((statement.value + connect.value) / 1000)} s, longer than nginx's proxy_read_timeout ${upstream.upstream.readTimeoutSeconds}s: the first batches get 503 and come back by retry`,
        );
      }
      figures.push(
        figure(
          "datastorePrimaryFails",
          region,
          [
            term("the insert on the hung primary times out", statement.value / 1000, src(template, `userData env ${statement.from}`), template.urn, true, {
              fix: "set a lower INGEST_DB_STATEMENT_TIMEOUT_MS in the hosts' env file",
            }),
            term("plus the connect allowance of the same query", connect.value / 1000, src(template, `userData env ${connect.from}`), template.urn, true, {
              fix: "set a lower INGEST_DB_CONNECT_TIMEOUT_MS in the hosts' env file",
            }),
          ],
          1 / regionCount,
          events,
          notes,
        ),
      );
    }

    if (targetGroup && template) {
      const hc = targetGroup.props.healthCheck ?? {};
      const interval = Number(hc.interval ?? 30);
      const unhealthy = Number(hc.unhealthyThreshold ?? 3);
      const drain = readRenderedDrainSeconds(userData) ?? 0;
      // The termination hook: a LifecycleHook resource of the group (same region), or the group's own initialLifecycleHooks.
      const terminating = (h: any) => h?.lifecycleTransition === "autoscaling:EC2_INSTANCE_TERMINATING";
      const hookResource = byType(resources, resourceTypes.autoscalingLifecycleHook).find((h) => regionOf(h) === region && terminating(h.props));
      const hook = hookResource?.props ?? (group.props.initialLifecycleHooks ?? []).find(terminating);
      const hookOwner = hookResource ?? group;
      // Without a heartbeatTimeout, EC2 Auto Scaling waits 3,600 s (API reference, PutLifecycleHook).
      const heartbeat = hook ? Number(hook.heartbeatTimeout ?? 3600) : 0;
      const served = Math.min(drain, heartbeat);
      const gap = Math.max(0, interval * unhealthy - served);
      figures.push(
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
          hostShare,
          events,
          [`in-flight requests get deregistrationDelay=${targetGroup.props.deregistrationDelay ?? 300} s to finish`],
        ),
      );
    }
  }

  figures.push(...regionFigures(resources, events, regionCount, behaviour));
  figures.push(...secondaryRegionFigures(resources, events, regionCount, behaviour));
  const dns = dnsFigure(resources, events);
  if (dns) figures.push(dns);
  figures.push(...cdnFigures(resources, events));
  return { figures, peakEventsPerSecond, retry, redeliverySeconds };
}

function regionFigures(resources: DeclaredResource[], events: EventsModel, regionCount: number, behaviour: ServiceBehaviour): RecoveryFigure[] {
  const checks = byType(resources, resourceTypes.route53HealthCheck);
  const records = byType(resources, resourceTypes.route53Record).filter((r) => r.props.healthCheckId !== undefined || (r.dependencies ?? []).some((d) => checks.some((c) => c.urn === d)));
  return records.flatMap((record) => {
    const check = linkedHealthCheck(resources, record);
    if (!check) return [];
    const interval = Number(check.props.requestInterval ?? 30);
    const threshold = Number(check.props.failureThreshold ?? 3);
    const ttl = Number(record.props.ttl ?? 0);
    const scope = String(record.props.setIdentifier ?? record.props.latencyRoutingPolicies?.[0]?.region ?? nameOf(record));
    return [
      figure(
        "regionLost",
        scope,
        [
          // Route 53 accepts a failure threshold of 1–10 (API reference, HealthCheckConfig).
          term("Route 53 marks the region unhealthy", interval * threshold, src(check, `requestInterval=${interval} × failureThreshold=${threshold}`), check.urn, true, {
            knob: { input: "failureThreshold", value: threshold, secondsPerUnit: interval, minimum: 1 },
          }),
          term("the last probe times out", behaviour.route53ProbeTimeoutSeconds, `Route 53 probe: ${behaviour.route53ProbeTimeoutSeconds === route53ProbeTimeoutSeconds ? "4 s to connect + 2 s to answer (Route 53 Developer Guide)" : `${behaviour.route53ProbeTimeoutSeconds} s (scaled)`}`, "", true, {
            fix: "nothing: Route 53 sets its probe timeouts",
          }),
          term("resolvers drop the cached answer", ttl, src(record, `ttl=${ttl}`), record.urn, false, {
            knob: { input: "ttl (edge:dns ttl of the failover records)", value: ttl, secondsPerUnit: 1, minimum: 1 },
          }),
        ],
        1 / regionCount,
        events,
      ),
    ];
  });
}

/** The health check of a health-checked Route 53 record: its own (a dependency), else the slowest declared (worst case). */
function linkedHealthCheck(resources: DeclaredResource[], record: DeclaredResource): DeclaredResource | undefined {
  const checks = byType(resources, resourceTypes.route53HealthCheck);
  const speed = (c: DeclaredResource) => Number(c.props.requestInterval ?? 30) * Number(c.props.failureThreshold ?? 3);
  return checks.find((c) => (record.dependencies ?? []).includes(c.urn)) ?? checks.reduce<DeclaredResource | undefined>((a, b) => (a === undefined || speed(b) > speed(a) ? b : a), undefined);
}

/** Cloudflare serves TTL 1 ("automatic") as 300 s (Cloudflare API, DNS records, `ttl`). */
const cloudflareServedTtl = (ttl: number) => (ttl === 1 ? 300 : ttl);

/**
 * A lost region for the lookups Cloudflare answers: in active-active the registrar lists
 * Cloudflare's servers beside Route 53's and resolvers choose among them by RTT, and Cloudflare
 * serves every region's addresses with no health check. The region leaves those answers when a
 * person withdraws its records (paged by the region's health-check alarm), then Cloudflare serves
 * the change and resolvers drop what they cached. Worst case: every lookup answered by Cloudflare.
 */
function secondaryRegionFigures(resources: DeclaredResource[], events: EventsModel, regionCount: number, behaviour: ServiceBehaviour): RecoveryFigure[] {
  const records = byType(resources, resourceTypes.route53Record);
  const apexNs = records.find((r) => r.props.type === "NS" && Array.isArray(r.props.records) && r.props.records.some((s: unknown) => String(s).replace(/\.$/, "").endsWith(cloudflareNameServerSuffix)));
  if (!apexNs) return [];
  const checks = byType(resources, resourceTypes.route53HealthCheck);
  const alarms = byType(resources, resourceTypes.cloudwatchMetricAlarm).filter((a) => a.props.metricName === "HealthCheckPercentageHealthy");
  const cloudflare = byType(resources, resourceTypes.cloudflareDnsRecord);
  const name = (r: DeclaredResource) => String(r.props.name ?? "").toLowerCase().replace(/\.$/, "");
  const withdrawal = behaviour.regionWithdrawalSeconds ?? regionWithdrawalSeconds;
  const propagation = behaviour.cloudflarePropagationSeconds ?? cloudflarePropagationSeconds;
  const guarded = records.filter((r) => r.props.healthCheckId !== undefined || (r.dependencies ?? []).some((d) => checks.some((c) => c.urn === d)));
  return guarded.flatMap((record) => {
    const check = linkedHealthCheck(resources, record);
    const addresses = new Set((Array.isArray(record.props.records) ? record.props.records : []).map(String));
    const served = cloudflare.filter((c) => name(c) === name(record) && c.props.type === record.props.type);
    // The region's own Cloudflare records (by address), else every record of the name (worst case).
    const own = served.filter((c) => addresses.has(String(c.props.content)));
    const mine = own.length > 0 ? own : served;
    if (!check || mine.length === 0) return [];
    const ttlRecord = mine.reduce((a, b) => (cloudflareServedTtl(Number(b.props.ttl ?? 0)) > cloudflareServedTtl(Number(a.props.ttl ?? 0)) ? b : a));
    const ttl = cloudflareServedTtl(Number(ttlRecord.props.ttl ?? 0));
    const interval = Number(check.props.requestInterval ?? 30);
    const threshold = Number(check.props.failureThreshold ?? 3);
    // The check's own alarms (the critical one pages), else the slowest declared (worst case).
    const fires = (a: DeclaredResource) => Number(a.props.period ?? 60) * Number(a.props.datapointsToAlarm ?? a.props.evaluationPeriods ?? 1);
    const linked = alarms.filter((a) => (a.dependencies ?? []).includes(check.urn));
    const alarm = linked.find((a) => /critical/i.test(String(a.props.alarmName ?? a.urn))) ?? linked[0] ?? alarms.reduce<DeclaredResource | undefined>((a, b) => (a === undefined || fires(b) > fires(a) ? b : a), undefined);
    const period = Number(alarm?.props.period ?? 60);
    const datapoints = Number(alarm?.props.datapointsToAlarm ?? alarm?.props.evaluationPeriods ?? 1);
    const scope = String(record.props.setIdentifier ?? record.props.latencyRoutingPolicies?.[0]?.region ?? nameOf(record));
    return [
      figure(
        "regionLostSecondary",
        scope,
        [
          term("Route 53 marks the region unhealthy", interval * threshold, src(check, `requestInterval=${interval} × failureThreshold=${threshold}`), check.urn, true, {
            knob: { input: "failureThreshold", value: threshold, secondsPerUnit: interval, minimum: 1 },
          }),
          term("the last probe times out", behaviour.route53ProbeTimeoutSeconds, `Route 53 probe timeout ${behaviour.route53ProbeTimeoutSeconds} s`, "", true, { fix: "nothing: Route 53 sets its probe timeouts" }),
          alarm
            ? term("the region's health-check alarm pages the on-call", period * datapoints, src(alarm, `period=${period} × datapointsToAlarm=${datapoints}`), alarm.urn, true, {
                knob: { input: "datapointsToAlarm", value: datapoints, secondsPerUnit: period, minimum: 1 },
              })
            : term("no alarm watches the region's health check: nobody is paged", events.maxEventAgeSeconds, "no HealthCheckPercentageHealthy alarm declared; until someone notices (the snippet's max event age)", "", true, {
                fix: "declare the region's health-check alarm (components/alarms.ts)",
              }),
          term("the on-call withdraws the region's Cloudflare records by hand (manual: Cloudflare checks no DNS-only record)", withdrawal, `runbook response: acknowledged in 5 min, withdrawn in 10 (docs/dns-region-loss.md)${withdrawal === regionWithdrawalSeconds ? "" : `, ${withdrawal} s (scaled)`}`, "", false, {
            fix: "nothing in the stack makes it faster: it is a person's response (docs/dns-region-loss.md explains why it is not automated)",
          }),
          term("Cloudflare serves the change everywhere", propagation, `Cloudflare propagation ${propagation} s (Cloudflare: 60 s or less)`, "", false, { fix: "nothing: Cloudflare sets its propagation" }),
          term("resolvers drop the cached answer", ttl, src(ttlRecord, `ttl=${ttl}`), ttlRecord.urn, false, {
            // Cloudflare accepts 60 s or more outside Enterprise (providers.ts).
            knob: { input: "ttl (edge:dns ttl of the failover records)", value: ttl, secondsPerUnit: 1, minimum: 60 },
          }),
        ],
        1 / regionCount,
        events,
        [
          `manual: Cloudflare serves every region's ${served.length} addresses with no health check, so a lost region stays in its answers until a person withdraws ${mine.length} records (docs/dns-region-loss.md); lookups Route 53 answers leave the region as "a region is lost" says`,
          "worst case: every lookup answered by Cloudflare (resolvers choose among the registrar's six servers by RTT)",
        ],
      ),
    ];
  });
}

/** Route 53 assigns every hosted zone (and delegation set) four name servers (Route 53 Developer Guide, "NS and SOA records"). */
export const route53NameServerCount = 4;

function dnsFigure(resources: DeclaredResource[], events: EventsModel): RecoveryFigure | undefined {
  const records = byType(resources, resourceTypes.route53Record);
  const primaryZone = byType(resources, resourceTypes.route53Zone)[0];
  const secondaryZone = byType(resources, resourceTypes.cloudflareZone)[0];
  if (!primaryZone || !secondaryZone) return undefined;
  const apexNs = records.find((r) => r.props.type === "NS" && Array.isArray(r.props.records) && r.props.records.length > 0);
  const servers: string[] = apexNs ? apexNs.props.records.map(String) : [];
  const secondary = servers.filter((s) => s.replace(/\.$/, "").endsWith(cloudflareNameServerSuffix));
  const answerTtl = Math.max(0, ...records.filter((r) => r.props.type === "A" || r.props.type === "AAAA").map((r) => Number(r.props.ttl ?? 0)));
  if (apexNs && secondary.length > 0) {
    const primary = servers.length - secondary.length;
    const wait = primary * resolverServerTimeoutSeconds;
    // A wait past the resolver's discard timeout is answered only on the stub's resend.
    const resend = wait > resolverDiscardTimeoutSeconds ? Math.max(0, stubResendTimeoutSeconds - wait) : 0;
    return figure(
      "dnsPrimaryLost",
      "dns (active-active)",
      [
        term(
          "a resolver waits on each silent Route 53 server before it asks a Cloudflare one",
          wait,
          `${src(apexNs, `records lists ${primary} Route 53 + ${secondary.length} Cloudflare servers`)} × resolver per-server timeout ${resolverServerTimeoutSeconds} s`,
          apexNs.urn,
          true,
          { fix: "nothing in the stack: resolvers set their per-server timeout" },
        ),
        ...(resend > 0
          ? [
              term(
                "the resolver drops its late reply; the stub's resend is answered from its cache",
                resend,
                `resolver discard-timeout ${resolverDiscardTimeoutSeconds} s < the wait; stub resend after ${stubResendTimeoutSeconds} s (glibc resolv.conf timeout)`,
                "",
                false,
                { fix: "nothing in the stack: stubs set their resend timeout" },
              ),
            ]
          : []),
      ],
      1,
      events,
      ["cached answers keep serving; only lookups that miss the cache wait, and resolvers then prefer the servers that answer"],
    );
  }
  // Hot-standby: the registrar lists only Route 53's servers; the Cloudflare zone waits unlisted.
  const nsSource = apexNs ?? primaryZone;
  const apexTtl = apexNs ? Number(apexNs.props.ttl ?? 0) : 0;
  const nsTtl = Math.max(parentNsTtlSeconds, apexTtl);
  return figure(
    "dnsPrimaryLost",
    "dns (hot-standby)",
    [
      term("cached answers expire, then lookups fail", answerTtl, `largest A/AAAA ttl=${answerTtl} of ${resourceTypes.route53Record}`, "", true, {
        fix: "raise the answers' TTL (it only delays the failure)",
      }),
      term(
        "after the registrar switch, resolvers keep the old delegation",
        nsTtl,
        `max(parent zone NS TTL ${parentNsTtlSeconds}, ${apexNs ? src(apexNs, `ttl=${apexTtl}`) : "no apex NS record declared"}); ` +
          `the registrar lists only the ${apexNs ? servers.length : route53NameServerCount} Route 53 servers of ${src(primaryZone, "")}`.trimEnd() +
          `, not ${src(secondaryZone, "")}`.trimEnd(),
        nsSource.urn,
        false,
        { fix: "edge:dns.secondary.mode hot-standby → active-active (the registrar lists both providers, and resolvers ask Cloudflare when Route 53 is silent)" },
      ),
    ],
    1,
    events,
    ["plus however long a person takes to change the registrar's name servers (declared nowhere)"],
  );
}

function cdnFigures(resources: DeclaredResource[], events: EventsModel): RecoveryFigure[] {
  return byType(resources, resourceTypes.cloudfrontDistribution).flatMap((dist) => {
    const origins: any[] = Array.isArray(dist.props.origins) ? dist.props.origins : [];
    const groups: any[] = Array.isArray(dist.props.originGroups) ? dist.props.originGroups : [];
    const primaryId = groups[0]?.members?.[0]?.originId ?? origins[0]?.originId;
    const origin = origins.find((o) => o.originId === primaryId);
    if (!origin) return [];
    const timeout = Number(origin.connectionTimeout ?? cloudfrontOriginDefaults.connectionTimeout);
    const attempts = Number(origin.connectionAttempts ?? cloudfrontOriginDefaults.connectionAttempts);
    const set = (key: string, value: number, fallback: number) => `origins[${primaryId}].${key}=${value}${origin[key] === undefined ? ` (unset: CloudFront default ${fallback})` : ""}`;
    const terms = [
      term(
        groups.length ? "CloudFront gives up on the primary origin and fails over to the group's next" : "CloudFront gives up on the only origin (no origin group)",
        timeout * attempts,
        src(dist, `${set("connectionTimeout", timeout, cloudfrontOriginDefaults.connectionTimeout)} × ${set("connectionAttempts", attempts, cloudfrontOriginDefaults.connectionAttempts)}`),
        dist.urn,
        true,
        // CloudFront accepts 1–3 connection attempts and a 1–10 s connection timeout (CloudFront Developer Guide, "Origin settings").
        { knob: { input: `origins[${primaryId}].connectionAttempts`, value: attempts, secondsPerUnit: timeout, minimum: 1 } },
      ),
    ];
    return [
      figure("cdnOriginFails", nameOf(dist), terms, null, events, [
        groups.length
          ? "CloudFront keeps no origin health: every cache miss pays this wait while the primary is down; cached copies keep serving"
          : "without an origin group nothing serves cache misses until the origin is back",
      ]),
    ];
  });
}

/** The worst figure of each mode (the largest recovery), in `failureModes` order. */
export function worstByMode(report: RecoveryReport): RecoveryFigure[] {
  return failureModes.flatMap((mode) => {
    const of = report.figures.filter((f) => f.mode === mode);
    return of.length ? [of.reduce((a, b) => (b.recoverySeconds > a.recoverySeconds ? b : a))] : [];
  });
}

/** The figures of resources in the plan's shape (`inputs`, dependencies as URNs): the plan, its JSON and the diff read them so. */
export function recoveryOfInputs(resources: { type: string; urn: string; inputs: Record<string, unknown>; dependencies?: string[] }[]): RecoveryReport {
  return recoveryReport(resources.map((r) => ({ type: r.type, urn: r.urn, props: r.inputs as Record<string, any>, dependencies: r.dependencies })));
}
