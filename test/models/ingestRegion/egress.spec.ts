import { describe, expect, it } from "vitest";
import { bundleObjectArn } from "../../../models/hostEdge";
import { bundleEndpointPolicy, endpointServiceName, hostApis, isPrivateIpv4Cidr, isPrivateIpv6Cidr } from "../../../models/ingestRegion/egress";

const bundle = { bucket: "edge-bundles-{region}", key: "releases/edge-ingest-1.4.0.tar.gz", sha256: "a".repeat(64) };

describe("host egress", () => {
  it("names each AWS API endpoint service in the host's region, once", () => {
    expect(endpointServiceName("eu-west-1", "ssm")).toBe("com.amazonaws.eu-west-1.ssm");
    expect(new Set(hostApis.map((api) => api.service)).size).toBe(hostApis.length);
    // STS and Auto Scaling are not called from hosts: instance-profile credentials, a hook that ends on its heartbeat.
    expect(hostApis.map((api) => api.service)).not.toContain("sts");
    expect(hostApis.map((api) => api.service)).not.toContain("autoscaling");
  });

  it("keeps the endpoints SSM Agent from the bundle talks to: registration, command and Session Manager channels", () => {
    expect(hostApis.map((api) => api.service)).toEqual(["ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2"]);
    expect(hostApis.filter((api) => /SSM Agent|Session Manager/.test(api.caller)).map((api) => api.service)).toEqual(["ssm", "ssmmessages", "ec2messages"]);
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

describe("private networks a host without a public address reaches", () => {
  it.each([
    ["10.100.0.0/16", true],
    ["10.0.0.0/8", true],
    ["172.16.0.0/12", true],
    ["172.31.255.0/24", true],
    ["192.168.10.0/24", true],
    ["100.64.0.0/10", true],
    ["100.127.255.255/32", true],
    ["172.32.0.0/16", false],
    ["172.0.0.0/8", false],
    ["8.0.0.0/8", false],
    ["203.0.113.0/24", false],
    ["100.128.0.0/16", false],
    ["0.0.0.0/0", false],
    ["db.example.internal", false],
  ])("%s → %s", (cidr, expected) => {
    expect(isPrivateIpv4Cidr(cidr)).toBe(expected);
  });
});

describe("private IPv6 networks", () => {
  it.each([
    ["fd12:3456:789a::/48", true],
    ["fc00::/7", true],
    ["fe80::/10", false],
    ["2001:db8::/32", false],
    ["::/0", false],
    ["fc00::/6", false],
  ])("%s → %s", (cidr, expected) => {
    expect(isPrivateIpv6Cidr(cidr)).toBe(expected);
  });
});
