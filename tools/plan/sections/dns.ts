/** Plan sections of the DNS: each provider's records, and every answer's size with its headroom. */
import { providerCapabilities } from "../../../models/dns/providers";
import { answerSizes, legacyUdpLimit, roomFor } from "../../../models/dns/wireSize";
import { zoneViews } from "../../../models/dns/zoneView";
import { acmValidationName } from "../../../models/dns/zoneRules";
import { resolveBounds } from "../../../policies/config";
import { enforceResponseSize, responseSizeBounds } from "../../../policies/dns/enforceResponseSize";
import type { Plan } from "../plan";
import type { PlanSection } from "./index";

function views(plan: Plan) {
  return zoneViews(plan.resources.map((r) => ({ type: r.type, inputs: r.outputs as Record<string, any> })));
}

/** ACM validation names (`_<hash>.…`) are left out of the tables: they are not asked by clients. */
const isValidationName = (name: string) => acmValidationName.test(name);

export const dnsRecordsSection: PlanSection = {
  title: "DNS records",
  render(plan) {
    const lines: string[] = [];
    for (const view of views(plan)) {
      const validations = view.records.filter((r) => isValidationName(r.name)).length;
      lines.push(`${view.provider} (${view.apex}, ${view.nameServers.length} NS)${validations ? `, plus ${validations} ACM validation records` : ""}:`);
      for (const r of view.records.filter((x) => !isValidationName(x.name))) {
        const set = r.setId ? ` [${r.setId}]` : "";
        lines.push(`  ${r.name} ${r.ttl ?? "alias"} ${r.type}${set} ${r.values.join(" ")}`);
      }
    }
    return lines;
  },
};

/** The answer-size limit the response-size policy judged with: its configured bound or its default. */
function answerLimit(plan: Plan): number {
  const configured = plan.policyConfig[enforceResponseSize.name];
  return resolveBounds(responseSizeBounds, typeof configured === "object" ? configured : {}).maxUdpAnswerBytes;
}

export const dnsAnswersSection: PlanSection = {
  title: "DNS answers",
  render(plan) {
    const limit = answerLimit(plan);
    const lines: string[] = [];
    for (const view of views(plan)) {
      const behaviour = providerCapabilities[view.provider].responses;
      const transport = limit > legacyUdpLimit ? "UDP with EDNS, OPT record" : "UDP without EDNS";
      lines.push(`${view.provider} (${transport}, authority NS included${providerCapabilities[view.provider].certainty === "worst-case" ? ", worst case" : ""}; limit ${limit} B):`);
      for (const size of answerSizes(view, behaviour, limit).filter((s) => !isValidationName(s.qname))) {
        const { label } = size;
        const via = size.cnames.length > 0 ? " (via CNAME)" : "";
        const room = size.truncated
          ? `OVER the limit by ${size.fullBytes - limit} B`
          : size.bytesPerRecord > 0
            ? `room for ${roomFor(size, limit)} more ${size.qtype} records`
            : `${limit - size.bytes} B headroom`;
        lines.push(`  ${label}${via}: ${size.fullBytes} B, ${room}`);
      }
    }
    return lines;
  },
};
