import { describe, expect, it } from "vitest";
import { incidentNote } from "../../../models/incidents";
import { enforceRecoveryTime } from "../../../policies/recovery/enforceRecoveryTime";
import { runStackPolicy } from "../harness";
import type { DeclaredResource } from "../../../models/declaredResource";
import { sampleResources } from "../../models/recovery/fixtures";
import { renderUserData } from "../../../models/hostEdge";
import { sampleSettings } from "../../models/hostEdge/fixtures";

const run = (over: Parameters<typeof sampleResources>[0] = {}, config: Record<string, unknown> = {}) => runStackPolicy(enforceRecoveryTime, subjects(sampleResources(over)), config);
/** The declared resources as the policy pack receives them: inputs as `props`. */
const subjects = (resources: DeclaredResource[]) => resources.map((r) => ({ type: r.type, urn: r.urn, props: r.inputs }));
const urn = (type: string, name: string) => `urn:pulumi:prod::edge::${type}::${name}`;

describe("enforce-recovery-time", () => {
  it("accepts the compliant sample: every mode within its default bound", async () => {
    expect(await run()).toEqual([]);
  });

  it("refuses a failover record TTL of 300 s: region lost 30 + 6 + 300 = 336 s > 120 s, TTL 300 → 84 fixes it", async () => {
    const resources = sampleResources();
    resources.find((r) => r.urn.endsWith("::a-api-us-east-1"))!.inputs.ttl = 300;
    expect(await runStackPolicy(enforceRecoveryTime, subjects(resources))).toEqual([
      {
        urn: urn("aws:route53/record:Record", "a-api-us-east-1"),
        subject: "regionLost us-east-1",
        message:
          "When a region is lost (us-east-1), traffic is served again after 336 s, above the 120 s bound (maxRegionLostSeconds). " +
          "Dominant term: resolvers drop the cached answer, 300 s (aws:route53/record:Record a-api-us-east-1 ttl=300). " +
          `Smallest fix: ttl (edge:dns ttl of the failover records) 300 → 84 on a-api-us-east-1. ${incidentNote("failoverTtl")}`,
      },
    ]);
  });

  it("refuses one host per region: a dead or frozen host is the region lost, 96 s > 60 s; a stack that accepts it raises the bounds", async () => {
    const resources = sampleResources().map((r) => (r.type === "aws:autoscaling/group:Group" ? { ...r, inputs: { ...r.inputs, minSize: 1 } } : r));
    const findings = await runStackPolicy(enforceRecoveryTime, subjects(resources));
    expect(findings.map((f) => f.subject)).toEqual(["hostDies us-east-1", "hostFreezes us-east-1"]);
    expect(findings[0]!.message).toMatch(
      /^When one host dies \(us-east-1\), traffic is served again after 96 s, above the 60 s bound \(maxHostDiesSeconds\)\. Dominant term: resolvers drop the cached answer/,
    );
    expect(await runStackPolicy(enforceRecoveryTime, subjects(resources), { maxHostDiesSeconds: 120, maxHostFreezesSeconds: 120 })).toEqual([]);
  });

  it("refuses hot-standby by default: the registrar switch waits on the 48 h NS TTL and events expire", async () => {
    const findings = await run({ apexNs: ["ns-1.awsdns-1.com", "ns-2.awsdns-2.net", "ns-3.awsdns-3.org", "ns-4.awsdns-4.co.uk"] });
    expect(findings).toEqual([
      {
        urn: urn("aws:route53/record:Record", "apex-ns"),
        subject: "dnsPrimaryLost dns (hot-standby)",
        message:
          "When the primary DNS provider stops answering (dns (hot-standby)), traffic is served again after 172860 s, above the 300 s bound (maxDnsPrimaryLostSeconds). " +
          "1,730,620,000 of 3,457,200,000 events at risk expire before the snippet can resend them. " +
          "Dominant term: after the registrar switch, resolvers keep the old delegation, 172800 s " +
          "(max(parent zone NS TTL 172800, aws:route53/record:Record apex-ns ttl=172800); the registrar lists only the 4 Route 53 servers of " +
          "aws:route53/zone:Zone zone, not cloudflare:index/zone:Zone secondary). " +
          "Smallest fix: edge:dns.secondary.mode hot-standby → active-active (the registrar lists both providers, and resolvers ask Cloudflare when Route 53 is silent). " +
          incidentNote("nsTtl"),
      },
    ]);
  });

  it("accepts hot-standby when the team raises the DNS bound past its figure", async () => {
    const apexNs = ["ns-1.awsdns-1.com", "ns-2.awsdns-2.net", "ns-3.awsdns-3.org", "ns-4.awsdns-4.co.uk"];
    expect(await run({ apexNs }, { maxDnsPrimaryLostSeconds: 200_000 })).toEqual([]);
  });

  it("refuses an unhealthy threshold of 10: a dead or frozen host 10 × 10 + 5 = 105 s > 60 s, threshold 10 → 5 fixes it; the 60 s drain no longer covers detection", async () => {
    const findings = await run({ healthCheck: { unhealthyThreshold: 10 } });
    expect(findings.map((f) => f.subject)).toEqual(["hostDies us-east-1", "hostFreezes us-east-1", "deploy us-east-1"]);
    expect(findings[2]!.message).toContain("traffic is served again after 40 s"); // 10 × 10 − 60
    expect(findings[0]!.urn).toBe(urn("aws:lb/targetGroup:TargetGroup", "targets"));
    expect(findings[0]!.message).toBe(
      "When one host dies (us-east-1), traffic is served again after 105 s, above the 60 s bound (maxHostDiesSeconds). " +
        "Dominant term: NLB marks the dead target unhealthy, 100 s (aws:lb/targetGroup:TargetGroup targets healthCheck.interval=10 × healthCheck.unhealthyThreshold=10). " +
        `Smallest fix: healthCheck.unhealthyThreshold 10 → 5 on targets. ${incidentNote("hostFailover")}`,
    );
  });

  it("refuses a drain shorter than the NLB's detection: a 10 s drain leaves 20 − 10 = 10 s sent to a stopped host", async () => {
    const [finding, ...rest] = await run({ drainSleep: 10 });
    expect(rest).toEqual([]);
    expect(finding!.urn).toBe(urn("aws:autoscaling/group:Group", "hosts"));
    expect(finding!.message).toContain("traffic is served again after 10 s, above the 0 s bound (maxDeploySeconds)");
    expect(finding!.message).toContain("Smallest fix: raise edge:ingest.drainSeconds to at least 20 (the NLB's detection)");
  });

  it("refuses a 15 s statement timeout: the datastore's primary 15 + 1 + 1 to fsync and answer = 17 s > 10 s, past the snippet's request timeout", async () => {
    const [finding, ...rest] = await run({ env: "      INGEST_DB_STATEMENT_TIMEOUT_MS=15000\n" });
    expect(rest).toEqual([]);
    expect(finding!.urn).toBe(urn("aws:ec2/launchTemplate:LaunchTemplate", "template"));
    expect(finding!.message).toContain("after 17 s, above the 10 s bound (maxDatastorePrimaryFailsSeconds)");
    expect(finding!.message).toContain("Smallest fix: set a lower INGEST_DB_STATEMENT_TIMEOUT_MS in the hosts' env file.");
    expect(finding!.message).toContain(incidentNote("datastoreConnections"));
  });

  it("judges a configured CDN bound: 10 s × 3 attempts = 30 s > 20 s, attempts 3 → 2", async () => {
    const [finding, ...rest] = await run({}, { maxCdnOriginFailsSeconds: 20 });
    expect(rest).toEqual([]);
    expect(finding!.urn).toBe(urn("aws:cloudfront/distribution:Distribution", "cdn"));
    expect(finding!.message).toContain("Smallest fix: origins[origin].connectionAttempts 3 → 2 on cdn.");
  });

  it("refuses nginx's default backlog (511) under the reconnect storm of the region's 3 hosts × limit_conn 1,843: 3 SYN resends, 7.155 s > 5 s; a raised bound accepts it", async () => {
    const resources = sampleResources().map((r) =>
      r.type === "aws:ec2/launchTemplate:LaunchTemplate" ? { ...r, inputs: { ...r.inputs, userData: renderUserData(sampleSettings()).replace(/ backlog=\d+/, "") } } : r,
    );
    const findings = (await runStackPolicy(enforceRecoveryTime, subjects(resources))).filter((f) => f.subject?.startsWith("connectStorm"));
    expect(findings.map((f) => [f.urn, f.subject])).toEqual([[urn("aws:ec2/launchTemplate:LaunchTemplate", "template"), "connectStorm us-east-1"]]);
    expect(findings[0]!.message).toContain("traffic is served again after 7.155 s, above the 5 s bound (maxConnectStormSeconds)");
    expect(findings[0]!.message).toContain(incidentNote("regionFailure"));
    const raised = await runStackPolicy(enforceRecoveryTime, subjects(resources), { maxConnectStormSeconds: 8 });
    expect(raised.filter((f) => f.subject?.startsWith("connectStorm"))).toEqual([]);
  });
});
