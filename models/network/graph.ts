/**
 * The planned network of each VPC, read from the resources as the engine sees them (type, URN,
 * properties and, per property, the URNs it came from): subnets and the route table each uses, the
 * routes (inline, `aws.ec2.Route` and a gateway endpoint's prefix-list route), security groups with
 * every rule however written, network ACLs, VPC endpoints with their policies, the load balancer
 * with its listeners and target groups, and the host fleet with its security groups, subnets, role
 * and declared needs. References are followed by property dependencies, which a preview records
 * before any id exists; a resource a reference names that the plan lacks is left out.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes } from "../resourceTypes";
import { cidrContains } from "./cidr";
import { readFleets } from "./fleetNetwork";
import { readStatements } from "./policyDocuments";
import {
  LoadBalancer,
  Nacl,
  NaclEntry,
  NetworkResource,
  RouteTable,
  RouteTarget,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  TargetGroup,
  VpcEndpoint,
  VpcNetwork,
  networkAclTypes,
} from "./networkTypes";
import { asNumber, asString, Index } from "./planIndex";

export {
  type NetworkResource,
  networkAclTypes,
  type SecurityGroupRule,
  type RouteTarget,
  type RouteEntry,
  type NaclEntry,
  type Nacl,
  type Subnet,
  type RouteTable,
  type SecurityGroup,
  type VpcEndpoint,
  type Listener,
  type TargetGroup,
  type LoadBalancer,
  type RoleDocument,
  type HostFleetNetwork,
  type VpcNetwork,
} from "./networkTypes";

/** Ports of a rule: `-1` (every protocol) covers every port; ICMP and unset ports as 0–65535. */
function portsOf(protocol: string, from: unknown, to: unknown): { fromPort: number; toPort: number } {
  if (protocol === "-1" || protocol === "all") return { fromPort: 0, toPort: 65535 };
  const fromPort = asNumber(from, 0);
  const toPort = asNumber(to, 65535);
  return fromPort < 0 || toPort < 0 ? { fromPort: 0, toPort: 65535 } : { fromPort, toPort };
}

/** The AWS protocol number or name as the model compares it: `tcp`, `udp`, `icmp`, `-1`. */
export function normalProtocol(protocol: unknown): string {
  const p = String(protocol ?? "-1").toLowerCase();
  return ({ "6": "tcp", "17": "udp", "1": "icmp", all: "-1" } as Record<string, string>)[p] ?? p;
}

function routeTarget(index: Index, r: NetworkResource, route: Record<string, any>, key: string): RouteTarget {
  const gateway = asString(route.gatewayId);
  if (gateway !== undefined) {
    const igw = index.ref(r, key, resourceTypes.ec2InternetGateway);
    if (igw || gateway.startsWith("igw-")) return { kind: "internet-gateway", id: igw?.urn ?? gateway };
    if (gateway === "local") return { kind: "local" };
    if (gateway.startsWith("vpce-")) return { kind: "gateway-endpoint", id: gateway };
    return { kind: "other", id: gateway };
  }
  if (asString(route.transitGatewayId)) return { kind: "transit-gateway", id: route.transitGatewayId };
  if (asString(route.vpcPeeringConnectionId)) return { kind: "peering", id: route.vpcPeeringConnectionId };
  if (asString(route.natGatewayId)) return { kind: "nat-gateway", id: route.natGatewayId };
  if (asString(route.vpcEndpointId)) return { kind: "gateway-endpoint", id: route.vpcEndpointId };
  const other = ["networkInterfaceId", "carrierGatewayId", "egressOnlyGatewayId", "localGatewayId", "coreNetworkArn", "instanceId"].find((k) => asString(route[k]));
  return { kind: "other", id: other ? String(route[other]) : "(none)" };
}

export function describeTarget(target: RouteTarget, names: Map<string, string>): string {
  const id = "id" in target ? (names.get(target.id) ?? target.id) : "";
  switch (target.kind) {
    case "local":
      return "local";
    case "internet-gateway":
      return `internet gateway ${id}`;
    case "transit-gateway":
      return `transit gateway ${id}`;
    case "peering":
      return `VPC peering connection ${id}`;
    case "gateway-endpoint":
      return `gateway endpoint ${id}`;
    case "nat-gateway":
      return `NAT gateway ${id}`;
    default:
      return id;
  }
}

function readRules(index: Index, groups: Map<string, SecurityGroup>): void {
  const push = (rule: SecurityGroupRule) => groups.get(rule.group)?.rules.push(rule);
  for (const g of [...index.ofType(resourceTypes.ec2SecurityGroup), ...index.ofType(resourceTypes.ec2DefaultSecurityGroup)]) {
    for (const direction of ["ingress", "egress"] as const) {
      (g.props[direction] ?? []).forEach((rule: Record<string, any>, i: number) => {
        const protocol = normalProtocol(rule.protocol);
        const base = { urn: g.urn, group: g.urn, direction, protocol, ...portsOf(protocol, rule.fromPort, rule.toPort) };
        const label = `${g.name} ${direction}[${i}]`;
        for (const cidr of rule.cidrBlocks ?? []) push({ ...base, cidr, label });
        if (rule.self) push({ ...base, groupRef: g.urn, label });
        for (const ref of (rule.securityGroups ?? []).length > 0 ? index.refs(g, direction, resourceTypes.ec2SecurityGroup) : []) push({ ...base, groupRef: ref.urn, label });
        for (const pl of rule.prefixListIds ?? []) push({ ...base, prefixList: index.ref(g, direction, resourceTypes.ec2VpcEndpoint)?.urn ?? pl, label });
      });
    }
  }
  for (const type of [resourceTypes.vpcSecurityGroupIngressRule, resourceTypes.vpcSecurityGroupEgressRule]) {
    for (const r of index.ofType(type)) {
      const group = index.ref(r, "securityGroupId", resourceTypes.ec2SecurityGroup, resourceTypes.ec2DefaultSecurityGroup);
      if (!group) continue;
      const protocol = normalProtocol(r.props.ipProtocol);
      const base = {
        urn: r.urn,
        group: group.urn,
        direction: type === resourceTypes.vpcSecurityGroupIngressRule ? ("ingress" as const) : ("egress" as const),
        protocol,
        ...portsOf(protocol, r.props.fromPort, r.props.toPort),
        label: r.name,
      };
      if (asString(r.props.cidrIpv4)) push({ ...base, cidr: r.props.cidrIpv4 });
      const ref = index.ref(r, "referencedSecurityGroupId", resourceTypes.ec2SecurityGroup, resourceTypes.ec2DefaultSecurityGroup);
      if (ref) push({ ...base, groupRef: ref.urn });
      if (asString(r.props.prefixListId)) push({ ...base, prefixList: index.ref(r, "prefixListId", resourceTypes.ec2VpcEndpoint)?.urn ?? r.props.prefixListId });
    }
  }
  for (const r of index.ofType(resourceTypes.ec2SecurityGroupRule)) {
    const group = index.ref(r, "securityGroupId", resourceTypes.ec2SecurityGroup, resourceTypes.ec2DefaultSecurityGroup);
    if (!group) continue;
    const protocol = normalProtocol(r.props.protocol);
    const base = {
      urn: r.urn,
      group: group.urn,
      direction: r.props.type === "egress" ? ("egress" as const) : ("ingress" as const),
      protocol,
      ...portsOf(protocol, r.props.fromPort, r.props.toPort),
      label: r.name,
    };
    for (const cidr of r.props.cidrBlocks ?? []) push({ ...base, cidr });
    if (r.props.self) push({ ...base, groupRef: group.urn });
    const ref = index.ref(r, "sourceSecurityGroupId", resourceTypes.ec2SecurityGroup, resourceTypes.ec2DefaultSecurityGroup);
    if (ref) push({ ...base, groupRef: ref.urn });
    for (const pl of r.props.prefixListIds ?? []) push({ ...base, prefixList: index.ref(r, "prefixListIds", resourceTypes.ec2VpcEndpoint)?.urn ?? pl });
  }
}

function readNacls(index: Index, vpcUrn: string, subnets: Subnet[]): Nacl[] {
  const nacls: Nacl[] = [];
  const entries = (list: unknown, egress: boolean): NaclEntry[] =>
    ((list as Record<string, any>[]) ?? []).map((e) => ({
      ruleNumber: asNumber(e.ruleNo, 0),
      egress,
      allow: String(e.action).toLowerCase() === "allow",
      protocol: normalProtocol(e.protocol),
      ...portsOf(normalProtocol(e.protocol), e.fromPort, e.toPort),
      cidr: String(e.cidrBlock ?? ""),
    }));
  for (const type of [networkAclTypes.networkAcl, networkAclTypes.defaultNetworkAcl]) {
    for (const acl of index.ofType(type)) {
      const vpc = index.ref(acl, "vpcId", resourceTypes.ec2Vpc);
      if (type === networkAclTypes.networkAcl && vpc?.urn !== vpcUrn) continue;
      const nacl: Nacl = { urn: acl.urn, name: acl.name, entries: [...entries(acl.props.ingress, false), ...entries(acl.props.egress, true)] };
      nacls.push(nacl);
      for (const s of index.refs(acl, "subnetIds", resourceTypes.ec2Subnet)) {
        const subnet = subnets.find((x) => x.urn === s.urn);
        if (subnet) subnet.nacl = acl.urn;
      }
    }
  }
  for (const rule of index.ofType(networkAclTypes.networkAclRule)) {
    const nacl = nacls.find((n) => n.urn === index.ref(rule, "networkAclId")?.urn);
    if (!nacl) continue;
    const protocol = normalProtocol(rule.props.protocol);
    nacl.entries.push({
      ruleNumber: asNumber(rule.props.ruleNumber, 0),
      egress: rule.props.egress === true,
      allow: String(rule.props.ruleAction).toLowerCase() === "allow",
      protocol,
      ...portsOf(protocol, rule.props.fromPort, rule.props.toPort),
      cidr: String(rule.props.cidrBlock ?? ""),
    });
  }
  for (const assoc of index.ofType(networkAclTypes.networkAclAssociation)) {
    const subnet = subnets.find((s) => s.urn === index.ref(assoc, "subnetId")?.urn);
    const nacl = index.ref(assoc, "networkAclId");
    if (subnet && nacl) subnet.nacl = nacl.urn;
  }
  return nacls;
}

function serviceOf(serviceName: unknown): string {
  const name = String(serviceName ?? "");
  return name.split(".").slice(3).join(".") || name;
}

/** Every VPC of the plan with the network around it. */
export function readNetworks(resources: NetworkResource[]): VpcNetwork[] {
  const index = new Index(resources);
  const groups = new Map<string, SecurityGroup>(
    [...index.ofType(resourceTypes.ec2SecurityGroup), ...index.ofType(resourceTypes.ec2DefaultSecurityGroup)].map((g) => [g.urn, { urn: g.urn, name: g.name, rules: [] }]),
  );
  readRules(index, groups);
  return index.ofType(resourceTypes.ec2Vpc).map((vpc) => {
    const inVpc = (r: NetworkResource) => index.ref(r, "vpcId", resourceTypes.ec2Vpc)?.urn === vpc.urn;
    const cidr = String(vpc.props.cidrBlock ?? "");
    const subnets: Subnet[] = index
      .ofType(resourceTypes.ec2Subnet)
      .filter(inVpc)
      .map((s) => ({ urn: s.urn, name: s.name, cidr: String(s.props.cidrBlock ?? ""), zoneId: asString(s.props.availabilityZoneId) }));
    const routeTables = readRouteTables(index, inVpc, subnets);
    const endpoints = readEndpoints(index, inVpc, groups, routeTables);
    const targetGroups = readTargetGroups(index, inVpc);
    const loadBalancers = readLoadBalancers(index, groups, new Set(subnets.map((s) => s.urn)));
    const vpcGroups = [...groups.values()].filter((g) => inVpc(index.byUrn.get(g.urn)!));
    return {
      region: String(vpc.props.region ?? ""),
      vpc: { urn: vpc.urn, name: vpc.name, cidr },
      internetGateway: index.ofType(resourceTypes.ec2InternetGateway).find(inVpc)?.urn,
      subnets,
      routeTables,
      groups: vpcGroups,
      nacls: readNacls(index, vpc.urn, subnets),
      endpoints,
      loadBalancers,
      targetGroups,
      fleets: readFleets(index, subnets, groups),
    };
  });
}

/** The VPC's route tables with their inline routes and `aws.ec2.Route`s; each subnet learns the table it is associated with. */
function readRouteTables(index: Index, inVpc: (r: NetworkResource) => boolean, subnets: Subnet[]): RouteTable[] {
  const tables = index.ofType(resourceTypes.ec2RouteTable).filter(inVpc);
  const routeTables: RouteTable[] = tables.map((t) => ({
    urn: t.urn,
    name: t.name,
    routes: ((t.props.routes ?? []) as Record<string, any>[]).map((route, i) => ({
      urn: t.urn,
      table: t.urn,
      destination: asString(route.cidrBlock) ? { cidr: route.cidrBlock } : { prefixList: String(route.destinationPrefixListId ?? "") },
      target: routeTarget(index, t, route, "routes"),
      inline: true,
      label: `${t.name} routes[${i}]`,
    })),
  }));
  for (const r of index.ofType(resourceTypes.ec2Route)) {
    const table = routeTables.find((t) => t.urn === index.ref(r, "routeTableId")?.urn);
    if (!table) continue;
    const prefix = index.ref(r, "destinationPrefixListId", resourceTypes.ec2VpcEndpoint)?.urn ?? asString(r.props.destinationPrefixListId);
    table.routes.push({
      urn: r.urn,
      table: table.urn,
      destination: asString(r.props.destinationCidrBlock) ? { cidr: r.props.destinationCidrBlock } : { prefixList: prefix ?? "" },
      target: routeTarget(index, r, r.props, "gatewayId"),
      inline: false,
      label: r.name,
    });
  }
  for (const assoc of index.ofType(resourceTypes.ec2RouteTableAssociation)) {
    const subnet = subnets.find((s) => s.urn === index.ref(assoc, "subnetId")?.urn);
    const table = routeTables.find((t) => t.urn === index.ref(assoc, "routeTableId")?.urn);
    if (subnet && table) subnet.routeTable = table.urn;
  }
  return routeTables;
}

/** The VPC's endpoints; a gateway endpoint adds its service's prefix-list route to the route tables it names. */
function readEndpoints(index: Index, inVpc: (r: NetworkResource) => boolean, groups: Map<string, SecurityGroup>, routeTables: RouteTable[]): VpcEndpoint[] {
  const endpoints: VpcEndpoint[] = index
    .ofType(resourceTypes.ec2VpcEndpoint)
    .filter(inVpc)
    .map((e) => ({
      urn: e.urn,
      name: e.name,
      service: serviceOf(e.props.serviceName),
      type: e.props.vpcEndpointType === "Interface" ? "Interface" : "Gateway",
      // A new interface endpoint's private DNS defaults to off in the API; the provider leaves it unset.
      privateDns: e.props.privateDnsEnabled === true,
      subnets: index.refs(e, "subnetIds", resourceTypes.ec2Subnet).map((s) => s.urn),
      groups: index
        .refs(e, "securityGroupIds")
        .filter((g) => groups.has(g.urn))
        .map((g) => g.urn),
      routeTables: index.refs(e, "routeTableIds", resourceTypes.ec2RouteTable).map((t) => t.urn),
      policy: e.props.policy === undefined || e.props.policy === "" ? undefined : readStatements(e.props.policy),
    }));
  for (const e of endpoints.filter((x) => x.type === "Gateway")) {
    for (const t of routeTables.filter((x) => e.routeTables.includes(x.urn))) {
      t.routes.push({ urn: e.urn, table: t.urn, destination: { prefixList: e.urn }, target: { kind: "gateway-endpoint", id: e.urn }, inline: false, label: `${e.name} (${e.service} prefix list)` });
    }
  }
  return endpoints;
}

function readTargetGroups(index: Index, inVpc: (r: NetworkResource) => boolean): TargetGroup[] {
  return index
    .ofType(resourceTypes.lbTargetGroup)
    .filter(inVpc)
    .map((t) => {
      const port = asNumber(t.props.port, 0);
      const health = t.props.healthCheck?.port;
      return { urn: t.urn, name: t.name, port, healthPort: health === undefined || health === "traffic-port" ? port : asNumber(health, port) };
    });
}

/** The load balancers with a subnet in the VPC (`subnetUrns`), with their listeners. */
function readLoadBalancers(index: Index, groups: Map<string, SecurityGroup>, subnetUrns: Set<string>): LoadBalancer[] {
  return index
    .ofType(resourceTypes.lbLoadBalancer)
    .map((lb) => {
      const mapped = [...index.refs(lb, "subnetMappings", resourceTypes.ec2Subnet), ...index.refs(lb, "subnets", resourceTypes.ec2Subnet)].map((s) => s.urn).filter((u) => subnetUrns.has(u));
      return {
        urn: lb.urn,
        name: lb.name,
        internetFacing: lb.props.internal !== true,
        groups: index
          .refs(lb, "securityGroups")
          .filter((g) => groups.has(g.urn))
          .map((g) => g.urn),
        subnets: [...new Set(mapped)],
        publicAddresses: index
          .refs(lb, "subnetMappings", resourceTypes.ec2Eip)
          .map((e) => String(e.props.publicIp ?? ""))
          .filter(Boolean),
        listeners: index
          .ofType(resourceTypes.lbListener)
          .filter((l) => index.ref(l, "loadBalancerArn")?.urn === lb.urn)
          .map((l) => ({
            urn: l.urn,
            port: asNumber(l.props.port, 0),
            protocol: String(l.props.protocol ?? ""),
            targetGroups: index.refs(l, "defaultActions", resourceTypes.lbTargetGroup).map((t) => t.urn),
          })),
      };
    })
    .filter((lb) => lb.subnets.length > 0);
}

/** Whether `cidr` lies inside the VPC (reached by its local route). */
export function inVpc(network: VpcNetwork, cidr: string): boolean {
  return cidrContains(network.vpc.cidr, cidr);
}

/** Display names of every URN in the network, for messages. */
export function namesOf(network: VpcNetwork): Map<string, string> {
  const names = new Map<string, string>();
  for (const list of [network.subnets, network.routeTables, network.groups, network.nacls, network.endpoints, network.loadBalancers, network.targetGroups, network.fleets]) {
    for (const item of list) names.set(item.urn, item.name);
  }
  names.set(network.vpc.urn, network.vpc.name);
  if (network.internetGateway) names.set(network.internetGateway, network.internetGateway.split("::").pop()!);
  return names;
}
