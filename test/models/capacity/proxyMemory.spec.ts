import { describe, expect, it } from "vitest";
import { estimateNginxMemory, hostEdgeSettings, nginxMemoryInput } from "../../../models/hostEdge";
import { proxyMemory } from "../../../models/capacity";
import { sampleConfig } from "./fixtures";

const mib = 1024 * 1024;

function input(instanceType: string, workerConnections: number, vcpus: number) {
  const settings = nginxMemoryInput(hostEdgeSettings(sampleConfig({ nginx: { workerConnections } }), vcpus));
  return { instanceType, settings, serviceReserveMiB: 1024, maxShare: 0.8, vcpus };
}

describe("proxyMemory", () => {
  it("adds nginx's worst case (one worker per vCPU) to the service reserve and compares with 80% of memory", () => {
    const i = input("c6i.xlarge", 8192, 4);
    const result = proxyMemory(i);
    const nginxMiB = estimateNginxMemory({ ...i.settings, vcpus: 4 }).totalBytes / mib;
    expect(result).toMatchObject({ known: true, workers: 4, instanceMiB: 8192, limitMiB: 8192 * 0.8, ok: true });
    if (result.known) expect(result.totalMiB).toBeCloseTo(nginxMiB + 1024);
  });

  it("refuses a type too small for the buffers and names a type that fits", () => {
    const result = proxyMemory(input("t3.small", 8192, 2));
    expect(result).toMatchObject({ known: true, ok: false, fittingInstanceType: "t3.large" });
  });

  it("names the largest worker_connections that fits when lowering it can help", () => {
    const result = proxyMemory({ ...input("t3.micro", 8192, 2), serviceReserveMiB: 256 });
    expect(result.known && !result.ok).toBe(true);
    if (!result.known || result.fittingWorkerConnections === undefined) throw new Error("expected a worker_connections fix");
    const fits = (wc: number) => proxyMemory({ ...input("t3.micro", wc, 2), serviceReserveMiB: 256 });
    expect(fits(result.fittingWorkerConnections)).toMatchObject({ ok: true });
    expect(fits(result.fittingWorkerConnections + 1)).toMatchObject({ ok: false });
  });

  it("reports an unknown type as unknown", () => {
    expect(proxyMemory(input("x9z.huge", 1024, 2))).toEqual({ known: false, instanceType: "x9z.huge" });
  });
});
