import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { busyRequestBytes, estimateNginxMemory, headerPhaseBytes, nginxMemoryConstants, predictNginxMemory } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

const kib = 1024;

describe("estimateNginxMemory", () => {
  it("prices every slot at its costliest state: limit_conn's busy requests, every other slot in its header phase", () => {
    const settings = sampleSettings({}, 2);
    const e = estimateNginxMemory(settings);
    expect(e.workers).toBe(2);
    expect(e.busyRequests).toBe(1843);
    expect(e.headerPhaseConnections).toBe(2 * 4096 - 2 * 1843);
    expect(e.totalBytes).toBe(
      e.fixedBytes + 2 * e.perWorkerBytes + 1843 * e.busyRequestBytes + e.headerPhaseConnections * e.headerPhaseBytes,
    );
    expect(e.totalBytes).toBe(predictNginxMemory(settings, { busy: e.busyRequests, headerPhase: e.headerPhaseConnections }).totalBytes);
  });

  it("prices the measured states no lower than measured (1k + 4 × 8k: ~42 KiB header phase, ~117 KiB busy, ~9.5 KiB kept alive, ~28 KiB kernel)", () => {
    const nginx = sampleSettings().nginx;
    expect(headerPhaseBytes(nginx)).toBeGreaterThanOrEqual(42 * kib);
    expect(busyRequestBytes(nginx)).toBeGreaterThanOrEqual(117 * kib);
    expect(nginxMemoryConstants.connectionBytes).toBeGreaterThanOrEqual(1.3 * kib);
    expect(nginxMemoryConstants.keptAliveConnectionBytes).toBeGreaterThanOrEqual(9.5 * kib);
    // The worst case prices every slot in its header phase or busy, so it bounds kept-alive connections too.
    expect(nginxMemoryConstants.keptAliveConnectionBytes).toBeLessThan(headerPhaseBytes(nginx));
    expect(nginxMemoryConstants.kernelRequestBytes).toBeGreaterThanOrEqual(28 * kib);
  });

  it("bounds a worst-case mix above the 1,074 MiB measured at prod settings (4 workers × 8192)", () => {
    expect(estimateNginxMemory(sampleSettings({ nginx: { workerConnections: 8192 } }, 4)).totalBytes / 2 ** 20).toBeGreaterThan(1074);
  });

  it("grows with header buffers, connections and vCPUs (incident 000)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 65536 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 8 }), (wc, count, vcpus) => {
        const base = estimateNginxMemory(sampleSettings({ nginx: { workerConnections: wc, largeClientHeaderBuffers: { count } } }, vcpus));
        const moreBuffers = estimateNginxMemory(sampleSettings({ nginx: { workerConnections: wc, largeClientHeaderBuffers: { count: count + 1 } } }, vcpus));
        const moreCpus = estimateNginxMemory(sampleSettings({ nginx: { workerConnections: wc, largeClientHeaderBuffers: { count } } }, vcpus + 1));
        return moreBuffers.totalBytes > base.totalBytes && moreCpus.totalBytes > base.totalBytes;
      }),
      { numRuns: 50 },
    );
  });
});
