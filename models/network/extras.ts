/**
 * What a region opens beyond the flows its fleet needs: security group rules, routes, endpoints,
 * endpoint policies and host role statements no needed flow uses (or wider than it needs), each
 * judged on the region's model once its flows have been traced.
 *
 * Pure module: no Pulumi imports.
 */
import { bundleCalls, hostApis, type HostCallContext } from "../ingestRegion/egress";
import { cidrContains } from "./cidr";
import { describeTarget } from "./graph";
import { describeStatement, excessOf } from "./policyDocuments";
import { ExtraPath, RegionReachability } from "./flowModel";
import { RegionModel, describeRule } from "./regionModel";

/** Rules, routes, endpoints and policies open beyond the needed flows. */
export function extrasOf(model: RegionModel, report: RegionReachability, ctx: HostCallContext): { extras: ExtraPath[]; limits: string[] } {
  const extras: ExtraPath[] = [...probeExtras(report), ...ruleExtras(model, report), ...routeExtras(model, report)];
  const limits: string[] = [];
  endpointExtras(model, report, ctx, extras, limits);
  extras.push(...roleExtras(report, ctx));
  return { extras, limits };
}

/** Probes (paths nothing needs) the network leaves open. */
function probeExtras(report: RegionReachability): ExtraPath[] {
  const region = report.network.region;
  return report.probes
    .filter((p) => p.networkOpen)
    .map((probe) => ({
      region,
      kind: "probe",
      urn: probe.source.groups[0] ?? probe.source.urn,
      what: `${probe.name} ${probe.detail} is open: ${probe.via.join("; ")}`,
      broadest: probe.via.join("; "),
    }));
}

/** Rules of the members' security groups no needed flow uses, or wider (ports or CIDR) than the flows using them. */
function ruleExtras(model: RegionModel, report: RegionReachability): ExtraPath[] {
  const { network, fleet } = report;
  const region = network.region;
  const extras: ExtraPath[] = [];
  const memberGroups = new Set([...fleet.groups, ...network.loadBalancers.flatMap((l) => l.groups), ...network.endpoints.flatMap((e) => e.groups)]);
  for (const group of network.groups.filter((g) => memberGroups.has(g.urn))) {
    for (const rule of group.rules) {
      const used = model.usedRules.get(rule);
      if (!used) {
        extras.push({ region, kind: "security group rule", urn: rule.urn, what: `${describeRule(rule, model.names)}: no flow the edge needs uses it`, broadest: describeRule(rule, model.names) });
        continue;
      }
      const ports = [...used.ports];
      const widerPorts =
        rule.protocol === "-1" || rule.fromPort < Math.min(...ports) || rule.toPort > Math.max(...ports) || (rule.toPort - rule.fromPort + 1 > ports.length && rule.fromPort !== rule.toPort);
      const cidrs = [...used.cidrs];
      const widerCidr = rule.cidr !== undefined && cidrs.length > 0 && !cidrs.some((c) => c === rule.cidr || cidrContains(c, rule.cidr!));
      if (widerPorts || widerCidr) {
        extras.push({
          region,
          kind: "security group rule",
          urn: rule.urn,
          what: `${describeRule(rule, model.names)} is wider than the flows using it need (${[widerPorts ? `tcp ${ports.sort((a, b) => a - b).join(", ")}` : "", widerCidr ? cidrs.join(", ") : ""].filter(Boolean).join(" to ")})`,
          broadest: describeRule(rule, model.names),
        });
      }
    }
  }
  return extras;
}

/** Routes of the members' route tables no needed flow takes. */
function routeExtras(model: RegionModel, report: RegionReachability): ExtraPath[] {
  const { network, fleet } = report;
  const region = network.region;
  const extras: ExtraPath[] = [];
  const tables = new Set(
    [...fleet.subnets, ...network.loadBalancers.flatMap((l) => l.subnets), ...network.endpoints.flatMap((e) => e.subnets)]
      .map((s) => network.subnets.find((x) => x.urn === s)?.routeTable)
      .filter(Boolean),
  );
  for (const table of network.routeTables.filter((t) => tables.has(t.urn))) {
    for (const route of table.routes) {
      if (model.usedRoutes.has(route)) continue;
      const dest = "cidr" in route.destination ? route.destination.cidr : `prefix list ${model.nameOf(route.destination.prefixList)}`;
      const what = `route table ${table.name}: ${dest} → ${describeTarget(route.target, model.names)} (${route.label})`;
      extras.push({ region, kind: "route", urn: route.urn, what: `${what}: no flow the edge needs takes it`, broadest: what });
    }
  }
  return extras;
}

/** Endpoints no needed flow calls, and endpoint policies allowing more than the hosts' calls (or none, where a policy is supported); what cannot have a policy goes to `limits`. */
function endpointExtras(model: RegionModel, report: RegionReachability, ctx: HostCallContext, extras: ExtraPath[], limits: string[]): void {
  const { network } = report;
  const region = network.region;
  for (const endpoint of network.endpoints) {
    const api = hostApis.find((a) => a.service === endpoint.service);
    const used = model.usedEndpoints.has(endpoint.urn);
    if (!used) {
      extras.push({
        region,
        kind: "endpoint",
        urn: endpoint.urn,
        what: `endpoint ${endpoint.name} (${endpoint.service}): no flow the edge needs calls it`,
        broadest: `${endpoint.type} endpoint ${endpoint.service}`,
      });
      continue;
    }
    const calls = endpoint.type === "Gateway" ? bundleCalls(ctx) : (api?.calls(ctx) ?? []).filter((c) => c.throughEndpoint !== false);
    const supported = endpoint.type === "Gateway" || api?.endpointPolicy.supported === true;
    if (endpoint.policy === undefined) {
      if (supported) {
        extras.push({
          region,
          kind: "endpoint policy",
          urn: endpoint.urn,
          what: `endpoint ${endpoint.name} has no policy: AWS's default admits every action on every resource, by principals of any account`,
          broadest: `Allow Principal "*", Action "*", Resource "*" (the default endpoint policy)`,
        });
      } else if (api && !api.endpointPolicy.supported) {
        limits.push(`endpoint ${endpoint.name} (${endpoint.service}) admits every request its security group admits: ${api.endpointPolicy.reason}`);
      }
      continue;
    }
    if (typeof endpoint.policy === "string") {
      extras.push({ region, kind: "endpoint policy", urn: endpoint.urn, what: `the policy of endpoint ${endpoint.name} ${endpoint.policy}: it cannot be judged`, broadest: "(unreadable)" });
      continue;
    }
    const excess = excessOf(endpoint.policy, calls, ctx.accountId);
    if (excess.length > 0) {
      extras.push({
        region,
        kind: "endpoint policy",
        urn: endpoint.urn,
        what: `endpoint ${endpoint.name}'s policy allows more than the hosts' ${[...new Set(calls.map((c) => c.action))].join(", ")}: ${excess[0]!.reasons.join("; ")}`,
        broadest: describeStatement(excess[0]!.statement),
      });
    }
  }
}

/** Statements of the host role granting more than the hosts' calls need. */
function roleExtras(report: RegionReachability, ctx: HostCallContext): ExtraPath[] {
  const { network, fleet } = report;
  const region = network.region;
  const extras: ExtraPath[] = [];
  if (!fleet.role) return extras;
  const needed = [...hostApis.flatMap((a) => a.calls(ctx)), ...bundleCalls(ctx)];
  for (const doc of fleet.role.documents) {
    if (typeof doc.statements === "string") {
      extras.push({ region, kind: "role", urn: doc.urn, what: `${doc.label} of role ${fleet.role.name} ${doc.statements}: what it grants cannot be judged`, broadest: doc.label });
      continue;
    }
    const excess = excessOf(doc.statements, needed);
    if (excess.length > 0) {
      extras.push({
        region,
        kind: "role",
        urn: doc.urn,
        what: `${doc.label} of role ${fleet.role.name} allows more than the hosts' calls need: ${excess[0]!.reasons.join("; ")}`,
        broadest: describeStatement(excess[0]!.statement),
      });
    }
  }
  return extras;
}
