/**
 * The reachability model's terms: the edge's ports and stand-in addresses, hops, members, targets,
 * flows and each region's report.
 *
 * Pure module: no Pulumi imports.
 */
import { type HostFleetNetwork, type Subnet, type VpcNetwork } from "./graph";

/** The port clients reach the edge on: the load balancer's TLS listener. */
export const clientPort = 443;
/** A stand-in for any client address on the internet, and for a public address the hosts must not reach. */
export const internetClientAddress = "198.51.100.10";
export const internetServerAddress = "198.51.100.80";
/** Linux's ephemeral ports (`net.ipv4.ip_local_port_range`), the return ports of a host's or load balancer's connections. */
export const linuxEphemeral = { fromPort: 32768, toPort: 60999 };
/** Any client's ephemeral ports, as AWS's network ACL guide assumes (1024–65535). */
export const clientEphemeral = { fromPort: 1024, toPort: 65535 };

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
