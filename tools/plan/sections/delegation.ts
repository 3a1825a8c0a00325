/**
 * The plan's "Delegation" section: which deploy phase the stack is in, and what the registrar must
 * list before the edge can be built (models/dns/delegation.ts).
 */
import { delegationSteps } from "../../../models/dns/delegation";
import type { PlanSection } from "./index";

export const delegationSection: PlanSection = {
  title: "Delegation",
  render(plan) {
    const { delegation, primary, secondary } = plan.config.dns;
    const outputs = plan.stackOutputs as { registrarNameServers?: unknown };
    const servers = Array.isArray(outputs.registrarNameServers) ? outputs.registrarNameServers.map(String) : [];
    const adoptedZone = primary.existingZoneId !== undefined;
    const lines = [
      delegation === "pending"
        ? `Phase: pending. This deploy creates ${adoptedZone ? "the Cloudflare zone and adopts the Route 53 zone" : "the Route 53 delegation set and both zones"}, nothing else: certificates validate through the zone, so the edge waits until the registrar delegates to it.`
        : `Phase: delegated. The registrar must list these name servers (${secondary.mode}); certificates validate through the delegated zone.`,
      ...delegationSteps({ domain: plan.config.domain, phase: delegation, registrarNameServers: servers, adoptedZone }).map((step, i) => `  ${i + 1}. ${step}`),
    ];
    if (!adoptedZone) {
      lines.push(
        "A replaced Route 53 zone is deleted before its successor is created (one name per delegation set): the names it serves go dark until the new zone answers. The delegation set, and so the registrar's entry, stays.",
      );
    }
    return lines;
  },
};
