/**
 * disallow-foreign-addresses — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every A and AAAA record, in either provider, answers with an address the stack holds (an
 * Elastic IP it declares), or one the policy config lists as the team's own
 * (`externalAddresses`, reviewed under CODEOWNERS with the rest of policies/config). A literal
 * address the stack does not hold is whoever holds it now: an Elastic IP released back to AWS is
 * handed to another account, which then serves the zone's name, with certificates CAs issue to
 * it. Alias records and CNAMEs are disallow-dangling-records'. A value not known yet (before the
 * address is allocated) comes from a resource of the stack. Controls: policies/metadata.ts.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { normalizeName, recordsFromResources } from "../../models/dns/compare";
import { resourceTypes } from "../../models/resourceTypes";
import { Finding, reportFinding } from "../finding";
import { cite } from "../metadata";
import { asPlanned } from "./stackResources";

const name = "disallow-foreign-addresses";

/** The addresses the stack's resources hold (Elastic IPs' public and assigned addresses). */
function stackAddresses(resources: { type: string; inputs: Record<string, any> }[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (r.type !== resourceTypes.ec2Eip) continue;
    for (const key of ["publicIp", "address", "publicIpv6", "carrierIp"]) if (typeof r.inputs[key] === "string") out.add(r.inputs[key]);
  }
  return out;
}

/** Each A / AAAA record set with an address neither the stack holds nor the config lists. */
export function judgeForeignAddresses(resources: { type: string; inputs: Record<string, any>; urn?: string }[], externalAddresses: readonly string[]): Finding[] {
  // While an Elastic IP of the stack has no address yet, any address may be its: nothing is judged.
  if (resources.some((r) => r.type === resourceTypes.ec2Eip && typeof r.inputs.publicIp !== "string")) return [];
  const held = stackAddresses(resources);
  const listed = new Set(externalAddresses);
  const findings: Finding[] = [];
  for (const record of recordsFromResources(resources)) {
    if (record.type !== "A" && record.type !== "AAAA") continue;
    const foreign = record.values.filter((v) => !v.startsWith("alias:") && !held.has(v) && !listed.has(v));
    if (foreign.length === 0) continue;
    findings.push({
      urn: record.urns?.[0] ?? "",
      subject: `${normalizeName(record.name)} ${record.type} (${record.provider})`,
      message:
        `${record.name} ${record.type} (${record.provider}) answers with ${foreign.join(", ")}: ${foreign.length} address(es) no Elastic IP of the stack holds and the policy config ` +
        `does not list (expected 0). Whoever holds that address serves ${record.name}. Point the record at the stack's Elastic IPs (or alias the resource), or list the team's own ` +
        `address under externalAddresses in the policy config. ${cite(name, record.provider === "route53" ? "literalAddressRoute53" : "literalAddressCloudflare")}`,
    });
  }
  return findings;
}

export const disallowForeignAddresses: StackValidationPolicy = {
  name,
  description: "Every A and AAAA record answers with an Elastic IP of the stack, or an address the policy config lists as the team's own.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      externalAddresses: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Addresses the team holds outside this stack that A/AAAA records may answer with (each reviewed with the policy config).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const configured = args.getConfig<{ externalAddresses?: unknown }>().externalAddresses;
    const external = Array.isArray(configured) ? configured.filter((a): a is string => typeof a === "string") : [];
    for (const finding of judgeForeignAddresses(asPlanned(args.resources), external)) reportFinding(reportViolation, finding);
  },
};
