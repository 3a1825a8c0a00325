import { describe, expect, it } from "vitest";
import { enforceFailoverTtl } from "../../../policies/dns/enforceFailoverTtl";
import { runResourcePolicy } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";
import { recoveryReport } from "../../../models/recovery";
import { resolveBounds } from "../../../policies/config";
import { judgeRecoveryTime, recoveryTimeBounds } from "../../../policies/recovery/enforceRecoveryTime";

const compliantRoute53 = { zoneId: "Z0", name: "api.example.com", type: "A", ttl: 60, records: ["192.0.2.1"] };
const compliantCloudflare = { zoneId: "abc", name: "api.example.com", type: "A", ttl: 60, content: "192.0.2.1", proxied: false };

describe("enforce-failover-ttl", () => {
  it("accepts failover records within 30-300 s", async () => {
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: compliantRoute53 })).toEqual([]);
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.cloudflareDnsRecord, props: compliantCloudflare })).toEqual([]);
  });

  it("names the record, provider, TTL and limit of a one-day TTL (incident 000)", async () => {
    const messages = await runResourcePolicy(enforceFailoverTtl, {
      type: resourceTypes.route53Record,
      props: { ...compliantRoute53, ttl: 86400 },
    });
    expect(messages).toEqual([
      "api.example.com A (route53) has TTL 86400 s, above the 300 s limit for records traffic fails over through. " +
        "Set edge:dns.ttl (or this record's ttl) to 300 or less; where enforce-recovery-time also reports edge:dns.ttl (on the health-checked ingest records), the lower bound it names binds. " +
        incidentNote("failoverTtl"),
    ]);
  });

  it("leaves a health-checked set's ceiling to enforce-recovery-time, which names the one binding bound (a TTL of 301: 84, not 300)", async () => {
    const latency = { ...compliantRoute53, ttl: 301, setIdentifier: "us-east-1", latencyRoutingPolicies: [{ region: "us-east-1" }], healthCheckId: "hc-1" };
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: latency })).toEqual([]);
    // The floor is still judged here.
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: { ...latency, ttl: 10 } })).toHaveLength(1);
    const health = {
      type: resourceTypes.route53HealthCheck,
      urn: "urn:pulumi:dev::edge::aws:route53/healthCheck:HealthCheck::dns-health-us-east-1",
      inputs: { requestInterval: 10, failureThreshold: 3 },
    };
    const record = { type: resourceTypes.route53Record, urn: "urn:pulumi:dev::edge::aws:route53/record:Record::dns-route53-a-api-us-east-1", inputs: latency, dependencies: [health.urn] };
    const [finding] = judgeRecoveryTime(recoveryReport([health, record]), resolveBounds(recoveryTimeBounds, {}));
    expect(finding!.message).toContain("Smallest fix: ttl (edge:dns ttl of the failover records) 301 → 84 on dns-route53-a-api-us-east-1");
  });

  it("judges CNAMEs and AAAA, not TXT", async () => {
    for (const type of ["CNAME", "AAAA"]) {
      const messages = await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: { ...compliantRoute53, type, ttl: 3600 } });
      expect(messages).toHaveLength(1);
    }
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: { ...compliantRoute53, type: "TXT", ttl: 86400 } })).toEqual([]);
  });

  it("tells an ACM validation record's owner to change the program's constant, not edge:dns.ttl", async () => {
    const validation = { zoneId: "Z0", name: "_3f1a.api.example.com.", type: "CNAME", ttl: 60, records: ["_9c2b.xyz.acm-validations.aws."] };
    const [message] = await runResourcePolicy(enforceFailoverTtl, { type: "aws:route53/record:Record", props: validation }, { minTtlSeconds: 120 });
    expect(message).toContain("has TTL 60 s, below the 120 s floor");
    expect(message).toContain("its TTL is a constant of the program (certificateValidationTtlSeconds in models/ingestRegion/layout.ts");
    expect(message).not.toContain("edge:dns.ttl (or");
  });

  it("skips Route 53 aliases, whose TTL is the target's", async () => {
    const alias = { zoneId: "Z0", name: "api.example.com", type: "A", aliases: [{ name: "lb.example.net", zoneId: "Z1", evaluateTargetHealth: true }] };
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: alias })).toEqual([]);
  });

  it("reads Cloudflare's TTL 1 as automatic (300 s)", async () => {
    const props = { ...compliantCloudflare, ttl: 1 };
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.cloudflareDnsRecord, props })).toEqual([]);
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.cloudflareDnsRecord, props }, { maxTtlSeconds: 120 })).toHaveLength(1);
  });

  it("takes its bounds from policy config", async () => {
    const props = { ...compliantRoute53, ttl: 600 };
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props }, { maxTtlSeconds: 900 })).toEqual([]);
    const low = await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: { ...compliantRoute53, ttl: 10 } });
    expect(low[0]).toContain("below the 30 s floor");
  });
});

describe("enforce-failover-ttl: NS, SOA and Cloudflare's bounds", () => {
  it("keeps NS and SOA within 300-172800 s", async () => {
    const ns = { zoneId: "Z0", name: "example.com", type: "NS", ttl: 172800, records: ["ns-1.awsdns-1.com"] };
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: ns })).toEqual([]);
    const [message] = await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.route53Record, props: { ...ns, ttl: 604800 } });
    expect(message).toBe("example.com NS (route53) has TTL 604800 s, outside the 300-172800 s bounds for NS and SOA records. " + `Set its ttl within them. ${incidentNote("nsTtl")}`);
  });

  it("refuses a Cloudflare TTL below 60 s other than 1 (automatic)", async () => {
    const messages = await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.cloudflareDnsRecord, props: { ...compliantCloudflare, ttl: 30 } });
    expect(messages).toEqual([
      "api.example.com A (cloudflare) has TTL 30 s: Cloudflare accepts 1 (automatic) or 60 to 86400 s on non-Enterprise plans, " +
        "so the secondary would refuse the record and drift from the primary. Set edge:dns.ttl (or this record's ttl) to 60 or more. " +
        incidentNote("secondaryParity"),
    ]);
  });

  it("refuses a Cloudflare NS record above 86,400 s, Cloudflare's ceiling, where Route 53 takes two days", async () => {
    const ns = { zoneId: "abc", name: "example.com", type: "NS", ttl: 172800, content: "ns-1.awsdns-1.com", proxied: false };
    const messages = await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.cloudflareDnsRecord, props: ns });
    expect(messages).toEqual([
      "example.com NS (cloudflare) has TTL 172800 s: Cloudflare accepts 1 (automatic) or 60 to 86400 s on non-Enterprise plans, " +
        "so the secondary would refuse the record and drift from the primary. Set edge:dns.ttl (or this record's ttl) to 86400 or less. " +
        incidentNote("secondaryParity"),
    ]);
    expect(await runResourcePolicy(enforceFailoverTtl, { type: resourceTypes.cloudflareDnsRecord, props: { ...ns, ttl: 86400 } })).toEqual([]);
  });
});
