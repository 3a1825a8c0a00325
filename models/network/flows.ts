/**
 * The flows a fleet needs (clients in, the datastore, the AWS APIs out), the paths nothing needs,
 * and what is open beyond them, each judged on a region's model.
 *
 * Pure module: no Pulumi imports.
 */
import { nginxListenPort } from "../hostEdge/settings";
import { awsApiPort, bundleCalls, hostApis, type HostApi, type HostCall, type HostCallContext } from "../ingestRegion/egress";
import { type HostFleetNetwork, type LoadBalancer, type VpcEndpoint } from "./graph";
import { Flow, Hop, Member, Target, clientEphemeral, clientPort, internetClientAddress, internetServerAddress } from "./flowModel";
import { RegionModel, naclAllows } from "./regionModel";

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
  return {
    kind: "endpoint",
    urn: endpoint.urn,
    label: `endpoint ${endpoint.name}`,
    subnets: model.network.subnets.filter((s) => endpoint.subnets.includes(s.urn)),
    groups: endpoint.groups,
    publicAddress: false,
  };
}

export const internetMember: Member = { kind: "internet", urn: "internet", label: "a client on the internet", subnets: [], groups: [], publicAddress: true };

export type FleetContext = HostCallContext & { datastoreNetworks: string[]; datastorePort: number };

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
    return drop({
      kind: "route",
      urn: network.internetGateway ?? network.vpc.urn,
      summary: `no route to ${member.label} from the internet: ${member.kind === "hosts" ? "they have" : "it has"} no public address, and the internet gateway forwards only to public ones`,
      fix: "reach it through the load balancer",
    });
  }
  if (lb && !lb.internetFacing) return drop({ kind: "listener", urn: lb.urn, summary: `load balancer ${lb.name} is internal: the internet cannot reach it`, fix: "set internal: false" });
  if (!network.internetGateway)
    return drop({ kind: "route", urn: network.vpc.urn, summary: `no route from the internet: VPC ${network.vpc.name} has no internet gateway`, fix: "declare an aws.ec2.InternetGateway in the VPC" });
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
      return drop({
        kind: "network ACL",
        urn: acl!.urn,
        summary: `network ACL ${acl!.name} of subnet ${subnet.name} drops tcp ${port} in from clients`,
        fix: `allow tcp ${port} in from 0.0.0.0/0 in ${acl!.name}`,
      });
    }
    if (!naclAllows(acl, true, clientEphemeral, ["0.0.0.0/0"])) {
      return drop({
        kind: "network ACL",
        reply: true,
        urn: acl!.urn,
        summary: `network ACL ${acl!.name} of subnet ${subnet.name} drops the replies to clients`,
        fix: `allow tcp 1024-65535 out to 0.0.0.0/0 in ${acl!.name}`,
      });
    }
  }
  via.push(`route tables of ${member.label}'s subnets: 0.0.0.0/0 → internet gateway (replies)`);
  if (member.groups.length > 0) {
    const rule = model.ingressRule(member, internetMember, port);
    if (!rule) {
      return drop({
        kind: "ingress",
        urn: member.groups[0]!,
        summary: `no ingress rule of security group ${model.groupNames(member.groups)} admits tcp ${port} from 0.0.0.0/0`,
        fix: `add an aws.vpc.SecurityGroupIngressRule to ${model.nameOf(member.groups[0]!)}: tcp ${port} from 0.0.0.0/0`,
      });
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
export function neededFlows(model: RegionModel, fleet: HostFleetNetwork, ctx: FleetContext): Flow[] {
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
            ? {
                kind: "listener",
                urn: lb.urn,
                summary: `the listener on ${clientPort} forwards to no target group the hosts' group ${fleet.name} registers with`,
                fix: "forward the listener to the hosts' target group and list it in the group's targetGroupArns",
              }
            : undefined,
        ),
      );
    }
  } else {
    const hop: Hop = { kind: "listener", urn: fleet.urn, summary: `no load balancer in VPC ${network.vpc.name} forwards to the hosts`, fix: "declare the region's load balancer (IngestLoadBalancer)" };
    flows.push(
      model.result("client → load balancer", `tcp ${clientPort}`, true, internetMember, { kind: "internet", address: internetClientAddress, label: "the load balancer" }, clientPort, [], hop, false),
    );
  }

  // Host → the bundle in S3, through the gateway endpoint.
  const bundle = bundleCalls(ctx);
  if (bundle.length > 0) {
    const gateway = network.endpoints.find((e) => e.type === "Gateway" && e.service === "s3");
    const target: Target = gateway
      ? { kind: "prefix list", endpoint: gateway.urn, label: `the S3 prefix list of ${gateway.name}` }
      : { kind: "internet", address: internetServerAddress, label: "S3's public addresses" };
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
export function probeFlows(model: RegionModel, fleet: HostFleetNetwork, ctx: FleetContext): Flow[] {
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
  probes.push(
    model.flow(
      "host → internet",
      `tcp ${awsApiPort} to ${internetServerAddress}`,
      false,
      hosts,
      { kind: "internet", address: internetServerAddress, label: `the internet (${internetServerAddress})` },
      awsApiPort,
    ),
  );
  for (const cidr of ctx.datastoreNetworks.slice(0, 1)) probes.push(model.flow("host → datastore", `${cidr} port 22 (SSH)`, false, hosts, { kind: "network", cidr }, 22));
  if (firstEndpoint)
    probes.push(model.flow("host → endpoint", `tcp ${nginxListenPort} to ${firstEndpoint.name}`, false, hosts, { kind: "member", member: endpointMember(model, firstEndpoint) }, nginxListenPort));
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
    const fix = endpoint
      ? `set privateDnsEnabled: true on ${endpoint.name}, so ${api.service}'s name resolves to it`
      : `declare an interface endpoint ${serviceName} with privateDnsEnabled: true in the hosts' subnets`;
    return flow.dropped ? { ...flow, dropped: { ...flow.dropped, fix } } : flow;
  }
  model.usedEndpoints.add(endpoint.urn);
  const member = endpointMember(model, endpoint);
  return authorized(model, model.flow(name, detail, true, hosts, { kind: "member", member }, awsApiPort), api.calls(ctx), endpoint, fleet);
}
