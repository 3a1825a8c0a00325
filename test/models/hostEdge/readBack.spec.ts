import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { estimateNginxMemory, nginxConfigFromUserData, readNginxLimits, renderNginxConfig, renderUserData } from "../../../models/hostEdge";
import { sampleSettings } from "./fixtures";

describe("readNginxLimits", () => {
  it("reads back what was rendered, from raw or base64 user data", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 65536 }),
        fc.constantFrom("512", "1k", "2k"),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom("4k", "8k", "16k"),
        fc.option(fc.integer({ min: 1, max: 100000 }), { nil: undefined }),
        (workerConnections, clientHeaderBufferSize, count, size, maxConnectionsPerHost) => {
          const settings = sampleSettings({ nginx: { workerConnections, clientHeaderBufferSize, largeClientHeaderBuffers: { count, size }, maxConnectionsPerHost } });
          const userData = renderUserData(settings);
          const expected = {
            workerConnections,
            clientHeaderBufferSize,
            largeClientHeaderBuffers: { count, size },
            maxConnectionsPerHost: maxConnectionsPerHost ?? Math.floor((workerConnections / 2) * 0.9),
          };
          expect(readNginxLimits(nginxConfigFromUserData(userData)!)).toEqual(expected);
          expect(nginxConfigFromUserData(Buffer.from(userData).toString("base64"))).toBe(renderNginxConfig(settings));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("gives the memory model the same estimate as the stack config", () => {
    const settings = sampleSettings({ nginx: { workerConnections: 8192 } }, 4);
    const limits = readNginxLimits(nginxConfigFromUserData(renderUserData(settings))!);
    expect(estimateNginxMemory({ nginx: limits, vcpus: 4 })).toEqual(estimateNginxMemory(settings));
  });

  it("refuses a config without a limit, naming the directive", () => {
    const config = renderNginxConfig(sampleSettings()).replace(/^\s*limit_conn edge_host.*$/gm, "");
    expect(() => readNginxLimits(config)).toThrow("the nginx config has no `limit_conn` directive (incident 000: memory must be bounded)");
  });

  it("finds no nginx config in other user data", () => {
    expect(nginxConfigFromUserData("#!/bin/sh\necho hi\n")).toBeUndefined();
    expect(nginxConfigFromUserData("#cloud-config\npackages: [curl]\n")).toBeUndefined();
  });
});
