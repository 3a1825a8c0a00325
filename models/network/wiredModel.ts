/**
 * The twin's wiring terms: the stand-in addresses, namespaces, links, probes and each region's
 * wiring, and the errno a probe sees where a hop drops it.
 *
 * Pure module: no Pulumi imports.
 */
import { nthAddress } from "./cidr";
import { type Hop } from "./reachability";

/** The prefix list of an S3 gateway endpoint, as one block outside the VPC (S3's addresses in the twin). */
export const prefixListStandIn = { cidr: "198.18.255.0/24", address: "198.18.255.200" };
/** Each internet-facing load balancer's Elastic IP in the twin (the plan's addresses are the provider's to give). */
export const elasticIpStandIns = "198.18.253.0/24";

/**
 * What a network interface reaches whatever its security groups say: the Amazon DNS server (the
 * VPC's base + 2 and 169.254.169.253), instance metadata and the Amazon Time Sync Service (the
 * VPC user guide's list, quoted in `models/ingestRegion/egress.ts`). A booted host (the host
 * rehearsal) calls all of them; the twin's probes call none.
 */
export function unfilteredDestinations(vpcCidr: string): string[] {
  return [nthAddress(vpcCidr, 2), "169.254.169.253", "169.254.169.254", "169.254.169.123"];
}

export type NamespaceRole = "router" | "internet" | "hosts" | "load balancer" | "endpoint" | "s3" | "datastore";

/** One end of a veth pair: its interface name in its namespace, and its addresses (CIDR notation). */
export interface WiredInterface {
  name: string;
  addresses: string[];
  /** The router bridge it joins (router side only). */
  bridge?: string;
}

export interface WiredLink {
  /** Namespace ids (`WiredNamespace.id`) and interface names of the two ends. */
  a: { namespace: string; iface: WiredInterface };
  b: { namespace: string; iface: WiredInterface };
}

export interface WiredNamespace {
  /** Short, unique within the region: `router`, `hosts`, `ep-ssm`. */
  id: string;
  role: NamespaceRole;
  /** What it stands for in the plan. */
  label: string;
  /** The plan resource it stands for (a member's URN: the fleet's, the load balancer's, the endpoint's). */
  urn?: string;
  /** Bridges to create (router only): name and address. */
  bridges: { name: string; address: string }[];
  /** Extra addresses on `lo` (stand-ins the namespace answers for), CIDR notation. */
  loopbackAddresses: string[];
  /** `ip route add` arguments, in order. */
  routes: string[][];
  /** `ip rule add` arguments, in order. */
  rules: string[][];
  sysctls: string[];
  /** The nftables ruleset, loaded with `nft -f -`. */
  nftables: string;
  /** TCP ports something listens on (any address). */
  listens: number[];
}

/** What a probe's connect ends in: the packet passed, or the errno each hop's drop gives the sender. */
export type ProbeOutcome = "open" | "ENOPROTOOPT" | "ENETUNREACH" | "EHOSTUNREACH" | "ECONNREFUSED" | "ETIMEDOUT";

export interface WiredProbe {
  flow: string;
  needed: boolean;
  from: string;
  fromAddress: string;
  to: string;
  port: number;
  /** What the model predicts, from the hop that drops the flow. */
  expect: ProbeOutcome;
  /** The hop the model names, for the report. */
  hop?: string;
}

export interface WiredRegion {
  region: string;
  namespaces: WiredNamespace[];
  links: WiredLink[];
  probes: WiredProbe[];
}

/** The errno a sender sees when `hop` drops its connect, as the twin wires each hop; a dropped reply leaves it waiting. */
export function outcomeOf(hop: Hop | undefined): ProbeOutcome {
  if (hop?.reply) return "ETIMEDOUT";
  switch (hop?.kind) {
    case undefined:
    case "endpoint policy":
    case "role":
      return "open";
    case "egress":
      return "ENOPROTOOPT";
    case "route":
      return "ENETUNREACH";
    case "listener":
      return "ECONNREFUSED";
    default:
      return "EHOSTUNREACH";
  }
}
