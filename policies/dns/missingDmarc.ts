/**
 * missing-dmarc — mandatory.
 *
 * Every zone publishes one DMARC policy at `_dmarc.<apex>` in every provider that serves it, with
 * `p=reject` or `p=quarantine`; a zone whose apex MX is the null MX (`0 .`: it accepts and sends no
 * mail) rejects (`p=reject`) and publishes SPF `v=spf1 -all`. Without DMARC anyone can send mail
 * that claims to come from the domain and receivers have no policy to refuse it by; `p=none`
 * only asks for reports. Rationale and values: `models/dns/hygiene.ts` (RFC 7489, RFC 7505,
 * RFC 7208). Severity: medium. Catalog controls: none of Checkov, trivy or the AWS Security Hub
 * foundational controls checks DMARC records; no post-mortem applies.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { dmarcName, noMailSpf, nullMx } from "../../models/dns/hygiene";
import { txtStrings } from "../../models/dns/record";
import { zoneUrnOf, zoneViews } from "../../models/dns/zoneView";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";

const enforcing = new Set(["reject", "quarantine"]);

/** `v=DMARC1; p=reject; rua=…` → `reject`; undefined for a value that is not a DMARC policy. */
function dmarcPolicy(value: string): string | undefined {
  const text = txtStrings(value).join("");
  if (!/^v=DMARC1\s*(;|$)/.test(text)) return undefined;
  return /(?:^|;)\s*p=([a-z]+)/i.exec(text)?.[1]?.toLowerCase() ?? "";
}

/** Each provider zone without one enforcing DMARC policy, and each no-mail zone not locked down. */
export function judgeDmarc(resources: { type: string; inputs: Record<string, any>; urn?: string }[]): Finding[] {
  const findings: Finding[] = [];
  for (const view of zoneViews(resources)) {
    const zoneUrn = zoneUrnOf(resources, view);
    const name = `${dmarcName}.${view.apex}`;
    const subject = `${name} TXT (${view.provider})`;
    const txt = view.records.find((r) => r.name === name && r.type === "TXT");
    const policies = (txt?.values ?? []).map(dmarcPolicy).filter((p): p is string => p !== undefined);
    const urn = txt?.urns?.[0] ?? zoneUrn;
    const noMail = view.records.some((r) => r.name === view.apex && r.type === "MX" && r.values.length === 1 && r.values[0] === nullMx);
    const required = noMail ? "p=reject (the apex has a null MX: the domain sends no mail)" : "p=reject or p=quarantine";
    if (policies.length !== 1) {
      findings.push({
        urn,
        subject,
        message:
          `${name} (${view.provider}) has ${policies.length} DMARC policies, expected 1 with ${required}: ` +
          `${policies.length === 0 ? "receivers have no policy to refuse mail forged as the domain" : "receivers apply none when there are several (RFC 7489 §6.6.3)"}. ` +
          `Smallest fix: publish the record of edge:dns.mail.dmarc (v=DMARC1; p=reject) and no other.`,
      });
      continue;
    }
    const [policy] = policies;
    if (!enforcing.has(policy) || (noMail && policy !== "reject")) {
      findings.push({
        urn,
        subject,
        message: `${name} (${view.provider}) publishes p=${policy || "(missing)"}, expected ${required}: forged mail is not refused. Smallest fix: set edge:dns.mail.dmarc.policy to reject.`,
      });
    }
    if (noMail) {
      const spf = view.records.find((r) => r.name === view.apex && r.type === "TXT")?.values.filter((v) => /^v=spf1(\s|$)/i.test(txtStrings(v).join(""))) ?? [];
      if (spf.length !== 1 || txtStrings(spf[0]).join("") !== noMailSpf) {
        findings.push({
          urn: zoneUrn,
          subject: `${view.apex} SPF (${view.provider})`,
          message:
            `${view.apex} (${view.provider}) has a null MX (it sends no mail) but SPF ${spf.length === 0 ? "is missing" : spf.map((v) => JSON.stringify(v)).join(", ")}, expected exactly "${noMailSpf}": ` +
            `hosts may still pass SPF as the domain. Smallest fix: publish "${noMailSpf}" alone (edge:dns.mail.sends false), or declare the domain's mail servers and set edge:dns.mail.sends to true.`,
        });
      }
    }
  }
  return findings;
}

export const missingDmarc: StackValidationPolicy = {
  name: "missing-dmarc",
  description: "Every zone publishes one enforcing DMARC policy in each provider; a zone with a null MX rejects and publishes SPF -all.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeDmarc(asPlanned(args.resources))) reportFinding(reportViolation, finding);
  },
};
