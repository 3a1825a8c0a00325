import { describe, expect, it } from "vitest";
import { enforceDatastoreBudget } from "../../../policies/capacity/enforceDatastoreBudget";
import { enforceRegionLossCapacity } from "../../../policies/capacity/enforceRegionLossCapacity";
import { missingSecondRegion } from "../../../policies/capacity/missingSecondRegion";
import { runStackPolicy } from "../harness";
import { autoscalingGroup, prodRegions } from "./samples";
import { incidentNote } from "../../../models/incidents";

const prod = prodRegions.map((region) => autoscalingGroup(region));

describe("enforce-region-loss-capacity", () => {
  it("accepts the shipped prod fleet: 192000 events/s with a region lost for 160000 needed", async () => {
    expect(await runStackPolicy(enforceRegionLossCapacity, prod)).toEqual([]);
  });

  it("refuses a fleet that cannot absorb peak × burst with a region lost, naming the max hosts that would", async () => {
    const fleet = prodRegions.map((region) => autoscalingGroup(region, 4));
    expect(await runStackPolicy(enforceRegionLossCapacity, fleet)).toEqual([
      {
        urn: fleet[0]!.urn,
        subject: "region loss",
        message:
          "With us-east-1 lost (the largest region), us-west-2 4 hosts × 8000 events/s + eu-west-1 4 hosts × 8000 events/s = 64000 events/s, " +
          "below peak 20000 × burst 8 = 160000 events/s (40% of it). Smallest fix: edge:ingest.maxHostsPerRegion 4 → 10. " +
          `${incidentNote("spike")} ${incidentNote("regionFailure")}`,
      },
    ]);
  });

  it("judges a burst factor raised by hand on one group", async () => {
    const fleet = [autoscalingGroup("us-east-1", 12, { burstFactor: 10 }), ...prod.slice(1)];
    const [finding] = await runStackPolicy(enforceRegionLossCapacity, fleet);
    expect(finding!.message).toContain("below peak 20000 × burst 10 = 200000 events/s (96% of it). Smallest fix: edge:ingest.maxHostsPerRegion 12 → 13.");
  });

  it("says which capacity tags are missing", async () => {
    const group = autoscalingGroup("us-east-1");
    group.props.tags = (group.props.tags as { key: string }[]).filter((t) => !t.key.endsWith("events-per-host-per-second"));
    const [finding] = await runStackPolicy(enforceRegionLossCapacity, [group, ...prod.slice(1)]);
    expect(finding!.message).toMatch(/^The fleet's capacity cannot be judged: the autoscaling groups lack the capacity tags for us-east-1: eventsPerHostPerSecond\./);
  });
});

describe("enforce-datastore-budget", () => {
  const note = incidentNote("datastoreConnections");
  const shared = "edge-shared.cluster-example.us-east-1.rds.amazonaws.com:5432";

  it("accepts the shipped prod fleet: each region's 12 hosts × 2 processes × 8 = 192 of its own datastore's 3000", async () => {
    expect(await runStackPolicy(enforceDatastoreBudget, prod)).toEqual([]);
  });

  it("judges each region against its own datastore: only the small one is refused, named with its datastore", async () => {
    const fleet = [autoscalingGroup("us-east-1", 12, { datastoreMaxConnections: 200 }), ...prod.slice(1)];
    expect(await runStackPolicy(enforceDatastoreBudget, fleet)).toEqual([
      {
        urn: fleet[0]!.urn,
        subject: "datastore connections",
        message:
          "us-east-1's datastore (edge:datastore.endpoints.us-east-1: edge-us-east-1.cluster-example.us-east-1.rds.amazonaws.com:5432) may get " +
          "12 max hosts × 2 processes per host × 8 pooled connections each = 192 connections, above 80% of its 200 max connections (160). " +
          `Smallest fix: edge:datastore.poolSizePerHost 16 → 12, or edge:datastore.endpoints.us-east-1.maxConnections 200 → 240. ${note}`,
      },
    ]);
  });

  it("counts regions that name the same datastore hosts against one budget, though each alone fits", async () => {
    const fleet = [
      autoscalingGroup("us-east-1", 12, { datastore: shared, datastoreMaxConnections: 400 }),
      autoscalingGroup("us-west-2", 12, { datastore: shared, datastoreMaxConnections: 400 }),
      prod[2]!,
    ];
    expect(await runStackPolicy(enforceDatastoreBudget, [fleet[0]!])).toEqual([]);
    expect(await runStackPolicy(enforceDatastoreBudget, fleet)).toEqual([
      {
        urn: fleet[0]!.urn,
        subject: "datastore connections",
        message:
          "The datastore us-east-1, us-west-2 share (edge:datastore.endpoints.us-east-1, edge:datastore.endpoints.us-west-2 name the same hosts: " +
          `${shared}) may get (12 + 12) max hosts × 2 processes per host × 8 pooled connections each = 384 connections, ` +
          "above 80% of its 400 max connections (320). Smallest fix: edge:datastore.poolSizePerHost 16 → 12, " +
          "or edge:datastore.endpoints.us-east-1.maxConnections and edge:datastore.endpoints.us-west-2.maxConnections 400 → 480, " +
          `or give each region its own datastore. ${note}`,
      },
    ]);
  });

  it("counts every process that connects: a third process per host at the same pool is refused", async () => {
    const fleet = [autoscalingGroup("us-east-1", 12, { datastoreMaxConnections: 240, poolSizePerHost: 18, processesPerHost: 3 })];
    const [finding] = await runStackPolicy(enforceDatastoreBudget, fleet);
    expect(finding!.message).toContain("12 max hosts × 3 processes per host × 6 pooled connections each = 216 connections, above 80% of its 240 max connections (192)");
    expect(finding!.message).toContain("edge:datastore.poolSizePerHost 18 → 15");
  });

  it("says which capacity tags are missing", async () => {
    const group = autoscalingGroup("us-east-1");
    group.props.tags = (group.props.tags as { key: string }[]).filter((t) => !t.key.endsWith("capacity:datastore") && !t.key.endsWith("processes-per-host"));
    expect(await runStackPolicy(enforceDatastoreBudget, [group, ...prod.slice(1)])).toEqual([
      {
        urn: group.urn,
        subject: "capacity tags",
        message: `The datastore budget cannot be judged: the autoscaling groups lack the capacity tags for us-east-1: datastore, us-east-1: processesPerHost. ${note}`,
      },
    ]);
  });

  it("takes the share from the policy config", async () => {
    const fleet = prodRegions.map((region) => autoscalingGroup(region, 12, { datastoreMaxConnections: 230 }));
    expect(await runStackPolicy(enforceDatastoreBudget, fleet)).toHaveLength(3);
    expect(await runStackPolicy(enforceDatastoreBudget, fleet, { maxDatastorePercent: 90 })).toEqual([]);
  });
});

describe("missing-second-region", () => {
  it("accepts prod in several regions and dev in one", async () => {
    expect(await runStackPolicy(missingSecondRegion, prod)).toEqual([]);
    expect(await runStackPolicy(missingSecondRegion, [autoscalingGroup("us-east-1", 3, { environment: "dev" })])).toEqual([]);
  });

  it("refuses a stack with one autoscaling group whose tags say prod", async () => {
    const group = autoscalingGroup("us-east-1");
    expect(await runStackPolicy(missingSecondRegion, [group])).toEqual([
      {
        urn: group.urn,
        subject: "prod regions",
        message:
          "Under prod rules ingestion runs in 1 region (us-east-1), below the 2 independent regions required. " + `Smallest fix: add a second region to edge:regions. ${incidentNote("secondRegion")}`,
      },
    ]);
  });

  it("counts regions, not groups: two prod groups in one region are still one region", async () => {
    const [finding] = await runStackPolicy(missingSecondRegion, [autoscalingGroup("us-east-1"), { ...autoscalingGroup("us-east-1"), name: "second" }]);
    expect(finding!.message).toContain("runs in 1 region (us-east-1)");
  });
});
