import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { DnsRecords } from "../../components/dnsRecords";
import { DnsZones } from "../../components/dnsZones";
import type { CdnEndpoint, IngestEndpoint } from "../../components/endpoints";
import { cloudflareValueSuffix } from "../../models/dns/cloudflare";
import { recordsFromResources } from "../../models/dns/compare";
import type { PlannedResource } from "../../tools/plan/evaluate";
import { mockRuntime, ofType } from "../support/mockRuntime";
import { resourceTypes } from "../../models/resourceTypes";
import { healthCheckPath } from "../../models/hostEdge";

let resources: PlannedResource[];
/** A DKIM-sized TXT value: 300 characters, one string longer than 255. */
const longTxt = "v=DKIM1; k=rsa; p=" + "A".repeat(282);
let healthChecks: { region: string; healthCheckId: string }[];

function endpoint(region: string, ips: string[]): IngestEndpoint {
  const o = pulumi.output;
  return {
    region,
    staticIps: o(ips),
    nlbDnsName: o(`ingest-${region}.elb.${region}.amazonaws.com`),
    nlbZoneId: o("Z26RNL4JYFTOTI"),
    nlbArnSuffix: o(`net/ingest/${region}`),
    targetGroupArnSuffix: o(`targetgroup/ingest/${region}`),
    targetGroupArn: o(`arn:aws:elasticloadbalancing:${region}:123456789012:targetgroup/ingest/1`),
    asgName: o(`ingest-${region}`),
    certificateArn: o(`arn:aws:acm:${region}:123456789012:certificate/1`),
    minHosts: 2,
    maxHosts: 4,
  };
}

const cdn: CdnEndpoint = {
  distributionId: pulumi.output("E123"),
  domainName: pulumi.output("d111111abcdef8.cloudfront.net"),
  hostedZoneId: pulumi.output("Z2FDTNDATAQYW2"),
  certificateArn: pulumi.output("arn:aws:acm:us-east-1:123456789012:certificate/2"),
};

beforeAll(async () => {
  const runtime = await mockRuntime();
  const zones = new DnsZones("dns", { domain: "example.com", secondary: { accountId: "0".repeat(32), mode: "active-active" } });
  const records = await DnsRecords.create("dns", {
    zones,
    ingest: [endpoint("us-east-1", ["192.0.2.1", "192.0.2.2"]), endpoint("eu-west-1", ["198.51.100.1", "198.51.100.2"])],
    addressesPerRegion: 2,
    ingestName: "api",
    ttl: 60,
    cdn,
    cdnName: "cdn",
    declared: [
      { name: "decide", type: "CNAME", ttl: 60, values: ["api.example.com"], path: ["dns", "aliases", 0], valuesKey: "target" },
      { name: "@", type: "MX", ttl: 3600, values: ["10 mx1.example.net", "20 mx2.example.net"], path: ["dns", "records", 0], valuesKey: "values" },
      { name: "@", type: "TXT", ttl: 3600, values: [longTxt], path: ["dns", "records", 1], valuesKey: "values" },
    ],
    maxCnameChainLength: 4,
  });
  resources = await runtime.settle();
  healthChecks = await new Promise((resolve) =>
    pulumi.all(records.ingestHealthChecks.map((h) => pulumi.all([h.region, h.healthCheckId]))).apply((pairs) => resolve(pairs.map(([region, healthCheckId]) => ({ region, healthCheckId })))),
  );
});

describe("DnsZones", () => {
  it("creates the Route 53 primary and the Cloudflare secondary with multi-provider DNS in active-active", () => {
    expect(ofType(resources, resourceTypes.route53Zone)[0].inputs).toMatchObject({ name: "example.com" });
    expect(ofType(resources, resourceTypes.cloudflareZone)[0].inputs).toMatchObject({ name: "example.com", account: { id: "0".repeat(32) } });
    expect(ofType(resources, resourceTypes.cloudflareZoneDnsSettings)[0].inputs).toMatchObject({ multiProvider: true });
  });
});

describe("DnsRecords", () => {
  it("answers the ingest name in Route 53 with a health-checked latency record per region", () => {
    const latency = ofType(resources, resourceTypes.route53Record).filter((r) => r.inputs.name === "api.example.com");
    expect(latency.map((r) => [r.inputs.setIdentifier, (r.inputs.latencyRoutingPolicies as { region: string }[])[0].region, r.inputs.records, r.inputs.ttl])).toEqual([
      ["us-east-1", "us-east-1", ["192.0.2.1", "192.0.2.2"], 60],
      ["eu-west-1", "eu-west-1", ["198.51.100.1", "198.51.100.2"], 60],
    ]);
    const checks = ofType(resources, resourceTypes.route53HealthCheck);
    expect(checks.map((c) => c.inputs)).toEqual([
      expect.objectContaining({ type: "HTTPS", port: 443, resourcePath: healthCheckPath, fqdn: "ingest-us-east-1.elb.us-east-1.amazonaws.com" }),
      expect.objectContaining({ type: "HTTPS", port: 443, resourcePath: healthCheckPath, fqdn: "ingest-eu-west-1.elb.eu-west-1.amazonaws.com" }),
    ]);
    expect(latency.map((r) => r.inputs.healthCheckId)).toEqual(healthChecks.map((h) => h.healthCheckId));
    expect(healthChecks.map((h) => h.region)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("publishes every region's static addresses in Cloudflare, proxy off", () => {
    const api = ofType(resources, resourceTypes.cloudflareDnsRecord).filter((r) => r.inputs.name === "api.example.com");
    expect(api.map((r) => r.inputs.content).sort()).toEqual(["192.0.2.1", "192.0.2.2", "198.51.100.1", "198.51.100.2"]);
    expect(api.every((r) => r.inputs.proxied === false && r.inputs.type === "A")).toBe(true);
  });

  it("serves the same names and types in both providers, the CDN name at the distribution", () => {
    const records = recordsFromResources(resources);
    const names = (provider: string) => [...new Set(records.filter((r) => r.provider === provider).map((r) => `${r.name} ${r.type}`))].sort();
    expect(names("cloudflare")).toEqual(names("route53"));
    expect(
      records
        .filter((r) => r.name === "cdn.example.com")
        .map((r) => [r.provider, r.type, r.values])
        .sort()
        .reverse(),
    ).toEqual([
      ["route53", "CNAME", ["d111111abcdef8.cloudfront.net"]],
      ["cloudflare", "CNAME", ["d111111abcdef8.cloudfront.net"]],
    ]);
    const mx = records.filter((r) => r.type === "MX");
    expect(mx.map((r) => r.values)).toEqual([
      ["10 mx1.example.net", "20 mx2.example.net"],
      ["10 mx1.example.net", "20 mx2.example.net"],
    ]);
  });

  it("names a set's Cloudflare records by value, so reordering the values renames nothing", () => {
    const mx = ofType(resources, "cloudflare:index/dnsRecord:DnsRecord").filter((r) => r.inputs.type === "MX");
    expect(mx.map((r) => r.name)).toEqual([
      `dns-cloudflare-mx-apex-${cloudflareValueSuffix("MX", "10 mx1.example.net")}`,
      `dns-cloudflare-mx-apex-${cloudflareValueSuffix("MX", "20 mx2.example.net")}`,
    ]);
  });

  it("sends a long TXT value to both providers as strings of at most 255 bytes", () => {
    const route53 = ofType(resources, "aws:route53/record:Record").find((r) => r.inputs.type === "TXT")!;
    expect(route53.inputs.records).toEqual([`${longTxt.slice(0, 255)}""${longTxt.slice(255)}`]);
    const cloudflare = ofType(resources, "cloudflare:index/dnsRecord:DnsRecord").find((r) => r.inputs.type === "TXT")!;
    expect(cloudflare.inputs.content).toBe(`"${longTxt.slice(0, 255)}" "${longTxt.slice(255)}"`);
    const read = recordsFromResources(resources).filter((r) => r.type === "TXT");
    expect(read.map((r) => r.values)).toEqual([[`"${longTxt.slice(0, 255)}" "${longTxt.slice(255)}"`], [`"${longTxt.slice(0, 255)}" "${longTxt.slice(255)}"`]]);
  });

  it("parents every record to the DnsRecords component", () => {
    const component = resources.find((r) => r.type === "edge:dns:DnsRecords")!;
    // The apex NS records belong to the zones (DnsZones publishes both providers' servers).
    const isApexNs = (r: PlannedResource) => r.inputs.type === "NS" && r.inputs.name === "example.com";
    const records = [...ofType(resources, resourceTypes.route53Record), ...ofType(resources, resourceTypes.cloudflareDnsRecord)].filter((r) => !isApexNs(r));
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.parent === component.urn)).toBe(true);
  });
});
