/**
 * The failure modes of one host of a region: it dies, it freezes, its zone is lost, its ingestion
 * service dies or freezes. Each is a row of the failure-mode table (report.ts).
 *
 * Pure module: no Pulumi imports.
 */
import { spoolAnswerMarginMs } from "../ingestService";
import type { RegionContext } from "./context";
import { figure, nameOf, src, term } from "./figure";
import { regionPathTerms } from "./regionFigures";
import { RecoveryFigure, RecoveryTerm } from "./types";

/** The NLB's detection of a failed target, from the target group's health check. */
function nlbMarks(ctx: RegionContext, label: string): RecoveryTerm[] {
  const targetGroup = ctx.targetGroup!;
  const hc = targetGroup.inputs.healthCheck ?? {};
  // Elastic Load Balancing defaults for an NLB target group (ELB User Guide, "Health checks for Network Load Balancer target groups").
  const interval = Number(hc.interval ?? 30);
  const unhealthy = Number(hc.unhealthyThreshold ?? 3);
  const timeout = Number(hc.timeout ?? 10);
  return [
    // NLB target groups accept an unhealthy threshold of 2–10 and a probe timeout of 2–120 s (ELB API reference, CreateTargetGroup).
    term(label, interval * unhealthy, src(targetGroup, `healthCheck.interval=${interval} × healthCheck.unhealthyThreshold=${unhealthy}`), targetGroup.urn, true, {
      knob: { input: "healthCheck.unhealthyThreshold", value: unhealthy, secondsPerUnit: interval, minimum: 2 },
    }),
    term("the last failing probe times out", timeout, src(targetGroup, `healthCheck.timeout=${timeout}`), targetGroup.urn, true, {
      knob: { input: "healthCheck.timeout", value: timeout, secondsPerUnit: 1, minimum: 2 },
    }),
  ];
}

/**
 * With one host the NLB has no healthy target to send to (it fails open to the failed one): the
 * region is down until Route 53 takes it out of the answers. Undefined with more hosts (or no path).
 */
function oneHostRegionPath(ctx: RegionContext): { terms: RecoveryTerm[]; note: string } | undefined {
  const terms = ctx.fleet.minHosts <= 1 ? regionPathTerms(ctx.stack.resources, ctx.region, ctx.stack.behaviour) : undefined;
  if (!terms) return undefined;
  return {
    terms,
    note: `minSize=${ctx.fleet.minHosts} of ${nameOf(ctx.group)}: with no other healthy target the NLB fails open to the failed host, so the region is lost until Route 53 takes it out of the answers`,
  };
}

function hostFails(ctx: RegionContext, mode: "hostDies" | "hostFreezes", label: string, note: string): RecoveryFigure[] {
  if (!ctx.targetGroup) return [];
  const { events, regionCount, hostShare } = ctx.stack;
  const regionPath = oneHostRegionPath(ctx);
  return [regionPath ? figure(mode, ctx.region, regionPath.terms, 1 / regionCount, events, [regionPath.note]) : figure(mode, ctx.region, nlbMarks(ctx, label), hostShare, events, [note])];
}

export const hostDiesFigures = (ctx: RegionContext) =>
  hostFails(ctx, "hostDies", "NLB marks the dead target unhealthy", "the NLB sends no new flow to an unhealthy target; the snippet resends what the dead host held");

export const hostFreezesFigures = (ctx: RegionContext) =>
  hostFails(ctx, "hostFreezes", "NLB marks the frozen target unhealthy", "requests the frozen host holds end at the snippet's request timeout and are resent");

export function azLostFigures(ctx: RegionContext): RecoveryFigure[] {
  if (!ctx.targetGroup) return [];
  const { events, regionCount, hostShare, retry } = ctx.stack;
  const regionPath = oneHostRegionPath(ctx);
  if (regionPath) return [figure("azLost", ctx.region, regionPath.terms, 1 / regionCount, events, [`${regionPath.note}; its zone lost is the region lost`])];
  const zoneShare = hostShare === null ? null : 1 / (regionCount * Math.max(1, ctx.zones));
  const dead = term("a client that picked the lost zone's address waits out one request", retry.requestTimeoutMs / 1000, `snippet retry.requestTimeoutMs=${retry.requestTimeoutMs}`, "", false, {
    fix: "lower the snippet's retry.requestTimeoutMs (models/snippet/delivery.ts)",
  });
  const firstRetry = term("then the snippet's first retry", retry.baseMs / 1000, `snippet retry.baseMs=${retry.baseMs}`, "", false, {
    fix: "lower the snippet's retry.baseMs (models/snippet/delivery.ts)",
  });
  const azTerms = nlbMarks(ctx, "NLB marks the zone's targets unhealthy");
  // The slower of the two ways back: the NLB taking the zone's targets out, or a client leaving the zone's address.
  const total = (ts: RecoveryTerm[]) => ts.reduce((sum, t) => sum + t.seconds, 0);
  const azPath = total(azTerms) >= total([dead, firstRetry]) ? azTerms : [dead, firstRetry];
  return [
    figure("azLost", ctx.region, azPath, zoneShare, events, [
      `${ctx.zones} zones; the records list one static address per zone and keep the lost zone's, so a client on it waits out a request and retries (browsers try the next address)`,
    ]),
  ];
}

export function serviceDiesFigures(ctx: RegionContext): RecoveryFigure[] {
  const { template, upstream: u, userData } = ctx;
  if (!template || !u) return [];
  // A dead process's port refuses the connect at once, and a request it held ends with a reset:
  // nginx resends either to the backup (proxy_next_upstream error) without a wait. Without a
  // backup, traffic waits for systemd to start the process again.
  const backup = /upstream\s+ingest\s*\{[^}]*\bserver\s+\S+\s+backup\b/.test(userData);
  const restartSec = Number(/^\s*RestartSec=(\d+(?:\.\d+)?)$/m.exec(userData)?.[1] ?? 0.1);
  return [
    figure(
      "serviceDies",
      ctx.region,
      [
        backup && u.tries >= 2
          ? term(
              "nginx's connect to the dead process is refused and it resends to the backup at once",
              0,
              src(template, `userData nginx upstream ingest backup server, proxy_next_upstream_tries=${u.tries}`),
              template.urn,
              true,
              {
                fix: "nothing: the refused connect fails over without a wait",
              },
            )
          : term("no backup process: traffic waits for systemd to restart the service", restartSec, src(template, `userData unit RestartSec=${restartSec}`), template.urn, true, {
              fix: "give the upstream a backup server (models/hostEdge/nginxConfig.ts) with proxy_next_upstream_tries 2",
            }),
      ],
      ctx.stack.hostShare,
      ctx.stack.events,
      ["systemd's Restart=always brings the process back; until then nginx counts its failures against max_fails and keeps resending to the backup"],
    ),
  ];
}

export function serviceFreezesFigures(ctx: RegionContext): RecoveryFigure[] {
  const { template, upstream: u } = ctx;
  if (!template || !u) return [];
  const inputs = `userData nginx location ${u.eventPath} proxy_read_timeout=${u.readTimeoutSeconds}s`;
  return [
    figure(
      "serviceFreezes",
      ctx.region,
      [
        term("nginx gives up on the frozen process and resends to the other", u.readTimeoutSeconds, src(template, inputs), template.urn, true, {
          fix: "lower ingestReadTimeoutSeconds (models/hostEdge/nginxConfig.ts), the event path's proxy_read_timeout",
        }),
        term(
          "the other process stores the batch and answers",
          spoolAnswerMarginMs / 1000,
          "the service's margin to store and answer a batch (models/ingestService.ts spoolAnswerMarginMs)",
          "",
          false,
          {
            fix: "nothing in the stack: the service's answer time",
          },
        ),
      ],
      ctx.stack.hostShare,
      ctx.stack.events,
      [
        `after max_fails=${u.maxFails} such timeouts within fail_timeout=${u.failTimeoutSeconds}s nginx skips the frozen process for ${u.failTimeoutSeconds} s; then one request pays the read timeout again`,
        u.deepHealthCheck
          ? "/http-check asks the service's readiness (from the other process too), so the host stays in service"
          : "/http-check does not ask the service: the NLB keeps sending to the host",
      ],
    ),
  ];
}
