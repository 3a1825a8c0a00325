/**
 * The planned network's shape as `graph.ts` reads it: resources, rules, routes, network ACLs,
 * subnets, endpoints, the load balancer and the host fleet of each VPC.
 *
 * Pure module: no Pulumi imports.
 */
import { judgedForeignTypes } from "../resourceTypes";
import { type HostNeeds } from "./needs";
import { type Statement } from "./policyDocuments";

/** A resource as the plan, its JSON and the policy pack all carry it. */
export interface NetworkResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, any>;
  /** Per property, the URNs it took outputs of. */
  propertyDependencies?: Record<string, string[]>;
}

/**
 * Network ACL types: the program declares none (its subnets keep the VPC's default ACL, which
 * admits everything), but a plan that adds one is judged by it.
 */
export const networkAclTypes = {
  networkAcl: judgedForeignTypes.networkAcl,
  networkAclRule: judgedForeignTypes.networkAclRule,
  networkAclAssociation: judgedForeignTypes.networkAclAssociation,
  defaultNetworkAcl: judgedForeignTypes.defaultNetworkAcl,
} as const;

/** A security group rule, however it was written. `protocol` is lower case; `-1` is every protocol. */
export interface SecurityGroupRule {
  /** The resource holding the rule (the group itself for an inline rule). */
  urn: string;
  group: string;
  direction: "ingress" | "egress";
  protocol: string;
  fromPort: number;
  toPort: number;
  cidr?: string;
  /** The URN of a group the rule names. */
  groupRef?: string;
  /** The gateway endpoint (URN) or prefix list id the rule names. */
  prefixList?: string;
  label: string;
}

export type RouteTarget =
  | { kind: "local" }
  | { kind: "internet-gateway"; id: string }
  | { kind: "transit-gateway"; id: string }
  | { kind: "peering"; id: string }
  | { kind: "gateway-endpoint"; id: string }
  | { kind: "nat-gateway"; id: string }
  | { kind: "other"; id: string };

export interface RouteEntry {
  urn: string;
  table: string;
  /** An IPv4 destination, or the gateway endpoint (URN) / prefix list id routed. */
  destination: { cidr: string } | { prefixList: string };
  target: RouteTarget;
  /** Declared in the route table's own `routes` (the table then owns every route, see network.ts). */
  inline: boolean;
  label: string;
}

export interface NaclEntry {
  ruleNumber: number;
  egress: boolean;
  allow: boolean;
  protocol: string;
  fromPort: number;
  toPort: number;
  cidr: string;
}

export interface Nacl {
  urn: string;
  name: string;
  entries: NaclEntry[];
}

export interface Subnet {
  urn: string;
  name: string;
  cidr: string;
  zoneId?: string;
  routeTable?: string;
  nacl?: string;
}

export interface RouteTable {
  urn: string;
  name: string;
  routes: RouteEntry[];
}

export interface SecurityGroup {
  urn: string;
  name: string;
  rules: SecurityGroupRule[];
}

export interface VpcEndpoint {
  urn: string;
  name: string;
  /** The service's last label (`ssm`, `s3`). */
  service: string;
  type: "Interface" | "Gateway";
  privateDns: boolean;
  subnets: string[];
  groups: string[];
  routeTables: string[];
  /** The endpoint's statements; undefined: no policy (AWS's default: full access); a string: why it cannot be read. */
  policy?: Statement[] | string;
}

export interface Listener {
  urn: string;
  port: number;
  protocol: string;
  targetGroups: string[];
}

export interface TargetGroup {
  urn: string;
  name: string;
  port: number;
  healthPort: number;
}

export interface LoadBalancer {
  urn: string;
  name: string;
  internetFacing: boolean;
  groups: string[];
  subnets: string[];
  /** Elastic IPs of its subnet mappings (addresses where the plan knows them). */
  publicAddresses: string[];
  listeners: Listener[];
}

/** One policy document of the host role. */
export interface RoleDocument {
  urn: string;
  /** `role policy ingest-us-east-1-host-service`, `managed policy arn:…`. */
  label: string;
  statements: Statement[] | string;
}

export interface HostFleetNetwork {
  urn: string;
  name: string;
  launchTemplate: string;
  groups: string[];
  subnets: string[];
  targetGroups: string[];
  publicAddress: boolean;
  role?: { urn: string; name: string; documents: RoleDocument[] };
  needs: { needs: HostNeeds } | { missing: string[] };
}

export interface VpcNetwork {
  region: string;
  vpc: { urn: string; name: string; cidr: string };
  internetGateway?: string;
  subnets: Subnet[];
  routeTables: RouteTable[];
  groups: SecurityGroup[];
  nacls: Nacl[];
  endpoints: VpcEndpoint[];
  loadBalancers: LoadBalancer[];
  targetGroups: TargetGroup[];
  fleets: HostFleetNetwork[];
}
