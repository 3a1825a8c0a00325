import { describe, expect, it } from "vitest";
import { bundleObjectArn } from "../../../models/hostEdge";
import { bundleEndpointPolicy, endpointServiceName, hostApis } from "../../../models/ingestRegion/egress";

const bundle = { bucket: "edge-bundles-{region}", key: "releases/edge-ingest-1.4.0.tar.gz", sha256: "a".repeat(64) };

describe("host egress", () => {
  it("names each AWS API endpoint service in the host's region, once", () => {
    expect(endpointServiceName("eu-west-1", "ssm")).toBe("com.amazonaws.eu-west-1.ssm");
    expect(new Set(hostApis.map((api) => api.service)).size).toBe(hostApis.length);
    // STS and Auto Scaling are not called from hosts: instance-profile credentials, a hook that ends on its heartbeat.
    expect(hostApis.map((api) => api.service)).not.toContain("sts");
    expect(hostApis.map((api) => api.service)).not.toContain("autoscaling");
  });

  it("lets the S3 gateway endpoint read the region's pinned bundle object and nothing else", () => {
    expect(bundleEndpointPolicy(bundleObjectArn(bundle, "us-west-2"))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "ReadPinnedBundle", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::edge-bundles-us-west-2/releases/edge-ingest-1.4.0.tar.gz" }],
    });
  });

  it("admits no S3 request when no bundle is pinned", () => {
    expect(bundleEndpointPolicy(undefined).Statement).toEqual([{ Sid: "NoBundlePinned", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }]);
  });
});
