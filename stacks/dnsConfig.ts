/**
 * The DNS and CDN sections of the stack configuration (`edge:dns`, `edge:cdn`): the two providers'
 * zones and the snippet's CDN.
 *
 * Pure module: no Pulumi imports.
 */
import { z } from "zod";
import { cloudflarePlans, delegationPhases } from "../models/dns/delegation";
import { maxCnameChainLimit } from "../models/dns/zoneRules";
import { awsRegion, recordSchema, relativeName, ttlSeconds } from "./configFields";

export const dnsConfig = z
  .strictObject({
    ttl: ttlSeconds.default(60).describe("TTL of the records traffic fails over through (incident 000: a one-day TTL blocked the move)."),
    ingestName: relativeName.default("api").describe("Name of the ingestion endpoint in the zone."),
    aliases: z
      .array(
        z.strictObject({
          name: relativeName.describe("The alias name, e.g. `decide`."),
          target: relativeName.describe("The in-zone name it points at, e.g. `api`."),
        }),
      )
      .default([])
      .describe("CNAMEs in front of in-zone names (incident 001: a CNAME adds bytes to the answer)."),
    records: z.array(recordSchema).default([]).describe("Further records served by both providers."),
    mail: z
      .strictObject({
        sends: z
          .boolean()
          .default(false)
          .describe(
            "Whether any host sends mail as the domain. `false` publishes a null MX (`0 .`, RFC 7505) and SPF `v=spf1 -all`, so nobody can send as it; `true` leaves MX and SPF to `edge:dns.records`.",
          ),
        dmarc: z
          .strictObject({
            policy: z.enum(["reject", "quarantine"]).default("reject").describe("DMARC policy published at `_dmarc` (`p=`); a domain that sends no mail must reject."),
            reportUri: z
              .string()
              .regex(/^mailto:[^\s;,]+@[^\s;,]+$/, "expected a mailto: address such as mailto:dmarc@example.com")
              .optional()
              .meta({ defaultText: "no reports" })
              .describe("Where receivers send DMARC aggregate reports (`rua=`)."),
          })
          .prefault({})
          .describe("The DMARC record at `_dmarc`, published whether or not the domain sends mail."),
      })
      .prefault({})
      .describe("Mail policy records of the domain (DMARC, and for a domain that sends no mail a null MX and SPF `-all`)."),
    caa: z
      .strictObject({
        iodef: z
          .string()
          .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, "expected a mailto: address or an https:// URL")
          .optional()
          .meta({ defaultText: "no iodef record" })
          .describe("Where CAs report certificate requests the CAA records refuse (`iodef`, RFC 8659 §4.4)."),
      })
      .prefault({})
      .describe("CAA records at the apex: only Amazon's CAs (ACM) may issue certificates for the domain, and no CA a wildcard."),
    maxCnameChainLength: z
      .number()
      .int()
      .min(1)
      .max(maxCnameChainLimit)
      .default(4)
      .describe("Longest chain of in-zone CNAMEs a name may go through; every hop is one record more in each answer (incident 001: a CNAME in front added 32 bytes)."),
    delegation: z
      .enum(delegationPhases)
      .default("pending")
      .describe(
        "Deploy phase of a new zone: `pending` creates the delegation set and the zones only, and the plan prints what to set at the registrar; `delegated` builds the edge once the registrar lists the name servers (ACM validates through the zone, so certificates wait on the delegation).",
      ),
    primary: z
      .strictObject({
        existingZoneId: z
          .string()
          .regex(/^Z[0-9A-Z]{1,31}$/, "expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
          .optional()
          .meta({ defaultText: "a new zone on a reusable delegation set" })
          .describe(
            "Hosted zone id of a zone Route 53 already serves for `edge:domain`: the edge uses it instead of creating a second (it keeps its own name servers; an existing zone cannot join a delegation set).",
          ),
      })
      .prefault({})
      .describe("The Route 53 primary zone."),
    secondary: z
      .strictObject({
        accountId: z
          .string()
          .regex(/^[0-9a-f]{32}$/, "expected a 32-character hex Cloudflare account id")
          .describe("Cloudflare account that holds the secondary zone."),
        mode: z
          .enum(["hot-standby", "active-active"])
          .default("active-active")
          .describe(
            "`active-active` lists Cloudflare's name servers at the registrar beside Route 53's (Cloudflare multi-provider DNS), so resolvers already use both when one stops answering; `hot-standby` keeps the zone in sync but unlisted, and a failover waits on a registrar change.",
          ),
        plan: z
          .enum(cloudflarePlans)
          .default("free")
          .describe(
            "The Cloudflare plan of the zone. A `free` zone that stays pending (hot-standby: the registrar does not list it) is deleted after 28 days, and a new one gets new name servers; paid plans stay pending.",
          ),
      })
      .describe("The secondary DNS provider (incident 001: hot-standby zones on a second provider)."),
  })
  .describe("DNS on two providers: Route 53 primary, Cloudflare secondary.");

export const cdnConfig = z
  .strictObject({
    hostname: relativeName.default("cdn").describe("Name of the snippet CDN in the zone."),
    snippetFile: z.string().min(1).default("assets/snippet/loader.js").describe("Path of the JavaScript loader snippet, relative to the project."),
    libraryFile: z.string().min(1).default("assets/snippet/edge.js").describe("Path of the snippet library the loader fetches, relative to the project; served at `/v<semver>/edge.<hash>.js`."),
    collectorPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\/-]*$/, "expected a URL path starting with /")
      .default("/track")
      .describe("Path on the ingestion host (`edge:dns.ingestName`) the library sends events to."),
    loadTimeoutMs: z
      .number()
      .int()
      .min(500)
      .max(30000)
      .default(4000)
      .describe("Milliseconds the loader waits for the library before it gives up on an attempt and retries later; events stay queued (incident 000)."),
    replicaRegion: awsRegion.optional().meta({ defaultText: "the second of `edge:regions`" }).describe("Region of the origin's replica bucket; must differ from the first of `edge:regions`."),
  })
  .prefault({})
  .describe("The CDN that serves the JavaScript snippet apart from the API hosts (incident 000).");
