/**
 * disallow-proxied-records — mandatory. Incident 001: the secondary must answer what the primary
 * answers.
 *
 * No Cloudflare record is proxied (`proxied: true`). A proxied record is answered with
 * Cloudflare's own addresses, and Cloudflare terminates TLS for it with a certificate of its own
 * CAs; the zone's CAA lets only Amazon's CAs (ACM) issue, so that certificate cannot be issued and
 * every client resolving through Cloudflare gets a TLS failure on `api` and `cdn`, while Route 53
 * keeps answering with the stack's addresses. The two providers would no longer serve the same
 * zone (enforce-provider-parity compares values, not this flag). No catalog judges Cloudflare.
 */
import * as cloudflare from "@pulumi/cloudflare";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";

export function judgeProxied(record: string, type: string | undefined, proxied: unknown): string | undefined {
  if (proxied !== true) return undefined;
  return (
    `Cloudflare record ${record} (${type ?? "?"}) is proxied (proxied true; required false): Cloudflare answers it with its own addresses and terminates TLS with a certificate ` +
    `the zone's Amazon-only CAA forbids, so every client resolving through Cloudflare fails TLS, and the secondary no longer serves the primary's addresses. ` +
    `Set proxied: false. ${incidentNote("secondaryParity")}`
  );
}

export const disallowProxiedRecords: ResourceValidationPolicy = {
  name: "disallow-proxied-records",
  description: "No Cloudflare record is proxied: the secondary answers with the stack's own addresses, under the zone's CAA.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(cloudflare.DnsRecord, (record, args, reportViolation) => {
    const message = judgeProxied(record.name ?? args.name, record.type, record.proxied);
    if (message) reportViolation(message);
  }),
};
