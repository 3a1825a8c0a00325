/**
 * The plan's Network paths section: per region, each flow the edge needs (open or closed, and
 * through what), the probes of paths that must stay closed, every path open beyond the needs, and
 * the limits the plan cannot change, from the same model the network path policies judge.
 */
import { reachabilityOfPlan, type Flow } from "../../../models/network/reachability";
import type { PlanSection } from "./index";

function flowLine(flow: Flow): string {
  const state = flow.open ? "open  " : "CLOSED";
  const how = flow.open ? `via ${flow.via.join(" → ")}` : `${flow.dropped!.summary}; fix: ${flow.dropped!.fix}`;
  return `  ${state}  ${flow.name} ${flow.detail}: ${how}`;
}

export const networkPathsSection: PlanSection = {
  title: "Network paths",
  render(plan) {
    const result = reachabilityOfPlan(plan.resources);
    const lines: string[] = [];
    for (const region of result.regions) {
      const open = region.flows.filter((f) => f.open).length;
      lines.push(`${region.region} (VPC ${region.vpc} ${region.network.vpc.cidr}): ${open} of ${region.flows.length} needed flows open, ${region.extras.length} paths open beyond them`);
      lines.push(...region.flows.map(flowLine));
      const passing = region.probes.filter((p) => p.networkOpen);
      lines.push(`  closed by design (${region.probes.length - passing.length} of ${region.probes.length} probes closed):`);
      for (const probe of region.probes) {
        lines.push(`    ${probe.networkOpen ? "OPEN  " : "closed"}  ${probe.name} ${probe.detail}${probe.dropped ? `: ${probe.dropped.summary}` : ""}`);
      }
      if (region.extras.length > 0) {
        lines.push(`  open beyond the needs:`);
        for (const extra of region.extras) lines.push(`    ✗ ${extra.what}`);
      }
      for (const limit of region.limits) lines.push(`  limit: ${limit}`);
    }
    for (const u of result.unjudged) lines.push(`not judged: ${u.message}`);
    return lines;
  },
};
