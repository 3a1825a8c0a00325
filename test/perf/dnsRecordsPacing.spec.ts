/** Protects: the plan's memory on large zones. DnsRecords constructs in paced batches, so a zone's records reach the engine while the rest are declared (about 100 KB a resource held until sent). */
import { expect, it } from "vitest";
import { DnsRecords } from "../../components/dnsRecords";
import { DnsZones } from "../../components/dnsZones";
import { constructionBatch } from "../../components/pacing";
import { mockRuntime } from "../support/mockRuntime";
import { resourceTypes } from "../../models/resourceTypes";

it("registers a large zone's records while it declares the rest, not all at the end (a 6,000-record zone held 1.2 GB at once)", async () => {
  const registered: string[] = [];
  const runtime = await mockRuntime("test", "us-east-1", (r) => {
    if (r.type === resourceTypes.route53Record && r.name.startsWith("dns-route53-a-")) registered.push(r.name);
  });
  const zones = new DnsZones("dns", { domain: "example.com", secondary: { accountId: "0".repeat(32) } });
  const count = 8 * constructionBatch;
  const declared = Array.from({ length: count }, (_, i) => ({
    name: `host${i}`,
    type: "A" as const,
    ttl: 300,
    values: [`192.0.2.${i % 250}`],
    path: ["dns", "records", i],
    valuesKey: "values" as const,
  }));

  await DnsRecords.create("dns", { zones, ingest: [], addressesPerRegion: 0, ingestName: "api", ttl: 60, declared, maxCnameChainLength: 4 });
  // By the time the last batch is declared, all but the last few batches have reached the engine.
  expect(registered.length).toBeGreaterThan(count - 3 * constructionBatch);
  expect(registered.slice(0, 3)).toEqual(["dns-route53-a-host0", "dns-route53-a-host1", "dns-route53-a-host2"]);

  await runtime.settle();
  expect(registered.length).toBe(count);
});
