/**
 * disallow-half-signed-zone — mandatory.
 *
 * While a zone is held by both providers (Route 53 and Cloudflare, in active-active or hot-standby)
 * it stays unsigned: no Route 53 key-signing key or DNSSEC signing, no Cloudflare DNSSEC, no DS
 * record in the zone or at the registrar. A zone served by two providers validates only if every
 * provider publishes every signer's keys (RFC 8901 §2, multi-signer models 1 and 2); Route 53 has no
 * DNSKEY record type and signs only with its own keys (the capability table,
 * `models/dns/providers.ts`, `multiSignerDnssec`), so one provider's answers would fail validation
 * wherever the DS points at the other's key: validating resolvers answer SERVFAIL for the provider
 * meant to carry the zone when the other is down. docs/design/dns.md (Zone hygiene) sets out the
 * trade-off and its sources. Severity: high. Catalog controls: Checkov's DNSSEC-signing rule asks the
 * opposite; enable-dnssec-signing judges it, and this policy is why the stack takes the waiver
 * `dnssec-two-providers` (policies/waivers.ts). Lesson `secondaryParity` of incident 001 (models/incidents.ts).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { normalizeName, recordsFromResources } from "../../models/dns/compare";
import { providerCapabilities } from "../../models/dns/providers";
import { zoneViews } from "../../models/dns/zoneView";
import { incidentNote } from "../../models/incidents";
import { resourceTypes } from "../../models/resourceTypes";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";

/** Why a resource signs (or delegates trust to) a zone; undefined when it does not. */
function signing(resource: { type: string; inputs: Record<string, any> }): string | undefined {
  const { type, inputs } = resource;
  if (type === resourceTypes.route53KeySigningKey && String(inputs.status ?? "ACTIVE").toUpperCase() === "ACTIVE") return "an active Route 53 key-signing key";
  if (type === resourceTypes.route53HostedZoneDnsSec && String(inputs.signingStatus ?? "SIGNING").toUpperCase() === "SIGNING") return "Route 53 DNSSEC signing";
  if (type === resourceTypes.cloudflareZoneDnssec && String(inputs.status ?? "").toLowerCase() === "active") return "Cloudflare DNSSEC (status active)";
  if (type === resourceTypes.route53domainsDelegationSignerRecord) return "a DS record at the registrar (Route 53 Domains)";
  return undefined;
}

/** Each resource or DS record that would sign, or point trust at, a zone both providers hold. */
export function judgeHalfSignedZones(resources: { type: string; inputs: Record<string, any>; urn?: string }[]): Finding[] {
  const views = zoneViews(resources);
  const apexes = [...new Set(views.map((v) => v.apex))].filter((apex) => new Set(views.filter((v) => v.apex === apex).map((v) => v.provider)).size > 1);
  if (apexes.length === 0) return [];
  const held = (name: string) => apexes.find((apex) => name === apex || name.endsWith(`.${apex}`));
  const why = providerCapabilities.route53.cannot.multiSignerDnssec!.reason;
  const fix = "Smallest fix: remove it; DNSSEC stays off while Route 53 and Cloudflare both hold the zone (docs/design/dns.md, DNSSEC).";
  const incident = incidentNote("secondaryParity");
  const findings: Finding[] = [];
  for (const resource of resources) {
    const what = signing(resource);
    if (!what) continue;
    const name = typeof resource.inputs.domainName === "string" ? normalizeName(resource.inputs.domainName) : undefined;
    // Keys and settings name their zone by id; with one zone per provider a stack holding both signs a held zone.
    const apex = (name && held(name)) ?? (name ? undefined : apexes[0]);
    if (!apex) continue;
    findings.push({
      urn: resource.urn ?? "",
      subject: `${apex} DNSSEC`,
      message: `${what} for ${apex}, which 2 providers hold (a signed zone allows 1 unless every provider publishes every signer's keys): ${why}. ${fix} ${incident}`,
    });
  }
  for (const record of recordsFromResources(resources)) {
    const apex = record.type === "DS" ? held(record.name) : undefined;
    if (!apex) continue;
    findings.push({
      urn: record.urns?.[0] ?? "",
      subject: `${record.name} DS (${record.provider})`,
      message: `${record.name} DS (${record.provider}): a DS record in ${apex}, which 2 providers hold and which therefore stays unsigned (a DS in an unsigned zone cannot be validated; signing allows 1 provider): ${why}. ${fix} ${incident}`,
    });
  }
  return findings;
}

export const disallowHalfSignedZone: StackValidationPolicy = {
  name: "disallow-half-signed-zone",
  description: "DNSSEC stays off while Route 53 and Cloudflare both hold the zone: Route 53 cannot take part in multi-signer DNSSEC (RFC 8901).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeHalfSignedZones(asPlanned(args.resources))) reportFinding(reportViolation, finding);
  },
};
