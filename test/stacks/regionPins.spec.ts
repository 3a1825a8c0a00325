import { describe, expect, it } from "vitest";
import { availabilityZoneIdPrefix, availabilityZoneIdProblem } from "../../models/ingestRegion/availabilityZones";
import { parseStackConfig } from "../../stacks/schema";
import { configProblems as problems, minimalStackConfig as minimal } from "../support/minimalConfig";
import { withRegionPins } from "../support/regionPins";

/** The pinned minimal config with the ingest keys replaced by `ingest`. */
function withIngest(ingest: Record<string, unknown>): Record<string, any> {
  const pinned = withRegionPins(minimal) as Record<string, any>;
  return { ...pinned, ingest: { ...pinned.ingest, ...ingest } };
}

describe("AZ ID prefixes", () => {
  it.each([
    ["us-east-1", "use1"],
    ["us-west-2", "usw2"],
    ["eu-central-1", "euc1"],
    ["ap-southeast-2", "apse2"],
    ["ap-northeast-1", "apne1"],
    ["sa-east-1", "sae1"],
    ["us-gov-west-1", "usgw1"],
  ])("%s → %s", (region, prefix) => {
    expect(availabilityZoneIdPrefix(region)).toBe(prefix);
  });
});

describe("per-region pins in the stack config", () => {
  it("refuses a region without its zones or image, naming the region and the fix", () => {
    expect(problems(minimal)).toEqual([
      "edge:ingest.availabilityZoneIds.us-east-1: required for every region of edge:regions: list 3 AZ IDs of us-east-1 (`aws ec2 describe-availability-zones --region us-east-1 --filters Name=zone-type,Values=availability-zone`, column ZoneId)",
      "edge:ingest.imageIds.us-east-1: required for every region of edge:regions: the Debian 12 AMI id of us-east-1 the hosts boot",
      "edge:ingest.availabilityZoneIds.eu-west-1: required for every region of edge:regions: list 3 AZ IDs of eu-west-1 (`aws ec2 describe-availability-zones --region eu-west-1 --filters Name=zone-type,Values=availability-zone`, column ZoneId)",
      "edge:ingest.imageIds.eu-west-1: required for every region of edge:regions: the Debian 12 AMI id of eu-west-1 the hosts boot",
    ]);
    expect(problems(withRegionPins(minimal))).toEqual([]);
  });

  it("refuses an AZ ID of another region, a Local Zone and a Wavelength zone", () => {
    const ids = { "us-east-1": ["use1-az1", "usw2-az2", "use1-bos1-az1"], "eu-west-1": ["euw1-az1", "euw1-az2", "euw1-wl1-lon-wlz1"] };
    expect(problems(withIngest({ availabilityZoneIds: ids }))).toEqual([
      "edge:ingest.availabilityZoneIds.us-east-1[1]: usw2-az2 is not an AZ ID of us-east-1: its AZ IDs are use1-az<n> (`aws ec2 describe-availability-zones --region us-east-1` lists them as ZoneId)",
      "edge:ingest.availabilityZoneIds.us-east-1[2]: use1-bos1-az1 is a Local Zone or Wavelength zone of us-east-1, not an availability zone: the load balancer and the hosts need the region's own zones (use1-az1, use1-az2, …)",
      "edge:ingest.availabilityZoneIds.eu-west-1[2]: euw1-wl1-lon-wlz1 is a Local Zone or Wavelength zone of eu-west-1, not an availability zone: the load balancer and the hosts need the region's own zones (euw1-az1, euw1-az2, …)",
    ]);
  });

  it("refuses a list whose length is not edge:ingest.availabilityZones, and a zone listed twice", () => {
    const ids = { "us-east-1": ["use1-az1", "use1-az2"], "eu-west-1": ["euw1-az1", "euw1-az1", "euw1-az2"] };
    expect(problems(withIngest({ availabilityZoneIds: ids }))).toEqual([
      "edge:ingest.availabilityZoneIds.us-east-1: lists 2 zones, edge:ingest.availabilityZones is 3: list exactly 3, or change edge:ingest.availabilityZones",
      "edge:ingest.availabilityZoneIds.eu-west-1: each AZ ID may be listed once, got euw1-az1, euw1-az1, euw1-az2",
    ]);
  });

  it("refuses an image that is not an AMI id (no names, no 'latest')", () => {
    const pinned = withRegionPins(minimal) as Record<string, any>;
    expect(problems({ ...pinned, ingest: { ...pinned.ingest, imageIds: { ...pinned.ingest.imageIds, "us-east-1": "debian-12-latest" } } })).toEqual([
      "edge:ingest.imageIds.us-east-1: expected an AMI id such as ami-0123456789abcdef0",
    ]);
  });

  it("refuses a datastore given by host name: security groups take CIDR blocks", () => {
    const pinned = withRegionPins(minimal) as Record<string, any>;
    const endpoints = { ...pinned.datastore.endpoints, "eu-west-1": { ...pinned.datastore.endpoints["eu-west-1"], cidrs: ["db.example.com"] } };
    expect(problems({ ...pinned, datastore: { ...pinned.datastore, endpoints } })).toEqual(["edge:datastore.endpoints.eu-west-1.cidrs[0]: expected an IPv4 CIDR block such as 10.20.0.0/24"]);
  });
});

describe("account quotas", () => {
  it("refuses more zones than the region's Elastic IP quota, with both numbers", () => {
    const sixZones = Object.fromEntries(minimal.regions.map((r) => [r, [1, 2, 3, 4, 5, 6].map((n) => `${availabilityZoneIdPrefix(r)}-az${n}`)]));
    expect(problems(withIngest({ availabilityZones: 6, availabilityZoneIds: sixZones }))).toEqual([
      "edge:quotas.elasticIpsPerRegion: the stack needs 6 Elastic IPs per region (one per availability zone), the account's quota is 5: the deploy would stop halfway. Smallest fix: raise the quota in Service Quotas and set the new value here, or declare fewer",
    ]);
    expect(problems({ ...withIngest({ availabilityZones: 6, availabilityZoneIds: sixZones }), quotas: { elasticIpsPerRegion: 10 } })).toEqual([]);
  });

  it("refuses more regions than the account's Route 53 health checks", () => {
    expect(problems({ ...withRegionPins(minimal), quotas: { route53HealthChecksPerAccount: 1 } })).toEqual([
      "edge:quotas.route53HealthChecksPerAccount: the stack needs 2 Route 53 health checks (one per region), the account's quota is 1: the deploy would stop halfway. Smallest fix: raise the quota in Service Quotas and set the new value here, or declare fewer",
    ]);
  });

  it("defaults to AWS's quotas", () => {
    expect(parseStackConfig(withRegionPins(minimal)).quotas).toEqual({ elasticIpsPerRegion: 5, networkLoadBalancersPerRegion: 50, route53HealthChecksPerAccount: 200, route53RecordsPerZone: 10_000 });
  });
});

describe("AZ IDs of regions outside the naming scheme", () => {
  it("accepts a plain AZ ID and refuses a Local Zone by shape alone", () => {
    expect(availabilityZoneIdProblem("us-iso-east-1", "usie1-az1")).toBeUndefined();
    expect(availabilityZoneIdProblem("us-iso-east-1", "usie1-foo1-az1")).toBe(
      "usie1-foo1-az1 is a Local Zone or Wavelength zone of us-iso-east-1, not an availability zone: the load balancer and the hosts need the region's own zones (<prefix>-az1, <prefix>-az2, …)",
    );
  });
});
