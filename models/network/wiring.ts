/**
 * The planned network of one region as network namespaces: addresses, routes and nftables rules
 * derived from the reachability model's reading of the plan (route tables, security groups,
 * network ACLs, endpoints), never written by hand, and the probes that send a packet along every
 * flow the model judges and the outcome it predicts. The edge twin (`gameday/networkPaths.ts`)
 * builds them with `ip` and `nft`; the host rehearsal can wire a booted host's namespace the same
 * way (`wireRegion(...).namespaces.find((n) => n.role === "hosts")`).
 *
 * Layout: one `router` namespace stands for the VPC's router, with a bridge per subnet in use at
 * the subnet's base + 1 (AWS's VPC router address), one routing table per route table chosen by
 * the source subnet (`ip rule from <subnet> iif <bridge>`), a table of the VPC's local routes for
 * what arrives from outside, and the internet gateway's one-to-one NAT of the load balancer's
 * Elastic IP. Each member (the hosts, the load balancer, each interface endpoint) is a namespace in
 * its first subnet whose nftables filter is its security groups: egress in `output` (rejected with
 * ICMP protocol-unreachable, so the sender's connect fails at once with ENOPROTOOPT: a plain drop
 * of a SYN leaves TCP retrying until it times out), ingress in `input` (rejected with ICMP
 * admin-prohibited: EHOSTUNREACH). AWS drops silently; the twin answers, so each probe says at once
 * which kind of hop stopped it. Network ACLs are stateless chains in the router's `forward`, rejecting the same
 * way; a missing route or the internet gateway's refusal answers ICMP net-unreachable
 * (ENETUNREACH). Outside the VPC: `internet` (a client and a server address, behind the internet
 * gateway), `s3` (the gateway endpoint's prefix list, one stand-in address), and `datastore` (an
 * address in each datastore network, behind a link per transit gateway or peering connection,
 * routing the VPC's block back). Namespaces are separate stacks, so the plan's own addresses are
 * used as they are.
 *
 * Pure module: no Pulumi imports.
 */
import { awsApiPort } from "../ingestRegion/egress";
import { nthAddress } from "./cidr";
import type { Subnet, VpcNetwork } from "./graph";
import { internetClientAddress, internetServerAddress, type Flow, type Member, type RegionReachability } from "./reachability";
import { WiredNamespace, WiredProbe, WiredRegion, elasticIpStandIns, outcomeOf, prefixListStandIn } from "./wiredModel";
import { Wiring } from "./wiringBuilder";

export {
  prefixListStandIn,
  elasticIpStandIns,
  unfilteredDestinations,
  type NamespaceRole,
  type WiredInterface,
  type WiredLink,
  type WiredNamespace,
  type ProbeOutcome,
  type WiredProbe,
  type WiredRegion,
  outcomeOf,
} from "./wiredModel";

/**
 * The namespaces of one region, their links, and one probe per flow and probe the model judged.
 * Flows whose members have no subnet in the plan are left out (the model already reports them).
 */
export function wireRegion(report: RegionReachability): WiredRegion {
  const wiring = new Wiring(report);
  const { network } = report;
  const router = wiring.namespace("router", "router", `the router of VPC ${network.vpc.name}`);
  router.sysctls.push("net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
  const all = [...report.flows, ...report.probes];
  wireMembers(wiring, network, all);
  const outside = wireOutside(wiring, report);
  const used = routeRouter(wiring, network, router, outside);

  // The internet gateway: one-to-one NAT of each Elastic IP, and nothing for a private address.
  network.loadBalancers.filter((l) => l.internetFacing && wiring.members.has(l.urn)).forEach((l, i) => wiring.publicAddresses.set(l.urn, nthAddress(elasticIpStandIns, i + 1)));
  router.nftables = routerNftables(wiring, network, used);

  guardMembers(wiring, report);
  outside.internet.listens.push(awsApiPort);
  outside.s3.listens.push(awsApiPort);

  const probes = wiredProbes(wiring, all);
  return { region: network.region, namespaces: wiring.namespaces, links: wiring.links, probes };
}

/** The members the flows name (the hosts, the load balancer, each interface endpoint), and each interface endpoint no flow names. */
function wireMembers(wiring: Wiring, network: VpcNetwork, all: readonly Flow[]): void {
  const members = new Map<string, Member>();
  for (const flow of all) {
    members.set(flow.source.urn, flow.source);
    if (flow.target.kind === "member") members.set(flow.target.member.urn, flow.target.member);
  }
  let endpoints = 0;
  for (const member of members.values()) {
    if (member.kind === "hosts") wiring.member(member, "hosts", 10);
    else if (member.kind === "load balancer") wiring.member(member, "lb", 11);
    else if (member.kind === "endpoint") wiring.member(member, `ep${endpoints}`, 20 + endpoints++);
  }
  for (const endpoint of network.endpoints.filter((e) => e.type === "Interface" && !wiring.members.has(e.urn) && e.subnets.length > 0)) {
    const subnets = network.subnets.filter((s) => endpoint.subnets.includes(s.urn));
    wiring.member({ kind: "endpoint", urn: endpoint.urn, label: `endpoint ${endpoint.name}`, subnets, groups: endpoint.groups, publicAddress: false }, `ep${endpoints}`, 20 + endpoints++);
  }
}

/** What lies outside the VPC, each wired to the router: the internet, S3's prefix list, the datastore's networks. */
interface Outside {
  internet: WiredNamespace;
  s3: WiredNamespace;
  igw: { routerAddress: string; peerAddress: string };
  /** The router's device and gateway for each route target outside the VPC (`kind:id`). */
  via: Map<string, { dev: string; gateway: string }>;
  /** The transit gateways and peering connections the route tables name (`kind:id`), one link each. */
  remotes: string[];
}

/** Wires the namespaces outside the VPC to the router, and says through which device the router reaches each. */
function wireOutside(wiring: Wiring, report: RegionReachability): Outside {
  const { network } = report;
  const internet = wiring.namespace("internet", "internet", "the internet (clients, and a server the hosts must not reach)");
  internet.loopbackAddresses.push(`${internetClientAddress}/32`, `${internetServerAddress}/32`);
  const igw = wiring.outsideLink(internet, "igw");
  internet.routes.push(["default", "via", igw.routerAddress]);
  const s3 = wiring.namespace("s3", "s3", "S3 (the gateway endpoint's prefix list)");
  s3.loopbackAddresses.push(`${prefixListStandIn.address}/32`);
  const s3Link = wiring.outsideLink(s3, "s3");
  s3.routes.push([network.vpc.cidr, "via", s3Link.routerAddress]);
  const datastore = wiring.namespace("datastore", "datastore", "the datastore's networks, past a transit gateway or peering connection");
  const needs = "needs" in report.fleet.needs ? report.fleet.needs.needs : undefined;
  for (const cidr of needs?.datastoreNetworks ?? []) datastore.loopbackAddresses.push(`${nthAddress(cidr, 10)}/32`);
  if (needs) datastore.listens.push(needs.datastorePort);

  const via = new Map<string, { dev: string; gateway: string }>();
  if (network.internetGateway) via.set(`internet-gateway:${network.internetGateway}`, { dev: "igw", gateway: igw.peerAddress });
  for (const e of network.endpoints.filter((x) => x.type === "Gateway")) via.set(`gateway-endpoint:${e.urn}`, { dev: "s3", gateway: s3Link.peerAddress });
  const remotes = [
    ...new Set(
      network.routeTables
        .flatMap((t) => t.routes)
        .filter((r) => r.target.kind === "transit-gateway" || r.target.kind === "peering")
        .map((r) => `${r.target.kind}:${"id" in r.target ? r.target.id : ""}`),
    ),
  ];
  remotes.forEach((key, i) => {
    const link = wiring.outsideLink(datastore, `tg${i}`);
    // The datastore side routes the VPC back through the first link (declared outside the program).
    if (i === 0) datastore.routes.push([network.vpc.cidr, "via", link.routerAddress]);
    via.set(key, { dev: `tg${i}`, gateway: link.peerAddress });
  });
  // Each link of the datastore namespace needs its own name there.
  wiring.links.filter((l) => l.b.namespace === "datastore").forEach((l, i) => (l.b.iface.name = `eth${i}`));
  return { internet, s3, igw, via, remotes };
}

/** The router: a table per route table, chosen by source subnet; the VPC's local routes for the rest. Returns the subnets wired. */
function routeRouter(wiring: Wiring, network: VpcNetwork, router: WiredNamespace, { via, igw, remotes }: Outside): Subnet[] {
  const localTable = "200";
  const used = [...wiring.bridges.keys()].map((urn) => network.subnets.find((s) => s.urn === urn)!);
  const localRoutes = used.map((s) => [s.cidr, "dev", wiring.bridgeOf(s)]);
  for (const r of localRoutes) router.routes.push([...r, "table", localTable]);
  const tables = new Map<string, string>();
  used.forEach((subnet, i) => {
    const table = network.routeTables.find((t) => t.urn === subnet.routeTable);
    const id = table ? (tables.get(table.urn) ?? String(100 + tables.size)) : "199";
    if (table && !tables.has(table.urn)) {
      tables.set(table.urn, id);
      for (const r of localRoutes) router.routes.push([...r, "table", id]);
      for (const entry of table.routes) {
        const args = wiring.routeArgs(entry, via);
        if (args) router.routes.push([...args, "table", id]);
      }
    } else if (!table) {
      for (const r of localRoutes) router.routes.push([...r, "table", id]);
    }
    router.rules.push(["from", subnet.cidr, "iif", wiring.bridgeOf(subnet), "lookup", id, "priority", String(1000 + i)]);
    // No route in the subnet's table: unreachable (ICMP net-unreachable), never the router's own table.
    router.rules.push(["iif", wiring.bridgeOf(subnet), "unreachable", "priority", String(1500 + i)]);
  });
  for (const dev of ["igw", "s3", ...remotes.map((_, i) => `tg${i}`)]) {
    router.rules.push(["iif", dev, "lookup", localTable, "priority", "2000"], ["iif", dev, "unreachable", "priority", "2500"]);
  }
  // The router's own packets (its ICMP errors to clients) leave by the internet gateway; forwarded ones never reach this table.
  router.routes.push(["default", "via", igw.peerAddress]);
  return used;
}

/** Members: their security groups, and a listener where a flow ends. */
function guardMembers(wiring: Wiring, report: RegionReachability): void {
  const { network } = report;
  for (const [urn, m] of wiring.members) {
    const ns = wiring.namespaces.find((n) => n.id === m.id)!;
    ns.nftables = wiring.securityGroups(m.groups);
    const lb = network.loadBalancers.find((l) => l.urn === urn);
    if (lb) ns.listens.push(...lb.listeners.map((l) => l.port));
    else if (ns.role === "hosts") ns.listens.push(...new Set(network.targetGroups.filter((t) => report.fleet.targetGroups.includes(t.urn)).flatMap((t) => [t.port, t.healthPort])));
    else ns.listens.push(awsApiPort);
  }
}

/** The router's nftables: one-to-one NAT of each Elastic IP at the internet gateway, which forwards only for them, and each subnet's network ACL. */
function routerNftables(wiring: Wiring, network: VpcNetwork, used: Subnet[]): string {
  const mapped = [...wiring.publicAddresses].map(([urn, address]) => ({ public: address, private: wiring.members.get(urn)!.address }));
  const naclSubnets = used.filter((s) => s.nacl);
  return [
    "flush ruleset",
    "table ip vpc {",
    "  chain prerouting {",
    "    type nat hook prerouting priority -100; policy accept;",
    ...mapped.map((m) => `    iifname "igw" ip daddr ${m.public} dnat to ${m.private}`),
    "  }",
    "  chain postrouting {",
    "    type nat hook postrouting priority 100; policy accept;",
    ...mapped.map((m) => `    oifname "igw" ip saddr ${m.private} snat to ${m.public}`),
    "  }",
    "  chain forward {",
    "    type filter hook forward priority 0; policy accept;",
    // The internet gateway forwards only for addresses with a public one mapped to them.
    `    oifname "igw" ip saddr != { ${[...mapped.map((m) => m.private), "169.254.0.1"].join(", ")} } reject with icmp type net-unreachable`,
    `    iifname "igw" ip daddr != { ${[...mapped.map((m) => m.private), "169.254.0.1"].join(", ")} } reject with icmp type net-unreachable`,
    ...naclSubnets.flatMap((s) => [`    iifname "${wiring.bridgeOf(s)}" jump acl-${wiring.bridgeOf(s)}-out`, `    oifname "${wiring.bridgeOf(s)}" jump acl-${wiring.bridgeOf(s)}-in`]),
    "  }",
    ...naclSubnets.flatMap((s) => {
      const nacl = network.nacls.find((n) => n.urn === s.nacl)!;
      return [...wiring.naclChain(`acl-${wiring.bridgeOf(s)}-out`, nacl, true), ...wiring.naclChain(`acl-${wiring.bridgeOf(s)}-in`, nacl, false)];
    }),
    "}",
    "",
  ].join("\n");
}

/** A probe per flow whose ends are wired: from where to where, and what its connect ends in. */
function wiredProbes(wiring: Wiring, flows: readonly Flow[]): WiredProbe[] {
  return flows.flatMap((flow): WiredProbe[] => {
    const fromInternet = flow.source.kind === "internet";
    const source = fromInternet ? { id: "internet", address: internetClientAddress } : wiring.members.get(flow.source.urn);
    if (!source || (flow.target.kind === "member" && !wiring.members.has(flow.target.member.urn))) return [];
    return [
      {
        flow: `${flow.name} ${flow.detail}`,
        needed: flow.needed,
        from: source.id,
        fromAddress: source.address,
        to: wiring.targetAddress(flow.target, fromInternet),
        port: flow.port,
        expect: flow.networkOpen ? "open" : outcomeOf(flow.dropped),
        ...(flow.dropped ? { hop: `${flow.dropped.kind}: ${flow.dropped.summary}` } : {}),
      },
    ];
  });
}
