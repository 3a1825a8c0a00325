import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { neverFiresProblem, thresholdKeys, thresholdTable, ThresholdSpec } from "../../models/alarms/thresholds";
import { decideEnvironment, parseStackConfig, stackConfigSchema } from "../../stacks/schema";
import { configProblems, minimalStackConfig } from "../support/minimalConfig";
import { withRegionPins } from "../support/regionPins";
import { projectRoot } from "../support/runPlan";

/** The smallest valid config: only the fields without a safe default. */
const minimal = minimalStackConfig;

/** The problems of `raw` with its regions' pins filled in: the rules here are about other fields. */
const problems = (raw: Record<string, unknown>, stack?: string) => configProblems(withRegionPins(raw), stack);

function edgeKeys(stack: string): Record<string, unknown> {
  const { config } = parse(readFileSync(join(projectRoot, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith("edge:"))
      .map(([k, v]) => [k.slice(5), v]),
  );
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

  it("refuses to deploy the edge into a region without a datastore to write to", () => {
    const bundle = { bucket: "edge-releases-{region}", key: "releases/edge-ingest-2026.12.01.tar.gz", sha256: "0".repeat(64) };
    const delegated = { ...minimal, ingest: { bundle }, dns: { ...minimal.dns, delegation: "delegated" } };
    const { endpoints: _endpoints, ...datastore } = (withRegionPins(delegated) as Record<string, any>).datastore;
    expect(configProblems({ ...withRegionPins(delegated), datastore })).toEqual([
      "edge:datastore.endpoints: no datastore for us-east-1: its hosts would accept events they can never store (incident 002: each region writes to its own datastore); add edge:datastore.endpoints.us-east-1 with hosts, passwordParameter and cidrs",
      "edge:datastore.endpoints: no datastore for eu-west-1: its hosts would accept events they can never store (incident 002: each region writes to its own datastore); add edge:datastore.endpoints.eu-west-1 with hosts, passwordParameter and cidrs",
    ]);
    const endpoint = { hosts: ["db.example.internal"], passwordParameter: "/edge/prod/datastore/password", cidrs: ["10.100.0.0/16"] };
    expect(problems({ ...delegated, datastore: { endpoints: { "us-east-1": endpoint, "eu-west-1": { ...endpoint, cidrs: ["db.example.internal"] } } } })).toEqual([
      expect.stringMatching(/^edge:datastore\.endpoints\.eu-west-1\.cidrs\[0\]: expected an IPv4 CIDR/),
    ]);
    // Hosts have no public address: a datastore on a public network is one they can never reach.
    expect(problems({ ...delegated, datastore: { endpoints: { "us-east-1": endpoint, "eu-west-1": { ...endpoint, cidrs: ["10.101.0.0/16", "203.0.113.0/24"] } } } })).toEqual([
      "edge:datastore.endpoints.eu-west-1.cidrs[1]: 203.0.113.0/24 is not a private network: hosts have no public address and reach the datastore only through the VPC's routing (peering, a transit gateway). " +
        "Give the datastore's private network, inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10",
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
    [{ regions: ["mars-north-1x", "us-east-1"] }, 'edge:regions[0]: "mars-north-1x" is not an AWS region code'],
    [{ regions: ["us-east-1", "eu-west-9"] }, 'edge:regions[1]: "eu-west-9" is not an AWS region code (such as us-east-1); check its spelling, or add'],
    [{ regions: ["us-east-1", "us-west-2"], cdn: { replicaRegion: "us-west-7" } }, 'edge:cdn.replicaRegion: "us-west-7" is not an AWS region code'],
    [{ domain: "Example..com" }, "edge:domain: expected a lowercase DNS name"],
    [{ ingest: { minHostsPerRegion: 5, maxHostsPerRegion: 2 } }, "edge:ingest.minHostsPerRegion: minHostsPerRegion 5 is above maxHostsPerRegion 2"],
    [{ ingest: { availabilityZones: 1 } }, "edge:ingest.availabilityZones: 1 is below the minimum 2"],
    [{ ingest: { peakEventsPerSecond: 1e308 } }, "edge:ingest.peakEventsPerSecond: 1e308 is above the maximum 10,000,000"],
    [{ ingest: { peakEventsPerSecond: "5000" } }, 'edge:ingest.peakEventsPerSecond: expected a number, got a string ("5000")'],
    [{ ingest: { peakEventsPerSecond: Number.NaN } }, "edge:ingest.peakEventsPerSecond: expected a number, got NaN"],
    [{ ingest: { burstFactor: Number.NEGATIVE_INFINITY } }, "edge:ingest.burstFactor: expected a number, got -Infinity"],
    [{ ingest: { maxHostsPerRegion: 2.5 } }, "edge:ingest.maxHostsPerRegion: expected a whole number, got 2.5"],
    [{ ingest: { maxHostsPerRegion: 1e300 } }, "edge:ingest.maxHostsPerRegion: 1e300 is above the maximum 1,000"],
    [{ datastore: { maxConnections: 300000 } }, "edge:datastore.maxConnections: 300000 is above the maximum 262,143"],
    [{ datastore: { poolSizePerHost: null } }, "edge:datastore.poolSizePerHost: expected a number, got null"],
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

  it("gives every numeric field a documented maximum and minimum (the config reference's range column)", () => {
    const unbounded: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== "object") return;
      if ((node.type === "number" || node.type === "integer") && (node.maximum === undefined || (node.minimum ?? node.exclusiveMinimum) === undefined)) unbounded.push(path);
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${key}`);
      if (node.items) walk(node.items, `${path}[]`);
      for (const option of node.anyOf ?? []) walk(option, path);
    };
    walk(z.toJSONSchema(stackConfigSchema, { io: "input", unrepresentable: "any" }), "edge:");
    expect(unbounded).toEqual([]);
  });

  it("reports a wrong type once, as a wrong type, never as unset", () => {
    expect(problems({ ...minimal, ingest: { minHostsPerRegion: 1e308, maxHostsPerRegion: "3" } })).toEqual([
      "edge:ingest.minHostsPerRegion: 1e308 is above the maximum 1,000",
      'edge:ingest.maxHostsPerRegion: expected a number, got a string ("3")',
    ]);
  });

  describe("the environment, decided from the stack's name", () => {
    it("takes the stack's name where it names an environment, else the file, else prod", () => {
      expect(parseStackConfig(withRegionPins(minimal), "dev").environment).toBe("dev");
      expect(parseStackConfig(withRegionPins({ ...minimal, environment: "dev" }), "staging").environment).toBe("dev");
      expect(parseStackConfig(withRegionPins(minimal), "staging").environment).toBe("prod");
      expect(parseStackConfig(withRegionPins(minimal)).environment).toBe("prod");
      expect(decideEnvironment("prod", undefined).source).toBe("the stack's name");
      expect(decideEnvironment(undefined, "dev").source).toBe("edge:environment");
    });

    it("refuses a file that names another environment than its stack, keeping the stack's rules", () => {
      expect(problems({ ...minimal, environment: "dev", regions: ["us-east-1"], cdn: { replicaRegion: "us-west-2" } }, "prod")).toEqual([
        'edge:environment: "dev" in the stack named prod: a stack named after an environment is that environment (incident 002: prod\'s rules must not be dropped by one word); set edge:environment to prod or remove it, or plan this file under another stack name',
        "edge:regions: expected at least 2 regions in prod, got 1 (incident 002: tracking must run in two independent regions)",
      ]);
      expect(problems({ ...minimal, environment: "prod" }, "dev")[0]).toMatch(/^edge:environment: "prod" in the stack named dev/);
    });
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

describe("settings that can never act", () => {
  it.each([
    [
      { ingest: { drainSeconds: 20 }, nginx: { readTimeoutSeconds: 15 } },
      "edge:ingest.drainSeconds: 20 s ends before the load balancer sees the drain: 30 s (health check every 10 s × 2 failures + 10 s propagation), so new requests still arrive when it ends (incident 003); raise drainSeconds to 30",
    ],
    [
      { ingest: { drainSeconds: 40 } },
      "edge:ingest.drainSeconds: 40 s is shorter than the longest request nginx lets run, edge:nginx.readTimeoutSeconds 60 s: a draining host would cut requests still in flight (incident 003); raise drainSeconds to 60 or lower the read timeout",
    ],
    [
      { alarms: { emails: ["a@example.com"], thresholds: { ingestFloor: { critical: 0 } } } },
      "edge:alarms.thresholds.ingestFloor.critical: 0 flows/min can never fire: the alarm fires below it and the metric never goes below 0; set a level above 0",
    ],
    [
      { alarms: { emails: ["a@example.com"], thresholds: { memoryUsedPercent: { critical: 100 } } } },
      "edge:alarms.thresholds.memoryUsedPercent.critical: 100 % can never fire: the alarm fires above it and the metric never goes above 100; set a level below 100",
    ],
    [
      { alarms: { emails: ["a@example.com"], thresholds: { cpuUtilization: { warning: 120 } } } },
      "edge:alarms.thresholds.cpuUtilization.warning: 120 is above the maximum 100: a level outside 0-100 % never fires, or always does (incident 000: thresholds fallen by the wayside)",
    ],
    [
      { alarms: { emails: ["a@example.com"], thresholds: { datastoreConnectionsOfMaximum: { warning: 60 } } } },
      "edge:alarms.thresholds.datastoreConnectionsOfMaximum: set, but edge:datastore.connectionsMetric is not: no alarm watches the datastore's connections, so this level can never act (incident 002); set edge:datastore.connectionsMetric or remove the override",
    ],
  ])("refuses %j with the numbers", (change, expected) => {
    expect(problems({ ...minimal, ...change })).toEqual([expected]);
  });

  it("accepts the levels that fire at their bound: any swap above 0 %, the group at 100 % of its maximum", () => {
    expect(problems({ ...minimal, alarms: { emails: ["a@example.com"], thresholds: { swapUsedPercent: { critical: 0 }, inServiceOfMaximum: { critical: 100 } } } })).toEqual([]);
  });

  it("holds the threshold table's own defaults to the same rule", () => {
    for (const key of thresholdKeys) {
      const spec: ThresholdSpec = thresholdTable[key];
      for (const level of [spec.warning, spec.critical]) if (level !== undefined) expect(neverFiresProblem(key, level), key).toBeUndefined();
    }
  });
});
