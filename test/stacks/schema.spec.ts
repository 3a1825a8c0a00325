import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../stacks/schema";
import { configProblems, minimalStackConfig } from "../support/minimalConfig";
import { withRegionPins } from "../support/regionPins";
import { projectRoot } from "../support/runPlan";

/** The smallest valid config: only the fields without a safe default. */
const minimal = minimalStackConfig;

/** The problems of `raw` with its regions' pins filled in: the rules here are about other fields. */
const problems = (raw: Record<string, unknown>) => configProblems(withRegionPins(raw));

function edgeKeys(stack: string): Record<string, unknown> {
  const { config } = parse(readFileSync(join(projectRoot, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
  return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith("edge:")).map(([k, v]) => [k.slice(5), v]));
}

describe("stack config schema", () => {
  it("applies every default to a minimal config", () => {
    const config = parseStackConfig(withRegionPins(minimal));
    expect(config.environment).toBe("prod");
    expect(config.ingest).toMatchObject({ burstFactor: 8, availabilityZones: 3, minHealthyPercentage: 90 });
    expect(config.ingest.service.port).toBe(8080);
    expect(config.nginx).toMatchObject({ connectTimeoutSeconds: 1, readTimeoutSeconds: 60, largeClientHeaderBuffers: { count: 4, size: "8k" } });
    expect(config.dns).toMatchObject({ ttl: 60, ingestName: "api", aliases: [], records: [], delegation: "pending", secondary: { mode: "active-active", plan: "free" } });
    expect(config.cdn.hostname).toBe("cdn");
  });

  it("refuses a hot-standby zone on Cloudflare's free plan, which Cloudflare deletes after 28 days pending", () => {
    const secondary = (extra: object) => ({ ...minimal, dns: { secondary: { ...minimal.dns.secondary, ...extra } } });
    expect(problems(secondary({ mode: "hot-standby" }))).toEqual([
      expect.stringMatching(/^edge:dns\.secondary\.mode: hot-standby on the Cloudflare free plan: .*deletes it after 28 days.*Smallest fix: mode: active-active, or set edge:dns\.secondary\.plan/),
    ]);
    expect(problems(secondary({ mode: "hot-standby", plan: "pro" }))).toEqual([]);
    expect(problems({ ...minimal, dns: { ...minimal.dns, primary: { existingZoneId: "example.com" } } })).toEqual([
      expect.stringMatching(/^edge:dns\.primary\.existingZoneId: expected a Route 53 hosted zone id/),
    ]);
  });

  it("validates the shipped dev and prod stacks", () => {
    expect(parseStackConfig(edgeKeys("dev")).environment).toBe("dev");
    const prod = parseStackConfig(edgeKeys("prod"));
    expect(prod.regions).toHaveLength(3);
  });

  it.each([
    [{ regions: ["us-east-1"] }, "edge:regions: expected at least 2 regions in prod, got 1"],
    [{ regions: [] }, "edge:regions: expected at least 1 region"],
    [{ regions: ["us-east-1", "us-east-1"] }, "edge:regions: each region may be listed once"],
    [{ regions: ["mars-north-1x", "us-east-1"] }, "edge:regions[0]: expected an AWS region code"],
    [{ domain: "Example..com" }, "edge:domain: expected a lowercase DNS name"],
    [{ ingest: { minHostsPerRegion: 5, maxHostsPerRegion: 2 } }, "edge:ingest.minHostsPerRegion: minHostsPerRegion 5 is above maxHostsPerRegion 2"],
    [{ ingest: { availabilityZones: 1 } }, "edge:ingest.availabilityZones: expected at least 2 availability zones"],
    [{ nginx: { connectTimeoutSeconds: 5, readTimeoutSeconds: 5 } }, "edge:nginx.connectTimeoutSeconds: connect timeout 5s must be shorter than the read timeout 5s"],
    [{ dns: { ttl: 0, secondary: minimal.dns.secondary } }, "edge:dns.ttl:"],
    [{ dns: { records: [{ name: "www", type: "SPF", values: ["x"] }], secondary: minimal.dns.secondary } }, "edge:dns.records[0].type:"],
    [{ alarms: { emails: [] } }, "edge:alarms.emails: expected at least one address"],
    [{ alarms: { emails: ["not-an-address"] } }, "edge:alarms.emails[0]: expected an email address"],
    [{ alarms: { emails: ["a@example.com"], webhookUrl: "http://hooks.example.com/x" } }, "edge:alarms.webhookUrl: expected an https:// URL"],
    [{ ingest: { maxHostsPerRegion: -3 } }, "edge:ingest.maxHostsPerRegion:"],
    [{ ingest: { instanceType: 42 } }, "edge:ingest.instanceType:"],
    [{ colour: "blue" }, "edge:colour: unknown key"],
  ])("reports %j as its own path: message", (change, expected) => {
    const found = problems({ ...minimal, ...change });
    expect(found.some((p) => p.startsWith(expected))).toBe(true);
  });

  it("reports every problem at once", () => {
    const found = problems({ domain: "x", regions: ["us-east-1"], alarms: { emails: [] }, dns: {} });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^edge:domain:/),
        expect.stringMatching(/^edge:alarms\.emails:/),
        expect.stringMatching(/^edge:dns\.secondary: required/),
        expect.stringMatching(/^edge:regions: expected at least 2 regions in prod/),
      ]),
    );
  });

  it("accepts one region outside prod, with the snippet origin's replica in a second region", () => {
    expect(problems({ ...minimal, environment: "dev", regions: ["us-east-1"], cdn: { replicaRegion: "us-west-2" } })).toEqual([]);
    expect(problems({ ...minimal, environment: "dev", regions: ["us-east-1"] })).toEqual([
      "edge:cdn.replicaRegion: required when edge:regions lists one region: the snippet origin needs a replica in a second region (incident 000)",
    ]);
  });
});
