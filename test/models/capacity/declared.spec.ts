import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateNginxMemory, hostEdgeSettings, nginxMemoryInput, renderedNginxLimits, renderUserData } from "../../../models/hostEdge";
import { capacityTagKeys, readDeclaredFleet, readRenderedNginxLimits, tagMap } from "../../../models/capacity";
import { sampleSettings } from "../hostEdge/fixtures";
import { sampleConfig } from "./fixtures";

describe("reading capacity back from declared resources", () => {
  it("reads the nginx limits out of the rendered, base64-encoded user data", () => {
    const config = sampleConfig({ nginx: { workerConnections: 2048, clientHeaderBufferSize: "2k", largeClientHeaderBuffers: { count: 2, size: "16k" }, maxConnectionsPerHost: 1500 } });
    const userData = Buffer.from(renderUserData(hostEdgeSettings(config, 2))).toString("base64");
    expect(readRenderedNginxLimits(userData)).toEqual({
      limits: {
        workerConnections: 2048,
        clientHeaderBufferSize: "2k",
        largeClientHeaderBuffers: { count: 2, size: "16k" },
        maxConnectionsPerHost: 1500,
        maxHeaders: 64,
        clientBodyBufferBytes: 16 * 1024,
        proxyBufferBytes: 20 * 1024,
        healthCheckConnections: 32,
        listen: { backlog: 4096, rcvbufBytes: 16 * 1024, sndbufBytes: 16 * 1024 },
        tcp: { somaxconn: 4096, synBacklog: 4096, wmem: [4096, 16384, 65536] },
      },
    });
  });

  it("reads back whatever limits were rendered, from raw or base64 user data", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 65536 }),
        fc.constantFrom("512", "1k", "2k"),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom("4k", "8k", "16k"),
        fc.option(fc.integer({ min: 1, max: 100000 }), { nil: undefined }),
        (workerConnections, clientHeaderBufferSize, count, size, maxConnectionsPerHost) => {
          const userData = renderUserData(sampleSettings({ nginx: { workerConnections, clientHeaderBufferSize, largeClientHeaderBuffers: { count, size }, maxConnectionsPerHost } }));
          const limits = renderedNginxLimits({ workerConnections, clientHeaderBufferSize, largeClientHeaderBuffers: { count, size }, maxConnectionsPerHost });
          expect(readRenderedNginxLimits(userData)).toEqual({ limits });
          expect(readRenderedNginxLimits(Buffer.from(userData).toString("base64"))).toEqual({ limits });
        },
      ),
      { numRuns: 30 },
    );
  });

  it("gives the memory model the same estimate as the settings the user data was rendered from", () => {
    const settings = sampleSettings({ nginx: { workerConnections: 8192 } }, 4);
    const read = readRenderedNginxLimits(renderUserData(settings));
    expect("limits" in read && estimateNginxMemory({ nginx: read.limits, vcpus: 4 })).toEqual(estimateNginxMemory(nginxMemoryInput(settings)));
  });

  it("names the directives hand-edited user data lacks", () => {
    expect(readRenderedNginxLimits("#!/bin/sh\napt-get install -y nginx\n")).toEqual({
      missing: ["worker_connections", "client_header_buffer_size", "large_client_header_buffers"],
    });
  });

  it("judges nginx without limit_conn at every slot busy, and what the text does not set at nginx's and the kernel's defaults", () => {
    const text = "#cloud-config\nworker_connections 512;\nclient_header_buffer_size 1k;\nlarge_client_header_buffers 4 8k;\nlocation / { proxy_pass http://ingest; }\n";
    expect(readRenderedNginxLimits(text)).toEqual({
      limits: {
        workerConnections: 512,
        clientHeaderBufferSize: "1k",
        largeClientHeaderBuffers: { count: 4, size: "8k" },
        maxConnectionsPerHost: Number.MAX_SAFE_INTEGER,
        maxHeaders: 1000,
        clientBodyBufferBytes: 8 * 1024,
        proxyBufferBytes: 4096 + 8 * 4096,
        healthCheckConnections: 0,
        listen: { backlog: 511 },
        tcp: { somaxconn: 4096, synBacklog: 1024, wmem: [4096, 16384, 4 * 1024 * 1024] },
      },
    });
  });

  it("counts /http-check's proxied requests apart when it has a zone of its own, and unbounded when it has no limit_conn", () => {
    const userData = renderUserData(sampleSettings({ nginx: { workerConnections: 1024 } }));
    const read = (text: string) => {
      const r = readRenderedNginxLimits(text);
      return "limits" in r ? { requests: r.limits.maxConnectionsPerHost, healthChecks: r.limits.healthCheckConnections } : r;
    };
    expect(read(userData)).toEqual({ requests: 460, healthChecks: 32 });
    expect(read(userData.replace(/limit_conn edge_health \d+;/, "limit_conn edge_host 460;"))).toEqual({ requests: 460, healthChecks: 0 });
    expect(read(userData.replace(/limit_conn edge_health \d+;/, ""))).toEqual({ requests: 460, healthChecks: Number.MAX_SAFE_INTEGER });
    expect(read(userData.replace(/(location \/ \{\s*)limit_conn edge_host \d+;/, "$1"))).toEqual({ requests: Number.MAX_SAFE_INTEGER, healthChecks: 32 });
  });

  it("reads an autoscaling group's sizes and capacity tags; ignores groups without them", () => {
    const props = {
      region: "eu-west-1",
      minSize: 2,
      maxSize: 9,
      tags: [
        { key: capacityTagKeys.environment, value: "prod", propagateAtLaunch: false },
        { key: capacityTagKeys.eventsPerHostPerSecond, value: "4000", propagateAtLaunch: false },
      ],
    };
    expect(readDeclaredFleet(props)).toMatchObject({ region: "eu-west-1", environment: "prod", minHosts: 2, maxHosts: 9, eventsPerHostPerSecond: 4000, peakEventsPerSecond: undefined });
    expect(readDeclaredFleet({ ...props, tags: [{ key: "Name", value: "other" }] })).toBeUndefined();
    expect(tagMap({ a: "1" })).toEqual({ a: "1" });
  });
});
