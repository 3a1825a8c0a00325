import { describe, expect, it } from "vitest";
import { bundleObjectArn } from "../../../models/hostEdge";
import { bundleEndpointPolicy, endpointServiceName, hostApis, hostRolePolicy, interfaceEndpointPolicy, isPrivateIpv4Cidr, isPrivateIpv6Cidr } from "../../../models/ingestRegion/egress";
import { allows, readStatements, type Statement } from "../../../models/network/policyDocuments";

/** A document's statements; fails the test on an unreadable one. */
function statements(policy: unknown): Statement[] {
  const read = readStatements(policy);
  if (typeof read === "string") throw new Error(`policy ${read}`);
  return read;
}

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

  it("lets the S3 gateway endpoint read the region's pinned bundle object, by the account's principals, and nothing else", () => {
    expect(bundleEndpointPolicy(bundleObjectArn(bundle, "us-west-2"), "123456789012")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadPinnedBundle",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::edge-bundles-us-west-2/releases/edge-ingest-1.4.0.tar.gz",
          Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
        },
      ],
    });
  });

  it("admits no S3 request when no bundle is pinned", () => {
    expect(bundleEndpointPolicy(undefined, "123456789012").Statement).toEqual([{ Sid: "NoBundlePinned", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }]);
  });

  const ctx = { region: "us-east-1", accountId: "123456789012", passwordParameter: "/edge/prod/datastore/password", bundleObjectArn: bundleObjectArn(bundle, "us-east-1") };
  const request = (action: string, resource: string, principalAccount = "123456789012", context?: Record<string, string>) => ({ action, resource, principalAccount, context });

  it("scopes each interface endpoint that takes a policy to the account and the calls the hosts make through it", () => {
    const ssm = statements(interfaceEndpointPolicy(hostApis.find((a) => a.service === "ssm")!, ctx));
    const parameter = "arn:aws:ssm:us-east-1:123456789012:parameter/edge/prod/datastore/password";
    expect(allows(ssm, request("ssm:GetParameter", parameter), true)).toBe(true);
    expect(allows(ssm, request("ssm:GetParameter", parameter, "999999999999"), true)).toBe(false);
    expect(allows(ssm, request("ssm:GetParameter", "arn:aws:ssm:us-east-1:999999999999:parameter/theirs"), true)).toBe(false);
    expect(allows(ssm, request("ssm:SendCommand", "*"), true)).toBe(false);
    const logs = statements(interfaceEndpointPolicy(hostApis.find((a) => a.service === "logs")!, ctx));
    expect(allows(logs, request("logs:PutLogEvents", "arn:aws:logs:us-east-1:999999999999:log-group:/theirs:log-stream:x"), true)).toBe(false);
    expect(allows(logs, request("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/edge/ingest/metrics:log-stream:i-1"), true)).toBe(true);
    // KMS is called by SSM from AWS's side: no endpoint of the VPC sees it.
    expect(JSON.stringify(interfaceEndpointPolicy(hostApis.find((a) => a.service === "ssm")!, ctx))).not.toContain("kms:");
  });

  it("sets no policy where the service may refuse one, and says why", () => {
    for (const api of hostApis.filter((a) => !a.endpointPolicy.supported)) expect(interfaceEndpointPolicy(api, ctx)).toBeUndefined();
    expect(hostApis.filter((a) => !a.endpointPolicy.supported).map((a) => a.service)).toEqual(["ssmmessages", "ec2messages"]);
  });

  it("gives the host role its own parameter, never every parameter, and Session Manager's channels", () => {
    const role = statements(hostRolePolicy(ctx));
    expect(allows(role, request("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/edge/prod/datastore/password"))).toBe(true);
    expect(allows(role, request("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/edge/prod/other"))).toBe(false);
    expect(allows(role, request("ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/edge/prod/datastore/password"))).toBe(false);
    expect(allows(role, request("ssmmessages:OpenDataChannel", "*"))).toBe(true);
    expect(allows(role, request("ssm:UpdateInstanceInformation", "*"))).toBe(true);
    expect(allows(role, request("cloudwatch:PutMetricData", "*", "123456789012", { "cloudwatch:namespace": "CWAgent" }))).toBe(true);
    expect(allows(role, request("cloudwatch:PutMetricData", "*", "123456789012", { "cloudwatch:namespace": "Other" }))).toBe(false);
    expect(allows(role, request("kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k", "123456789012", { "kms:ViaService": "ssm.us-east-1.amazonaws.com" }))).toBe(true);
    expect(allows(role, request("kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k"))).toBe(false);
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
