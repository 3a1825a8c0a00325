/**
 * enforce-proxy-memory — mandatory.
 *
 * On each ingestion host, nginx's worst-case memory (every `worker_connections` slot of every worker
 * at its costliest state under any client nginx accepts: the `limit_conn` limits of proxied
 * requests each holding its header, body and proxy buffers and its sockets' buffers, every other
 * slot a client holding every header buffer and `max_headers` lines, or answered and lingering,
 * which `limit_conn` does not count; the accept queue; plus the shared zones; the model in
 * models/hostEdge/memory.ts, checked against a real nginx under hostile clients at the config's
 * limits) plus the service's reserve must stay under a share (default 80%) of the instance type's memory. Judged from the
 * launch template as declared: its instance type, the nginx.conf rendered into its user data, and
 * the service reserve tag the `IngestRegion` writes. An instance type the table does not know is a
 * violation too: its memory cannot be judged. A worker whose descriptor limit
 * (`worker_rlimit_nofile`) is below what its connections need is refused as well: it fails with
 * EMFILE before `limit_conn` sheds with 503.
 *
 * Lesson `proxyMemory` of incident 000 (models/incidents.ts).
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { capacityTagKeys, decodeUserData, howToAddInstanceType, hostMemory, HostMemorySubject, hostMemorySubject, tagMap } from "../../models/capacity";
import { clientSocket, hostTcpWmem, maxHeaderLines, NginxMemoryLimits, readWorkerRlimitNofile, workerDescriptorLimit } from "../../models/hostEdge";
import { NumberBound, numberBoundsSchema, resolveBounds } from "../config";
import { sharePercentBound } from "./bounds";
import { incidentNote } from "../../models/incidents";

export const proxyMemoryBounds = {
  maxMemoryPercent: sharePercentBound("Largest share, in percent of the instance's memory, nginx's worst case plus the service reserve may take."),
} satisfies Record<string, NumberBound>;

const incident = incidentNote("proxyMemory");

export interface ProxyMemorySubject extends HostMemorySubject {
  /** The launch template's name, for the message. */
  name: string;
}

const round = (n: number) => Math.round(n);

/** The violation message for one launch template, or undefined when its hosts fit. */
export function judgeProxyMemory(subject: ProxyMemorySubject, bounds: Record<keyof typeof proxyMemoryBounds, number>): string | undefined {
  const read = hostMemory(subject, bounds.maxMemoryPercent / 100);
  if ("missing" in read) {
    return (
      `${subject.name}: its user data has no nginx ${read.missing.join(", ")}, so nginx's worst-case memory cannot be judged. ` +
      `Render the user data with models/hostEdge (renderUserData). ${incident}`
    );
  }
  const result = read.memory;
  if (!result.known) {
    return (
      `${subject.name}: instance type ${subject.instanceType} is not in the capacity table, so its memory cannot be judged against nginx's worst case. ` +
      `Use a known type or ${howToAddInstanceType}. ${incident}`
    );
  }
  const descriptors = judgeDescriptors(subject, read.limits.workerConnections);
  if (result.ok) return descriptors;
  const { count, size } = read.limits.largeClientHeaderBuffers;
  const unset = unsetBounds(read.limits);
  const fixes = [
    unset.length ? `render the user data with models/hostEdge (renderUserData): it bounds what this one leaves at nginx's and the kernel's defaults, ${unset.join(", ")}` : undefined,
    result.fittingLargeHeaderBuffers
      ? `edge:nginx.largeClientHeaderBuffers ${count} × ${size} → ${result.fittingLargeHeaderBuffers.count} × ${result.fittingLargeHeaderBuffers.size} ` +
        `(the cheapest: same instance type and connections; headers above it get 494)`
      : undefined,
    result.fittingInstanceType ? `edge:ingest.instanceType ${subject.instanceType} → ${result.fittingInstanceType}` : undefined,
    result.fittingWorkerConnections !== undefined ? `edge:nginx.workerConnections ${read.limits.workerConnections} → ${result.fittingWorkerConnections}` : undefined,
  ].filter(Boolean);
  const limits = read.limits;
  const { busyRequests, unlimitedConnections, queuedConnections } = result.estimate;
  return (
    `${subject.name}: nginx's worst case ${round(result.nginxMiB)} MiB (${result.workers} workers × ${limits.workerConnections} connections, ` +
    `each priced at its costliest state: ${busyRequests} proxied requests (limit_conn) with their buffers and sockets, ` +
    `${unlimitedConnections} other connections each holding ${limits.clientHeaderBufferSize} + ${count} × ${size} header buffers and ${limits.maxHeaders} header lines ` +
    `(${round(result.headerBufferMiB)} MiB of buffers), ${queuedConnections} in the accept queue; ${round(result.kernelMiB)} MiB of it kernel socket memory) ` +
    `+ service reserve ${result.serviceReserveMiB} MiB = ${round(result.totalMiB)} MiB, above ${bounds.maxMemoryPercent}% of ` +
    `${subject.instanceType}'s ${result.instanceMiB} MiB (${round(result.limitMiB)} MiB). ` +
    `Smallest fix: ${fixes.length ? fixes.join(", or ") : `lower edge:ingest.service.memoryReserveMiB or pick a larger instance family`}. ${incident}` +
    (descriptors ? `\n${descriptors}` : "")
  );
}

/** The bounds the rendered user data sets that this template leaves at nginx's or the kernel's defaults, each with the value it is priced at. */
function unsetBounds(limits: NginxMemoryLimits): string[] {
  return [
    limits.maxHeaders > maxHeaderLines ? `max_headers ${limits.maxHeaders} → ${maxHeaderLines}` : undefined,
    limits.listen.rcvbufBytes === undefined ? `listen rcvbuf (a client's receive buffer autotunes to 6 MiB) → ${clientSocket.rcvbufBytes / 1024}k` : undefined,
    limits.listen.sndbufBytes === undefined ? `listen sndbuf → ${clientSocket.sndbufBytes / 1024}k` : undefined,
    limits.tcp.wmem[2] > hostTcpWmem[2] ? `net.ipv4.tcp_wmem max ${limits.tcp.wmem[2]} → ${hostTcpWmem[2]}` : undefined,
  ].filter((b): b is string => b !== undefined);
}

/**
 * The violation when a worker's descriptor limit is below what its connections need: then it fails
 * with EMFILE (refused connections, no 503) before `limit_conn` sheds load.
 */
function judgeDescriptors(subject: ProxyMemorySubject, workerConnections: number): string | undefined {
  const rendered = readWorkerRlimitNofile(decodeUserData(subject.userData));
  const needed = workerDescriptorLimit({ workerConnections });
  if (rendered !== undefined && rendered >= needed) return undefined;
  return (
    `${subject.name}: nginx's descriptor limit is ${rendered === undefined ? "1024 (no worker_rlimit_nofile: Debian's unit default)" : `worker_rlimit_nofile ${rendered}`}, ` +
    `below the ${needed} a worker needs for worker_connections ${workerConnections} (every slot, a body temp file per two slots, 64 for logs and listeners): ` +
    `it fails with EMFILE before limit_conn answers 503. Smallest fix: worker_rlimit_nofile ${needed} (render the user data with models/hostEdge). ${incident}`
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
    const message = judgeProxyMemory({ ...hostMemorySubject(template as Record<string, any>), name: args.name }, resolveBounds(proxyMemoryBounds, args.getConfig()));
    if (message) reportViolation(message);
  }),
};
