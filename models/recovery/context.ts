/**
 * What every failure mode's row reads: the stack's shared inputs (the fleets, the peak, the events
 * model) and, for the modes a region has, that region's group, balancer, launch template and the
 * nginx it renders.
 *
 * Pure module: no Pulumi imports.
 */
import { decodeUserData, DeclaredFleet, readDeclaredFleets, readRenderedNginxLimits, readRenderedUpstream, RenderedUpstream } from "../capacity/declared";
import type { NginxMemoryLimits } from "../hostEdge/memory";
import { shedRetryAfterSeconds } from "../hostEdge/nginxConfig";
import { resourceTypes } from "../resourceTypes";
import { longestRedeliveryMs, RetrySchedule } from "../snippet/delivery";
import { byType, EventsModel, eventsModel, regionOf } from "./figure";
import type { ServiceBehaviour } from "./services";
import type { DeclaredResource } from "../declaredResource";

/** The inputs every row shares. */
export interface StackContext {
  resources: DeclaredResource[];
  retry: RetrySchedule;
  behaviour: ServiceBehaviour;
  events: EventsModel;
  fleets: (DeclaredFleet & { urn: string })[];
  /** The fleet's peak events/s (the largest `edge:capacity:peak-events-per-second` tag); null without one. */
  peakEventsPerSecond: number | null;
  /** Seconds after the edge is back until a waiting client has sent again. */
  redeliverySeconds: number;
  /** Hosts of every region at their groups' minSize (at least one each). */
  totalMinHosts: number;
  regionCount: number;
  /** One host's share of the traffic at minSize; null without hosts. */
  hostShare: number | null;
}

/** One region's fleet as its resources declare it. */
export interface RegionContext {
  stack: StackContext;
  region: string;
  group: DeclaredResource;
  fleet: DeclaredFleet & { urn: string };
  targetGroup?: DeclaredResource;
  template?: DeclaredResource;
  /** The template's user data, decoded ("" without a template). */
  userData: string;
  /** Subnets (zones) of the group. */
  zones: number;
  /** nginx's failover on the event path, when the template renders it. */
  upstream?: RenderedUpstream;
  /** nginx's limits (listen backlog, somaxconn, limit_conn...), when the template renders them. */
  limits?: NginxMemoryLimits;
}

export function stackContext(resources: DeclaredResource[], retry: RetrySchedule, behaviour: ServiceBehaviour): StackContext {
  const fleets = readDeclaredFleets(resources);
  const peaks = fleets.map((f) => f.peakEventsPerSecond).filter((p): p is number => p !== undefined);
  const peakEventsPerSecond = peaks.length ? Math.max(...peaks) : null;
  const redeliverySeconds = longestRedeliveryMs(retry, shedRetryAfterSeconds) / 1000;
  const totalMinHosts = fleets.reduce((sum, f) => sum + Math.max(1, f.minHosts), 0);
  return {
    resources,
    retry,
    behaviour,
    events: eventsModel(peakEventsPerSecond, retry, redeliverySeconds),
    fleets,
    peakEventsPerSecond,
    redeliverySeconds,
    totalMinHosts,
    regionCount: Math.max(1, fleets.length),
    hostShare: totalMinHosts > 0 ? 1 / totalMinHosts : null,
  };
}

/** Each stack's regions, read once: a row that looks at the other regions (a reconnect storm) reads them again. */
const regionsOfStack = new WeakMap<StackContext, RegionContext[]>();

/** Each autoscaling group with the edge's capacity tags, in declaration order. */
export function regionContexts(stack: StackContext): RegionContext[] {
  const known = regionsOfStack.get(stack);
  if (known) return known;
  const regions = readRegions(stack);
  regionsOfStack.set(stack, regions);
  return regions;
}

function readRegions(stack: StackContext): RegionContext[] {
  const { resources } = stack;
  return byType(resources, resourceTypes.autoscalingGroup).flatMap((group) => {
    const fleet = stack.fleets.find((f) => f.urn === group.urn);
    if (!fleet) return [];
    const region = regionOf(group);
    const template = byType(resources, resourceTypes.ec2LaunchTemplate).find((t) => regionOf(t) === region);
    const userData = template ? decodeUserData(String(template.inputs.userData ?? "")) : "";
    const upstream = template ? readRenderedUpstream(userData) : undefined;
    const limits = template ? readRenderedNginxLimits(userData) : undefined;
    return [
      {
        stack,
        region,
        group,
        fleet,
        targetGroup: byType(resources, resourceTypes.lbTargetGroup).find((t) => regionOf(t) === region),
        template,
        userData,
        zones: Array.isArray(group.inputs.vpcZoneIdentifiers) ? group.inputs.vpcZoneIdentifiers.length : 1,
        upstream: upstream && "upstream" in upstream ? upstream.upstream : undefined,
        limits: limits && "limits" in limits ? limits.limits : undefined,
      },
    ];
  });
}
