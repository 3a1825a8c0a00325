/**
 * Proxy memory on one host (incident 000: both nginx load balancers ran out of memory under a spike
 * and swapped): nginx's worst case (`estimateNginxMemory`, calibrated against a real nginx) plus the
 * ingestion service's reserve must stay under a share of the instance's memory.
 * Pure module: no Pulumi imports.
 */
import { estimateNginxMemory, NginxLimits } from "../hostEdge";
import { familyBySize, instanceTypeSpec } from "./instanceTypes";

const mib = 1024 * 1024;

export interface ProxyMemoryInput {
  instanceType: string;
  /** The host's nginx limits (any `HostEdgeSettings` fits); `vcpus` comes from the instance type. */
  settings: { nginx: NginxLimits };
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
    };

function demandMiB(input: ProxyMemoryInput, instanceType: string, workerConnections: number): number | undefined {
  const spec = instanceTypeSpec(instanceType);
  if (!spec) return undefined;
  const settings = { ...input.settings, nginx: { ...input.settings.nginx, workerConnections }, vcpus: spec.vcpus };
  return estimateNginxMemory(settings).totalBytes / mib + input.serviceReserveMiB;
}

function fits(input: ProxyMemoryInput, instanceType: string, workerConnections: number): boolean {
  const spec = instanceTypeSpec(instanceType);
  const demand = demandMiB(input, instanceType, workerConnections);
  return spec !== undefined && demand !== undefined && demand <= input.maxShare * spec.memoryMiB;
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
  if (!ok) {
    fittingInstanceType = familyBySize(input.instanceType).find(
      (type) => instanceTypeSpec(type)!.memoryMiB > spec.memoryMiB && fits(input, type, workerConnections),
    );
    if (fits(input, input.instanceType, minWorkerConnections)) {
      let low = minWorkerConnections;
      let high = workerConnections;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (fits(input, input.instanceType, mid)) low = mid;
        else high = mid;
      }
      fittingWorkerConnections = low;
    }
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
  };
}
