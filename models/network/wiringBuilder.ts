/**
 * Builds one region's namespaces, links, routes and nftables rules from its reachability report:
 * the `Wiring` that `wireRegion` drives.
 *
 * Pure module: no Pulumi imports.
 */
import { nthAddress } from "./cidr";
import type { Nacl, RouteEntry, SecurityGroupRule, Subnet, VpcNetwork } from "./graph";
import { type Member, type RegionReachability, type Target } from "./reachability";
import { NamespaceRole, WiredLink, WiredNamespace, prefixListStandIn, unfilteredDestinations } from "./wiredModel";

function nftPorts(rule: { protocol: string; fromPort: number; toPort: number }): string {
  if (rule.protocol === "-1") return "";
  if (rule.protocol !== "tcp") return "meta l4proto != tcp"; // the probes are TCP: another protocol admits none of them
  return rule.fromPort === rule.toPort ? `tcp dport ${rule.fromPort}` : `tcp dport ${rule.fromPort}-${rule.toPort}`;
}

export class Wiring {
  readonly namespaces: WiredNamespace[] = [];
  readonly links: WiredLink[] = [];
  /** Each member's namespace id and address, by member URN. */
  readonly members = new Map<string, { id: string; address: string; subnet: Subnet; groups: string[] }>();
  readonly bridges = new Map<string, string>();
  /** The stand-in Elastic IP of each internet-facing load balancer, by URN. */
  readonly publicAddresses = new Map<string, string>();
  private linkCount = 0;

  constructor(readonly report: RegionReachability) {}

  get network(): VpcNetwork {
    return this.report.network;
  }

  namespace(id: string, role: NamespaceRole, label: string): WiredNamespace {
    const ns: WiredNamespace = { id, role, label, bridges: [], loopbackAddresses: [], routes: [], rules: [], sysctls: [], nftables: "", listens: [] };
    this.namespaces.push(ns);
    return ns;
  }

  get router(): WiredNamespace {
    return this.namespaces.find((n) => n.id === "router")!;
  }

  /** A /30 link from the router to an outside namespace: the router's and the peer's addresses. */
  outsideLink(peer: WiredNamespace, routerIface: string): { routerAddress: string; peerAddress: string } {
    const n = this.linkCount++;
    const routerAddress = `169.254.${n}.1`;
    const peerAddress = `169.254.${n}.2`;
    this.links.push({
      a: { namespace: "router", iface: { name: routerIface, addresses: [`${routerAddress}/30`] } },
      b: { namespace: peer.id, iface: { name: "eth0", addresses: [`${peerAddress}/30`] } },
    });
    return { routerAddress, peerAddress };
  }

  bridgeOf(subnet: Subnet): string {
    let bridge = this.bridges.get(subnet.urn);
    if (!bridge) {
      bridge = `br${this.bridges.size}`;
      this.bridges.set(subnet.urn, bridge);
      this.router.bridges.push({ name: bridge, address: `${nthAddress(subnet.cidr, 1)}/${subnet.cidr.split("/")[1]}` });
    }
    return bridge;
  }

  /** A member's namespace in its first subnet at address number `host` of it. */
  member(member: Member, id: string, host: number): void {
    if (this.members.has(member.urn) || member.subnets.length === 0) return;
    const subnet = member.subnets[0]!;
    const address = nthAddress(subnet.cidr, host);
    const role = member.kind === "internet" ? "internet" : member.kind;
    const ns = this.namespace(id, role, member.label);
    ns.urn = member.urn;
    const bridge = this.bridgeOf(subnet);
    this.links.push({
      a: { namespace: "router", iface: { name: `v${id}`.slice(0, 15), addresses: [], bridge } },
      b: { namespace: id, iface: { name: "eth0", addresses: [`${address}/${subnet.cidr.split("/")[1]}`] } },
    });
    ns.routes.push(["default", "via", nthAddress(subnet.cidr, 1)]);
    this.members.set(member.urn, { id, address, subnet, groups: member.groups });
  }

  /** The address a flow's packets are sent to. */
  targetAddress(target: Target, fromInternet: boolean): string {
    switch (target.kind) {
      case "member": {
        const publicAddress = this.publicAddresses.get(target.member.urn);
        return fromInternet && publicAddress ? publicAddress : this.members.get(target.member.urn)!.address;
      }
      case "network":
        return nthAddress(target.cidr, 10);
      case "prefix list":
        return prefixListStandIn.address;
      case "internet":
        return target.address;
    }
  }

  /** The addresses a rule's peer stands for: a block, a group's members, or the prefix list's stand-in. */
  peer(rule: SecurityGroupRule): string | undefined {
    if (rule.cidr) return rule.cidr;
    if (rule.groupRef) {
      const addresses = [...this.members.values()].filter((m) => m.groups.includes(rule.groupRef!)).map((m) => m.address);
      return addresses.length > 0 ? `{ ${addresses.join(", ")} }` : undefined;
    }
    const gateway = this.network.endpoints.find((e) => e.urn === rule.prefixList && e.type === "Gateway");
    return gateway ? prefixListStandIn.cidr : undefined;
  }

  /** A member's security groups as its nftables filter; none (a load balancer without groups) filters nothing, as in AWS. */
  securityGroups(groups: string[]): string {
    if (groups.length === 0) return "flush ruleset\n";
    const rules = this.network.groups.filter((g) => groups.includes(g.urn)).flatMap((g) => g.rules);
    const line = (rule: SecurityGroupRule) => {
      const peer = this.peer(rule);
      if (peer === undefined) return undefined;
      return `    ip ${rule.direction === "egress" ? "daddr" : "saddr"} ${peer} ${nftPorts(rule)} accept comment "${rule.label.replace(/"/g, "'")}"`.replace(/ +/g, " ").replace(/^ /, "    ");
    };
    const egress = rules
      .filter((r) => r.direction === "egress")
      .map(line)
      .filter(Boolean);
    const ingress = rules
      .filter((r) => r.direction === "ingress")
      .map(line)
      .filter(Boolean);
    return [
      "flush ruleset",
      "table ip securitygroups {",
      "  chain input {",
      "    type filter hook input priority 0; policy accept;",
      "    iif lo accept",
      "    ct state established,related accept",
      ...ingress,
      "    reject with icmp type admin-prohibited",
      "  }",
      "  chain output {",
      "    type filter hook output priority 0; policy accept;",
      "    oif lo accept",
      "    ct state established,related accept",
      "    icmp type destination-unreachable accept",
      `    ip daddr { ${unfilteredDestinations(this.network.vpc.cidr).join(", ")} } accept comment "not filtered by security groups: Amazon DNS, instance metadata, Time Sync"`,
      ...egress,
      "    reject with icmp type prot-unreachable",
      "  }",
      "}",
      "",
    ].join("\n");
  }

  naclChain(name: string, nacl: Nacl, egress: boolean): string[] {
    const entries = nacl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
    return [
      `  chain ${name} {`,
      ...entries.map((e) => `    ip ${egress ? "daddr" : "saddr"} ${e.cidr} ${nftPorts(e)} ${e.allow ? "return" : "reject with icmp type host-prohibited"}`.replace(/ +/g, " ").replace(/^ /, "    ")),
      "    reject with icmp type host-prohibited",
      "  }",
    ];
  }

  routeArgs(entry: RouteEntry, via: Map<string, { dev: string; gateway: string }>): string[] | undefined {
    const destination = "cidr" in entry.destination ? entry.destination.cidr : entry.target.kind === "gateway-endpoint" ? prefixListStandIn.cidr : undefined;
    if (!destination) return undefined;
    const key = entry.target.kind === "local" ? undefined : "id" in entry.target ? `${entry.target.kind}:${entry.target.id}` : undefined;
    const hop = key ? via.get(key) : undefined;
    if (!hop) return undefined;
    return [destination, "via", hop.gateway, "dev", hop.dev];
  }
}
