import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PlanRun, prodPolicyConfigPath, runPlanOnConfig, stackConfig } from "../../support/runPlan";

/**
 * One plan of a prod stack that breaks three capacity rules at once (an instance too small for the
 * nginx buffers, a fleet that cannot absorb peak × burst with a region lost, two regions' pools
 * over the budget of the datastore they share, though each alone fits), and one of a single-region
 * prod stack.
 */
let undersized: PlanRun;
let singleRegion: PlanRun;
let tightened: PlanRun;

beforeAll(() => {
  const config = stackConfig("prod");
  config["edge:ingest"] = { ...config["edge:ingest"], instanceType: "t3.micro", maxHostsPerRegion: 4 };
  const datastore = config["edge:datastore"];
  const east = datastore.endpoints["us-east-1"];
  // us-west-2 names us-east-1's hosts: one datastore of 150 connections for both.
  datastore.endpoints = { ...datastore.endpoints, "us-east-1": { ...east, maxConnections: 150 }, "us-west-2": { ...datastore.endpoints["us-west-2"], hosts: east.hosts, maxConnections: 150 } };
  undersized = runPlanOnConfig(config);
  const single = stackConfig("prod");
  single["edge:regions"] = ["us-east-1"];
  singleRegion = runPlanOnConfig(single);
  // The shipped prod stack under a policy config that tightens both capacity shares.
  const dir = mkdtempSync(join(tmpdir(), "edge-policy-config-"));
  try {
    const file = join(dir, "policy.json");
    const shipped = JSON.parse(readFileSync(prodPolicyConfigPath, "utf8"));
    writeFileSync(file, JSON.stringify({ ...shipped, "enforce-proxy-memory": { maxMemoryPercent: 5 }, "enforce-datastore-budget": { maxDatastorePercent: 1 } }));
    tightened = runPlanOnConfig(stackConfig("prod"), ["--policy-config", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function messages(run: PlanRun, policyName: string): string[] {
  return run.json!.violations.filter((v) => v.policyName === policyName && v.enforcementLevel === "mandatory").map((v) => v.message);
}

describe("npm run plan: capacity policies", () => {
  it("exits 1 on an undersized prod fleet", () => {
    expect(undersized.code).toBe(1);
  });

  it("names an instance type too small for the nginx buffers, per region, with the numbers", () => {
    const found = messages(undersized, "enforce-proxy-memory");
    expect(found).toHaveLength(3);
    expect(found[0]).toContain(
      "nginx's worst case 2593 MiB (2 workers × 8192 connections, each priced at its costliest state: 3718 proxied requests (limit_conn) with their buffers and sockets, " +
        "8948 other connections each holding 1k + 4 × 8k header buffers and 64 header lines (288 MiB of buffers), 4096 in the accept queue; 869 MiB of it kernel socket memory) " +
        "+ service reserve 1024 MiB = 3617 MiB, above 80% of t3.micro's 1024 MiB (819 MiB). Smallest fix: edge:ingest.instanceType t3.micro → t3.large.",
    );
  });

  it("names a fleet that cannot absorb peak × burst with a region lost, with the max hosts that would", () => {
    expect(messages(undersized, "enforce-region-loss-capacity")).toEqual([
      expect.stringContaining("= 64000 events/s, below peak 20000 × burst 8 = 160000 events/s (40% of it). Smallest fix: edge:ingest.maxHostsPerRegion 4 → 10."),
    ]);
  });

  it("names the shared datastore's budget, every region writing to it counted, with the pool size that fits", () => {
    const shared = "edge-us-east-1.cluster-example.us-east-1.rds.amazonaws.com:5432";
    expect(messages(undersized, "enforce-datastore-budget")).toEqual([
      expect.stringContaining(
        `The datastore us-east-1, us-west-2 share (edge:datastore.endpoints.us-east-1, edge:datastore.endpoints.us-west-2 name the same hosts: ${shared}) ` +
          "may get (4 + 4) max hosts × 2 processes per host × 8 pooled connections each = 128 connections, above 80% of its 150 max connections (120). " +
          "Smallest fix: edge:datastore.poolSizePerHost 16 → 14, or edge:datastore.endpoints.us-east-1.maxConnections and edge:datastore.endpoints.us-west-2.maxConnections 150 → 160, or give each region its own datastore.",
      ),
    ]);
  });

  it("shows the shortfall in the capacity report", () => {
    expect(undersized.stdout).toContain("== Capacity ==");
    expect(undersized.stdout).toContain("with us-east-1 (the largest) lost: 64000 events/s (headroom -60%)");
    expect(undersized.stdout).toContain("datastore of us-east-1, us-west-2: 4 × 2 × 8 + 4 × 2 × 8 (max hosts × processes × pool) = 128 of 150 connections");
    expect(undersized.stdout).toContain("datastore of eu-west-1: 4 × 2 × 8 (max hosts × processes × pool) = 64 of 3000 connections");
  });

  it("prints the capacity figures with the limits the policies judged by: a tightened policy config shows beside its violations", () => {
    expect(tightened.code).toBe(1);
    const memory = messages(tightened, "enforce-proxy-memory");
    expect(memory).toHaveLength(3);
    expect(memory[0]).toContain("above 5% of c6i.xlarge's 8192 MiB (410 MiB)");
    expect(tightened.stdout).toContain("host memory: nginx worst case + reserve (limit 5%)");
    expect(tightened.stdout).not.toContain("limit 80%");
    expect(messages(tightened, "enforce-datastore-budget")[0]).toContain("above 1% of its 3000 max connections (30)");
    expect(tightened.stdout).toMatch(/datastore of us-east-1: 12 × 2 × 8 \(max hosts × processes × pool\) = 192 of 3000 connections \(6%; limit 1% = 30, headroom -162\)/);
  });

  it("refuses one region under prod rules before planning (exit 2, incident 002); missing-second-region guards hand edits", () => {
    expect(singleRegion.code).toBe(2);
    expect(singleRegion.stderr + singleRegion.stdout).toContain("edge:regions: expected at least 2 regions in prod, got 1 (incident 002: tracking must run in two independent regions)");
  });
});
