/**
 * enforce-recovery-time — mandatory (stack policy).
 *
 * For each failure mode, the worst-case time until traffic is served again, computed from the
 * resources as declared (models/recovery), must stay within its bound. The message names the
 * dominant term, the inputs it comes from and the smallest change that brings the figure within
 * the bound, on the resource that term comes from.
 *
 * The DNS bound (5 min) holds in both DNS modes, so hot-standby is refused by default: its failover
 * waits on a registrar change and the parent's 48 h NS TTL, and the snippet keeps an event 24 h,
 * so events are lost (incident 001 is exactly that wait). A team that accepts the loss raises
 * `maxDnsPrimaryLostSeconds` in policy config and the plan still shows the figure.
 *
 * Lessons `hostFailover` (incident 003), `failoverTtl` (000), `nsTtl` (001), `snippetOnApiHosts`
 * (000), `datastoreConnections` and `regionFailure` (002) (models/incidents.ts).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { fromPolicyResource } from "../../models/declaredResource";
import { incidentNote, Lesson } from "../../models/incidents";
import { FailureMode, failureModeTitles, RecoveryReport, recoveryReport, smallestFix, worstByMode } from "../../models/recovery";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { Finding, reportFinding } from "../finding";

const bound = (seconds: number, what: string): NumberBound => ({
  default: seconds,
  minimum: 0,
  description: `Longest time, in seconds, until traffic is served again when ${what}.`,
});

/** Each mode's bound, in seconds. */
export const recoveryTimeBounds = {
  maxHostDiesSeconds: bound(60, "one ingestion host dies"),
  maxHostFreezesSeconds: bound(60, "one host accepts connections and never answers"),
  maxServiceDiesSeconds: bound(5, "a host's ingestion service dies (nginx fails over to the backup process)"),
  maxServiceFreezesSeconds: bound(10, "a host's ingestion service freezes (below the snippet's 10 s request timeout)"),
  maxHostStallsSeconds: bound(
    10,
    "a host stalls, both its service processes frozen under a connect storm (nginx answers 503 + Retry-After, which the snippet retries, before its 10 s request timeout)",
  ),
  maxConnectStormSeconds: bound(
    5,
    "a reconnect storm after a region failover reaches the surviving hosts (the connects beyond the accept queue wait out SYN resends): the snippet's 10 s request timeout less nginx's 5 s read timeout, so a client that waited to connect still has its answer",
  ),
  maxAzLostSeconds: bound(120, "an availability zone is lost"),
  maxRegionLostSeconds: bound(120, "a region is lost"),
  maxRegionLostSecondarySeconds: bound(1800, "a region is lost, for lookups Cloudflare answers: a person withdraws the region's records (docs/dns-region-loss.md)"),
  maxDnsPrimaryLostSeconds: bound(300, "the primary DNS provider stops answering (either DNS mode)"),
  maxCdnOriginFailsSeconds: bound(60, "the CDN's primary origin fails"),
  maxDatastorePrimaryFailsSeconds: bound(10, "the datastore's primary fails (below the snippet's 10 s request timeout)"),
  maxLibraryUnavailableSeconds: bound(60, "the snippet's library cannot load (how long a page's loader keeps trying before it keeps the events for the next page view)"),
  maxDeploySeconds: bound(0, "an instance refresh replaces a host (traffic sent to a host that stopped)"),
} satisfies Record<string, NumberBound>;

type BoundKey = keyof typeof recoveryTimeBounds;

/**
 * Each failure mode's row: the bound that judges it and the lesson its message names. Spools that
 * fill take the region out of the answers: the lost region's way, judged by its bound.
 */
export const recoveryRules: Record<FailureMode, { bound: BoundKey; lesson: Lesson }> = {
  hostDies: { bound: "maxHostDiesSeconds", lesson: "hostFailover" },
  hostFreezes: { bound: "maxHostFreezesSeconds", lesson: "hostFailover" },
  serviceDies: { bound: "maxServiceDiesSeconds", lesson: "hostFailover" },
  serviceFreezes: { bound: "maxServiceFreezesSeconds", lesson: "hostFailover" },
  hostStalls: { bound: "maxHostStallsSeconds", lesson: "hostFailover" },
  connectStorm: { bound: "maxConnectStormSeconds", lesson: "regionFailure" },
  azLost: { bound: "maxAzLostSeconds", lesson: "hostFailover" },
  regionLost: { bound: "maxRegionLostSeconds", lesson: "failoverTtl" },
  regionLostSecondary: { bound: "maxRegionLostSecondarySeconds", lesson: "failoverTtl" },
  dnsPrimaryLost: { bound: "maxDnsPrimaryLostSeconds", lesson: "nsTtl" },
  cdnOriginFails: { bound: "maxCdnOriginFailsSeconds", lesson: "snippetOnApiHosts" },
  datastorePrimaryFails: { bound: "maxDatastorePrimaryFailsSeconds", lesson: "datastoreConnections" },
  spoolFull: { bound: "maxRegionLostSeconds", lesson: "regionFailure" },
  libraryUnavailable: { bound: "maxLibraryUnavailableSeconds", lesson: "snippetOnApiHosts" },
  deploy: { bound: "maxDeploySeconds", lesson: "hostFailover" },
};

/**
 * One finding per failure mode whose worst figure exceeds its bound, on the resource of its dominant
 * term; a mode that takes the same way back under the same bound as one already reported (spools
 * that fill take a lost region's way) adds nothing and is left out.
 */
export function judgeRecoveryTime(report: RecoveryReport, bounds: Record<BoundKey, number>): Finding[] {
  const reported = new Set<string>();
  return worstByMode(report).flatMap((f) => {
    const key = recoveryRules[f.mode].bound;
    const limit = bounds[key];
    if (f.recoverySeconds <= limit) return [];
    const way = `${key} ${f.terms.map((t) => `${t.urn}:${t.seconds}`).join(" ")}`;
    if (reported.has(way)) return [];
    reported.add(way);
    const lost = f.eventsLost ? ` ${f.eventsLost.toLocaleString("en-US")} of ${f.eventsAtRisk!.toLocaleString("en-US")} events at risk expire before the snippet can resend them.` : "";
    const d = f.dominant;
    return [
      {
        urn: d.urn || f.terms.find((t) => t.urn)?.urn || "",
        subject: `${f.mode} ${f.scope}`,
        message:
          `When ${failureModeTitles[f.mode]} (${f.scope}), traffic is served again after ${f.recoverySeconds} s, above the ${limit} s bound (${key}).` +
          `${lost} Dominant term: ${d.label}, ${d.seconds} s (${d.source}). Smallest fix: ${smallestFix(f, limit)}. ${incidentNote(recoveryRules[f.mode].lesson)}`,
      },
    ];
  });
}

export const enforceRecoveryTime: StackValidationPolicy = {
  name: "enforce-recovery-time",
  description: "Each failure mode's worst-case recovery time, from the declared resources, stays within its bound (incidents 000-003).",
  enforcementLevel: "mandatory",
  configSchema: numberBoundsSchema(recoveryTimeBounds),
  validateStack: (args, reportViolation) => {
    const report = recoveryReport(args.resources.map(fromPolicyResource));
    for (const finding of judgeRecoveryTime(report, resolveBounds(recoveryTimeBounds, args.getConfig()))) reportFinding(reportViolation, finding);
  },
};
