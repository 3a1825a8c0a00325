import { beforeAll, describe, expect, it } from "vitest";
import { PlanRun, runPlanOnConfig, stackConfig } from "../../support/runPlan";

/**
 * One plan of a prod stack that breaks three capacity rules at once (an instance too small for the
 * nginx buffers, a fleet that cannot absorb peak × burst with a region lost, pools over the
 * datastore's budget), and one of a single-region prod stack.
 */
let undersized: PlanRun;
let singleRegion: PlanRun;

beforeAll(() => {
  const config = stackConfig("prod");
  config["edge:ingest"] = { ...config["edge:ingest"], instanceType: "t3.micro", maxHostsPerRegion: 4 };
  config["edge:datastore"] = { ...config["edge:datastore"], maxConnections: 100 };
  undersized = runPlanOnConfig(config);
  const single = stackConfig("prod");
  single["edge:regions"] = ["us-east-1"];
  singleRegion = runPlanOnConfig(single);
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
      "nginx's worst case 965 MiB (2 workers × 8192 connections, each priced at its costliest state: 3686 busy requests, " +
        "every other slot a client still sending its header into 1k + 4 × 8k header buffers, 290 MiB of them) + service reserve 1024 MiB = 1989 MiB, " +
        "above 80% of t3.micro's 1024 MiB (819 MiB). Smallest fix: edge:ingest.instanceType t3.micro → t3.medium.",
    );
  });

  it("names a fleet that cannot absorb peak × burst with a region lost, with the max hosts that would", () => {
    expect(messages(undersized, "enforce-region-loss-capacity")).toEqual([
      expect.stringContaining("= 64000 events/s, below peak 20000 × burst 8 = 160000 events/s (40% of it). Smallest fix: edge:ingest.maxHostsPerRegion 4 → 10."),
    ]);
  });

  it("names a pool budget over the datastore limit, with the pool size that fits", () => {
    expect(messages(undersized, "enforce-datastore-budget")).toEqual([
      expect.stringContaining("= 192 datastore connections, above 80% of the datastore's 100 max connections (80). Smallest fix: edge:datastore.poolSizePerHost 16 → 6"),
    ]);
  });

  it("shows the shortfall in the capacity report", () => {
    expect(undersized.stdout).toContain("== Capacity ==");
    expect(undersized.stdout).toContain("with us-east-1 (the largest) lost: 64000 events/s (headroom -60%)");
    expect(undersized.stdout).toContain("datastore: 4 + 4 + 4 max hosts × 16 = 192 of 100 connections");
  });

  it("refuses one region under prod rules before planning (exit 2, incident 002); missing-second-region guards hand edits", () => {
    expect(singleRegion.code).toBe(2);
    expect(singleRegion.stderr + singleRegion.stdout).toContain(
      "edge:regions: expected at least 2 regions in prod, got 1 (incident 002: tracking must run in two independent regions)",
    );
  });
});
