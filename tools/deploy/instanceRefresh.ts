/**
 * Whether the instance refreshes a deploy started have ended well. `pulumi up` returns once each
 * Auto Scaling group is updated, while the refresh that replaces its hosts runs on in AWS: a
 * refresh that fails, or rolls back (its alarms fired, `autoRollback`), leaves the old hosts
 * serving the old release while the deploy reads green. The deploy pipeline waits here instead.
 *
 * Statuses as `DescribeInstanceRefreshes` reports them (Auto Scaling API reference,
 * InstanceRefresh.Status): Pending, InProgress, Baking, Cancelling and RollbackInProgress are still
 * running; Successful is done; Failed, Cancelled, RollbackSuccessful and RollbackFailed mean the
 * new hosts did not take over.
 *
 * Pure module: no Pulumi imports.
 */
import { apiPage } from "../../models/providerSources";

export const refreshStatusCite = apiPage("autoscaling/DescribeInstanceRefreshes", "InstanceRefresh.Status");

const running = new Set(["Pending", "InProgress", "Baking", "Cancelling", "RollbackInProgress"]);
const failed = new Set(["Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"]);

/** One refresh as `aws autoscaling describe-instance-refreshes` prints it (the fields read here). */
export interface InstanceRefresh {
  InstanceRefreshId: string;
  AutoScalingGroupName: string;
  Status: string;
  StatusReason?: string;
  StartTime?: string;
  PercentageComplete?: number;
}

export type RefreshVerdict =
  | { state: "none" }
  | { state: "running"; refresh: InstanceRefresh }
  | { state: "successful"; refresh: InstanceRefresh }
  | { state: "failed"; refresh: InstanceRefresh; message: string };

/**
 * The verdict on a group's refreshes started at or after `since` (the deploy's start): the newest
 * one decides. None started: the deploy replaced no host (`none`).
 */
export function judgeRefreshes(refreshes: InstanceRefresh[], since: Date): RefreshVerdict {
  const ours = refreshes.filter((r) => !r.StartTime || new Date(r.StartTime).getTime() >= since.getTime()).sort((a, b) => new Date(b.StartTime ?? 0).getTime() - new Date(a.StartTime ?? 0).getTime());
  const newest = ours[0];
  if (!newest) return { state: "none" };
  if (running.has(newest.Status)) return { state: "running", refresh: newest };
  if (newest.Status === "Successful") return { state: "successful", refresh: newest };
  const status = failed.has(newest.Status) ? newest.Status : `an unknown status ${JSON.stringify(newest.Status)}`;
  return {
    state: "failed",
    refresh: newest,
    message:
      `instance refresh ${newest.InstanceRefreshId} of ${newest.AutoScalingGroupName} ended ${status}` +
      `${newest.StatusReason ? `: ${newest.StatusReason}` : ""}; the group's hosts are not all on this deploy's release ` +
      `(docs/runbook.md, Zero-downtime deploy; ${refreshStatusCite})`,
  };
}

/** Each region's Auto Scaling group from `pulumi stack output --json` (its `ingest` output). */
export function groupsOfOutputs(outputs: unknown): { region: string; asgName: string }[] {
  const ingest = (outputs as { ingest?: Record<string, { asgName?: unknown }> })?.ingest ?? {};
  return Object.entries(ingest).flatMap(([region, value]) => (typeof value?.asgName === "string" ? [{ region, asgName: value.asgName }] : []));
}
