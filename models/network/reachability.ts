/**
 * The reachability model: from the planned network of each region (`graph.ts`), whether every
 * flow the edge needs is open and through what, and every path open beyond them.
 *
 * The flows the edge needs: clients reach the load balancer's TLS listener; the load balancer
 * reaches the hosts on the target group's port (traffic and health check); the hosts reach the
 * pinned bundle in S3 (gateway endpoint route, endpoint policy, role), each AWS API they call
 * (interface endpoint with private DNS, security groups, endpoint policy, role: `hostApis`) and
 * each of the datastore's networks on its port (route, security group egress). A flow is judged
 * hop by hop as AWS would carry its packets: the source's security group egress, the source
 * subnet's network ACL (both directions: ACLs are stateless), the source subnet's route table
 * (longest prefix; the VPC's local route for its own addresses), then the destination subnet's
 * ACL and the destination's security group ingress; for an API call, the endpoint's policy and the
 * host role. The first hop that drops it is reported, with the fix.
 *
 * Beyond the needs it lists every path still open: closed-by-design probes that pass (a client
 * straight to a host, a host to the internet, other ports), security group rules and routes no
 * needed flow uses or that are wider than the flows using them, interface endpoints nothing calls,
 * endpoint policies and role statements that allow more than the calls need (the broadest first).
 * AWS VPC Reachability Analyzer and Network Access Analyzer answer the same questions for deployed
 * resources only; this judges the plan.
 *
 * Not modelled: what lies past a transit gateway or peering connection (the datastore's VPC must
 * route this VPC's block back, and its own security group must admit the hosts), and IPv6.
 *
 * Pure module: no Pulumi imports.
 */
import type { DeclaredResource } from "../declaredResource";
import { nginxListenPort } from "../hostEdge/settings";
import { awsApiPort, bundleCalls, hostApis, type HostApi, type HostCall, type HostCallContext } from "../ingestRegion/egress";
import { cidrContains, isNetworkAddress, longestPrefixMatch } from "./cidr";
import {
  describeTarget,
  inVpc,
  namesOf,
  readNetworks,
  type HostFleetNetwork,
  type LoadBalancer,
  type Nacl,
  type NetworkResource,
  type RouteEntry,
  type SecurityGroupRule,
  type Subnet,
  type VpcEndpoint,
  type VpcNetwork,
} from "./graph";
import { allowsCall, describeStatement, excessOf, type Statement } from "./policyDocuments";

export type { NetworkResource } from "./graph";

/** The port clients reach the edge on: the load balancer's TLS listener. */
export const clientPort = 443;
/** A stand-in for any client address on the internet, and for a public address the hosts must not reach. */
export const internetClientAddress = "198.51.100.10";
export const internetServerAddress = "198.51.100.80";
/** Linux's ephemeral ports (`net.ipv4.ip_local_port_range`), the return ports of a host's or load balancer's connections. */
const linuxEphemeral = { fromPort: 32768, toPort: 60999 };
/** Any client's ephemeral ports, as AWS's network ACL guide assumes (1024–65535). */
const clientEphemeral = { fromPort: 1024, toPort: 65535 };

export type HopKind = "route" | "egress" | "ingress" | "network ACL" | "listener" | "endpoint policy" | "role";

/** The hop that drops a flow: where, what is missing, and the smallest fix. */
export interface Hop {
  kind: HopKind;
  /** The resource the fix changes (route table, security group, endpoint, role). */
  urn: string;
  /** Starts with what is missing: `no route to …`, `no egress rule …`. */
  summary: string;
  fix: string;
  /** The request passes and its reply is dropped: the sender hears nothing and times out. */
  reply?: true;
}

/** A namespace-sized actor of the network: the hosts, the load balancer, an endpoint's interfaces, or the internet. */
export interface Member {
  kind: "hosts" | "load balancer" | "endpoint" | "internet";
  urn: string;
  label: string;
  subnets: Subnet[];
  groups: string[];
  publicAddress: boolean;
}

export type Target =
  | { kind: "member"; member: Member }
  | { kind: "network"; cidr: string }
  | { kind: "prefix list"; endpoint: string; label: string }
  | { kind: "internet"; address: string; label: string };

export interface Flow {
  region: string;
  /** `host → datastore`, `client → load balancer`. */
  name: string;
  /** `10.100.0.0/16 port 5432`. */
  detail: string;
  /** A flow the edge needs; false for a probe of a path that must stay closed. */
  needed: boolean;
  open: boolean;
  /** Packets pass (the policies aside): what the edge twin checks with real packets. */
  networkOpen: boolean;
  /** The hops it passes, in order, when open (as far as it got when not). */
  via: string[];
  dropped?: Hop;
  source: Member;
  target: Target;
  port: number;
}

export interface ExtraPath {
  region: string;
  kind: "probe" | "security group rule" | "route" | "endpoint" | "endpoint policy" | "role";
  urn: string;
  /** What is open, one line. */
  what: string;
  /** The broadest statement or rule that opens it. */
  broadest: string;
}

export interface RegionReachability {
  region: string;
  vpc: string;
  network: VpcNetwork;
  fleet: HostFleetNetwork;
  flows: Flow[];
  /** Paths nothing needs, probed: each must be closed. */
  probes: Flow[];
  extras: ExtraPath[];
  /** Paths open for a reason the program cannot change, with the reason. */
  limits: string[];
}

export interface Reachability {
  regions: RegionReachability[];
  /** Why a fleet could not be judged (its launch template lacks the need tags, a plan without property dependencies). */
  unjudged: { urn: string; message: string }[];
}

const covers = (range: { fromPort: number; toPort: number }, port: number) => range.fromPort <= port && port <= range.toPort;
const coversRange = (outer: { fromPort: number; toPort: number }, inner: { fromPort: number; toPort: number }) => outer.fromPort <= inner.fromPort && inner.toPort <= outer.toPort;
const tcpOrAll = (protocol: string) => protocol === "tcp" || protocol === "-1";

function describeRule(rule: SecurityGroupRule, names: Map<string, string>): string {
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

function naclAllows(nacl: Nacl | undefined, egress: boolean, port: number | { fromPort: number; toPort: number }, peers: string[]): boolean {
  // No ACL of the plan on the subnet: the VPC's default ACL, which allows everything both ways.
  if (!nacl) return true;
  const entries = nacl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  return peers.every((peer) => {
    const hit = entries.find((e) => tcpOrAll(e.protocol) && (typeof port === "number" ? covers(e, port) : coversRange(e, port)) && isNetworkAddress(e.cidr) && cidrContains(e.cidr, peer));
    return hit?.allow ?? false;
  });
}

class RegionModel {
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
    const pass = (hop: string) => {
      if (!dropped) via.push(hop);
    };
    const drop = (hop: Hop) => {
      dropped ??= hop;
    };
    const label = targetLabel(target);
    const cidrs = targetCidrs(target);
    // 1. The source's security group egress (an internet client has none).
    if (source.kind !== "internet" && source.groups.length > 0) {
      const rule = this.egressRule(source, target, port);
      if (rule) pass(`security group ${this.nameOf(rule.group)} egress (${rule.label})`);
      else {
        const to = target.kind === "member" ? `security group ${this.groupNames(target.member.groups)}` : target.kind === "prefix list" ? `the prefix list of ${label}` : label;
        drop({ kind: "egress", urn: source.groups[0]!, summary: `no egress rule of security group ${this.groupNames(source.groups)} admits tcp ${port} to ${label}`, fix: `add an aws.vpc.SecurityGroupEgressRule to ${this.nameOf(source.groups[0]!)}: tcp ${port} to ${to}` });
      }
    }
    // 2. The ACLs between the source subnet and each other subnet the target may be in (traffic inside one subnet crosses none).
    const sourceAcl = this.nacl(subnet);
    const crossed = target.kind === "member" ? target.member.subnets.filter((d) => d.urn !== subnet.urn) : [];
    const peers = target.kind === "member" ? crossed.map((d) => d.cidr) : cidrs;
    if (peers.length > 0 && !naclAllows(sourceAcl, true, port, peers)) {
      drop({ kind: "network ACL", urn: sourceAcl!.urn, summary: `network ACL ${sourceAcl!.name} of subnet ${subnet.name} drops tcp ${port} out to ${label}`, fix: `allow tcp ${port} out to ${peers.join(", ")} in ${sourceAcl!.name}` });
    }
    // 3. The route.
    const route = this.route(subnet, target);
    const table = this.network.routeTables.find((t) => t.urn === subnet.routeTable);
    const tableName = table ? `route table ${table.name}` : `the VPC's main route table (subnet ${subnet.name} has no association)`;
    if (route === undefined) {
      drop({ kind: "route", urn: table?.urn ?? subnet.urn, summary: `no route to ${label} in ${tableName}`, fix: this.routeFix(target, table?.name) });
    } else if (route === "local") {
      pass(`${tableName}: local`);
    } else {
      const refusal = this.routeCarries(route, source, target);
      const hopLabel = `${"cidr" in route.destination ? route.destination.cidr : "prefix list"} → ${describeTarget(route.target, this.names)}`;
      if (refusal) {
        drop({ kind: "route", urn: table?.urn ?? subnet.urn, summary: `no route to ${label} in ${tableName}: its match, ${hopLabel}, goes nowhere for it (${refusal})`, fix: this.routeFix(target, table?.name) });
      } else {
        this.usedRoutes.add(route);
        pass(`${tableName}: ${hopLabel}`);
      }
    }
    // 4. The destination: its subnet's ACL and its security group (members of this VPC only).
    if (target.kind === "member") {
      for (const destSubnet of crossed) {
        const acl = this.nacl(destSubnet);
        if (!naclAllows(acl, false, port, [subnet.cidr])) {
          drop({ kind: "network ACL", urn: acl!.urn, summary: `network ACL ${acl!.name} of subnet ${destSubnet.name} drops tcp ${port} in from ${source.label}`, fix: `allow tcp ${port} in from ${subnet.cidr} in ${acl!.name}` });
        }
      }
      if (target.member.groups.length > 0) {
        const rule = this.ingressRule(target.member, source, port);
        if (rule) pass(`security group ${this.nameOf(rule.group)} ingress (${rule.label})`);
        else {
          const from = source.kind === "internet" ? "0.0.0.0/0" : `security group ${this.groupNames(source.groups)}`;
          drop({ kind: "ingress", urn: target.member.groups[0]!, summary: `no ingress rule of security group ${this.groupNames(target.member.groups)} admits tcp ${port} from ${source.label}`, fix: `add an aws.vpc.SecurityGroupIngressRule to ${this.nameOf(target.member.groups[0]!)}: tcp ${port} from ${from}` });
        }
      }
    } else if (target.kind === "network") {
      pass(`the datastore's side (its VPC's route back to ${this.network.vpc.cidr} and its security group) is outside this program`);
    }
    // 5. The replies: out of the destination subnet's ACL (members of this VPC) and back into the source's.
    if (target.kind === "member") {
      for (const destSubnet of crossed) {
        const acl = this.nacl(destSubnet);
        if (!naclAllows(acl, true, linuxEphemeral, [subnet.cidr])) {
          drop({ kind: "network ACL", reply: true, urn: acl!.urn, summary: `network ACL ${acl!.name} of subnet ${destSubnet.name} drops the replies to ${source.label}`, fix: `allow tcp ${linuxEphemeral.fromPort}-${linuxEphemeral.toPort} out to ${subnet.cidr} in ${acl!.name}` });
        }
      }
    }
    if (peers.length > 0 && !naclAllows(sourceAcl, false, linuxEphemeral, peers)) {
      drop({ kind: "network ACL", reply: true, urn: sourceAcl!.urn, summary: `network ACL ${sourceAcl!.name} of subnet ${subnet.name} drops the replies from ${label}`, fix: `allow tcp ${linuxEphemeral.fromPort}-${linuxEphemeral.toPort} in from ${peers.join(", ")} in ${sourceAcl!.name}` });
    }
    return { via, ...(dropped ? { dropped } : {}) };
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
      if (typeof statements === "string") return { kind: "endpoint policy", urn: endpoint.urn, summary: `the policy of endpoint ${endpoint.name} ${statements}`, fix: `write a valid policy on ${endpoint.name}` };
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
    if (!role) return { kind: "role", urn: fleet.launchTemplate, summary: `the hosts' launch template names no instance profile with a role`, fix: "give the launch template an instance profile (HostFleet does)" };
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

function hostsMember(model: RegionModel, fleet: HostFleetNetwork): Member {
  return {
    kind: "hosts",
    urn: fleet.urn,
    label: `the hosts (${fleet.name})`,
    subnets: model.network.subnets.filter((s) => fleet.subnets.includes(s.urn)),
    groups: fleet.groups,
    publicAddress: fleet.publicAddress,
  };
}

function endpointMember(model: RegionModel, endpoint: VpcEndpoint): Member {
  return { kind: "endpoint", urn: endpoint.urn, label: `endpoint ${endpoint.name}`, subnets: model.network.subnets.filter((s) => endpoint.subnets.includes(s.urn)), groups: endpoint.groups, publicAddress: false };
}

export const internetMember: Member = { kind: "internet", urn: "internet", label: "a client on the internet", subnets: [], groups: [], publicAddress: true };

type FleetContext = HostCallContext & { datastoreNetworks: string[]; datastorePort: number };

/** The load balancer in front of a fleet, as a member. */
function loadBalancerOf(model: RegionModel, fleet: HostFleetNetwork) {
  const { network } = model;
  const lb = network.loadBalancers.find((l) => l.listeners.some((li) => li.targetGroups.some((t) => fleet.targetGroups.includes(t)))) ?? network.loadBalancers[0];
  const member: Member | undefined = lb && {
    kind: "load balancer",
    urn: lb.urn,
    label: `load balancer ${lb.name}`,
    subnets: network.subnets.filter((s) => lb.subnets.includes(s.urn)),
    groups: lb.groups,
    publicAddress: lb.internetFacing,
  };
  return { lb, lbMember: member };
}

/**
 * A flow from a client on the internet to `member`: through the internet gateway, which reaches only
 * public addresses (a load balancer's Elastic IPs), the member subnets' ACLs and their route back
 * to the client, the member's security group, and for a load balancer a listener on the port.
 */
function internetFlow(model: RegionModel, name: string, detail: string, needed: boolean, member: Member, port: number, lb?: LoadBalancer): Flow {
  const { network } = model;
  const target: Target = { kind: "member", member };
  const drop = (hop: Hop) => model.result(name, detail, needed, internetMember, target, port, [], hop, false);
  if (!member.publicAddress) {
    return drop({ kind: "route", urn: network.internetGateway ?? network.vpc.urn, summary: `no route to ${member.label} from the internet: ${member.kind === "hosts" ? "they have" : "it has"} no public address, and the internet gateway forwards only to public ones`, fix: "reach it through the load balancer" });
  }
  if (lb && !lb.internetFacing) return drop({ kind: "listener", urn: lb.urn, summary: `load balancer ${lb.name} is internal: the internet cannot reach it`, fix: "set internal: false" });
  if (!network.internetGateway) return drop({ kind: "route", urn: network.vpc.urn, summary: `no route from the internet: VPC ${network.vpc.name} has no internet gateway`, fix: "declare an aws.ec2.InternetGateway in the VPC" });
  const via: string[] = ["internet gateway"];
  for (const subnet of member.subnets) {
    // Replies leave by the member subnet's route to the client.
    const back = model.route(subnet, { kind: "internet", address: internetClientAddress, label: "clients" });
    const table = network.routeTables.find((t) => t.urn === subnet.routeTable);
    if (!back || back === "local" || back.target.kind !== "internet-gateway") {
      return drop({
        kind: "route",
        reply: true,
        urn: table?.urn ?? subnet.urn,
        summary: `no route back to clients in ${table ? `route table ${table.name}` : `subnet ${subnet.name}'s main route table`}: replies need 0.0.0.0/0 → the internet gateway`,
        fix: `add an aws.ec2.Route 0.0.0.0/0 → the internet gateway to ${table?.name ?? "the subnets' route table"}`,
      });
    }
    model.usedRoutes.add(back);
    const acl = model.nacl(subnet);
    if (!naclAllows(acl, false, port, ["0.0.0.0/0"])) {
      return drop({ kind: "network ACL", urn: acl!.urn, summary: `network ACL ${acl!.name} of subnet ${subnet.name} drops tcp ${port} in from clients`, fix: `allow tcp ${port} in from 0.0.0.0/0 in ${acl!.name}` });
    }
    if (!naclAllows(acl, true, clientEphemeral, ["0.0.0.0/0"])) {
      return drop({ kind: "network ACL", reply: true, urn: acl!.urn, summary: `network ACL ${acl!.name} of subnet ${subnet.name} drops the replies to clients`, fix: `allow tcp 1024-65535 out to 0.0.0.0/0 in ${acl!.name}` });
    }
  }
  via.push(`route tables of ${member.label}'s subnets: 0.0.0.0/0 → internet gateway (replies)`);
  if (member.groups.length > 0) {
    const rule = model.ingressRule(member, internetMember, port);
    if (!rule) {
      return drop({ kind: "ingress", urn: member.groups[0]!, summary: `no ingress rule of security group ${model.groupNames(member.groups)} admits tcp ${port} from 0.0.0.0/0`, fix: `add an aws.vpc.SecurityGroupIngressRule to ${model.nameOf(member.groups[0]!)}: tcp ${port} from 0.0.0.0/0` });
    }
    via.push(`security group ${model.nameOf(rule.group)} ingress (${rule.label})`);
  }
  if (lb) {
    const listener = lb.listeners.find((l) => l.port === port);
    if (!listener) return drop({ kind: "listener", urn: lb.urn, summary: `load balancer ${lb.name} has no listener on ${port}`, fix: `add a TLS listener on ${port}` });
    via.push(`listener ${listener.protocol} ${listener.port}`);
  }
  return model.result(name, detail, needed, internetMember, target, port, via, undefined, true);
}

/** The flows one fleet needs, judged on `model` (which records the rules, routes and endpoints they use). */
function neededFlows(model: RegionModel, fleet: HostFleetNetwork, ctx: FleetContext): Flow[] {
  const { network } = model;
  const hosts = hostsMember(model, fleet);
  const flows: Flow[] = [];
  const { lb, lbMember } = loadBalancerOf(model, fleet);
  // Client → load balancer: through the internet gateway to the TLS listener.
  if (lb && lbMember) {
    const listener = lb.listeners.find((l) => l.port === clientPort);
    flows.push(internetFlow(model, "client → load balancer", `tcp ${clientPort} (TLS listener)`, true, lbMember, clientPort, lb));

    // Load balancer → hosts: the target group's port and its health check's.
    const groups = network.targetGroups.filter((t) => fleet.targetGroups.includes(t.urn));
    const forwarded = groups.filter((t) => listener?.targetGroups.includes(t.urn));
    const ports = [...new Set(groups.flatMap((t) => [t.port, t.healthPort]))];
    for (const port of ports.length > 0 ? ports : [nginxListenPort]) {
      const what = groups.some((t) => t.port === port) && groups.some((t) => t.healthPort === port) ? "traffic and health check" : groups.some((t) => t.port === port) ? "traffic" : "health check";
      flows.push(
        model.flow("load balancer → host", `tcp ${port} (${what})`, true, lbMember, { kind: "member", member: hosts }, port, () =>
          forwarded.length === 0
            ? { kind: "listener", urn: lb.urn, summary: `the listener on ${clientPort} forwards to no target group the hosts' group ${fleet.name} registers with`, fix: "forward the listener to the hosts' target group and list it in the group's targetGroupArns" }
            : undefined,
        ),
      );
    }
  } else {
    const hop: Hop = { kind: "listener", urn: fleet.urn, summary: `no load balancer in VPC ${network.vpc.name} forwards to the hosts`, fix: "declare the region's load balancer (IngestLoadBalancer)" };
    flows.push(model.result("client → load balancer", `tcp ${clientPort}`, true, internetMember, { kind: "internet", address: internetClientAddress, label: "the load balancer" }, clientPort, [], hop, false));
  }

  // Host → the bundle in S3, through the gateway endpoint.
  const bundle = bundleCalls(ctx);
  if (bundle.length > 0) {
    const gateway = network.endpoints.find((e) => e.type === "Gateway" && e.service === "s3");
    const target: Target = gateway ? { kind: "prefix list", endpoint: gateway.urn, label: `the S3 prefix list of ${gateway.name}` } : { kind: "internet", address: internetServerAddress, label: "S3's public addresses" };
    if (gateway) model.usedEndpoints.add(gateway.urn);
    flows.push(authorized(model, model.flow("host → S3 bundle", ctx.bundleObjectArn!, true, hosts, target, awsApiPort), bundle, gateway, fleet));
  }

  // Host → each AWS API, through its interface endpoint with private DNS.
  for (const api of hostApis) {
    flows.push(apiFlow(model, fleet, hosts, api, ctx));
  }

  // Host → the datastore's networks.
  for (const cidr of ctx.datastoreNetworks) {
    flows.push(model.flow("host → datastore", `${cidr} port ${ctx.datastorePort}`, true, hosts, { kind: "network", cidr }, ctx.datastorePort));
  }

  return flows;
}

/** Paths nothing needs, judged on their own model: each must be closed. */
function probeFlows(model: RegionModel, fleet: HostFleetNetwork, ctx: FleetContext): Flow[] {
  const { network } = model;
  const hosts = hostsMember(model, fleet);
  const { lb, lbMember } = loadBalancerOf(model, fleet);
  const probes: Flow[] = [];
  const firstEndpoint = network.endpoints.find((e) => e.type === "Interface" && e.subnets.length > 0);
  if (lbMember) {
    probes.push(internetFlow(model, "client → load balancer", `tcp ${nginxListenPort} (no listener)`, false, lbMember, nginxListenPort, lb));
    probes.push(model.flow("load balancer → host", "tcp 22 (SSH)", false, lbMember, { kind: "member", member: hosts }, 22));
  }
  probes.push(internetFlow(model, "client → host", `tcp ${nginxListenPort} (a host's private address)`, false, hosts, nginxListenPort));
  probes.push(model.flow("host → internet", `tcp ${awsApiPort} to ${internetServerAddress}`, false, hosts, { kind: "internet", address: internetServerAddress, label: `the internet (${internetServerAddress})` }, awsApiPort));
  for (const cidr of ctx.datastoreNetworks.slice(0, 1)) probes.push(model.flow("host → datastore", `${cidr} port 22 (SSH)`, false, hosts, { kind: "network", cidr }, 22));
  if (firstEndpoint) probes.push(model.flow("host → endpoint", `tcp ${nginxListenPort} to ${firstEndpoint.name}`, false, hosts, { kind: "member", member: endpointMember(model, firstEndpoint) }, nginxListenPort));
  return probes;
}

/** A network-open flow judged on by the endpoint's policy and the host role too. */
function authorized(model: RegionModel, flow: Flow, calls: HostCall[], endpoint: VpcEndpoint | undefined, fleet: HostFleetNetwork): Flow {
  if (!flow.open) return flow;
  const via = [...flow.via];
  const hop = model.authorize(calls, endpoint, fleet, via);
  return { ...flow, via, open: !hop, ...(hop ? { dropped: hop } : {}) };
}

function apiFlow(model: RegionModel, fleet: HostFleetNetwork, hosts: Member, api: HostApi, ctx: HostCallContext): Flow {
  const endpoint = model.network.endpoints.find((e) => e.type === "Interface" && e.service === api.service);
  const serviceName = `com.amazonaws.${model.network.region}.${api.service}`;
  const name = `host → ${api.service}`;
  const detail = serviceName;
  if (!endpoint?.privateDns) {
    // Without an endpoint with private DNS the SDK's name resolves to the service's public address.
    const label = `${serviceName}'s public address (${endpoint ? `endpoint ${endpoint.name} has private DNS off` : "no interface endpoint"})`;
    const flow = model.flow(name, detail, true, hosts, { kind: "internet", address: internetServerAddress, label }, awsApiPort);
    // The packet stops where it stops (the hosts' egress, or the internet gateway); the fix is the endpoint's.
    const fix = endpoint ? `set privateDnsEnabled: true on ${endpoint.name}, so ${api.service}'s name resolves to it` : `declare an interface endpoint ${serviceName} with privateDnsEnabled: true in the hosts' subnets`;
    return flow.dropped ? { ...flow, dropped: { ...flow.dropped, fix } } : flow;
  }
  model.usedEndpoints.add(endpoint.urn);
  const member = endpointMember(model, endpoint);
  return authorized(model, model.flow(name, detail, true, hosts, { kind: "member", member }, awsApiPort), api.calls(ctx), endpoint, fleet);
}

/** Rules, routes, endpoints and policies open beyond the needed flows. */
function extrasOf(model: RegionModel, report: RegionReachability, ctx: HostCallContext): { extras: ExtraPath[]; limits: string[] } {
  const { network, fleet } = report;
  const region = network.region;
  const extras: ExtraPath[] = [];
  const limits: string[] = [];
  for (const probe of report.probes.filter((p) => p.networkOpen)) {
    extras.push({ region, kind: "probe", urn: probe.source.groups[0] ?? probe.source.urn, what: `${probe.name} ${probe.detail} is open: ${probe.via.join("; ")}`, broadest: probe.via.join("; ") });
  }
  const memberGroups = new Set([
    ...fleet.groups,
    ...network.loadBalancers.flatMap((l) => l.groups),
    ...network.endpoints.flatMap((e) => e.groups),
  ]);
  for (const group of network.groups.filter((g) => memberGroups.has(g.urn))) {
    for (const rule of group.rules) {
      const used = model.usedRules.get(rule);
      if (!used) {
        extras.push({ region, kind: "security group rule", urn: rule.urn, what: `${describeRule(rule, model.names)}: no flow the edge needs uses it`, broadest: describeRule(rule, model.names) });
        continue;
      }
      const ports = [...used.ports];
      const widerPorts = rule.protocol === "-1" || rule.fromPort < Math.min(...ports) || rule.toPort > Math.max(...ports) || (rule.toPort - rule.fromPort + 1 > ports.length && rule.fromPort !== rule.toPort);
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
  const tables = new Set([...fleet.subnets, ...network.loadBalancers.flatMap((l) => l.subnets), ...network.endpoints.flatMap((e) => e.subnets)].map((s) => network.subnets.find((x) => x.urn === s)?.routeTable).filter(Boolean));
  for (const table of network.routeTables.filter((t) => tables.has(t.urn))) {
    for (const route of table.routes) {
      if (model.usedRoutes.has(route)) continue;
      const dest = "cidr" in route.destination ? route.destination.cidr : `prefix list ${model.nameOf(route.destination.prefixList)}`;
      const what = `route table ${table.name}: ${dest} → ${describeTarget(route.target, model.names)} (${route.label})`;
      extras.push({ region, kind: "route", urn: route.urn, what: `${what}: no flow the edge needs takes it`, broadest: what });
    }
  }
  for (const endpoint of network.endpoints) {
    const api = hostApis.find((a) => a.service === endpoint.service);
    const used = model.usedEndpoints.has(endpoint.urn);
    if (!used) {
      extras.push({ region, kind: "endpoint", urn: endpoint.urn, what: `endpoint ${endpoint.name} (${endpoint.service}): no flow the edge needs calls it`, broadest: `${endpoint.type} endpoint ${endpoint.service}` });
      continue;
    }
    const calls = endpoint.type === "Gateway" ? bundleCalls(ctx) : (api?.calls(ctx) ?? []).filter((c) => c.throughEndpoint !== false);
    const supported = endpoint.type === "Gateway" || api?.endpointPolicy.supported === true;
    if (endpoint.policy === undefined) {
      if (supported) {
        extras.push({ region, kind: "endpoint policy", urn: endpoint.urn, what: `endpoint ${endpoint.name} has no policy: AWS's default admits every action on every resource, by principals of any account`, broadest: `Allow Principal "*", Action "*", Resource "*" (the default endpoint policy)` });
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
      extras.push({ region, kind: "endpoint policy", urn: endpoint.urn, what: `endpoint ${endpoint.name}'s policy allows more than the hosts' ${[...new Set(calls.map((c) => c.action))].join(", ")}: ${excess[0]!.reasons.join("; ")}`, broadest: describeStatement(excess[0]!.statement) });
    }
  }
  if (fleet.role) {
    const needed = [...hostApis.flatMap((a) => a.calls(ctx)), ...bundleCalls(ctx)];
    for (const doc of fleet.role.documents) {
      if (typeof doc.statements === "string") {
        extras.push({ region, kind: "role", urn: doc.urn, what: `${doc.label} of role ${fleet.role.name} ${doc.statements}: what it grants cannot be judged`, broadest: doc.label });
        continue;
      }
      const excess = excessOf(doc.statements, needed);
      if (excess.length > 0) {
        extras.push({ region, kind: "role", urn: doc.urn, what: `${doc.label} of role ${fleet.role.name} allows more than the hosts' calls need: ${excess[0]!.reasons.join("; ")}`, broadest: describeStatement(excess[0]!.statement) });
      }
    }
  }
  return { extras, limits };
}

/**
 * The reachability of every region with a host fleet. `resources` as the plan, its JSON (`inputs`
 * as `props`) or the policy pack carry them, each with its property dependencies.
 */
export function reachability(resources: NetworkResource[]): Reachability {
  const regions: RegionReachability[] = [];
  const unjudged: Reachability["unjudged"] = [];
  for (const network of readNetworks(resources)) {
    for (const fleet of network.fleets) {
      if ("missing" in fleet.needs) {
        unjudged.push({ urn: fleet.launchTemplate, message: `the hosts' launch template lacks the network need tags ${fleet.needs.missing.join(", ")}: the flows of ${network.region} cannot be judged` });
        continue;
      }
      const ctx: FleetContext = { ...fleet.needs.needs, region: network.region };
      const model = new RegionModel(network, ctx);
      const report: RegionReachability = {
        region: network.region,
        vpc: network.vpc.name,
        network,
        fleet,
        flows: neededFlows(model, fleet, ctx),
        probes: probeFlows(new RegionModel(network, ctx), fleet, ctx),
        extras: [],
        limits: [],
      };
      Object.assign(report, extrasOf(model, report, ctx));
      regions.push(report);
    }
  }
  return { regions, unjudged };
}

/** Every closed needed flow, with the hop that drops it. */
export function closedFlows(result: Reachability): Flow[] {
  return result.regions.flatMap((r) => r.flows.filter((f) => !f.open));
}

/** A flow as one line: `host → datastore 10.100.0.0/16 port 5432 [us-east-1]`. */
export function flowTitle(flow: Flow): string {
  return `${flow.name} ${flow.detail} [${flow.region}]`;
}

export type { Statement };

/** A planned resource as the plan and its JSON carry it: declared inputs, region apart. */
export type PlannedNetworkResource = DeclaredResource & { name: string };

/** The reachability of a plan's resources, judged on their declared inputs (what `--json` carries, so the plan and the diff agree). */
export function reachabilityOfPlan(resources: readonly PlannedNetworkResource[]): Reachability {
  return reachability(
    resources.map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: { ...r.inputs, ...(r.region ? { region: r.region } : {}) }, propertyDependencies: r.propertyDependencies })),
  );
}
