/**
 * A region's way out of the DNS answers: Route 53's health-checked records, and the records
 * Cloudflare serves without a check (withdrawn by hand).
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes } from "../resourceTypes";
import { byType, EventsModel, figure, nameOf, src, term } from "./figure";
import { cloudflareNameServerSuffix, cloudflarePropagationSeconds, regionWithdrawalSeconds, route53ProbeTimeoutSeconds, ServiceBehaviour } from "./services";
import type { DeclaredResource } from "../declaredResource";
import { RecoveryFigure, RecoveryTerm } from "./types";

/** The terms of a region's way out of the answers (its health-checked record), or undefined when it has none. */
export function regionPathTerms(resources: DeclaredResource[], region: string, behaviour: ServiceBehaviour): RecoveryTerm[] | undefined {
  const paths = regionPaths(resources, behaviour);
  return (paths.find((p) => p.region === region) ?? paths.reduce<(typeof paths)[number] | undefined>((a, b) => (a === undefined || b.seconds > a.seconds ? b : a), undefined))?.terms;
}

export function regionFigures(resources: DeclaredResource[], events: EventsModel, regionCount: number, behaviour: ServiceBehaviour): RecoveryFigure[] {
  return regionPaths(resources, behaviour).map((p) => figure("regionLost", p.scope, p.terms, 1 / regionCount, events));
}

/** Per health-checked record: Route 53's detection, its probe timeout, then the record's TTL. */
function regionPaths(resources: DeclaredResource[], behaviour: ServiceBehaviour): { scope: string; region: string | undefined; terms: RecoveryTerm[]; seconds: number }[] {
  const checks = byType(resources, resourceTypes.route53HealthCheck);
  const records = byType(resources, resourceTypes.route53Record).filter((r) => r.inputs.healthCheckId !== undefined || (r.dependencies ?? []).some((d) => checks.some((c) => c.urn === d)));
  return records.flatMap((record) => {
    const check = linkedHealthCheck(resources, record);
    if (!check) return [];
    const interval = Number(check.inputs.requestInterval ?? 30);
    const threshold = Number(check.inputs.failureThreshold ?? 3);
    const ttl = Number(record.inputs.ttl ?? 0);
    const latencyRegion: string | undefined = record.inputs.latencyRoutingPolicies?.[0]?.region;
    const scope = String(record.inputs.setIdentifier ?? latencyRegion ?? nameOf(record));
    const terms = [
      // Route 53 accepts a failure threshold of 1–10 (API reference, HealthCheckConfig).
      term("Route 53 marks the region unhealthy", interval * threshold, src(check, `requestInterval=${interval} × failureThreshold=${threshold}`), check.urn, true, {
        knob: { input: "failureThreshold", value: threshold, secondsPerUnit: interval, minimum: 1 },
      }),
      term(
        "the last probe times out",
        behaviour.route53ProbeTimeoutSeconds,
        `Route 53 probe: ${behaviour.route53ProbeTimeoutSeconds === route53ProbeTimeoutSeconds ? "4 s to connect + 2 s to answer (Route 53 Developer Guide)" : `${behaviour.route53ProbeTimeoutSeconds} s (scaled)`}`,
        "",
        true,
        {
          fix: "nothing: Route 53 sets its probe timeouts",
        },
      ),
      term("resolvers drop the cached answer", ttl, src(record, `ttl=${ttl}`), record.urn, false, {
        knob: { input: "ttl (edge:dns ttl of the failover records)", value: ttl, secondsPerUnit: 1, minimum: 1 },
      }),
    ];
    return [
      { scope, region: latencyRegion ?? (typeof record.inputs.setIdentifier === "string" ? record.inputs.setIdentifier : undefined), terms, seconds: terms.reduce((sum, t) => sum + t.seconds, 0) },
    ];
  });
}

/** The health check of a health-checked Route 53 record: its own (a dependency), else the slowest declared (worst case). */
function linkedHealthCheck(resources: DeclaredResource[], record: DeclaredResource): DeclaredResource | undefined {
  const checks = byType(resources, resourceTypes.route53HealthCheck);
  const speed = (c: DeclaredResource) => Number(c.inputs.requestInterval ?? 30) * Number(c.inputs.failureThreshold ?? 3);
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
export function secondaryRegionFigures(resources: DeclaredResource[], events: EventsModel, regionCount: number, behaviour: ServiceBehaviour): RecoveryFigure[] {
  const records = byType(resources, resourceTypes.route53Record);
  const apexNs = records.find(
    (r) => r.inputs.type === "NS" && Array.isArray(r.inputs.records) && r.inputs.records.some((s: unknown) => String(s).replace(/\.$/, "").endsWith(cloudflareNameServerSuffix)),
  );
  if (!apexNs) return [];
  const checks = byType(resources, resourceTypes.route53HealthCheck);
  const alarms = byType(resources, resourceTypes.cloudwatchMetricAlarm).filter((a) => a.inputs.metricName === "HealthCheckPercentageHealthy");
  const cloudflare = byType(resources, resourceTypes.cloudflareDnsRecord);
  const name = (r: DeclaredResource) =>
    String(r.inputs.name ?? "")
      .toLowerCase()
      .replace(/\.$/, "");
  const withdrawal = behaviour.regionWithdrawalSeconds ?? regionWithdrawalSeconds;
  const propagation = behaviour.cloudflarePropagationSeconds ?? cloudflarePropagationSeconds;
  const guarded = records.filter((r) => r.inputs.healthCheckId !== undefined || (r.dependencies ?? []).some((d) => checks.some((c) => c.urn === d)));
  return guarded.flatMap((record) => {
    const check = linkedHealthCheck(resources, record);
    const addresses = new Set((Array.isArray(record.inputs.records) ? record.inputs.records : []).map(String));
    const served = cloudflare.filter((c) => name(c) === name(record) && c.inputs.type === record.inputs.type);
    // The region's own Cloudflare records (by address), else every record of the name (worst case).
    const own = served.filter((c) => addresses.has(String(c.inputs.content)));
    const mine = own.length > 0 ? own : served;
    if (!check || mine.length === 0) return [];
    const ttlRecord = mine.reduce((a, b) => (cloudflareServedTtl(Number(b.inputs.ttl ?? 0)) > cloudflareServedTtl(Number(a.inputs.ttl ?? 0)) ? b : a));
    const ttl = cloudflareServedTtl(Number(ttlRecord.inputs.ttl ?? 0));
    const interval = Number(check.inputs.requestInterval ?? 30);
    const threshold = Number(check.inputs.failureThreshold ?? 3);
    // The check's own alarms (the critical one pages), else the slowest declared (worst case).
    const fires = (a: DeclaredResource) => Number(a.inputs.period ?? 60) * Number(a.inputs.datapointsToAlarm ?? a.inputs.evaluationPeriods ?? 1);
    const linked = alarms.filter((a) => (a.dependencies ?? []).includes(check.urn));
    const alarm =
      linked.find((a) => /critical/i.test(String(a.inputs.alarmName ?? a.urn))) ??
      linked[0] ??
      alarms.reduce<DeclaredResource | undefined>((a, b) => (a === undefined || fires(b) > fires(a) ? b : a), undefined);
    const period = Number(alarm?.inputs.period ?? 60);
    const datapoints = Number(alarm?.inputs.datapointsToAlarm ?? alarm?.inputs.evaluationPeriods ?? 1);
    const scope = String(record.inputs.setIdentifier ?? record.inputs.latencyRoutingPolicies?.[0]?.region ?? nameOf(record));
    return [
      figure(
        "regionLostSecondary",
        scope,
        [
          term("Route 53 marks the region unhealthy", interval * threshold, src(check, `requestInterval=${interval} × failureThreshold=${threshold}`), check.urn, true, {
            knob: { input: "failureThreshold", value: threshold, secondsPerUnit: interval, minimum: 1 },
          }),
          term("the last probe times out", behaviour.route53ProbeTimeoutSeconds, `Route 53 probe timeout ${behaviour.route53ProbeTimeoutSeconds} s`, "", true, {
            fix: "nothing: Route 53 sets its probe timeouts",
          }),
          alarm
            ? term("the region's health-check alarm pages the on-call", period * datapoints, src(alarm, `period=${period} × datapointsToAlarm=${datapoints}`), alarm.urn, true, {
                knob: { input: "datapointsToAlarm", value: datapoints, secondsPerUnit: period, minimum: 1 },
              })
            : term(
                "no alarm watches the region's health check: nobody is paged",
                events.maxEventAgeSeconds,
                "no HealthCheckPercentageHealthy alarm declared; until someone notices (the snippet's max event age)",
                "",
                true,
                {
                  fix: "declare the region's health-check alarm (components/alarms.ts)",
                },
              ),
          term(
            "the on-call withdraws the region's Cloudflare records by hand (manual: Cloudflare checks no DNS-only record)",
            withdrawal,
            `runbook response: acknowledged in 5 min, withdrawn in 10 (docs/dns-region-loss.md)${withdrawal === regionWithdrawalSeconds ? "" : `, ${withdrawal} s (scaled)`}`,
            "",
            false,
            {
              fix: "nothing in the stack makes it faster: it is a person's response (docs/dns-region-loss.md explains why it is not automated)",
            },
          ),
          term("Cloudflare serves the change everywhere", propagation, `Cloudflare propagation ${propagation} s (Cloudflare: 60 s or less)`, "", false, {
            fix: "nothing: Cloudflare sets its propagation",
          }),
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
