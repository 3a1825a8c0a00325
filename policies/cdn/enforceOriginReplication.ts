/**
 * enforce-origin-replication — mandatory. Incident 000: the failover origin must serve the same
 * snippet, or the failover serves a stale or missing one.
 *
 * Controls: policies/metadata.ts.
 *
 * For every origin group of a distribution, the primary member's bucket has a replication
 * configuration with an enabled rule for the whole bucket (no prefix or tag filter) whose
 * destination is the secondary member's bucket, and that replicates delete markers, so the
 * replica stays what the origin is. A stack policy: origins are matched to buckets by their
 * regional domain names, a replication configuration to its buckets by name and ARN (or, before
 * they exist, by property dependencies).
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { refersTo } from "../stackRefs";
import { incidentNote } from "../../models/incidents";

interface Rule {
  id?: string;
  status?: string;
  prefix?: string;
  filter?: { prefix?: string; tag?: unknown; and?: unknown };
  deleteMarkerReplication?: { status?: string };
  destination?: { bucket?: string };
}

/** Why a rule does not keep the whole replica current, or undefined when it does. */
export function ruleGap(rule: Rule): string | undefined {
  if (rule.status !== "Enabled") return `its status is ${rule.status ?? "not set"}`;
  const prefix = rule.prefix || rule.filter?.prefix;
  if (prefix) return `it replicates only keys under ${prefix}`;
  if (rule.filter?.tag !== undefined || rule.filter?.and !== undefined) return "it replicates only tagged objects";
  if (rule.deleteMarkerReplication?.status !== "Enabled") return "it does not replicate delete markers";
  return undefined;
}

export function judgeReplication(group: string, primary: string, replica: string, rules: Rule[][]): string | undefined {
  const fix =
    `Add an aws.s3.BucketReplicationConfig on ${primary} with a rule { status: "Enabled", filter: {}, deleteMarkerReplication: { status: "Enabled" }, ` +
    `destination: { bucket: <${replica} ARN> } } (SnippetCdn does). ${cite("enforce-origin-replication", "originReplicates")} ${incidentNote("snippetOnApiHosts")}`;
  const all = rules.flat();
  if (all.length === 0) return `origin group ${group}: bucket ${primary} has no replication rule to ${replica}, so the failover origin goes stale. ${fix}`;
  const gaps = all.map(ruleGap);
  if (gaps.some((g) => g === undefined)) return undefined;
  return `origin group ${group}: the replication of ${primary} to ${replica} does not keep the replica current: ${gaps.join("; ")}. ${fix}`;
}

export const enforceOriginReplication: StackValidationPolicy = {
  name: "enforce-origin-replication",
  description: "Each origin group's primary bucket replicates all of itself, deletes included, to the secondary (incident 000).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const buckets = args.resources.filter((r) => r.isType(aws.s3.Bucket) || r.isType(aws.s3.BucketV2));
    const replications = args.resources.filter((r) => r.isType(aws.s3.BucketReplicationConfig));
    const bucketOf = (domainName: string | undefined): PolicyResource | undefined => (domainName ? buckets.find((b) => b.props.bucketRegionalDomainName === domainName) : undefined);
    for (const r of args.resources) {
      const distribution = r.asType(aws.cloudfront.Distribution);
      if (!distribution) continue;
      for (const group of distribution.originGroups ?? []) {
        const [first, second] = (group.members ?? []).map((m) => (distribution.origins ?? []).find((o) => o.originId === m.originId));
        const primary = bucketOf(first?.domainName);
        const replica = bucketOf(second?.domainName);
        // Origins that are not (known) buckets of the stack are enforce-declared-origin-buckets' to refuse.
        if (!primary || !replica) continue;
        const rules = replications
          .filter((c) => refersTo(c, "bucket", c.props.bucket, primary, ["id", "bucket"]))
          .map((c) => ((c.props.rules ?? []) as Rule[]).filter((rule) => refersTo(c, "rules", rule.destination?.bucket, replica, ["arn"])));
        const message = judgeReplication(group.originId, primary.name, replica.name, rules);
        if (message) reportViolation(message, r.urn);
      }
    }
  },
};
