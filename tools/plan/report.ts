/** The plan as a person reads it: resources by component and region, counts by type, policy results. */
import { waiverControls, waiversInPackConfig } from "../../policies/waivers";
import { rootStackType } from "./planJson";
import type { PlannedResource } from "./evaluate";
import type { Plan } from "./plan";
import { planSections } from "./sections";

function byParent(resources: PlannedResource[]): Map<string, PlannedResource[]> {
  const children = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  return children;
}

function label(r: PlannedResource): string {
  const where = r.region ? `  [${r.region}]` : "";
  return `${r.custom ? "+" : "□"} ${r.type}  ${r.name}${where}`;
}

/** Resources as a tree under their components, each top-level component's regions called out. */
export function renderTree(resources: PlannedResource[]): string[] {
  const children = byParent(resources);
  const lines: string[] = [];
  const walk = (r: PlannedResource, depth: number) => {
    lines.push(`${"  ".repeat(depth)}${label(r)}`);
    for (const child of children.get(r.urn) ?? []) walk(child, depth + 1);
  };
  const stack = resources.find((r) => r.type === rootStackType);
  for (const top of stack ? [stack] : resources.filter((r) => !r.parent)) walk(top, 0);
  return lines;
}

export function renderCounts(resources: PlannedResource[]): string[] {
  const counts = new Map<string, number>();
  for (const r of resources) if (r.custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const width = Math.max(0, ...[...counts.keys()].map((t) => t.length));
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type.padEnd(width)}  ${String(n).padStart(5)}`);
}

/** The waivers the policy config takes, each with its controls, reason, owner and review date. */
export function renderWaivers(plan: Plan): string[] {
  const taken = waiversInPackConfig(plan.policyConfig);
  if (taken.length === 0) return [];
  const lines = [`waivers in effect (${taken.length}, policies/waivers.ts):`];
  for (const { policy, waiver } of taken) {
    lines.push(`  ~ ${waiver.id} [${policy}] waives ${waiverControls(waiver).join(", ")} for ${waiver.covers.says}; owner ${waiver.owner}, review by ${waiver.reviewBy}`);
    lines.push(`      relies on (checked on this plan): ${waiver.condition.says}`);
    lines.push(`      ${waiver.reason}`);
  }
  return lines;
}

export function renderPolicyReport(plan: Plan): string[] {
  const { violations, policies, packName, packVersion } = plan.policy;
  const names = new Map(plan.resources.map((r) => [r.urn, `${r.type} ${r.name}`]));
  const lines = [`${packName} ${packVersion}: ${policies.length} policies`, ...renderWaivers(plan)];
  if (violations.length === 0) return [...lines, "no violations"];
  for (const level of ["mandatory", "advisory"] as const) {
    const found = violations.filter((v) => v.enforcementLevel === level);
    if (found.length === 0) continue;
    lines.push(`${level} (${found.length}):`);
    for (const v of found) {
      lines.push(`  ✗ [${v.policyName}] ${v.urn ? (names.get(v.urn) ?? v.urn) : "(stack)"}`);
      for (const line of v.message.split("\n")) lines.push(`      ${line}`);
    }
  }
  return lines;
}

function section(title: string, body: string[]): string[] {
  return ["", `== ${title} ==`, ...body];
}

export function renderPlan(plan: Plan): string {
  const custom = plan.resources.filter((r) => r.custom).length;
  const mandatory = plan.policy.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = plan.policy.violations.length - mandatory;
  const lines = [
    `Offline plan of stack '${plan.stack}' (${plan.configFile})`,
    `environment ${plan.config.environment} (from ${plan.environmentSource}), regions ${plan.config.regions.join(", ")}`,
    ...section("Resources", renderTree(plan.resources)),
    ...section("Counts by type", renderCounts(plan.resources)),
  ];
  for (const s of planSections) {
    const body = s.render(plan);
    if (body.length > 0) lines.push(...section(s.title, body));
  }
  lines.push(...section("Policies", renderPolicyReport(plan)));
  lines.push("", `${custom} resources to create; ${mandatory} mandatory and ${advisory} advisory policy violations`);
  return lines.join("\n") + "\n";
}
