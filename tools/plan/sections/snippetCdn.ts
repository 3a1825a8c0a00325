/** The plan's "Snippet CDN" section: where the snippet is served from, its origins and its objects. */
import type { PlannedResource } from "../evaluate";
import type { Plan } from "../plan";
import type { PlanSection } from "./index";
import { resourceTypes } from "../../../models/resourceTypes";

type Props = Record<string, any>;

function ofType(resources: PlannedResource[], type: string): PlannedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The section's lines for one plan; none when the stack has no distribution. */
export function renderSnippetCdn(plan: Plan): string[] {
  const buckets = ofType(plan.resources, resourceTypes.s3Bucket);
  const regionOfDomain = new Map(buckets.map((b) => [String(b.outputs.bucketRegionalDomainName), b.region ?? "?"]));
  const bucketOfId = new Map(buckets.map((b) => [String(b.outputs.id ?? b.outputs.bucket), b]));
  const cachePolicies = new Map(ofType(plan.resources, resourceTypes.cloudfrontCachePolicy).map((p) => [String(p.outputs.id), p.outputs as Props]));
  const lines: string[] = [];
  for (const d of ofType(plan.resources, resourceTypes.cloudfrontDistribution)) {
    const o = d.outputs as Props;
    const cert = o.viewerCertificate ?? {};
    lines.push(`${d.name}: ${(o.aliases ?? []).join(", ")} → ${o.domainName}  (${o.httpVersion}, TLS ≥ ${cert.minimumProtocolVersion}, ${cert.sslSupportMethod})`);
    for (const group of o.originGroups ?? []) {
      lines.push(`  origin group ${group.originId}, fails over on ${(group.failoverCriteria?.statusCodes ?? []).join("/")}:`);
      for (const [i, member] of (group.members ?? []).entries()) {
        const origin = (o.origins ?? []).find((x: Props) => x.originId === member.originId);
        const region = origin ? (regionOfDomain.get(origin.domainName) ?? "?") : "?";
        lines.push(`    ${i + 1}. ${member.originId.padEnd(8)} ${origin?.domainName ?? "(missing)"}  [${region}]  OAC ${origin?.originAccessControlId ? "yes" : "NO"}`);
      }
    }
    const behaviors = [{ pathPattern: "default", ...o.defaultCacheBehavior }, ...(o.orderedCacheBehaviors ?? [])];
    for (const b of behaviors) {
      const policy = cachePolicies.get(b.cachePolicyId);
      const ttl = policy ? `TTL ${policy.minTtl}–${policy.maxTtl} s` : "TTL ?";
      lines.push(`  behavior ${String(b.pathPattern).padEnd(8)} ${b.viewerProtocolPolicy}, ${ttl}, compress ${b.compress ? "on" : "off"} → ${b.targetOriginId}`);
    }
  }
  const objects = ofType(plan.resources, resourceTypes.s3BucketObjectv2);
  if (objects.length > 0) lines.push("objects:");
  for (const obj of objects) {
    const i = obj.inputs as Props;
    const bucket = bucketOfId.get(String(i.bucket));
    const bytes = Buffer.byteLength(String(i.content ?? ""), "utf8");
    lines.push(`  /${i.key}  ${bytes} B  [${bucket?.name ?? i.bucket}]  ${i.contentType}  Cache-Control: ${i.cacheControl}`);
  }
  return lines;
}

export const snippetCdnSection: PlanSection = { title: "Snippet CDN", render: renderSnippetCdn };
