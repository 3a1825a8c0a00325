/**
 * enforce-response-size — mandatory.
 *
 * Every answer a resolver can get from either provider fits in one UDP datagram: every name's own
 * types and a NODATA at it, every type a CNAME chain's end holds (TXT, MX, CAA, SRV as well as A
 * and AAAA) and NODATA through the chain (the chain and the SOA), chains followed inside the zone
 * (any length), wildcards asked at the longest name under them, the apex SOA and NS, NXDOMAIN
 * (with the SOA), and the additional section for in-zone MX, CNAME, NS and SRV targets. The limit is 512 bytes without EDNS
 * by default (RFC 1035), configurable (e.g. 1232 for stacks that accept EDNS-only clients: answers
 * are then sized with EDNS, the OPT record's 11 bytes included). Sizes come from the wire-size model
 * (models/dns/wireSize.ts), whose bytes tests check against NSD for every class of answer.
 *
 * Assumed behaviour: both providers send the authority NS records on every positive answer and the
 * additional records, and truncate (TC) when the whole does not fit: Route 53 as documented ("DNS
 * constraints and behaviors") and observed, with the worse reading where AWS does not say whether
 * additional records that do not fit are dropped or truncate; Cloudflare as the worst case. (NSD drops the authority section instead; the test compares the
 * model's NSD prediction to NSD.) A Route 53 latency set counts as its largest region; Cloudflare
 * serves every region's addresses.
 *
 * Lesson `responseSize` of incident 001 (models/incidents.ts): the secondary answered with every
 * regional address, which is why Cloudflare's answer counts every region.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { providerCapabilities } from "../../models/dns/providers";
import { AnswerSize, answerSizes, legacyUdpLimit, recordsToDrop, ZoneView } from "../../models/dns/wireSize";
import { zoneUrnOf, zoneViews } from "../../models/dns/zoneView";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";
import { incidentNote, lessons } from "../../models/incidents";

export const responseSizeBounds = {
  maxUdpAnswerBytes: {
    default: legacyUdpLimit,
    minimum: 512,
    maximum: 65535,
    description: "Largest authoritative answer, in bytes, over UDP (512: legacy resolvers, without EDNS; above 512, an EDNS size such as 1232, sized with the OPT record).",
  },
} satisfies Record<string, NumberBound>;

/** The smallest change that makes this answer fit, for its kind of answer. */
function smallestFix(size: AnswerSize, limit: number): string {
  const over = size.fullBytes - limit;
  const chain = size.cnames.length > 0 ? ` or remove the CNAME in front (${size.cnames.length === 1 ? "1 hop" : `${size.cnames.length} hops`})` : "";
  const wildcard = size.qname.length === 253 ? " (a wildcard: the answer repeats the question, up to 253 characters)" : "";
  // Answers that carry no records of the asked type (NODATA, NXDOMAIN, a CNAME asked for itself) are
  // over by the chain, the SOA and the targets' addresses the provider adds.
  if (size.kind !== "answer" || size.qtype === "CNAME") {
    const what =
      size.kind === "answer"
        ? "The CNAME answer is the question, the CNAME and the authority NS"
        : `A ${size.kind === "nxdomain" ? "NXDOMAIN" : "NODATA"} answer is the question${size.cnames.length > 0 ? ", the CNAME chain" : ""} and the zone's SOA`;
    const targets =
      size.additionalNames.length > 0
        ? `, and ${size.provider} adds the addresses of ${size.additionalNames.join(", ")} (${size.additionalRecords} records, sized as always sent): drop ${over} B of them (16 B an A record, 28 B an AAAA),`
        : ":";
    return `${what}${targets} shorten the names by ${over} B${chain}${wildcard}.`;
  }
  const drop = recordsToDrop(size, limit);
  if (Number.isNaN(drop)) {
    const what =
      size.qtype === "TXT"
        ? "Shorten the TXT values"
        : size.qtype === "MX" || size.qtype === "SRV"
          ? `Drop ${size.qtype} records or their in-zone targets' addresses`
          : "Shorten the names or drop records from this name";
    return `${what} by ${over} B${chain}${wildcard}.`;
  }
  return `Drop ${drop} ${size.qtype} record${drop === 1 ? "" : "s"} (${size.finalRecords} → ${size.finalRecords - drop})${chain}${
    size.provider === "cloudflare" ? ", e.g. fewer regions or availability zones: Cloudflare serves every region's addresses" : ""
  }${wildcard}.`;
}

/** The violation message of one answer over the limit: the query, the bytes, the limit and the smallest fix. */
export function responseSizeMessage(size: AnswerSize, limit: number): string {
  const through = size.cnames.length > 0 ? ` (through the CNAME ${size.cnames.join(" → ")})` : "";
  const transport = size.edns ? "over UDP with EDNS (its OPT record included)" : "over UDP without EDNS";
  const lesson = size.cnames.length > 0 ? `${incidentNote("responseSize").slice(0, -1)}; ${lessons.cnameBytes.lesson}.` : incidentNote("responseSize");
  return (
    `${size.query}${through} answered by ${size.provider} is ${size.fullBytes} B ${transport}, above the ${limit} B limit: ` + `resolvers without TCP retry fail. ${smallestFix(size, limit)} ${lesson}`
  );
}

/**
 * The record resource the answer starts from: the owner's record of the asked type, else the CNAME
 * in front, else any record of the owner (a wildcard's answer is owned by the wildcard, not the
 * long name asked; an NXDOMAIN by no record, so by the zone's first).
 */
function answerUrn(view: ZoneView, size: AnswerSize): string {
  const atOwner = view.records.filter((r) => r.name === size.owner);
  const record = atOwner.find((r) => r.type === size.qtype) ?? atOwner.find((r) => r.type === "CNAME") ?? atOwner[0];
  return record?.urns?.[0] ?? "";
}

/** Every answer over the limit in every provider's view of the zone, on the record it starts from (the zone's URN when no record is). */
export function judgeResponseSizes(resources: { type: string; inputs: Record<string, any>; urn?: string }[], limit: number): Finding[] {
  const findings: Finding[] = [];
  for (const view of zoneViews(resources)) {
    for (const size of answerSizes(view, providerCapabilities[view.provider].responses, limit)) {
      if (size.truncated) findings.push({ urn: answerUrn(view, size) || zoneUrnOf(resources, view), subject: `${size.query} (${size.provider})`, message: responseSizeMessage(size, limit) });
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
    let findings: Finding[];
    try {
      findings = judgeResponseSizes(asPlanned(args.resources), maxUdpAnswerBytes);
    } catch (err) {
      // A record the wire-size model cannot encode (a DS, say) is refused here rather than crashing
      // the pack, so the plan still reaches the policies that judge that record.
      reportViolation(
        `The zones' answers cannot be sized: ${(err as Error).message}, so no answer of either provider is known to fit in ${maxUdpAnswerBytes} B. ` +
          `Remove the record or give it a type the model sizes (models/dns/wireSize.ts). ${incidentNote("responseSize")}`,
      );
      return;
    }
    for (const finding of findings) reportFinding(reportViolation, finding);
  },
};
