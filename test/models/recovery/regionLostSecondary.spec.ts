/**
 * A lost region for the lookups Cloudflare answers: Cloudflare serves every region's addresses
 * with no health check, so the region leaves its answers only when the on-call, paged by the
 * region's health-check alarm, withdraws its records; the model states that wait and the plan
 * shows it as manual.
 */
import { describe, expect, it } from "vitest";
import type { DeclaredResource } from "../../../models/declaredResource";
import { recoveryReport, regionWithdrawalSeconds, worstByMode } from "../../../models/recovery";
import { resourceTypes } from "../../../models/resourceTypes";
import { sampleResources } from "./fixtures";

const urn = (type: string, name: string) => `urn:pulumi:prod::edge::${type}::${name}`;
const check = urn(resourceTypes.route53HealthCheck, "dns-health-us-east-1");

/** The sample region with its Route 53 set's addresses, their Cloudflare records and the health check's alarm. */
function withSecondary(over: { cloudflareTtl?: number; alarm?: boolean; apexNs?: string[] } = {}): DeclaredResource[] {
  const resources = sampleResources({ apexNs: over.apexNs }).map((r) =>
    r.urn.endsWith("::a-api-us-east-1") ? { ...r, inputs: { ...r.inputs, name: "api.example.com", records: ["192.0.2.1", "192.0.2.2"] } } : r,
  );
  const cloudflare = ["192.0.2.1", "192.0.2.2", "198.51.100.1", "198.51.100.2"].map((content, i) => ({
    type: resourceTypes.cloudflareDnsRecord,
    urn: urn(resourceTypes.cloudflareDnsRecord, `cloudflare-a-api-${i}`),
    inputs: { name: "api.example.com", type: "A", ttl: over.cloudflareTtl ?? 60, content },
  }));
  const alarm = {
    type: resourceTypes.cloudwatchMetricAlarm,
    urn: urn(resourceTypes.cloudwatchMetricAlarm, "healthcheck-us-east-1-critical"),
    inputs: { alarmName: "edge-healthcheck-us-east-1-critical", metricName: "HealthCheckPercentageHealthy", period: 60, evaluationPeriods: 3, datapointsToAlarm: 3 },
    dependencies: [check],
  };
  return [...resources, ...cloudflare, ...(over.alarm === false ? [] : [alarm])];
}

const secondary = (resources: DeclaredResource[]) => worstByMode(recoveryReport(resources)).find((f) => f.mode === "regionLostSecondary");

describe("a region lost, for lookups Cloudflare answers", () => {
  it("waits on detection 36 s, the alarm 3 × 60 s, the on-call's 15 min, Cloudflare's 60 s and the record's 60 s TTL: manual, and says so", () => {
    const f = secondary(withSecondary())!;
    expect(f.scope).toBe("us-east-1");
    expect(f.terms.map((t) => [t.label, t.seconds])).toEqual([
      ["Route 53 marks the region unhealthy", 30],
      ["the last probe times out", 6],
      ["the region's health-check alarm pages the on-call", 180],
      ["the on-call withdraws the region's Cloudflare records by hand (manual: Cloudflare checks no DNS-only record)", regionWithdrawalSeconds],
      ["Cloudflare serves the change everywhere", 60],
      ["resolvers drop the cached answer", 60],
    ]);
    expect([f.detectSeconds, f.recoverySeconds]).toEqual([216, 1236]);
    expect(f.dominant.label).toContain("by hand");
    expect(f.notes[0]).toMatch(/^manual: Cloudflare serves every region's 4 addresses with no health check, so a lost region stays in its answers until a person withdraws 2 records/);
    expect(f.eventsLost).toBe(0); // the snippet keeps an event a day
  });

  it("grows with the Cloudflare records' TTL (Cloudflare's automatic TTL 1 is served as 300 s)", () => {
    expect(secondary(withSecondary({ cloudflareTtl: 1 }))!.recoverySeconds).toBe(1236 - 60 + 300);
  });

  it("without an alarm on the health check nobody is paged: the wait is the snippet's whole day", () => {
    const f = secondary(withSecondary({ alarm: false }))!;
    expect(f.terms[2]).toMatchObject({ label: "no alarm watches the region's health check: nobody is paged", seconds: 86_400 });
  });

  it("has no figure in hot-standby, where the registrar lists Route 53's servers only", () => {
    expect(secondary(withSecondary({ apexNs: ["ns-1.awsdns-1.com", "ns-2.awsdns-2.net", "ns-3.awsdns-3.org", "ns-4.awsdns-4.co.uk"] }))).toBeUndefined();
  });

  it("scales the on-call's response and Cloudflare's propagation with a game day's timers", () => {
    const f = recoveryReport(withSecondary(), undefined, { route53ProbeTimeoutSeconds: 1.2, regionWithdrawalSeconds: 180, cloudflarePropagationSeconds: 12 }).figures.find(
      (x) => x.mode === "regionLostSecondary",
    )!;
    expect(f.terms.map((t) => t.seconds)).toEqual([30, 1.2, 180, 180, 12, 60]);
  });
});
