import { describe, expect, it } from "vitest";
import { enforceOriginReplication } from "../../../policies/cdn/enforceOriginReplication";
import { runStackPolicy } from "../harness";
import { buckets, cdnStack, distribution, replication, replicationRule } from "./samples";

const incident = "Incident 000: the snippet was served by the API's load balancers, and when they fell over customers' pages hung on it.";
const fix =
  'Add an aws.s3.BucketReplicationConfig on cdn-origin with a rule { status: "Enabled", filter: {}, deleteMarkerReplication: { status: "Enabled" }, ' +
  `destination: { bucket: <cdn-replica ARN> } } (SnippetCdn does). Security baseline (S3.7, CKV_AWS_144). ${incident}`;
const messages = async (subjects: ReturnType<typeof cdnStack>) => (await runStackPolicy(enforceOriginReplication, subjects)).map((f) => f.message);

describe("enforce-origin-replication", () => {
  it("accepts an enabled whole-bucket rule to the replica with delete markers", async () => {
    expect(await messages(cdnStack())).toEqual([]);
  });

  it("refuses replication dropped (hand edit) with its control ids", async () => {
    expect(await messages(cdnStack(distribution, buckets))).toEqual([
      `origin group snippet-origins: bucket cdn-origin has no replication rule to cdn-replica, so the failover origin goes stale. ${fix}`,
    ]);
  });

  it("refuses a rule to another bucket", async () => {
    const elsewhere = replication([{ ...replicationRule, destination: { bucket: "arn:aws:s3:::elsewhere" } }]);
    expect(await messages(cdnStack(distribution, [...buckets, elsewhere]))).toHaveLength(1);
  });

  it("refuses rules that do not keep the replica current", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...replicationRule, status: "Disabled" }, "its status is Disabled"],
      [{ ...replicationRule, filter: { prefix: "v1/" } }, "it replicates only keys under v1/"],
      [{ ...replicationRule, filter: { tag: { key: "a", value: "b" } } }, "it replicates only tagged objects"],
      [{ ...replicationRule, deleteMarkerReplication: { status: "Disabled" } }, "it does not replicate delete markers"],
    ];
    for (const [rule, gap] of cases) {
      expect(await messages(cdnStack(distribution, [...buckets, replication([rule])]))).toEqual([
        `origin group snippet-origins: the replication of cdn-origin to cdn-replica does not keep the replica current: ${gap}. ${fix}`,
      ]);
    }
  });
});
