/**
 * The stack-wide failure modes that are not a region's: the primary DNS provider lost, the CDN's
 * origin failing, the snippet's library unavailable.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes } from "../resourceTypes";
import { loaderGiveUpMs, loaderKey, loaderRetry, readLoaderTimeoutMs } from "../snippet/snippet";
import { byType, EventsModel, figure, nameOf, src, term } from "./figure";
import {
  cloudflareNameServerSuffix,
  cloudfrontOriginDefaults,
  parentNsTtlSeconds,
  resolverDiscardTimeoutSeconds,
  resolverServerTimeoutSeconds,
  route53NameServerCount,
  stubResendTimeoutSeconds,
} from "./services";
import type { DeclaredResource } from "../declaredResource";
import { RecoveryFigure } from "./types";

export function dnsFigure(resources: DeclaredResource[], events: EventsModel): RecoveryFigure | undefined {
  const records = byType(resources, resourceTypes.route53Record);
  const primaryZone = byType(resources, resourceTypes.route53Zone)[0];
  const secondaryZone = byType(resources, resourceTypes.cloudflareZone)[0];
  if (!primaryZone || !secondaryZone) return undefined;
  const apexNs = records.find((r) => r.inputs.type === "NS" && Array.isArray(r.inputs.records) && r.inputs.records.length > 0);
  const servers: string[] = apexNs ? apexNs.inputs.records.map(String) : [];
  const secondary = servers.filter((s) => s.replace(/\.$/, "").endsWith(cloudflareNameServerSuffix));
  const answerTtl = Math.max(0, ...records.filter((r) => r.inputs.type === "A" || r.inputs.type === "AAAA").map((r) => Number(r.inputs.ttl ?? 0)));
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
  const apexTtl = apexNs ? Number(apexNs.inputs.ttl ?? 0) : 0;
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

export function cdnFigures(resources: DeclaredResource[], events: EventsModel): RecoveryFigure[] {
  return byType(resources, resourceTypes.cloudfrontDistribution).flatMap((dist) => {
    const origins: any[] = Array.isArray(dist.inputs.origins) ? dist.inputs.origins : [];
    const groups: any[] = Array.isArray(dist.inputs.originGroups) ? dist.inputs.originGroups : [];
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

/**
 * The library cannot load (the CDN, or both origins, fail): each page's loader tries it, waiting
 * out its load timeout each time, then keeps the page's events in the library's stored queue for the
 * visitor's next page view. The figure is how long a page keeps trying; the events tracked meanwhile
 * are at risk and, stored in the browser, retried on the next page view (see the report's limits).
 */
export function libraryFigures(resources: DeclaredResource[], events: EventsModel): RecoveryFigure[] {
  return byType(resources, resourceTypes.s3BucketObjectv2)
    .filter((o) => o.inputs.key === loaderKey && typeof o.inputs.content === "string")
    .slice(0, 1)
    .flatMap((loader) => {
      const timeoutMs = readLoaderTimeoutMs(String(loader.inputs.content));
      if (timeoutMs === undefined) return [];
      const attempts = loaderRetry.retries + 1;
      return [
        figure(
          "libraryUnavailable",
          "snippet loader",
          [
            term(
              "the loader tries the library, each attempt waiting out its load timeout, then keeps the page's events for the next page view",
              loaderGiveUpMs(timeoutMs) / 1000,
              `${src(loader, `key=${loaderKey} TIMEOUT_MS=${timeoutMs}`)} × ${attempts} attempts + backoff ${loaderRetry.baseMs} ms doubling (models/snippet/snippet.ts loaderRetry)`,
              loader.urn,
              true,
              { fix: "lower the loader's load timeout (edge:cdn loadTimeoutMs)" },
            ),
          ],
          1,
          events,
          [
            "the events wait in the library's stored queue (localStorage) and are sent by the next page view that loads the library, each once by its insert id; cached copies of the library keep serving meanwhile",
          ],
        ),
      ];
    });
}
