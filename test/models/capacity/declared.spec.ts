import { describe, expect, it } from "vitest";
import { hostEdgeSettings, renderUserData } from "../../../models/hostEdge";
import { capacityTagKeys, readDeclaredFleet, readRenderedNginxLimits, tagMap } from "../../../models/capacity";
import { sampleConfig } from "./fixtures";

describe("reading capacity back from declared resources", () => {
  it("reads the nginx limits out of the rendered, base64-encoded user data", () => {
    const config = sampleConfig({ nginx: { workerConnections: 2048, clientHeaderBufferSize: "2k", largeClientHeaderBuffers: { count: 2, size: "16k" }, maxConnectionsPerHost: 1500 } });
    const userData = Buffer.from(renderUserData(hostEdgeSettings(config, 2))).toString("base64");
    expect(readRenderedNginxLimits(userData)).toEqual({
      limits: { workerConnections: 2048, clientHeaderBufferSize: "2k", largeClientHeaderBuffers: { count: 2, size: "16k" }, maxConnectionsPerHost: 1500 },
    });
  });

  it("names the directives hand-edited user data lacks", () => {
    expect(readRenderedNginxLimits("#!/bin/sh\napt-get install -y nginx\n")).toEqual({
      missing: ["worker_connections", "client_header_buffer_size", "large_client_header_buffers"],
    });
  });

  it("judges nginx without limit_conn at every slot busy", () => {
    const text = "#cloud-config\nworker_connections 512;\nclient_header_buffer_size 1k;\nlarge_client_header_buffers 4 8k;\n";
    const read = readRenderedNginxLimits(text);
    expect("limits" in read && read.limits.maxConnectionsPerHost).toBe(Number.MAX_SAFE_INTEGER);
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
