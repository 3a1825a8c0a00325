/**
 * Report sections of the plan beyond the resource tree and the policy report: each capability
 * adds its own (capacity headroom, DNS answer sizes, alarms) here, computed from the plan.
 */
import type { Plan } from "../plan";
import { dnsAnswersSection, dnsRecordsSection } from "./dns";
import { alarmsSection } from "./alarms";
import { delegationSection } from "./delegation";
import { capacitySection, ingestRegionsSection } from "./ingest";
import { networkPathsSection } from "./network";
import { recoverySection } from "./recovery";
import { snippetCdnSection } from "./snippetCdn";
import { servingPathSection } from "./servingPath";

export interface PlanSection {
  title: string;
  /** Lines of the section; none to leave it out. */
  render(plan: Plan): string[];
}

export const planSections: PlanSection[] = [
  servingPathSection,
  delegationSection,
  ingestRegionsSection,
  capacitySection,
  networkPathsSection,
  dnsRecordsSection,
  dnsAnswersSection,
  snippetCdnSection,
  alarmsSection,
  recoverySection,
];
