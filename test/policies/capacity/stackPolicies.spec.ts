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
  it("accepts the shipped prod fleet: 576 of 3000 connections", async () => {
    expect(await runStackPolicy(enforceDatastoreBudget, prod)).toEqual([]);
  });

  it("refuses pools over 80% of the datastore's max connections, with the pool size and datastore size that fit", async () => {
    const fleet = prodRegions.map((region) => autoscalingGroup(region, 12, { datastoreMaxConnections: 500 }));
    expect(await runStackPolicy(enforceDatastoreBudget, fleet)).toEqual([
      {
        urn: fleet[0]!.urn,
        subject: "datastore connections",
        message:
          "All regions' hosts may open (12 + 12 + 12) max hosts × 16 pooled connections = 576 datastore connections, " +
          "above 80% of the datastore's 500 max connections (400). " +
          "Smallest fix: edge:datastore.poolSizePerHost 16 → 11, or edge:datastore.maxConnections 500 → 720. " +
          incidentNote("datastoreConnections"),
      },
    ]);
  });

  it("takes the share from the policy config", async () => {
    const fleet = prodRegions.map((region) => autoscalingGroup(region, 12, { datastoreMaxConnections: 700 }));
    expect(await runStackPolicy(enforceDatastoreBudget, fleet)).toHaveLength(1);
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
          "Under prod rules ingestion runs in 1 region (us-east-1), below the 2 independent regions required. " +
          `Smallest fix: add a second region to edge:regions. ${incidentNote("secondRegion")}`,
      },
    ]);
  });

  it("counts regions, not groups: two prod groups in one region are still one region", async () => {
    const [finding] = await runStackPolicy(missingSecondRegion, [autoscalingGroup("us-east-1"), { ...autoscalingGroup("us-east-1"), name: "second" }]);
    expect(finding!.message).toContain("runs in 1 region (us-east-1)");
  });
});
