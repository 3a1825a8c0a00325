/**
 * enforce-response-size — mandatory.
 *
 * Every answer a resolver can get from either provider (A and AAAA of every name, through each
 * CNAME followed inside the zone) fits in one UDP datagram without EDNS: 512 bytes by default
 * (RFC 1035), configurable (e.g. 1232 for stacks that accept EDNS-only clients). Sizes come from the
 * wire-size model (models/dns/wireSize.ts), whose bytes a test checks against NSD.
 *
 * Assumed behaviour: both providers send the authority NS records on every positive answer and
 * truncate (TC) when the whole does not fit: Route 53 as documented and observed, Cloudflare as the
 * worst case of what it documents. (NSD drops the authority section instead; the test compares the
 * model's NSD prediction to NSD.) A Route 53 latency set counts as its largest region; Cloudflare
 * serves every region's addresses.
 *
 * Incident 001: the secondary answered with every regional address, answers passed 512 bytes and
 * resolvers without TCP retry failed; a CNAME in front of the name added 32 bytes more.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { providerCapabilities } from "../../models/dns/providers";
import { AnswerSize, answerSizes, legacyUdpLimit, recordsToDrop, ZoneView } from "../../models/dns/wireSize";
import { zoneViews } from "../../models/dns/zoneView";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";

export const responseSizeBounds = {
  maxUdpAnswerBytes: {
    default: legacyUdpLimit,
    minimum: 512,
    maximum: 65535,
    description: "Largest authoritative answer, in bytes, over UDP without EDNS (512: legacy resolvers; 1232 for EDNS-only).",
  },
} satisfies Record<string, NumberBound>;

/** The violation message of one answer over the limit. */
export function responseSizeMessage(size: AnswerSize, limit: number): string {
  const drop = recordsToDrop(size, limit);
  const through = size.cnames.length > 0 ? ` (through the CNAME ${size.cnames.join(" → ")})` : "";
  const fix = Number.isNaN(drop)
    ? "Shorten the names or drop records from this name."
    : `Drop ${drop} ${size.qtype} record${drop === 1 ? "" : "s"} (${size.finalRecords} → ${size.finalRecords - drop})${
        size.cnames.length > 0 ? " or remove the CNAME in front" : ""
      }${size.provider === "cloudflare" ? ", e.g. fewer regions or availability zones: Cloudflare serves every region's addresses" : ""}.`;
  return (
    `${size.query}${through} answered by ${size.provider} is ${size.fullBytes} B over UDP without EDNS, above the ${limit} B limit: ` +
    `resolvers without TCP retry fail. ${fix} Incident 001: answers past 512 bytes broke legacy clients; a CNAME added 32 bytes more.`
  );
}

/** The record resource at the queried name (of the queried type, or the CNAME in front), which the answer starts from. */
function answerUrn(view: ZoneView, size: AnswerSize): string {
  const atName = view.records.filter((r) => r.name === size.qname);
  const record = atName.find((r) => r.type === size.qtype) ?? atName.find((r) => r.type === "CNAME") ?? atName[0];
  return record?.urns?.[0] ?? "";
}

/** Every answer over the limit in every provider's view of the zone, on the record it starts from. */
export function judgeResponseSizes(resources: { type: string; inputs: Record<string, any>; urn?: string }[], limit: number): Finding[] {
  const findings: Finding[] = [];
  for (const view of zoneViews(resources)) {
    for (const size of answerSizes(view, providerCapabilities[view.provider].responses, limit)) {
      if (size.truncated) findings.push({ urn: answerUrn(view, size), subject: `${size.query} (${size.provider})`, message: responseSizeMessage(size, limit) });
    }
  }
  return findings;
}

export const enforceResponseSize: StackValidationPolicy = {
  name: "enforce-response-size",
  description: "Every DNS answer of both providers fits in a UDP datagram without EDNS (incident 001).",
  enforcementLevel: "mandatory",
  configSchema: numberBoundsSchema(responseSizeBounds),
  validateStack: (args, reportViolation) => {
    const { maxUdpAnswerBytes } = resolveBounds(responseSizeBounds, args.getConfig());
    for (const finding of judgeResponseSizes(asPlanned(args.resources), maxUdpAnswerBytes)) reportFinding(reportViolation, finding);
  },
};
