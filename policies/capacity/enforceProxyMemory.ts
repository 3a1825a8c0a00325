/**
 * enforce-proxy-memory — mandatory.
 *
 * On each ingestion host, nginx's worst-case memory (every worker at its `worker_connections`, the
 * `limit_conn` limit of busy requests each holding its header and proxy buffers, the rest idle; the
 * model in models/hostEdge/memory.ts, calibrated against a real nginx) plus the ingestion service's
 * reserve must stay under a share (default 80%) of the instance type's memory. Judged from the
 * launch template as declared: its instance type, the nginx.conf rendered into its user data, and
 * the service reserve tag the `IngestRegion` writes. An instance type the table does not know is a
 * violation too: its memory cannot be judged.
 *
 * Lesson `proxyMemory` of incident 000 (models/incidents.ts).
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
  capacityTagKeys,
  howToAddInstanceType,
  proxyMemory,
  readRenderedNginxLimits,
  tagMap,
} from "../../models/capacity";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { sharePercentBound } from "./bounds";
import { incidentNote } from "../../models/incidents";

export const proxyMemoryBounds = {
  maxMemoryPercent: sharePercentBound(
    "Largest share, in percent of the instance's memory, nginx's worst case plus the service reserve may take.",
  ),
} satisfies Record<string, NumberBound>;

const incident = incidentNote("proxyMemory");

export interface ProxyMemorySubject {
  /** The launch template's name, for the message. */
  name: string;
  instanceType: string;
  /** The launch template's user data (base64 or plain). */
  userData: string;
  serviceReserveMiB: number;
}

const round = (n: number) => Math.round(n);

/** The violation message for one launch template, or undefined when its hosts fit. */
export function judgeProxyMemory(subject: ProxyMemorySubject, bounds: Record<keyof typeof proxyMemoryBounds, number>): string | undefined {
  const read = readRenderedNginxLimits(subject.userData);
  if ("missing" in read) {
    return (
      `${subject.name}: its user data has no nginx ${read.missing.join(", ")}, so nginx's worst-case memory cannot be judged. ` +
      `Render the user data with models/hostEdge (renderUserData). ${incident}`
    );
  }
  const result = proxyMemory({
    instanceType: subject.instanceType,
    settings: { nginx: read.limits },
    serviceReserveMiB: subject.serviceReserveMiB,
    maxShare: bounds.maxMemoryPercent / 100,
  });
  if (!result.known) {
    return (
      `${subject.name}: instance type ${subject.instanceType} is not in the capacity table, so its memory cannot be judged against nginx's worst case. ` +
      `Use a known type or ${howToAddInstanceType}. ${incident}`
    );
  }
  if (result.ok) return undefined;
  const fixes = [
    result.fittingInstanceType ? `edge:ingest.instanceType ${subject.instanceType} → ${result.fittingInstanceType}` : undefined,
    result.fittingWorkerConnections !== undefined
      ? `edge:nginx.workerConnections ${read.limits.workerConnections} → ${result.fittingWorkerConnections}`
      : undefined,
  ].filter(Boolean);
  return (
    `${subject.name}: nginx's worst case ${round(result.nginxMiB)} MiB (${result.workers} workers × ${read.limits.workerConnections} connections with ` +
    `${read.limits.clientHeaderBufferSize} + ${read.limits.largeClientHeaderBuffers.count} × ${read.limits.largeClientHeaderBuffers.size} header buffers) ` +
    `+ service reserve ${result.serviceReserveMiB} MiB = ${round(result.totalMiB)} MiB, above ${bounds.maxMemoryPercent}% of ` +
    `${subject.instanceType}'s ${result.instanceMiB} MiB (${round(result.limitMiB)} MiB). ` +
    `Smallest fix: ${fixes.length ? fixes.join(", or ") : `lower edge:ingest.service.memoryReserveMiB or pick a larger instance family`}. ${incident}`
  );
}

export const enforceProxyMemory: ResourceValidationPolicy = {
  name: "enforce-proxy-memory",
  description: "nginx's worst-case memory plus the ingestion service's reserve fits in 80% of the host's memory (incident 000).",
  enforcementLevel: "mandatory",
  configSchema: numberBoundsSchema(proxyMemoryBounds),
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
    const tags = tagMap(template.tags);
    // Launch templates without the edge's capacity tags are not ingestion hosts.
    if (!(capacityTagKeys.serviceReserveMiB in tags)) return;
    const message = judgeProxyMemory(
      {
        name: args.name,
        instanceType: template.instanceType ?? "(none)",
        userData: template.userData ?? "",
        serviceReserveMiB: Number(tags[capacityTagKeys.serviceReserveMiB]),
      },
      resolveBounds(proxyMemoryBounds, args.getConfig()),
    );
    if (message) reportViolation(message);
  }),
};
