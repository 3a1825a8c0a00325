/**
 * One region's planned network as a model that judges a flow hop by hop: routes, security groups,
 * network ACLs, listeners and endpoints, recording the rules and routes each open flow used.
 *
 * Pure module: no Pulumi imports.
 */
import { type HostCall, type HostCallContext } from "../ingestRegion/egress";
import { cidrContains, isNetworkAddress, longestPrefixMatch } from "./cidr";
import { describeTarget, inVpc, namesOf, type HostFleetNetwork, type Nacl, type RouteEntry, type SecurityGroupRule, type Subnet, type VpcEndpoint, type VpcNetwork } from "./graph";
import { allowsCall } from "./policyDocuments";
import { Flow, Hop, Member, Target, internetServerAddress, linuxEphemeral } from "./flowModel";

const covers = (range: { fromPort: number; toPort: number }, port: number) => range.fromPort <= port && port <= range.toPort;
const coversRange = (outer: { fromPort: number; toPort: number }, inner: { fromPort: number; toPort: number }) => outer.fromPort <= inner.fromPort && inner.toPort <= outer.toPort;
const tcpOrAll = (protocol: string) => protocol === "tcp" || protocol === "-1";

export function describeRule(rule: SecurityGroupRule, names: Map<string, string>): string {
  const ports = rule.protocol === "-1" ? "every protocol and port" : rule.fromPort === rule.toPort ? `${rule.protocol} ${rule.fromPort}` : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
  const peer = rule.cidr ?? (rule.groupRef ? `security group ${names.get(rule.groupRef) ?? rule.groupRef}` : `prefix list ${names.get(rule.prefixList ?? "") ?? rule.prefixList}`);
  return `${rule.label}: ${rule.direction} ${ports} ${rule.direction === "egress" ? "to" : "from"} ${peer}`;
}

function targetLabel(target: Target): string {
  switch (target.kind) {
    case "member":
      return target.member.label;
    case "network":
      return target.cidr;
    default:
      return target.label;
  }
}

/** The blocks a target's addresses may lie in. */
function targetCidrs(target: Target): string[] {
  switch (target.kind) {
    case "member":
      return target.member.subnets.map((s) => s.cidr);
    case "network":
      return [target.cidr];
    case "prefix list":
      return [`${internetServerAddress}/32`];
    case "internet":
      return [`${target.address}/32`];
  }
}

export function naclAllows(nacl: Nacl | undefined, egress: boolean, port: number | { fromPort: number; toPort: number }, peers: string[]): boolean {
  // No ACL of the plan on the subnet: the VPC's default ACL, which allows everything both ways.
  if (!nacl) return true;
  const entries = nacl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  return peers.every((peer) => {
    const hit = entries.find((e) => tcpOrAll(e.protocol) && (typeof port === "number" ? covers(e, port) : coversRange(e, port)) && isNetworkAddress(e.cidr) && cidrContains(e.cidr, peer));
    return hit?.allow ?? false;
  });
}

/** A path's hops as they are judged: `pass` records a hop until the first `drop`, which is the one the flow reports. */
interface PathWalk {
  pass(hop: string): void;
  drop(hop: Hop): void;
}

export class RegionModel {
  readonly names: Map<string, string>;
  readonly usedRules = new Map<SecurityGroupRule, { ports: Set<number>; cidrs: Set<string> }>();
  readonly usedRoutes = new Set<RouteEntry>();
  readonly usedEndpoints = new Set<string>();

  constructor(
    readonly network: VpcNetwork,
    readonly ctx: HostCallContext,
  ) {
    this.names = namesOf(network);
  }

  nameOf(urn: string): string {
    return this.names.get(urn) ?? urn.split("::").pop() ?? urn;
  }

  groupNames(groups: string[]): string {
    return groups.length === 0 ? "(none)" : groups.map((g) => this.nameOf(g)).join(", ");
  }

  rulesOf(groups: string[], direction: "ingress" | "egress"): SecurityGroupRule[] {
    return this.network.groups.filter((g) => groups.includes(g.urn)).flatMap((g) => g.rules.filter((r) => r.direction === direction));
  }

  private use(rule: SecurityGroupRule, port: number, cidrs: string[]): void {
    const entry = this.usedRules.get(rule) ?? { ports: new Set(), cidrs: new Set() };
    entry.ports.add(port);
    for (const c of cidrs) entry.cidrs.add(c);
    this.usedRules.set(rule, entry);
  }

  /** The first egress rule admitting the flow; every rule that admits it counts as used by it. */
  egressRule(source: Member, target: Target, port: number): SecurityGroupRule | undefined {
    const cidrs = targetCidrs(target);
    const rules = this.rulesOf(source.groups, "egress").filter((r) => {
      if (!tcpOrAll(r.protocol) || !covers(r, port)) return false;
      if (target.kind === "member" && r.groupRef && target.member.groups.includes(r.groupRef)) return true;
      if (target.kind === "prefix list" && r.prefixList === target.endpoint) return true;
      return !!r.cidr && target.kind !== "prefix list" && cidrs.every((c) => cidrContains(r.cidr!, c));
    });
    for (const rule of rules) this.use(rule, port, rule.cidr ? cidrs : []);
    return rules[0];
  }

  /** The first ingress rule admitting the flow; every rule that admits it counts as used by it. */
  ingressRule(target: Member, source: Member, port: number): SecurityGroupRule | undefined {
    const cidrs = source.kind === "internet" ? ["0.0.0.0/0"] : source.subnets.map((s) => s.cidr);
    const rules = this.rulesOf(target.groups, "ingress").filter((r) => {
      if (!tcpOrAll(r.protocol) || !covers(r, port)) return false;
      if (r.groupRef && source.groups.includes(r.groupRef)) return true;
      return !!r.cidr && cidrs.every((c) => cidrContains(r.cidr!, c));
    });
    for (const rule of rules) this.use(rule, port, rule.cidr ? cidrs : []);
    return rules[0];
  }

  nacl(subnet: Subnet): Nacl | undefined {
    return this.network.nacls.find((n) => n.urn === subnet.nacl);
  }

  /** The route a subnet takes to `target`: `local`, a route entry, or undefined (none). */
  route(subnet: Subnet, target: Target | { kind: "internet"; address: string }): "local" | RouteEntry | undefined {
    const cidrs = "member" in target || target.kind === "network" ? targetCidrs(target as Target) : [`${(target as { address: string }).address}/32`];
    if (target.kind !== "prefix list" && cidrs.every((c) => inVpc(this.network, c))) return "local";
    const table = this.network.routeTables.find((t) => t.urn === subnet.routeTable);
    // A subnet without an association uses the VPC's main route table, which this program gives only the local route.
    if (!table) return undefined;
    if (target.kind === "prefix list") {
      const viaEndpoint = table.routes.find((r) => "prefixList" in r.destination && r.destination.prefixList === target.endpoint);
      if (viaEndpoint) return viaEndpoint;
    }
    const withCidr = table.routes.filter((r) => "cidr" in r.destination);
    const matches = cidrs.map((c) => longestPrefixMatch(withCidr, (r) => ("cidr" in r.destination ? r.destination.cidr : undefined), c));
    return matches.every((m) => m && m === matches[0]) ? matches[0] : undefined;
  }

  /** Whether a route's target carries this flow, or why not. */
  routeCarries(entry: RouteEntry, source: Member, target: Target): string | undefined {
    const private_ = target.kind === "network";
    switch (entry.target.kind) {
      case "internet-gateway":
        if (private_) return `the internet gateway routes no private network`;
        return source.publicAddress ? undefined : `the internet gateway drops traffic from ${source.label}, which ${source.kind === "hosts" ? "have" : "has"} no public address`;
      case "gateway-endpoint":
        return target.kind === "prefix list" && target.endpoint === entry.target.id ? undefined : `a gateway endpoint carries only its service's prefix list`;
      case "nat-gateway":
        return private_ ? `a NAT gateway does not reach a private network` : undefined;
      default:
        return undefined;
    }
  }

  /** Every hop of one source subnet's packets to `target` on `port`; the first drop, if any. */
  path(source: Member, subnet: Subnet, target: Target, port: number): { via: string[]; dropped?: Hop } {
    // Every hop is judged, also past a drop, so the rules and routes a needed flow would use count as used.
    const via: string[] = [];
    let dropped: Hop | undefined;
    const walk: PathWalk = {
      pass: (hop) => {
        if (!dropped) via.push(hop);
      },
      drop: (hop) => {
        dropped ??= hop;
      },
    };
    const label = targetLabel(target);
    const cidrs = targetCidrs(target);
    // 1. The source's security group egress (an internet client has none).
    if (source.kind !== "internet" && source.groups.length > 0) this.egressHop(walk, source, target, port, label);
    // 2. The ACLs between the source subnet and each other subnet the target may be in (traffic inside one subnet crosses none).
    const sourceAcl = this.nacl(subnet);
    const crossed = target.kind === "member" ? target.member.subnets.filter((d) => d.urn !== subnet.urn) : [];
    const peers = target.kind === "member" ? crossed.map((d) => d.cidr) : cidrs;
    if (peers.length > 0 && !naclAllows(sourceAcl, true, port, peers)) {
      walk.drop({
        kind: "network ACL",
        urn: sourceAcl!.urn,
        summary: `network ACL ${sourceAcl!.name} of subnet ${subnet.name} drops tcp ${port} out to ${label}`,
        fix: `allow tcp ${port} out to ${peers.join(", ")} in ${sourceAcl!.name}`,
      });
    }
    // 3. The route.
    this.routeHop(walk, source, subnet, target, label);
    // 4. The destination: its subnet's ACL and its security group (members of this VPC only).
    if (target.kind === "member") this.destinationHops(walk, source, subnet, target.member, port, crossed);
    else if (target.kind === "network") {
      walk.pass(`the datastore's side (its VPC's route back to ${this.network.vpc.cidr} and its security group) is outside this program`);
    }
    // 5. The replies: out of the destination subnet's ACL (members of this VPC) and back into the source's.
    if (target.kind === "member") {
      for (const destSubnet of crossed) {
        const acl = this.nacl(destSubnet);
        if (!naclAllows(acl, true, linuxEphemeral, [subnet.cidr])) {
          walk.drop({
            kind: "network ACL",
            reply: true,
            urn: acl!.urn,
            summary: `network ACL ${acl!.name} of subnet ${destSubnet.name} drops the replies to ${source.label}`,
            fix: `allow tcp ${linuxEphemeral.fromPort}-${linuxEphemeral.toPort} out to ${subnet.cidr} in ${acl!.name}`,
          });
        }
      }
    }
    if (peers.length > 0 && !naclAllows(sourceAcl, false, linuxEphemeral, peers)) {
      walk.drop({
        kind: "network ACL",
        reply: true,
        urn: sourceAcl!.urn,
        summary: `network ACL ${sourceAcl!.name} of subnet ${subnet.name} drops the replies from ${label}`,
        fix: `allow tcp ${linuxEphemeral.fromPort}-${linuxEphemeral.toPort} in from ${peers.join(", ")} in ${sourceAcl!.name}`,
      });
    }
    return { via, ...(dropped ? { dropped } : {}) };
  }

  /** A path's first hop: the source's security group egress. */
  private egressHop(walk: PathWalk, source: Member, target: Target, port: number, label: string): void {
    const rule = this.egressRule(source, target, port);
    if (rule) walk.pass(`security group ${this.nameOf(rule.group)} egress (${rule.label})`);
    else {
      const to = target.kind === "member" ? `security group ${this.groupNames(target.member.groups)}` : target.kind === "prefix list" ? `the prefix list of ${label}` : label;
      walk.drop({
        kind: "egress",
        urn: source.groups[0]!,
        summary: `no egress rule of security group ${this.groupNames(source.groups)} admits tcp ${port} to ${label}`,
        fix: `add an aws.vpc.SecurityGroupEgressRule to ${this.nameOf(source.groups[0]!)}: tcp ${port} to ${to}`,
      });
    }
  }

  /** A path's route out of the source subnet: it must exist and carry this source to this target. */
  private routeHop(walk: PathWalk, source: Member, subnet: Subnet, target: Target, label: string): void {
    const route = this.route(subnet, target);
    const table = this.network.routeTables.find((t) => t.urn === subnet.routeTable);
    const tableName = table ? `route table ${table.name}` : `the VPC's main route table (subnet ${subnet.name} has no association)`;
    if (route === undefined) {
      walk.drop({ kind: "route", urn: table?.urn ?? subnet.urn, summary: `no route to ${label} in ${tableName}`, fix: this.routeFix(target, table?.name) });
    } else if (route === "local") {
      walk.pass(`${tableName}: local`);
    } else {
      const refusal = this.routeCarries(route, source, target);
      const hopLabel = `${"cidr" in route.destination ? route.destination.cidr : "prefix list"} → ${describeTarget(route.target, this.names)}`;
      if (refusal) {
        walk.drop({
          kind: "route",
          urn: table?.urn ?? subnet.urn,
          summary: `no route to ${label} in ${tableName}: its match, ${hopLabel}, goes nowhere for it (${refusal})`,
          fix: this.routeFix(target, table?.name),
        });
      } else {
        this.usedRoutes.add(route);
        walk.pass(`${tableName}: ${hopLabel}`);
      }
    }
  }

  /** A path's arrival at a member of this VPC: the ACL of each subnet it crosses into, then the member's security group ingress. */
  private destinationHops(walk: PathWalk, source: Member, subnet: Subnet, member: Member, port: number, crossed: Subnet[]): void {
    for (const destSubnet of crossed) {
      const acl = this.nacl(destSubnet);
      if (!naclAllows(acl, false, port, [subnet.cidr])) {
        walk.drop({
          kind: "network ACL",
          urn: acl!.urn,
          summary: `network ACL ${acl!.name} of subnet ${destSubnet.name} drops tcp ${port} in from ${source.label}`,
          fix: `allow tcp ${port} in from ${subnet.cidr} in ${acl!.name}`,
        });
      }
    }
    if (member.groups.length > 0) {
      const rule = this.ingressRule(member, source, port);
      if (rule) walk.pass(`security group ${this.nameOf(rule.group)} ingress (${rule.label})`);
      else {
        const from = source.kind === "internet" ? "0.0.0.0/0" : `security group ${this.groupNames(source.groups)}`;
        walk.drop({
          kind: "ingress",
          urn: member.groups[0]!,
          summary: `no ingress rule of security group ${this.groupNames(member.groups)} admits tcp ${port} from ${source.label}`,
          fix: `add an aws.vpc.SecurityGroupIngressRule to ${this.nameOf(member.groups[0]!)}: tcp ${port} from ${from}`,
        });
      }
    }
  }

  routeFix(target: Target, table: string | undefined): string {
    if (target.kind === "network") {
      return `declare edge:datastore.endpoints.${this.network.region}.route (a transit gateway or VPC peering connection), which adds an aws.ec2.Route for ${target.cidr} to ${table ?? "the hosts' route table"}`;
    }
    if (target.kind === "prefix list") return `add ${table ?? "the hosts' route table"} to the routeTableIds of ${target.label}`;
    if (target.kind === "internet" && target.label.startsWith("com.amazonaws")) return `declare an interface endpoint ${target.label} with privateDnsEnabled: true in the hosts' subnets`;
    return `add a route to ${table ?? "the subnet's route table"}`;
  }

  /** A flow from every subnet of `source`: open only when each subnet's packets pass. */
  flow(name: string, detail: string, needed: boolean, source: Member, target: Target, port: number, extra?: () => Hop | undefined): Flow {
    let via: string[] = [];
    let dropped: Hop | undefined;
    for (const subnet of source.subnets) {
      const result = this.path(source, subnet, target, port);
      if (!dropped) via = result.via;
      dropped ??= result.dropped;
    }
    if (dropped) return this.result(name, detail, needed, source, target, port, via, dropped, false);
    // A later hop (a listener forwarding nowhere) closes the flow, but packets pass.
    return this.result(name, detail, needed, source, target, port, via, extra?.(), true);
  }

  result(name: string, detail: string, needed: boolean, source: Member, target: Target, port: number, via: string[], dropped: Hop | undefined, networkOpen: boolean): Flow {
    return { region: this.network.region, name, detail, needed, open: !dropped, networkOpen, via, ...(dropped ? { dropped } : {}), source, target, port };
  }

  authorize(calls: HostCall[], endpoint: VpcEndpoint | undefined, fleet: HostFleetNetwork, via: string[]): Hop | undefined {
    const account = this.ctx.accountId;
    if (endpoint && endpoint.policy !== undefined) {
      const statements = endpoint.policy;
      if (typeof statements === "string")
        return { kind: "endpoint policy", urn: endpoint.urn, summary: `the policy of endpoint ${endpoint.name} ${statements}`, fix: `write a valid policy on ${endpoint.name}` };
      const denied = calls.filter((c) => c.throughEndpoint !== false && !allowsCall(statements, c, account, true));
      if (denied.length > 0) {
        return {
          kind: "endpoint policy",
          urn: endpoint.urn,
          summary: `the policy of endpoint ${endpoint.name} does not allow ${denied.map((c) => `${c.action} on ${c.resources.join(", ")}`).join("; ")} for account ${account}`,
          fix: `allow those calls in the policy of ${endpoint.name} (interfaceEndpointPolicy/bundleEndpointPolicy in models/ingestRegion/egress.ts)`,
        };
      }
      via.push(`endpoint ${endpoint.name} policy allows ${[...new Set(calls.filter((c) => c.throughEndpoint !== false).map((c) => c.action))].join(", ")}`);
    } else if (endpoint) {
      via.push(`endpoint ${endpoint.name} (no endpoint policy: full access)`);
    }
    const role = fleet.role;
    if (!role)
      return {
        kind: "role",
        urn: fleet.launchTemplate,
        summary: `the hosts' launch template names no instance profile with a role`,
        fix: "give the launch template an instance profile (HostFleet does)",
      };
    const statements = role.documents.flatMap((d) => (typeof d.statements === "string" ? [] : d.statements));
    const denied = calls.filter((c) => !allowsCall(statements, c, account));
    if (denied.length > 0) {
      return {
        kind: "role",
        urn: role.urn,
        summary: `role ${role.name} does not allow ${denied.map((c) => `${c.action} on ${c.resources.join(", ")}`).join("; ")}`,
        fix: `grant those calls in the host role's policy (hostRolePolicy in models/ingestRegion/egress.ts)`,
      };
    }
    via.push(`role ${role.name} allows them`);
    return undefined;
  }
}
