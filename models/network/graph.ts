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
import { tagMap } from "../capacity/declared";
import { cidrContains } from "./cidr";
import { readNetworkNeeds } from "./needs";
import { knownManagedPolicies, readStatements } from "./policyDocuments";
import { HostFleetNetwork, LoadBalancer, Nacl, NaclEntry, NetworkResource, RoleDocument, RouteTable, RouteTarget, SecurityGroup, SecurityGroupRule, Subnet, TargetGroup, VpcEndpoint, VpcNetwork, networkAclTypes } from "./networkTypes";

export { type NetworkResource, networkAclTypes, type SecurityGroupRule, type RouteTarget, type RouteEntry, type NaclEntry, type Nacl, type Subnet, type RouteTable, type SecurityGroup, type VpcEndpoint, type Listener, type TargetGroup, type LoadBalancer, type RoleDocument, type HostFleetNetwork, type VpcNetwork } from "./networkTypes";

const asNumber = (value: unknown, fallback: number) => (typeof value === "number" && Number.isFinite(value) ? value : typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : fallback);
const asString = (value: unknown) => (typeof value === "string" ? value : undefined);

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

class Index {
  readonly byUrn: Map<string, NetworkResource>;
  private readonly byType = new Map<string, NetworkResource[]>();
  constructor(readonly resources: NetworkResource[]) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
      const list = this.byType.get(r.type) ?? [];
      list.push(r);
      this.byType.set(r.type, list);
    }
  }
  ofType(type: string): NetworkResource[] {
    return this.byType.get(type) ?? [];
  }
  /** The resources of `types` that property `key` of `r` took outputs of. */
  refs(r: NetworkResource, key: string, ...types: string[]): NetworkResource[] {
    return (r.propertyDependencies?.[key] ?? []).map((urn) => this.byUrn.get(urn)).filter((d): d is NetworkResource => !!d && (types.length === 0 || types.includes(d.type)));
  }
  ref(r: NetworkResource, key: string, ...types: string[]): NetworkResource | undefined {
    return this.refs(r, key, ...types)[0];
  }
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
  const id = "id" in target ? names.get(target.id) ?? target.id : "";
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
      const base = { urn: r.urn, group: group.urn, direction: type === resourceTypes.vpcSecurityGroupIngressRule ? ("ingress" as const) : ("egress" as const), protocol, ...portsOf(protocol, r.props.fromPort, r.props.toPort), label: r.name };
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
    const base = { urn: r.urn, group: group.urn, direction: r.props.type === "egress" ? ("egress" as const) : ("ingress" as const), protocol, ...portsOf(protocol, r.props.fromPort, r.props.toPort), label: r.name };
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

function readFleets(index: Index, subnets: Subnet[], groups: Map<string, SecurityGroup>): HostFleetNetwork[] {
  const out: HostFleetNetwork[] = [];
  for (const asg of index.ofType(resourceTypes.autoscalingGroup)) {
    const fleetSubnets = index.refs(asg, "vpcZoneIdentifiers", resourceTypes.ec2Subnet).map((s) => s.urn).filter((urn) => subnets.some((s) => s.urn === urn));
    if (fleetSubnets.length === 0) continue;
    const template = index.ref(asg, "launchTemplate", resourceTypes.ec2LaunchTemplate);
    if (!template) continue;
    const lt = template.props;
    const nic = (lt.networkInterfaces ?? [])[0] ?? {};
    const groupRefs = [...index.refs(template, "networkInterfaces"), ...index.refs(template, "vpcSecurityGroupIds")].filter((r) => groups.has(r.urn)).map((r) => r.urn);
    const profile = index.ref(template, "iamInstanceProfile", resourceTypes.iamInstanceProfile);
    const role = profile ? index.ref(profile, "role", resourceTypes.iamRole) : undefined;
    out.push({
      urn: asg.urn,
      name: asg.name,
      launchTemplate: template.urn,
      groups: [...new Set(groupRefs)],
      subnets: fleetSubnets,
      targetGroups: index.refs(asg, "targetGroupArns", resourceTypes.lbTargetGroup).map((t) => t.urn),
      publicAddress: String(nic.associatePublicIpAddress) === "true",
      role: role ? { urn: role.urn, name: role.name, documents: roleDocuments(index, role) } : undefined,
      needs: readNetworkNeeds(tagMap(lt.tags), String(template.props.region ?? "")),
    });
  }
  return out;
}

function roleDocuments(index: Index, role: NetworkResource): RoleDocument[] {
  const docs: RoleDocument[] = [];
  const managed = (urn: string, arn: string) => {
    const known = knownManagedPolicies[arn];
    docs.push({ urn, label: `managed policy ${arn}`, statements: known ? readStatements(known) : `is an AWS or customer managed policy whose statements the model does not know (${arn})` });
  };
  (role.props.inlinePolicies ?? []).forEach((p: Record<string, unknown>, i: number) => docs.push({ urn: role.urn, label: `role ${role.name} inline policy ${String(p.name ?? i)}`, statements: readStatements(p.policy) }));
  for (const arn of role.props.managedPolicyArns ?? []) managed(role.urn, arn);
  for (const p of index.ofType(resourceTypes.iamRolePolicy)) if (index.ref(p, "role")?.urn === role.urn) docs.push({ urn: p.urn, label: `role policy ${p.name}`, statements: readStatements(p.props.policy) });
  for (const a of index.ofType(resourceTypes.iamRolePolicyAttachment)) if (index.ref(a, "role")?.urn === role.urn && asString(a.props.policyArn)) managed(a.urn, a.props.policyArn);
  return docs;
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
    const subnets: Subnet[] = index.ofType(resourceTypes.ec2Subnet).filter(inVpc).map((s) => ({ urn: s.urn, name: s.name, cidr: String(s.props.cidrBlock ?? ""), zoneId: asString(s.props.availabilityZoneId) }));
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
    const endpoints: VpcEndpoint[] = index.ofType(resourceTypes.ec2VpcEndpoint).filter(inVpc).map((e) => ({
      urn: e.urn,
      name: e.name,
      service: serviceOf(e.props.serviceName),
      type: e.props.vpcEndpointType === "Interface" ? "Interface" : "Gateway",
      // A new interface endpoint's private DNS defaults to off in the API; the provider leaves it unset.
      privateDns: e.props.privateDnsEnabled === true,
      subnets: index.refs(e, "subnetIds", resourceTypes.ec2Subnet).map((s) => s.urn),
      groups: index.refs(e, "securityGroupIds").filter((g) => groups.has(g.urn)).map((g) => g.urn),
      routeTables: index.refs(e, "routeTableIds", resourceTypes.ec2RouteTable).map((t) => t.urn),
      policy: e.props.policy === undefined || e.props.policy === "" ? undefined : readStatements(e.props.policy),
    }));
    // A gateway endpoint adds its service's prefix list to the route tables it names.
    for (const e of endpoints.filter((x) => x.type === "Gateway")) {
      for (const t of routeTables.filter((x) => e.routeTables.includes(x.urn))) {
        t.routes.push({ urn: e.urn, table: t.urn, destination: { prefixList: e.urn }, target: { kind: "gateway-endpoint", id: e.urn }, inline: false, label: `${e.name} (${e.service} prefix list)` });
      }
    }
    const subnetUrns = new Set(subnets.map((s) => s.urn));
    const targetGroups: TargetGroup[] = index.ofType(resourceTypes.lbTargetGroup).filter(inVpc).map((t) => {
      const port = asNumber(t.props.port, 0);
      const health = t.props.healthCheck?.port;
      return { urn: t.urn, name: t.name, port, healthPort: health === undefined || health === "traffic-port" ? port : asNumber(health, port) };
    });
    const loadBalancers: LoadBalancer[] = index
      .ofType(resourceTypes.lbLoadBalancer)
      .map((lb) => {
        const mapped = [...index.refs(lb, "subnetMappings", resourceTypes.ec2Subnet), ...index.refs(lb, "subnets", resourceTypes.ec2Subnet)].map((s) => s.urn).filter((u) => subnetUrns.has(u));
        return {
          urn: lb.urn,
          name: lb.name,
          internetFacing: lb.props.internal !== true,
          groups: index.refs(lb, "securityGroups").filter((g) => groups.has(g.urn)).map((g) => g.urn),
          subnets: [...new Set(mapped)],
          publicAddresses: index.refs(lb, "subnetMappings", resourceTypes.ec2Eip).map((e) => String(e.props.publicIp ?? "")).filter(Boolean),
          listeners: index.ofType(resourceTypes.lbListener)
            .filter((l) => index.ref(l, "loadBalancerArn")?.urn === lb.urn)
            .map((l) => ({ urn: l.urn, port: asNumber(l.props.port, 0), protocol: String(l.props.protocol ?? ""), targetGroups: index.refs(l, "defaultActions", resourceTypes.lbTargetGroup).map((t) => t.urn) })),
        };
      })
      .filter((lb) => lb.subnets.length > 0);
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
