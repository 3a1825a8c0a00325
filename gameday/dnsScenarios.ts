/**
 * Game-day scenarios of the twin's DNS (`gameday/dns.ts`): the load generator resolves the ingest
 * name through Unbound, which reaches the two providers' NSD servers through the registrar's
 * delegation.
 *
 * - The primary provider stops answering (every process of its server SIGSTOPped: queries arrive,
 *   no answer leaves, as under incident 001's DDoS), in each DNS mode. Active-active: lookups keep
 *   resolving through Cloudflare's servers and no event is lost; the resolution gap (the slowest
 *   lookup after the fault) is measured against the model. Hot-standby: the registrar lists only
 *   Route 53's servers, so lookups fail once the cached answer expires, and stay failed: the model's
 *   recovery waits on a registrar change and the parent's 48 h NS TTL, longer than the snippet keeps
 *   an event, so the events tracked after the failure are at risk. The twin checks that the failure
 *   starts within the answer's TTL and that every unsent event is still queued at the end.
 * - A region is lost while clients resolve through both providers (active-active): Route 53's
 *   server follows the twin's health checks (its zone rewritten and reloaded when the answer
 *   changes), Cloudflare's keeps the lost region's addresses until the on-call withdraws them,
 *   played at the moment the model says (its detection, the alarm, the runbook's response, scaled
 *   as every timer). Judged against the model's figure for a region lost via Cloudflare.
 * - A legacy client (one UDP datagram, no EDNS, no TCP retry) asks the ingest name and its aliases:
 *   against a zone whose answer grew as incident 001's did (29 addresses, a CNAME in front), the
 *   aliased answer exceeds 512 bytes and comes back truncated with no address; against the shipped
 *   zone every answer fits.
 */
import type { ProviderName } from "../models/dns/compare";
import { legacyUdpLimit } from "../models/dns/wireSize";
import { faultDelayMs } from "./hostWaits";
import { scaledSeconds } from "./planned";
import { snippetDelivery } from "../models/snippet/delivery";
import { DnsMode, DnsPlan, frontAddress, planDns, probeResolver, query, QueryResult, startDns, stubResolver, TwinDns, twinZones } from "./dns";
import type { Scenario, ScenarioSetup } from "./scenarios";
import type { Twin } from "./twin";

/** How often the resolver prober starts a lookup. */
const probeEveryMs = 200;
/** The ingest name's address count in the oversized zone: incident 001's, which fit alone and failed behind a CNAME. */
export const incidentAddressCount = 29;

const plans = new Map<string, Promise<DnsPlan>>();
/** One plan per stack and mode per process (the plan runs the program and the policy pack: seconds). */
function cachedPlan(stack: string, mode: DnsMode): Promise<DnsPlan> {
  const key = `${stack}:${mode}`;
  if (!plans.has(key)) plans.set(key, planDns(stack, mode));
  return plans.get(key)!;
}

/** What a DNS scenario keeps between its steps, per twin. */
interface DnsRun {
  plan: DnsPlan;
  dns: TwinDns;
  legacy: { name: string; server: string; via: string; result: QueryResult }[];
}
const runs = new WeakMap<Twin, DnsRun>();

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * By when, after a fault, the resolver has asked the providers again: Unbound keeps the answer at
 * most the (scaled) TTL, and the lookup that finds it expired may take the stub's full timeout.
 */
const cacheExpiredMs = (answerTtlMs: number) => answerTtlMs + stubResolver.timeoutMs * stubResolver.attempts + probeEveryMs;

async function startTwinDns(
  twin: Twin,
  teardown: Parameters<NonNullable<Scenario["prepare"]>>[1],
  stack: string,
  mode: DnsMode,
  answerTtlMs: number,
  addresses: (plan: DnsPlan) => string[],
): Promise<DnsRun> {
  const plan = await cachedPlan(stack, mode);
  const dns = await startDns(
    { prefix: twin.prefix, bridge: `${twin.prefix}f`, vips: twin.vips, clientNamespace: twin.clientNamespace, resolverAddress: twin.clientAddresses[0]! },
    plan,
    twinZones(plan, addresses(plan)),
    Math.max(1, Math.round(answerTtlMs / 1000)),
    teardown,
  );
  const run = { plan, dns, legacy: [] };
  runs.set(twin, run);
  return run;
}

function resolverSetup(run: DnsRun): ScenarioSetup["resolver"] {
  return { address: run.dns.resolverAddress, name: run.plan.ingestName, ...stubResolver };
}

function dnsFigure(plan: DnsPlan) {
  return plan.recovery?.figures.find((f) => f.mode === "dnsPrimaryLost");
}

function primaryStopsAnswering(mode: DnsMode): Scenario {
  return {
    name: `primary DNS stops answering (${mode})`,
    measures:
      mode === "active-active"
        ? "the slowest lookup through Unbound after every Route 53 server froze, judged by the scenario against the model's figure for a lost primary provider; clients' failed attempts shown"
        : "when lookups start failing after every Route 53 server froze (within the answer's TTL), and that every unsent event is still queued; no recovery within a run: the model waits on the registrar",
    // Hot-standby cannot recover within a run: what the clients still hold is at risk, and the
    // scenario's judge checks that every such event is still queued, none dropped.
    ...(mode === "hot-standby" ? { lossBound: (sent: number) => sent } : {}),
    // Lookups go on until Unbound's cached answer (at most the scaled TTL old) has expired and been
    // asked again, at every scale: before that, a silent provider is never asked.
    trackSeconds: (c) => faultDelayMs / 1000 + cacheExpiredMs(c.options.answerTtlMs) / 1000 + 6,
    async prepare(twin, teardown, options) {
      const run = await startTwinDns(twin, teardown, options.stack, mode, options.answerTtlMs, () => twin.vips);
      const prober = probeResolver(run.dns.resolverAddress, run.plan.ingestName, probeEveryMs);
      teardown.add("resolver prober", () => void prober.stop());
      const figure = dnsFigure(run.plan);
      return {
        resolver: resolverSetup(run),
        async judge(counts, report, faultAt) {
          await prober.stop();
          const after = prober.lookups.filter((l) => l.at >= faultAt);
          const failed = after.filter((l) => !l.ok);
          const gapMs = Math.max(0, ...after.map((l) => l.ms));
          const problems: string[] = [];
          const resent = after.filter((l) => l.ok && l.sends > 1).length;
          const details = [`${after.length} lookups after the fault, ${failed.length} failed, ${resent} answered only on the stub's resend, slowest ${seconds(gapMs)} s`];
          const probedMs = Math.max(0, ...after.map((l) => l.at - faultAt));
          if (probedMs < cacheExpiredMs(options.answerTtlMs))
            problems.push(
              `lookups stopped ${seconds(probedMs)} s after the fault, before the cached answer (TTL ${seconds(options.answerTtlMs)} s) had to be asked again: the silent provider was never tried`,
            );
          if (!figure) problems.push("the plan has no recovery figure for a lost primary DNS provider");
          else details.push(`model: ${figure.scope} ${figure.recoverySeconds} s (${figure.dominant.label})`);
          if (mode === "active-active") {
            if (counts.lost !== 0) problems.push(`${counts.lost} events lost`);
            if (failed.length > 0) problems.push(`${failed.length} lookups failed although Cloudflare's servers answer`);
            // Measured to a tenth of a second, as every recovery the twin reports.
            if (figure && seconds(gapMs) > figure.recoverySeconds) problems.push(`the slowest lookup took ${seconds(gapMs)} s, above the model's ${figure.recoverySeconds} s`);
            return { problems, details };
          }
          const firstFailure = failed[0];
          const boundMs = cacheExpiredMs(options.answerTtlMs);
          if (!firstFailure) problems.push("lookups never failed although the registrar lists only the silent provider");
          else {
            details.push(`lookups failed from ${seconds(firstFailure.at - faultAt)} s after the fault (answer TTL ${seconds(options.answerTtlMs)} s)`);
            if (firstFailure.at - faultAt > boundMs) problems.push(`lookups kept resolving ${seconds(firstFailure.at - faultAt)} s after the fault, beyond the answer TTL`);
            if (after.some((l) => l.ok && l.at > firstFailure.at)) problems.push("a lookup resolved again although no server the registrar lists answers");
          }
          const refused = report.attempts.filter((a) => a.status >= 400 && a.status < 500 && a.status !== 408 && a.status !== 429).length;
          if (refused > 0) problems.push(`${refused} batches refused: events dropped instead of queued`);
          if (counts.lost !== report.unacknowledged.length) problems.push(`${counts.lost} events lost but ${report.unacknowledged.length} still queued: events vanished`);
          details.push(`${counts.lost} events still queued when the run ended (at risk)`);
          const maxAgeSeconds = snippetDelivery.retry.maxEventAgeMs / 1000;
          if (figure) {
            if (figure.recoverySeconds <= maxAgeSeconds)
              problems.push(`the model's recovery ${figure.recoverySeconds} s is within the snippet's max event age ${maxAgeSeconds} s, but the twin never recovers without a registrar change`);
            else details.push(`model: recovery ${figure.recoverySeconds} s > the snippet's max event age ${maxAgeSeconds} s, ${figure.eventsLost ?? "?"} events lost at peak`);
          }
          return { problems, details };
        },
      };
    },
    async inject(twin) {
      runs.get(twin)!.dns.freeze("route53");
    },
  };
}

/** What the region-lost run keeps between its steps, per twin. */
const regionLostRuns = new WeakMap<Twin, { withdrawAfterMs: number; lost: number; answeredAt: Record<ProviderName, number | undefined> }>();

/**
 * A region lost, resolved through both providers. The lost region is the twin's last; its
 * clients keep their own region's address while an answer lists it, as browsers keep the first
 * address that works, so they fail until neither provider's answer holds it.
 */
function regionLostBothProviders(): Scenario {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return {
    name: "a region lost, both DNS providers",
    mode: "regionLostSecondary",
    measures:
      "from the failure to the start of the last client attempt that failed, the clients resolving through Unbound and both providers' NSD (Route 53's zone following the twin's health checks, Cloudflare's withdrawn by hand at the model's moment)",
    async prepare(twin, teardown, options) {
      const run = await startTwinDns(twin, teardown, options.stack, "active-active", options.answerTtlMs, () => twin.vips);
      const lost = twin.vips.length - 1;
      const region = twin.regions[lost]!.region;
      const figure = run.plan.recovery?.figures.find((f) => f.mode === "regionLostSecondary" && f.scope === region);
      if (!figure) throw new Error(`the plan of ${options.stack} has no figure for ${region} lost via Cloudflare: the stack is not active-active or Cloudflare does not serve the ingest name`);
      // The on-call withdraws the records once paged: the model's detect terms and the response, each scaled as the game day scales timers.
      const until = figure.terms.findIndex((t) => t.label.includes("by hand"));
      const withdrawAfterMs = figure.terms.slice(0, until + 1).reduce((sum, t) => sum + scaledSeconds(t.seconds, options.scale) * 1000, 0);
      const state = { withdrawAfterMs, lost, answeredAt: { route53: undefined, cloudflare: undefined } as Record<ProviderName, number | undefined> };
      regionLostRuns.set(twin, state);
      // Route 53's server answers what the health checks decide: the twin's stand-in (twin.answerEvents).
      let seen = twin.answerEvents.length;
      let following = true;
      const follow = (async () => {
        while (following) {
          if (twin.answerEvents.length > seen) {
            seen = twin.answerEvents.length;
            const regions = twin.answerEvents[seen - 1]!.regions;
            await run.dns.answerWith("route53", regions.length > 0 ? regions.map((r) => twin.vips[r]!) : twin.vips);
            if (!regions.includes(lost) && state.answeredAt.route53 === undefined) state.answeredAt.route53 = Date.now();
          }
          await sleep(50);
        }
      })();
      teardown.add("Route 53 zone follower", () => {
        following = false;
        void follow;
      });
      const scaledTtlMs = scaledSeconds(figure.terms[figure.terms.length - 1]!.seconds, options.scale) * 1000;
      return {
        resolver: resolverSetup(run),
        // The clients track until the withdrawal has reached them, and some more.
        trackMs: withdrawAfterMs + scaledTtlMs + 15_000,
        async judge(counts, _report, faultAt) {
          following = false;
          await follow;
          const problems: string[] = [];
          const details: string[] = [];
          const at = (t: number | undefined) => (t === undefined ? "never" : `${seconds(t - faultAt)} s after the failure`);
          details.push(
            `Route 53's answer left ${region} ${at(state.answeredAt.route53)}; Cloudflare's ${at(state.answeredAt.cloudflare)} (withdrawn by hand at ${seconds(withdrawAfterMs)} s, as the model says)`,
          );
          if (state.answeredAt.route53 === undefined) problems.push(`Route 53's answer kept ${region} although its health check failed`);
          if (state.answeredAt.cloudflare === undefined) problems.push(`Cloudflare's answer was never withdrawn`);
          if (counts.lost !== 0) problems.push(`${counts.lost} events lost`);
          return { problems, details };
        },
      };
    },
    async inject(twin) {
      const state = regionLostRuns.get(twin)!;
      const run = runs.get(twin)!;
      const faultAt = Date.now();
      twin.loseRegion(state.lost);
      await sleep(Math.max(0, faultAt + state.withdrawAfterMs - Date.now()));
      await run.dns.answerWith(
        "cloudflare",
        twin.vips.filter((_, i) => i !== state.lost),
      );
      state.answeredAt.cloudflare = Date.now();
      return { faultAt };
    },
  };
}

/** The legacy client's questions: the ingest name and every alias, through the resolver and at each provider's first server. */
async function askLegacy(run: DnsRun): Promise<DnsRun["legacy"]> {
  const names = [run.plan.ingestName, ...run.plan.aliasNames];
  const servers: [string, string, boolean][] = [
    [run.dns.resolverAddress, "Unbound", true],
    ...(["route53", "cloudflare"] as ProviderName[]).map((p): [string, string, boolean] => [run.dns.servers[p][0]!, `${p} NSD`, false]),
  ];
  const asked: DnsRun["legacy"] = [];
  for (const name of names) {
    for (const [server, via, recursion] of servers) asked.push({ name, server, via, result: await query(server, name, "A", { recursion }) });
  }
  return asked;
}

const shown = (a: DnsRun["legacy"][number]) => `${a.name} via ${a.via}: ${a.result.bytes} B${a.result.truncated ? " TC" : ""}, ${a.result.addresses.length} addresses`;

function legacyClient(zone: "oversized" | "shipped"): Scenario {
  return {
    name: zone === "oversized" ? "legacy client, answer over 512 B" : "legacy client, shipped zone",
    measures: "a UDP-only client without EDNS or TCP asks the ingest name and its aliases through Unbound and at each provider; not a recovery",
    async prepare(twin, teardown, options) {
      const run = await startTwinDns(twin, teardown, options.stack, "active-active", options.answerTtlMs, () =>
        zone === "oversized" ? Array.from({ length: incidentAddressCount }, (_, i) => (i < twin.vips.length ? twin.vips[i]! : frontAddress(twin.vips, 100 + i))) : twin.vips,
      );
      return {
        resolver: resolverSetup(run),
        async judge(counts) {
          const problems: string[] = [];
          // Modern clients (EDNS, TCP on truncation) resolve either zone: every event arrives.
          if (counts.lost !== 0) problems.push(`${counts.lost} events lost by clients that retry over TCP`);
          const viaResolver = run.legacy.filter((a) => a.via === "Unbound");
          if (zone === "oversized") {
            const aliased = viaResolver.filter((a) => a.name !== run.plan.ingestName);
            if (aliased.length === 0) problems.push(`the plan has no alias of ${run.plan.ingestName}: nothing puts a CNAME in front of the oversized answer`);
            for (const a of aliased) if (a.result.addresses.length > 0) problems.push(`${shown(a)}: the legacy client resolved an answer over ${legacyUdpLimit} B (incident 001 says it cannot)`);
          } else {
            for (const a of run.legacy) {
              if (a.result.truncated || a.result.addresses.length === 0 || a.result.bytes > legacyUdpLimit) problems.push(`${shown(a)}: the shipped zone fails a legacy client (incident 001)`);
            }
          }
          return { problems, details: run.legacy.filter((a) => a.via === "Unbound" || a.via === "route53 NSD").map(shown) };
        },
      };
    },
    async inject(twin) {
      const run = runs.get(twin)!;
      run.legacy = await askLegacy(run);
    },
  };
}

export const dnsScenarios: Scenario[] = [primaryStopsAnswering("active-active"), primaryStopsAnswering("hot-standby"), regionLostBothProviders(), legacyClient("oversized"), legacyClient("shipped")];
