import { describe, expect, it } from "vitest";
import { compareRecordSets, ProviderRecord, recordsFromResources } from "../../../models/dns/compare";

const r53 = (inputs: Record<string, unknown>) => ({ type: "aws:route53/record:Record", inputs });
const cf = (inputs: Record<string, unknown>) => ({ type: "cloudflare:index/dnsRecord:DnsRecord", inputs });

describe("recordsFromResources", () => {
  it("reads Route 53 records, latency sets and aliases", () => {
    const records = recordsFromResources([
      r53({ zoneId: "Z", name: "API.example.com.", type: "A", ttl: 60, setIdentifier: "us-east-1", records: ["192.0.2.2", "192.0.2.1"] }),
      r53({ zoneId: "Z", name: "decide.example.com", type: "CNAME", ttl: 60, records: ["api.example.com."] }),
      r53({ zoneId: "Z", name: "cdn.example.com", type: "A", aliases: [{ name: "d123.cloudfront.net.", zoneId: "Z2", evaluateTargetHealth: false }] }),
      { type: "aws:route53/zone:Zone", inputs: { name: "example.com" } },
    ]);
    expect(records).toEqual([
      { provider: "route53", name: "api.example.com", type: "A", setId: "us-east-1", ttl: 60, values: ["192.0.2.1", "192.0.2.2"] },
      { provider: "route53", name: "decide.example.com", type: "CNAME", ttl: 60, values: ["api.example.com"] },
      { provider: "route53", name: "cdn.example.com", type: "A", values: ["alias:d123.cloudfront.net"] },
    ]);
  });

  it("groups Cloudflare's one-value records into record sets", () => {
    const records = recordsFromResources([
      cf({ zoneId: "z", name: "api.example.com", type: "A", ttl: 60, content: "192.0.2.9", proxied: false }),
      cf({ zoneId: "z", name: "api.example.com", type: "A", ttl: 60, content: "192.0.2.3", proxied: false }),
      cf({ zoneId: "z", name: "example.com", type: "TXT", ttl: 3600, content: '"v=spf1 -all"' }),
      cf({ zoneId: "z", name: "example.com", type: "MX", ttl: 3600, content: "mx.example.net", priority: 10 }),
    ]);
    expect(records).toEqual([
      { provider: "cloudflare", name: "api.example.com", type: "A", ttl: 60, values: ["192.0.2.3", "192.0.2.9"] },
      { provider: "cloudflare", name: "example.com", type: "TXT", ttl: 3600, values: ["v=spf1 -all"] },
      { provider: "cloudflare", name: "example.com", type: "MX", ttl: 3600, values: ["10 mx.example.net"] },
    ]);
  });
});

const rec = (name: string, values: string[], extra: Partial<ProviderRecord> = {}): ProviderRecord => ({
  provider: "route53",
  name,
  type: "A",
  ttl: 60,
  values,
  ...extra,
});

describe("compareRecordSets", () => {
  it("reports added, removed, changed and unchanged records per provider", () => {
    const before = [rec("a.example.com", ["192.0.2.1"]), rec("b.example.com", ["192.0.2.2"]), rec("c.example.com", ["192.0.2.3"]), rec("a.example.com", ["192.0.2.1"], { provider: "cloudflare" })];
    const after = [
      rec("a.example.com", ["192.0.2.1"]),
      rec("b.example.com", ["192.0.2.2"], { ttl: 300 }),
      rec("d.example.com", ["192.0.2.4"]),
      rec("a.example.com", ["192.0.2.1"], { provider: "cloudflare" }),
    ];
    const [route53, cloudflare] = compareRecordSets(before, after);
    expect(route53.provider).toBe("route53");
    expect(route53.added.map((r) => r.name)).toEqual(["d.example.com"]);
    expect(route53.removed.map((r) => r.name)).toEqual(["c.example.com"]);
    expect(route53.changed.map((c) => [c.before.ttl, c.after.ttl])).toEqual([[60, 300]]);
    expect(route53.unchanged).toBe(1);
    expect(route53.changedShare).toBeCloseTo(2 / 3);
    expect(cloudflare).toMatchObject({ provider: "cloudflare", added: [], removed: [], changed: [], unchanged: 1, changedShare: 0 });
  });

  it("tells latency sets apart by set identifier and ignores value order", () => {
    const before = [rec("api.example.com", ["192.0.2.1", "192.0.2.2"], { setId: "us-east-1" }), rec("api.example.com", ["192.0.2.5"], { setId: "eu-west-1" })];
    const after = [rec("api.example.com", ["192.0.2.2", "192.0.2.1"], { setId: "us-east-1" })];
    const [change] = compareRecordSets(before, after);
    expect(change.unchanged).toBe(1);
    expect(change.removed.map((r) => r.setId)).toEqual(["eu-west-1"]);
    expect(change.changedShare).toBe(0.5);
  });

  it("counts a first push as all added with no changed share", () => {
    const [change] = compareRecordSets([], [rec("a.example.com", ["192.0.2.1"])]);
    expect(change.added).toHaveLength(1);
    expect(change.changedShare).toBe(0);
  });
});
