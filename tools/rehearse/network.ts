/**
 * One rehearsed host's network, in three namespaces the rehearsal makes and removes:
 *   vpc   a bridge holding the VPC's gateway (subnet + 1), the VPC resolver (VPC base + 2), an
 *         address per interface endpoint (in the host's subnet), S3 (an address of S3's public
 *         range, which the gateway endpoint's route serves), each datastore host (inside its
 *         declared network), instance metadata (169.254.169.254) and the Amazon Time Sync
 *         Service (169.254.169.123); the stand-ins and PostgreSQL listen there;
 *   host  the booted host, at subnet + 10, its default route through the gateway, as DHCP sets it;
 *   nlb   the load balancer's side, at subnet + 5 on the same subnet: its health checks and the
 *         event a client posts come from there.
 * Every name and link carries the run's own prefix, so rehearsals and game days side by side never
 * meet.
 */
import { addNamespace, run, Teardown } from "../../gameday/netns";

/** Instance metadata and the Amazon Time Sync Service: link-local, reached without a route, endpoint or security group rule. */
export const imdsAddress = "169.254.169.254";
export const timeSyncServiceAddress = "169.254.169.123";
/**
 * Where S3 answers in the rehearsal: an address of S3's us-east-1 public range (52.216.0.0/15, in
 * AWS's ip-ranges.json), reached only inside the rehearsal's own namespaces, as hosts reach S3
 * through the gateway endpoint's route to S3's prefix list.
 */
export const s3Address = "52.216.8.10";

export function parseIpv4(address: string): number {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${address}`);
  return parts.reduce((a, p) => a * 256 + p, 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The `offset`-th address of `cidr` (0 is the network address). */
export function addressIn(cidr: string, offset: number): string {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  if (offset >= size) throw new Error(`${cidr} has no address at offset ${offset}`);
  const network = Math.floor(parseIpv4(base!) / size) * size;
  return formatIpv4(network + offset);
}

export interface HostNetworkPlan {
  namespaces: { vpc: string; host: string; nlb: string };
  prefixLength: number;
  gateway: string;
  resolver: string;
  host: string;
  nlb: string;
  /** Interface endpoint service (`ssm`, …) → its address in the host's subnet. */
  endpoints: Record<string, string>;
  /** Datastore host name → the address it answers on, inside its declared network. */
  datastores: Record<string, string>;
}

/**
 * The addresses of one host's rehearsal: the VPC's and subnet's as the plan declares them, each
 * datastore host at an address of the network the plan's security group lets the hosts reach on
 * its port (the first such network).
 */
export function hostNetworkPlan(
  prefix: string,
  vpcCidr: string,
  subnetCidr: string,
  endpointServices: readonly string[],
  datastoreHosts: { host: string; cidr: string }[],
): HostNetworkPlan {
  return {
    namespaces: { vpc: `${prefix}-vpc`, host: `${prefix}-host`, nlb: `${prefix}-nlb` },
    prefixLength: Number(subnetCidr.split("/")[1]),
    gateway: addressIn(subnetCidr, 1),
    resolver: addressIn(vpcCidr, 2),
    host: addressIn(subnetCidr, 10),
    nlb: addressIn(subnetCidr, 5),
    endpoints: Object.fromEntries(endpointServices.map((service, i) => [service, addressIn(subnetCidr, 20 + i)])),
    datastores: Object.fromEntries(datastoreHosts.map(({ host, cidr }, i) => [host, addressIn(cidr, 10 + i)])),
  };
}

/** Makes the three namespaces and their links; every step's undo is registered with `teardown`. */
export function buildHostNetwork(plan: HostNetworkPlan, teardown: Teardown): void {
  const { vpc, host, nlb } = plan.namespaces;
  for (const name of [vpc, host, nlb]) addNamespace(teardown, name);
  run("ip", ["-n", vpc, "link", "add", "br0", "type", "bridge"]);
  run("ip", ["-n", vpc, "link", "set", "br0", "up"]);
  run("ip", ["-n", vpc, "addr", "add", `${plan.gateway}/${plan.prefixLength}`, "dev", "br0"]);
  const local = [plan.resolver, ...Object.values(plan.endpoints), s3Address, ...Object.values(plan.datastores), imdsAddress, timeSyncServiceAddress];
  for (const address of new Set(local)) if (address !== plan.gateway) run("ip", ["-n", vpc, "addr", "add", `${address}/32`, "dev", "br0"]);
  for (const [namespace, address, link] of [
    [host, plan.host, "vh"],
    [nlb, plan.nlb, "vn"],
  ] as const) {
    run("ip", ["-n", vpc, "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace]);
    run("ip", ["-n", vpc, "link", "set", link, "master", "br0"]);
    run("ip", ["-n", vpc, "link", "set", link, "up"]);
    run("ip", ["-n", namespace, "addr", "add", `${address}/${plan.prefixLength}`, "dev", "eth0"]);
    run("ip", ["-n", namespace, "link", "set", "eth0", "up"]);
    run("ip", ["-n", namespace, "route", "add", "default", "via", plan.gateway]);
  }
}
