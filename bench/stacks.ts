/**
 * Generated stack configs for the benchmark: N regions × M extra DNS records (`edge:dns.records`),
 * sized so the capacity rules hold at every size (the fleet survives losing its largest region,
 * the datastore's connection budget covers every region's pools), so the plan does its full work
 * on a stack a user could ship rather than stopping on the first violation.
 *
 * Pure module: no Pulumi imports.
 */
import { availabilityZoneIdPrefix } from "../models/ingestRegion/availabilityZones";
import type { StackConfigInput } from "../stacks/schema";

/** 32 AWS region codes; the schema caps a stack at 30 regions. */
export const benchRegions = [
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "us-east-2",
  "us-west-1",
  "ca-central-1",
  "sa-east-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "af-south-1",
  "me-south-1",
  "me-central-1",
  "il-central-1",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-east-1",
  "ca-west-1",
  "mx-central-1",
  "ap-southeast-7",
] as const;

export interface BenchSize {
  regions: number;
  records: number;
}

/** The full matrix of the issue, and the `--quick` one. */
export const fullMatrix: BenchSize[] = cross([2, 3, 10, 30], [10, 100, 1000, 2000]);
export const quickMatrix: BenchSize[] = cross([2, 10], [10, 1000]);

export function cross(regions: number[], records: number[]): BenchSize[] {
  return regions.flatMap((r) => records.map((m) => ({ regions: r, records: m })));
}

export function sizeLabel(size: BenchSize): string {
  return `${size.regions}r-${size.records}rec`;
}

type RecordInput = NonNullable<NonNullable<StackConfigInput["dns"]>["records"]>[number];

/**
 * `count` records with unique names, a realistic mix: 6 in 10 A (one RFC 5737 documentation address), 1 in 10
 * AAAA (documentation prefix), 2 in 10 TXT, 1 in 10 CNAME to an in-zone A name declared before it.
 */
export function benchRecords(count: number, domain: string): RecordInput[] {
  const records: RecordInput[] = [];
  let lastA = "";
  for (let i = 0; i < count; i++) {
    const name = `r${String(i).padStart(5, "0")}`;
    const kind = i % 10;
    if (kind < 6) {
      records.push({ name, type: "A", values: [`${(i >> 8) % 2 ? "203.0.113" : "192.0.2"}.${(i % 254) + 1}`] });
      lastA = name;
    } else if (kind === 6) {
      records.push({ name, type: "AAAA", values: [`2001:db8::${(i + 1).toString(16)}`] });
    } else if (kind < 9) {
      records.push({ name, type: "TXT", values: [`bench record ${i}`] });
    } else {
      records.push({ name, type: "CNAME", values: [`${lastA}.${domain}`] });
    }
  }
  return records;
}

/** Events per second one bench host sustains; the fleet is sized from it. */
const eventsPerHost = 8000;
const maxHostsPerRegion = 12;
const poolSizePerHost = 16;
const burstFactor = 8;

/**
 * The `config:` section of a stack file for `size`: the prod stack's shape, the peak set to 90% of
 * what the fleet carries with its largest region lost, and the datastore sized for every pool at
 * 70% of its connections.
 */
export function benchStackConfig(size: BenchSize): Record<string, unknown> {
  if (size.regions < 2 || size.regions > benchRegions.length) {
    throw new Error(`bench sizes need 2 to ${benchRegions.length} regions, got ${size.regions}`);
  }
  const domain = "bench.example.com";
  const regions = benchRegions.slice(0, size.regions);
  const records = benchRecords(size.records, domain);
  // Cloudflare holds one record per value: a zone this size is an Enterprise zone whose record quota
  // was raised (3,500 by default), with room for the program's own records.
  const cloudflareRecords = records.reduce((sum, r) => sum + r.values.length, 0) + 100;
  const survivingCapacity = (size.regions - 1) * maxHostsPerRegion * eventsPerHost;
  const edge: StackConfigInput = {
    environment: "prod",
    domain,
    regions: [...regions],
    ingest: {
      peakEventsPerSecond: Math.floor((survivingCapacity / burstFactor) * 0.9),
      burstFactor,
      instanceType: "c6i.xlarge",
      eventsPerHostPerSecond: eventsPerHost,
      minHostsPerRegion: 3,
      maxHostsPerRegion,
      availabilityZones: 3,
      bundle: { bucket: "edge-releases-{region}", key: "releases/edge-ingest-2026.12.01.tar.gz", sha256: "4f1c2a7e9b0d3c5a8e6f1b2d4c7a9e0f3b5d8c1a6e2f4b7d9c0a3e5f8b1d2c4a" },
      availabilityZoneIds: Object.fromEntries(regions.map((region) => [region, [1, 2, 3].map((n) => `${availabilityZoneIdPrefix(region)}-az${n}`)])),
      // AMI ids are regional: each region its own.
      imageIds: Object.fromEntries(regions.map((region, i) => [region, `ami-0123456789abcd${(0xef0 + i).toString(16)}`])),
    },
    nginx: { workerConnections: 8192 },
    datastore: {
      maxConnections: Math.ceil((size.regions * maxHostsPerRegion * poolSizePerHost) / 0.7),
      poolSizePerHost,
      endpoints: Object.fromEntries(
        regions.map((region, i) => [
          region,
          { hosts: [`edge-${region}.example.internal`], passwordParameter: "/edge/bench/datastore/password", cidrs: [`10.${100 + i}.0.0/16`], route: { transitGatewayId: "tgw-0123456789abcdef0" } },
        ]),
      ),
    },
    dns: {
      ttl: 60,
      aliases: [{ name: "decide", target: "api" }],
      records,
      delegation: "delegated",
      secondary: { accountId: "0123456789abcdef0123456789abcdef", mode: "active-active", plan: "enterprise" },
    },
    quotas: { cloudflareRecordsPerZone: Math.max(3500, cloudflareRecords) },
    alarms: { emails: ["edge-oncall@example.com"] },
  };
  const config: Record<string, unknown> = { "aws:region": regions[0] };
  for (const [key, value] of Object.entries(edge)) config[`edge:${key}`] = value;
  return config;
}
