import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { devPolicyConfigPath, runPlan, runPlanOnConfig, stackConfig } from "../../support/runPlan";
import { resourceTypes } from "../../../models/resourceTypes";

describe("npm run plan", () => {
  it("plans the dev stack: both zones and their declared records, no violations", () => {
    const run = runPlan(["--stack", "dev"]);
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(run.code).toBe(0);
    const types = run.json!.resources.map((r) => r.type);
    expect(types).toContain(resourceTypes.route53Zone);
    const zone = run.json!.resources.find((r) => r.type === resourceTypes.route53Zone)!;
    expect(zone.inputs.name).toBe("edge-dev.example.com");
    const decide = run.json!.resources.find((r) => r.type === resourceTypes.route53Record && r.inputs.name === "decide.edge-dev.example.com")!;
    expect(decide.inputs).toMatchObject({ type: "CNAME", ttl: 60, records: ["api.edge-dev.example.com"] });
    expect(types).toContain(resourceTypes.cloudflareZone);
    const records = run.json!.resources.find((r) => r.type === "edge:dns:DnsRecords")!;
    expect(decide.parent).toBe(records.urn);
    expect(decide.urn).toBe("urn:pulumi:dev::edge::edge:dns:DnsRecords$aws:route53/record:Record::" + decide.name);
    expect(run.json!.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    expect(run.stdout).toContain("== Policies ==");
  });

  it("plans the prod stack without mandatory violations: three ingestion regions and the capacity report", () => {
    const run = runPlan(["--stack", "prod"]);
    expect(run.code).toBe(0);
    expect(run.json!.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    expect(Object.keys(run.json!.stackOutputs!.ingest as object)).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    expect(run.stdout).toContain("== Ingestion regions ==");
    expect(run.stdout).toContain("with us-east-1 (the largest) lost: 192000 events/s (headroom +20%)");
  });

  it("exits 1 on a 3600 s TTL on a failover record, naming the record, the TTL and the limit", () => {
    const config = stackConfig("dev");
    config["edge:dns"].ttl = 3600;
    const run = runPlanOnConfig(config, ["--policy-config", devPolicyConfigPath]);
    expect(run.code).toBe(1);
    const violation = run.json!.violations.find((v) => v.policyName === "enforce-failover-ttl" && v.message.includes("(route53)"))!;
    expect(violation.enforcementLevel).toBe("mandatory");
    expect(violation.message).toContain("decide.edge-dev.example.com CNAME (route53) has TTL 3600 s, above the 300 s limit");
    const record = run.json!.resources.find((r) => r.urn === violation.urn)!;
    expect(record.inputs.name).toBe("decide.edge-dev.example.com");
    // Both providers serve the CNAME: one violation each.
    const ttlViolations = run.json!.violations.filter((v) => v.policyName === "enforce-failover-ttl");
    expect(
      ttlViolations
        .map((v) => /decide\S* CNAME \(\w+\)/.exec(v.message)?.[0])
        .filter(Boolean)
        .sort(),
    ).toEqual(["decide.edge-dev.example.com CNAME (cloudflare)", "decide.edge-dev.example.com CNAME (route53)"]);
    expect(run.stdout).toContain(`mandatory (${run.json!.violations.filter((v) => v.enforcementLevel === "mandatory").length})`);
  });

  it("takes the TTL limit from a policy config file in --policy-pack-config format", () => {
    const config = stackConfig("dev");
    config["edge:dns"].ttl = 600;
    const dir = mkdtempSync(join(tmpdir(), "edge-policy-config-"));
    try {
      const policyConfig = join(dir, "policy.json");
      const waivers = JSON.parse(readFileSync(devPolicyConfigPath, "utf8"));
      // A 600 s TTL also makes a lost region take 36 + 600 s, and with dev's one host per region a
      // lost host or zone is a lost region: the recovery bounds are raised with it.
      const regionLost = { "enforce-recovery-time": { maxRegionLostSeconds: 700, maxHostDiesSeconds: 700, maxHostFreezesSeconds: 700, maxAzLostSeconds: 700 } };
      writeFileSync(policyConfig, JSON.stringify({ ...waivers, "enforce-failover-ttl": { maxTtlSeconds: 900 }, ...regionLost }));
      expect(runPlanOnConfig(config, ["--policy-config", devPolicyConfigPath]).code).toBe(1);
      expect(runPlanOnConfig(config, ["--policy-config", policyConfig]).code).toBe(0);
      writeFileSync(policyConfig, JSON.stringify({ ...waivers, "enforce-failover-ttl": "advisory", ...regionLost }));
      const advisory = runPlanOnConfig(config, ["--policy-config", policyConfig]);
      expect(advisory.code).toBe(0);
      expect(advisory.json!.violations.map((v) => v.enforcementLevel)).toContain("advisory");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with the path of an unknown field, no stack trace", () => {
    const config = stackConfig("dev");
    config["edge:ingest"].maxHostPerRegion = 4;
    const run = runPlanOnConfig(config);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("edge:ingest.maxHostPerRegion: unknown key");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.json).toBeUndefined();
  });

  it("exits 2 on malformed YAML, naming the file and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-yaml-"));
    try {
      const file = join(dir, "Pulumi.broken.yaml");
      writeFileSync(file, "config:\n  edge:domain: example.com\n   edge:regions: [us-east-1\n");
      const run = runPlan(["--stack", "broken", "--config-file", file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${file}: invalid YAML`);
      expect(run.stderr).toMatch(/line \d+/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on a stack that does not exist", () => {
    const run = runPlan(["--stack", "nosuchstack"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Pulumi\.nosuchstack\.yaml: cannot read the stack file \(ENOENT\)/);
  });
});
