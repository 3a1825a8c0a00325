/**
 * missing-caa — mandatory.
 *
 * Every zone's apex holds a CAA record set in every provider that serves it, and its `issue` and
 * `issuewild` entries name only the certificate authorities the stack uses: Amazon's (ACM) or `;`
 * (none). Without CAA any public CA may issue for the domain once someone passes its domain check;
 * with another CA listed, that CA may. The two providers must agree, since a CA may ask either.
 * Rationale and values: `models/dns/hygiene.ts` (ACM user guide, "(Optional) Configure a CAA
 * record"; RFC 8659). Severity: medium. Catalog controls: none of Checkov, trivy or the AWS
 * Security Hub foundational controls checks CAA records; no post-mortem applies.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { amazonCaDomains } from "../../models/dns/hygiene";
import { parseCaa } from "../../models/dns/record";
import { zoneUrnOf, zoneViews } from "../../models/dns/zoneView";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";

const allowed: ReadonlySet<string> = new Set(amazonCaDomains);
const fix = `publish the apex CAA set of edge:dns.caa (${amazonCaDomains.map((ca) => `0 issue "${ca}"`).join(", ")}, 0 issuewild ";")`;

/** The CA domain of an `issue`/`issuewild` value (`amazon.com; accounturi=…` → `amazon.com`; `;` → empty). */
function caDomain(value: string): string {
  return value.split(";")[0].trim().toLowerCase();
}

/** Each provider zone whose apex has no CAA set, and each CAA entry that lets another CA issue. */
export function judgeCaa(resources: { type: string; inputs: Record<string, any>; urn?: string }[]): Finding[] {
  const findings: Finding[] = [];
  for (const view of zoneViews(resources)) {
    const zoneUrn = zoneUrnOf(resources, view);
    const caa = view.records.find((r) => r.name === view.apex && r.type === "CAA");
    if (!caa || caa.values.length === 0) {
      findings.push({
        urn: zoneUrn,
        subject: `${view.apex} CAA (${view.provider})`,
        message: `${view.apex} (${view.provider}) has no CAA record: any of the public CAs may issue certificates for it; the stack's certificates come from ACM only. Smallest fix: ${fix}.`,
      });
      continue;
    }
    const others = caa.values
      .map((v) => parseCaa(v))
      .filter((e): e is NonNullable<typeof e> => e !== undefined && (e.tag === "issue" || e.tag === "issuewild"))
      .filter((e) => caDomain(e.value) !== "" && !allowed.has(caDomain(e.value)));
    if (others.length > 0) {
      findings.push({
        urn: caa.urns?.[0] ?? zoneUrn,
        subject: `${view.apex} CAA (${view.provider})`,
        message:
          `${view.apex} CAA (${view.provider}) lets ${others.length} CA${others.length === 1 ? "" : "s"} outside the stack issue (${others.map((e) => `${e.tag} "${e.value}"`).join(", ")}); ` +
          `allowed: ${amazonCaDomains.join(", ")} or ";". Smallest fix: remove ${others.length === 1 ? "that entry" : "those entries"}.`,
      });
    }
  }
  return findings;
}

export const missingCaa: StackValidationPolicy = {
  name: "missing-caa",
  description: "Every zone apex has CAA records in each provider that let only ACM's CAs issue certificates.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeCaa(asPlanned(args.resources))) reportFinding(reportViolation, finding);
  },
};
