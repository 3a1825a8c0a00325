import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { estimateNginxMemory, predictNginxBytes } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

describe("estimateNginxMemory", () => {
  it("adds master, workers and the worst-case connections", () => {
    const settings = sampleSettings({}, 2);
    const e = estimateNginxMemory(settings);
    expect(e.workers).toBe(2);
    expect(e.busyConnections).toBe(3686);
    expect(e.idleConnections).toBe(2 * 4096 - 2 * 3686);
    expect(e.totalBytes).toBe(e.fixedBytes + 2 * e.perWorkerBytes + 3686 * e.perConnectionBytes + e.idleConnections * e.idleConnectionBytes);
    expect(e.totalBytes).toBe(predictNginxBytes(settings, { busy: e.busyConnections, idle: e.idleConnections }));
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
