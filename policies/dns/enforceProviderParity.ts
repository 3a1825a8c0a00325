/**
 * enforce-provider-parity — mandatory.
 *
 * The Cloudflare secondary serves the same names and types as the Route 53 primary, so a switch of
 * name servers (hot-standby) or a resolver asking either provider (active-active) gets the same
 * answer. Values must match too, except where the model says they differ: a Route 53 latency set
 * (one record per region, by set identifier) is matched by the union of its regions' values on
 * Cloudflare, which has no latency routing. ACM validation CNAMEs (`_<hash>.<name>` →
 * `*.acm-validations.aws`) live in Route 53 only, by design (components/certificate.ts), and are exempt.
 * Lesson `secondaryParity` of incident 001 (models/incidents.ts): the post-mortem asks for
 * hot-standby zones kept in sync, not a secondary configured by hand under attack.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { ProviderRecord, recordsFromResources } from "../../models/dns/compare";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";
import { incidentNote } from "../../models/incidents";

/** ACM's DNS validation records: Route 53 only, by design. */
/** An ACM certificate's DNS validation record: `_<token>.<name>` CNAME to `<token>.acm-validations.aws`. */
export function isAcmValidation(record: Pick<ProviderRecord, "type" | "name" | "values">): boolean {
  return record.type === "CNAME" && record.name.startsWith("_") && record.values.every((v) => v.endsWith(".acm-validations.aws"));
}

interface NameType {
  name: string;
  type: string;
  values: string[];
  urns: string[];
}

/** Each provider's records by `name type`, Route 53 alias answers as CNAMEs, latency sets merged. */
function served(records: ProviderRecord[], provider: string): Map<string, NameType> {
  const out = new Map<string, NameType>();
  for (const r of records) {
    if (r.provider !== provider || isAcmValidation(r)) continue;
    const aliased = r.values.every((v) => v.startsWith("alias:"));
    const type = aliased ? "CNAME" : r.type;
    const values = aliased ? r.values.map((v) => v.slice("alias:".length)) : r.values;
    const key = `${r.name} ${type}`;
    const entry = out.get(key) ?? { name: r.name, type, values: [], urns: [] };
    entry.values = [...new Set([...entry.values, ...values])].sort();
    entry.urns = [...new Set([...entry.urns, ...(r.urns ?? [])])].sort();
    out.set(key, entry);
  }
  return out;
}

/** Every parity problem between the two providers, one message each. */
/** Each name and type the providers serve differently, on the record that has it (the primary's when both do). */
export function judgeParity(records: ProviderRecord[]): Finding[] {
  const primary = served(records, "route53");
  const secondary = served(records, "cloudflare");
  if (secondary.size === 0 && primary.size === 0) return [];
  const problems: Finding[] = [];
  const finding = (r: NameType, message: string): Finding => ({ urn: r.urns[0] ?? "", subject: `${r.name} ${r.type}`, message });
  const fix = "DnsRecords renders every served record to both zones: declare it in edge:dns (or the component), never in one provider alone.";
  const incident = incidentNote("secondaryParity");
  for (const [key, p] of primary) {
    const s = secondary.get(key);
    if (!s) {
      problems.push(finding(p, `${p.name} ${p.type} is served by route53 but missing from cloudflare. ${fix} ${incident}`));
    } else if (p.values.join(" ") !== s.values.join(" ")) {
      problems.push(
        finding(p, `${p.name} ${p.type} differs: route53 serves [${p.values.join(", ")}], cloudflare serves [${s.values.join(", ")}]. ` + `Make both render from the same record. ${incident}`),
      );
    }
  }
  for (const [key, s] of secondary) {
    if (!primary.has(key)) problems.push(finding(s, `${s.name} ${s.type} is served by cloudflare but missing from route53. ${fix} ${incident}`));
  }
  return problems;
}

export const enforceProviderParity: StackValidationPolicy = {
  name: "enforce-provider-parity",
  description: "The Cloudflare secondary serves the same names, types and values as the Route 53 primary (incident 001).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeParity(recordsFromResources(asPlanned(args.resources)))) reportFinding(reportViolation, finding);
  },
};
