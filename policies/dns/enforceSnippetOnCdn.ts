/**
 * enforce-snippet-on-cdn — mandatory.
 *
 * Every hostname of the snippet CDN (a CloudFront distribution's `aliases`) resolves to that
 * distribution in both DNS providers, and never to an ingestion load balancer (its DNS name or its
 * static addresses) or to the ingest name. Lesson `snippetOnApiHosts` of incident 000
 * (models/incidents.ts).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { normalizeName, ProviderRecord, recordsFromResources } from "../../models/dns/compare";
import { zoneViews } from "../../models/dns/zoneView";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";
import { incidentNote } from "../../models/incidents";
import { resourceTypes } from "../../models/resourceTypes";

/** Each snippet hostname that does not resolve to the CDN, on its record (on the distribution when it has none). */
export function judgeSnippetHostnames(resources: { type: string; inputs: Record<string, any>; urn?: string }[]): Finding[] {
  const records = recordsFromResources(resources);
  const providers = zoneViews(resources).map((v) => v.provider);
  const ingestAddresses = new Set(resources.filter((r) => r.type === resourceTypes.ec2Eip && r.inputs.publicIp).map((r) => String(r.inputs.publicIp)));
  const loadBalancers = new Set(resources.filter((r) => r.type === resourceTypes.lbLoadBalancer && r.inputs.dnsName).map((r) => normalizeName(String(r.inputs.dnsName))));
  // Names that answer with ingestion addresses or point at a load balancer: the ingest name and its like.
  const ingestNames = new Set(records.filter((r) => r.values.some((v) => ingestAddresses.has(v) || loadBalancers.has(v.replace(/^alias:/, "")))).map((r) => r.name));
  const incident = incidentNote("snippetOnApiHosts");
  const findings: Finding[] = [];
  for (const distribution of resources.filter((r) => r.type === resourceTypes.cloudfrontDistribution)) {
    const target = distribution.inputs.domainName ? normalizeName(String(distribution.inputs.domainName)) : undefined;
    const fix = `Point it at the distribution (CNAME ${target ?? "<distribution>.cloudfront.net"}).`;
    for (const hostname of ((distribution.inputs.aliases ?? []) as string[]).map(normalizeName)) {
      for (const provider of providers) {
        const atName = records.filter((r) => r.provider === provider && r.name === hostname);
        if (atName.length === 0) {
          findings.push({
            urn: distribution.urn ?? "",
            subject: `${hostname} (${provider})`,
            message: `${hostname} (${provider}) does not resolve: the snippet hostname has no record. ${fix} ${incident}`,
          });
          continue;
        }
        for (const record of atName) {
          const problem = judgeRecord(record, target, ingestAddresses, loadBalancers, ingestNames);
          if (problem) {
            findings.push({
              urn: record.urns?.[0] ?? "",
              subject: `${hostname} ${record.type} (${provider})`,
              message: `${hostname} ${record.type} (${provider}) ${problem}: the snippet must come from the CDN only. ${fix} ${incident}`,
            });
          }
        }
      }
    }
  }
  return findings;
}

function judgeRecord(record: ProviderRecord, cdnTarget: string | undefined, ingestAddresses: Set<string>, loadBalancers: Set<string>, ingestNames: Set<string>): string | undefined {
  const targets = record.values.map((v) => v.replace(/^alias:/, ""));
  const lb = targets.find((t) => loadBalancers.has(t) || /\.elb\.[a-z0-9-]+\.amazonaws\.com$/.test(t));
  if (lb) return `points at ${lb}, an ingestion load balancer`;
  const host = targets.find((t) => ingestAddresses.has(t));
  if (host) return `answers with ${host}, a static address of an ingestion load balancer`;
  const ingest = targets.find((t) => ingestNames.has(t));
  if (ingest) return `points at ${ingest}, the ingestion name`;
  if (record.type !== "CNAME" && !record.values.every((v) => v.startsWith("alias:"))) return `answers with addresses [${record.values.join(", ")}] instead of the distribution`;
  if (cdnTarget && !targets.every((t) => t === cdnTarget)) return `points at ${targets.join(", ")} instead of the distribution ${cdnTarget}`;
  return undefined;
}

export const enforceSnippetOnCdn: StackValidationPolicy = {
  name: "enforce-snippet-on-cdn",
  description: "The snippet hostname resolves to the CDN in both providers, never to an ingestion load balancer or host (incident 000).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeSnippetHostnames(asPlanned(args.resources))) reportFinding(reportViolation, finding);
  },
};
