/**
 * One rehearsed host's network, in three namespaces the rehearsal makes and removes, every address
 * and filter taken from the reachability model's wiring of the plan (`models/network/wiring.ts`,
 * the same wiring the edge twin builds in `gameday/networkPaths.ts`):
 *   vpc   a bridge holding the hosts' subnet's router address (subnet + 1), the VPC resolver
 *         (VPC base + 2), each interface endpoint at the address the wiring gives its namespace,
 *         S3 at the gateway endpoint's prefix-list stand-in, each datastore host at the address the
 *         wiring gives its declared network, instance metadata (169.254.169.254) and the Amazon
 *         Time Sync Service (169.254.169.123); the stand-ins and PostgreSQL listen there;
 *   host  the booted host at the wired hosts' address, its default route through the router, as
 *         DHCP sets it, and the wired hosts' nftables ruleset (their security groups: egress in
 *         `output`, ingress in `input`), loaded unchanged;
 *   nlb   the load balancer at its wired address, with its wired ruleset: its health checks and
 *         the event a client posts come from there, so the hosts' ingress rules judge them.
 * The stand-ins all answer on the vpc namespace's bridge, so the hosts' route table is honoured by
 * a filter there instead of by forwarding: a stand-in outside the VPC (S3, the datastore) whose
 * address the wired router's table for the hosts' subnet sends nowhere, or to the internet gateway
 * (which forwards nothing for a host without a public address), answers the host ICMP
 * net-unreachable, as the twin's router does.
 * Every name and link carries the run's own prefix, so rehearsals and game days side by side never
 * meet.
 */
import { addNamespace, inNamespace, run, Teardown } from "../../gameday/netns";
import { longestPrefixMatch, nthAddress } from "../../models/network/cidr";
import type { RegionReachability } from "../../models/network/reachability";
import { prefixListStandIn, wireRegion, type WiredNamespace, type WiredRegion } from "../../models/network/wiring";

/** Instance metadata and the Amazon Time Sync Service: link-local, reached without a route, endpoint or security group rule. */
export const imdsAddress = "169.254.169.254";
export const timeSyncServiceAddress = "169.254.169.123";

export interface HostNetworkPlan {
  namespaces: { vpc: string; host: string; nlb: string };
  prefixLength: number;
  gateway: string;
  resolver: string;
  host: string;
  nlb: string;
  /** Where S3 answers: the gateway endpoint's prefix-list stand-in, which the hosts' prefix-list rule admits. */
  s3: string;
  /** Interface endpoint service (`ssm`, …) → its wired address in the hosts' subnet. */
  endpoints: Record<string, string>;
  /** Datastore host name → the address it answers on, inside its declared network. */
  datastores: Record<string, string>;
  /** The wired nftables rulesets of the hosts' and the load balancer's namespaces. */
  nftables: { host: string; nlb: string };
  /** Stand-in addresses the hosts' route table gives no route to (S3, datastore hosts). */
  unrouted: string[];
}

/**
 * The addresses of `destinations` that the wired router's table for the hosts' subnet does not
 * route out of the VPC: no route holds them, or the longest match leads to the internet gateway,
 * which the twin's router lets forward only for addresses with a public one mapped.
 */
export function unroutedFromHosts(wired: WiredRegion, hostsSubnet: string, destinations: readonly string[]): string[] {
  const router = wired.namespaces.find((n) => n.role === "router")!;
  const rule = router.rules.find((r) => r[0] === "from" && r[1] === hostsSubnet);
  const table = rule?.[rule.indexOf("lookup") + 1];
  const routes = router.routes.filter((r) => table !== undefined && r.at(-2) === "table" && r.at(-1) === table);
  return destinations.filter((address) => {
    const route = longestPrefixMatch(routes, (r) => r[0], `${address}/32`);
    return route === undefined || route[route.indexOf("dev") + 1] === "igw";
  });
}

/** The one address of a wired member namespace (its end of its link to the router). */
function memberAddress(wired: WiredRegion, ns: WiredNamespace): { address: string; prefixLength: number } {
  const link = wired.links.find((l) => l.b.namespace === ns.id);
  const [address, bits] = (link?.b.iface.addresses[0] ?? "").split("/");
  if (!address) throw new Error(`the wiring gives ${ns.label} no address`);
  return { address, prefixLength: Number(bits) };
}

/**
 * The addresses and filters of one host's rehearsal, from the model's wiring of its region:
 * the hosts, the load balancer and each interface endpoint where the wiring puts them, S3 at the
 * prefix-list stand-in, and datastore host i at the wired address of declared network i (a second
 * host of the same network at the next address).
 */
export function hostNetworkPlan(prefix: string, report: RegionReachability, datastoreHosts: readonly string[]): HostNetworkPlan {
  const wired = wireRegion(report);
  const byRole = (role: WiredNamespace["role"]) => wired.namespaces.filter((n) => n.role === role);
  const hosts = byRole("hosts").find((n) => n.urn === report.fleet.urn);
  const nlb = byRole("load balancer")[0];
  if (!hosts || !nlb) throw new Error(`the reachability model wires no ${hosts ? "load balancer" : "hosts"} in ${report.region}: the plan gives them no subnet`);
  const host = memberAddress(wired, hosts);
  const endpoints: Record<string, string> = {};
  for (const ns of byRole("endpoint")) {
    const endpoint = report.network.endpoints.find((e) => e.urn === ns.urn);
    if (endpoint) endpoints[endpoint.service] = memberAddress(wired, ns).address;
  }
  const needs = "needs" in report.fleet.needs ? report.fleet.needs.needs : undefined;
  const networks = needs?.datastoreNetworks ?? [];
  if (networks.length === 0) throw new Error(`the launch template ${report.fleet.launchTemplate} declares no datastore network (tag edge:network:datastore-networks)`);
  // The wiring's datastore namespace answers at address 10 of each declared network (`wireRegion`).
  const datastores = Object.fromEntries(datastoreHosts.map((name, i) => [name, nthAddress(networks[i % networks.length]!, 10 + Math.floor(i / networks.length))]));
  // The subnet the wiring puts the hosts in: their first in the plan's order.
  const hostsSubnet = report.network.subnets.find((s) => report.fleet.subnets.includes(s.urn))!.cidr;
  return {
    namespaces: { vpc: `${prefix}-vpc`, host: `${prefix}-host`, nlb: `${prefix}-nlb` },
    prefixLength: host.prefixLength,
    gateway: hosts.routes.find((r) => r[0] === "default")![2]!,
    resolver: nthAddress(report.network.vpc.cidr, 2),
    host: host.address,
    nlb: memberAddress(wired, nlb).address,
    s3: prefixListStandIn.address,
    endpoints,
    datastores,
    nftables: { host: hosts.nftables, nlb: nlb.nftables },
    unrouted: unroutedFromHosts(wired, hostsSubnet, [prefixListStandIn.address, ...Object.values(datastores)]),
  };
}

/** Makes the three namespaces, their links and filters; every step's undo is registered with `teardown`. */
export function buildHostNetwork(plan: HostNetworkPlan, teardown: Teardown): void {
  const { vpc, host, nlb } = plan.namespaces;
  for (const name of [vpc, host, nlb]) addNamespace(teardown, name);
  run("ip", ["-n", vpc, "link", "add", "br0", "type", "bridge"]);
  run("ip", ["-n", vpc, "link", "set", "br0", "up"]);
  run("ip", ["-n", vpc, "addr", "add", `${plan.gateway}/${plan.prefixLength}`, "dev", "br0"]);
  const local = [plan.resolver, ...Object.values(plan.endpoints), plan.s3, ...Object.values(plan.datastores), imdsAddress, timeSyncServiceAddress];
  for (const address of new Set(local)) if (address !== plan.gateway) run("ip", ["-n", vpc, "addr", "add", `${address}/32`, "dev", "br0"]);
  if (plan.unrouted.length > 0) {
    inNamespace(
      vpc,
      "nft",
      ["-f", "-"],
      [
        "table ip routes {",
        "  chain input {",
        "    type filter hook input priority 0; policy accept;",
        `    ip saddr ${plan.host} ip daddr { ${plan.unrouted.join(", ")} } reject with icmp type net-unreachable comment "no route in the hosts' route table"`,
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  }
  for (const [namespace, address, link, nftables] of [
    [host, plan.host, "vh", plan.nftables.host],
    [nlb, plan.nlb, "vn", plan.nftables.nlb],
  ] as const) {
    run("ip", ["-n", vpc, "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace]);
    run("ip", ["-n", vpc, "link", "set", link, "master", "br0"]);
    run("ip", ["-n", vpc, "link", "set", link, "up"]);
    run("ip", ["-n", namespace, "addr", "add", `${address}/${plan.prefixLength}`, "dev", "eth0"]);
    run("ip", ["-n", namespace, "link", "set", "eth0", "up"]);
    run("ip", ["-n", namespace, "route", "add", "default", "via", plan.gateway]);
    inNamespace(namespace, "nft", ["-f", "-"], nftables);
  }
}
