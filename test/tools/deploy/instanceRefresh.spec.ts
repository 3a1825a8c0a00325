/**
 * The verdict on a deploy's instance refreshes, on the statuses DescribeInstanceRefreshes reports:
 * the newest refresh started since the deploy decides; failed, cancelled and rolled back are red.
 */
import { describe, expect, it } from "vitest";
import { groupsOfOutputs, judgeRefreshes, type InstanceRefresh } from "../../../tools/deploy/instanceRefresh";

const since = new Date("2026-12-06T10:00:00Z");
const refresh = (Status: string, StartTime = "2026-12-06T10:05:00Z", extra: Partial<InstanceRefresh> = {}): InstanceRefresh => ({
  InstanceRefreshId: `id-${Status}`,
  AutoScalingGroupName: "ingest-us-east-1-hosts-abc",
  Status,
  StartTime,
  ...extra,
});

describe("judgeRefreshes", () => {
  it("is green when the deploy's refresh succeeded, or when it started none", () => {
    expect(judgeRefreshes([refresh("Successful")], since).state).toBe("successful");
    expect(judgeRefreshes([refresh("Failed", "2026-12-05T10:00:00Z")], since).state).toBe("none");
    expect(judgeRefreshes([], since).state).toBe("none");
  });

  it.each(["Pending", "InProgress", "Baking", "Cancelling", "RollbackInProgress"])("waits while a refresh is %s", (status) => {
    expect(judgeRefreshes([refresh(status)], since).state).toBe("running");
  });

  it.each(["Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"])("is red when the refresh ended %s, naming the group and the reason", (status) => {
    const verdict = judgeRefreshes([refresh(status, undefined, { StatusReason: "alarm edge-prod-us-east-1-ingest-unhealthyHosts-critical fired" })], since);
    expect(verdict.state).toBe("failed");
    expect(verdict.state === "failed" && verdict.message).toMatch(
      new RegExp(
        `^instance refresh id-${status} of ingest-us-east-1-hosts-abc ended ${status}: alarm .* fired; the group's hosts are not all on this deploy's release .*API_DescribeInstanceRefreshes\\.html`,
      ),
    );
  });

  it("reads the newest of the deploy's refreshes", () => {
    expect(judgeRefreshes([refresh("Failed", "2026-12-06T10:01:00Z"), refresh("Successful", "2026-12-06T10:30:00Z")], since).state).toBe("successful");
    expect(judgeRefreshes([refresh("Successful", "2026-12-06T10:01:00Z"), refresh("RollbackSuccessful", "2026-12-06T10:30:00Z")], since).state).toBe("failed");
  });

  it("reads each region's group from the stack outputs", () => {
    expect(groupsOfOutputs({ ingest: { "us-east-1": { asgName: "a" }, "eu-west-1": { asgName: "b" } }, other: 1 })).toEqual([
      { region: "us-east-1", asgName: "a" },
      { region: "eu-west-1", asgName: "b" },
    ]);
  });
});
