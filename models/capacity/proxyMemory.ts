/**
 * Proxy memory on one host (incident 000: both nginx load balancers ran out of memory under a spike
 * and swapped): nginx's worst case (`estimateNginxMemory`, calibrated against a real nginx) plus the
 * ingestion service's reserve must stay under a share of the instance's memory.
 * Pure module: no Pulumi imports.
 */
import { estimateNginxMemory, listenBacklog, maxConnectionsPerHost, NginxMemoryEstimate, NginxMemoryLimits, nginxSizeBytes } from "../hostEdge";
import { familyBySize, instanceTypeSpec } from "./instanceTypes";

const mib = 1024 * 1024;

export interface ProxyMemoryInput {
  instanceType: string;
  /** The host's nginx limits (`readRenderedNginxLimits`, or `nginxMemoryInput` of host settings); `vcpus` comes from the instance type. */
  settings: { nginx: NginxMemoryLimits };
  /** Memory the ingestion service needs beside nginx, MiB. */
  serviceReserveMiB: number;
  /** Share of the instance's memory nginx and the service may use, 0–1 (policy config). */
  maxShare: number;
}

export type ProxyMemory =
  | { known: false; instanceType: string }
  | {
      known: true;
      instanceType: string;
      workers: number;
      nginxMiB: number;
      serviceReserveMiB: number;
      /** nginx + reserve, MiB. */
      totalMiB: number;
      instanceMiB: number;
      /** maxShare × instance memory, MiB. */
      limitMiB: number;
      usedPercent: number;
      ok: boolean;
      /** The smallest type of the same family that fits, when this one does not. */
      fittingInstanceType?: string;
      /** The largest `worker_connections` that fits this type, when the current one does not. */
      fittingWorkerConnections?: number;
      /**
       * The largest `large_client_header_buffers` (same or smaller size, fewer buffers) that fits this
       * type at the current `worker_connections`: incident 000's own fix, and the cheapest one (neither
       * the instance type nor the connection capacity changes), so the policy offers it first.
       */
      fittingLargeHeaderBuffers?: { count: number; size: string };
      /** Bytes of the worst case that are header buffers of connections outside limit_conn, MiB. */
      headerBufferMiB: number;
      /** Of nginx's worst case, the kernel's socket memory (buffers and socket structures), MiB. */
      kernelMiB: number;
      /** The worst case's connections by state. */
      estimate: Pick<NginxMemoryEstimate, "busyRequests" | "unlimitedConnections" | "queuedConnections">;
    };

type NginxOverride = Partial<NginxMemoryLimits>;

function demandMiB(input: ProxyMemoryInput, instanceType: string, nginx: NginxOverride): number | undefined {
  const spec = instanceTypeSpec(instanceType);
  if (!spec) return undefined;
  const settings = { ...input.settings, nginx: { ...input.settings.nginx, ...nginx }, vcpus: spec.vcpus };
  return estimateNginxMemory(settings).totalBytes / mib + input.serviceReserveMiB;
}

function fits(input: ProxyMemoryInput, instanceType: string, nginx: NginxOverride): boolean {
  const spec = instanceTypeSpec(instanceType);
  const demand = demandMiB(input, instanceType, nginx);
  return spec !== undefined && demand !== undefined && demand <= input.maxShare * spec.memoryMiB;
}

/**
 * Header buffer layouts below the current one, largest total first and, at the same total, larger
 * buffers first (one header line must fit in one buffer), halving sizes down to 1k.
 */
function smallerHeaderBuffers(current: { count: number; size: string }): { count: number; size: string }[] {
  const candidates: { count: number; size: string; bytes: number }[] = [];
  for (let sizeKiB = nginxSizeBytes(current.size) / 1024; sizeKiB >= 1; sizeKiB /= 2) {
    for (let count = current.count; count >= 1; count--) {
      const bytes = count * sizeKiB * 1024;
      if (bytes < current.count * nginxSizeBytes(current.size) && Number.isInteger(sizeKiB)) candidates.push({ count, size: `${sizeKiB}k`, bytes });
    }
  }
  return candidates.sort((a, b) => b.bytes - a.bytes || a.count - b.count).map(({ count, size }) => ({ count, size }));
}

/** nginx `worker_connections` accepts at least this many here (the schema's minimum). */
export const minWorkerConnections = 64;

export function proxyMemory(input: ProxyMemoryInput): ProxyMemory {
  const spec = instanceTypeSpec(input.instanceType);
  if (!spec) return { known: false, instanceType: input.instanceType };
  const workerConnections = input.settings.nginx.workerConnections;
  const estimate = estimateNginxMemory({ ...input.settings, vcpus: spec.vcpus });
  const nginxMiB = estimate.totalBytes / mib;
  const totalMiB = nginxMiB + input.serviceReserveMiB;
  const limitMiB = input.maxShare * spec.memoryMiB;
  const ok = totalMiB <= limitMiB;
  let fittingInstanceType: string | undefined;
  let fittingWorkerConnections: number | undefined;
  let fittingLargeHeaderBuffers: { count: number; size: string } | undefined;
  if (!ok) {
    fittingInstanceType = familyBySize(input.instanceType).find((type) => instanceTypeSpec(type)!.memoryMiB > spec.memoryMiB && fits(input, type, { workerConnections }));
    // A limit_conn at its default (90% of a worker's requests) follows worker_connections, and so
    // does a listen backlog rendered from it (with somaxconn); ones set apart stay.
    const current = input.settings.nginx;
    const derivedLimit = current.maxConnectionsPerHost === maxConnectionsPerHost({ workerConnections });
    const derivedBacklog = current.listen.backlog === listenBacklog(current) && current.tcp.somaxconn === current.listen.backlog;
    const withConnections = (wc: number): NginxOverride => {
      const limit = derivedLimit ? maxConnectionsPerHost({ workerConnections: wc }) : current.maxConnectionsPerHost;
      const backlog = listenBacklog({ workerConnections: wc, maxConnectionsPerHost: limit });
      return {
        workerConnections: wc,
        maxConnectionsPerHost: limit,
        ...(derivedBacklog ? { listen: { ...current.listen, backlog }, tcp: { ...current.tcp, somaxconn: backlog, synBacklog: backlog } } : {}),
      };
    };
    if (fits(input, input.instanceType, withConnections(minWorkerConnections))) {
      let low = minWorkerConnections;
      let high = workerConnections;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (fits(input, input.instanceType, withConnections(mid))) low = mid;
        else high = mid;
      }
      fittingWorkerConnections = low;
    }
    fittingLargeHeaderBuffers = smallerHeaderBuffers(input.settings.nginx.largeClientHeaderBuffers).find((largeClientHeaderBuffers) => fits(input, input.instanceType, { largeClientHeaderBuffers }));
  }
  return {
    known: true,
    instanceType: input.instanceType,
    workers: estimate.workers,
    nginxMiB,
    serviceReserveMiB: input.serviceReserveMiB,
    totalMiB,
    instanceMiB: spec.memoryMiB,
    limitMiB,
    usedPercent: (totalMiB / spec.memoryMiB) * 100,
    ok,
    fittingInstanceType,
    fittingWorkerConnections,
    fittingLargeHeaderBuffers,
    headerBufferMiB: estimate.headerBufferBytes / mib,
    kernelMiB: estimate.kernelBytes / mib,
    estimate: { busyRequests: estimate.busyRequests, unlimitedConnections: estimate.unlimitedConnections, queuedConnections: estimate.queuedConnections },
  };
}
