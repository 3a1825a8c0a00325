/**
 * disallow-dangling-records — mandatory.
 *
 * Every record, in either provider, that points at an AWS endpoint name (a load balancer
 * `*.elb.amazonaws.com`, a distribution `*.cloudfront.net`, an S3 bucket or website endpoint, API
 * Gateway, Elastic Beanstalk, Global Accelerator: {@link awsEndpointSuffixes}) points at an endpoint
 * of a resource this stack declares. A record left pointing at a deleted endpoint is a subdomain
 * takeover: whoever creates a bucket, distribution alias or environment of that name serves the
 * domain's name, with a certificate ACM or any CA will issue them through it. A value the plan does
 * not know yet comes from a resource of the stack, so only known values are judged; and a known
 * target is not judged while a resource of the stack that could be it (a distribution, a load
 * balancer) has no known name yet. Severity: high.
 * Catalog controls: none of Checkov, trivy or the AWS Security Hub foundational controls checks DNS
 * targets; no post-mortem applies.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { cloudflareRecordType, normalizeName, recordsFromResources, route53RecordType } from "../../models/dns/compare";
import { Finding, reportFinding } from "../finding";
import { asPlanned } from "./stackResources";
import { resourceTypes } from "../../models/resourceTypes";

/** Name suffixes of AWS endpoints whose names a stranger can claim once the resource is gone. */
export const awsEndpointSuffixes = [".amazonaws.com", ".cloudfront.net", ".elasticbeanstalk.com", ".awsglobalaccelerator.com", ".amplifyapp.com"] as const;

function isAwsEndpoint(name: string): boolean {
  return awsEndpointSuffixes.some((suffix) => name.endsWith(suffix));
}

/** Every host name a resource of the stack (other than a DNS record) exposes among its top-level properties. */
function stackEndpoints(resources: { type: string; inputs: Record<string, any> }[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (r.type === route53RecordType || r.type === cloudflareRecordType) continue;
    for (const value of Object.values(r.inputs)) {
      if (typeof value === "string" && isAwsEndpoint(normalizeName(value))) out.add(normalizeName(value));
    }
  }
  return out;
}

/** Endpoint names by the resource types that own them, and the property holding the name. */
const endpointOwners = [
  { name: /\.cloudfront\.net$/, types: [resourceTypes.cloudfrontDistribution], property: "domainName" },
  { name: /\.elb\.[a-z0-9-]+\.amazonaws\.com$/, types: [resourceTypes.lbLoadBalancer, resourceTypes.albLoadBalancer], property: "dnsName" },
];

/** Whether a resource of the stack that could own `target` has no known name yet (so the target may be its). */
function mayBeUnknownOwn(target: string, resources: { type: string; inputs: Record<string, any> }[]): boolean {
  const owner = endpointOwners.find((o) => o.name.test(target));
  return owner !== undefined && resources.some((r) => (owner.types as readonly string[]).includes(r.type) && typeof r.inputs[owner.property] !== "string");
}

/** Each record value that names an AWS endpoint no resource of the stack exposes. */
export function judgeDanglingRecords(resources: { type: string; inputs: Record<string, any>; urn?: string }[]): Finding[] {
  const endpoints = stackEndpoints(resources);
  const findings: Finding[] = [];
  for (const record of recordsFromResources(resources)) {
    // A CNAME, an alias, or an MX/SRV target: the last field of the value is the name it points at.
    const targets = record.values.map((v) =>
      normalizeName(
        v
          .replace(/^alias:/, "")
          .split(/\s+/)
          .pop() ?? "",
      ),
    );
    const dangling = [...new Set(targets.filter((t) => isAwsEndpoint(t) && !endpoints.has(t) && !mayBeUnknownOwn(t, resources)))];
    if (dangling.length === 0) continue;
    findings.push({
      urn: record.urns?.[0] ?? "",
      subject: `${record.name} ${record.type} (${record.provider})`,
      message:
        `${record.name} ${record.type} (${record.provider}) points at ${dangling.join(", ")}: ${dangling.length} AWS endpoint${dangling.length === 1 ? "" : "s"} that no resource of this stack exposes (expected 0). ` +
        `If that resource is gone, whoever claims the name serves ${record.name} (subdomain takeover). Smallest fix: point the record at the stack's resource output (its dnsName or domainName), or delete the record.`,
    });
  }
  return findings;
}

export const disallowDanglingRecords: StackValidationPolicy = {
  name: "disallow-dangling-records",
  description: "Every DNS record that points at an AWS endpoint points at a resource of this stack (no subdomain takeover).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const finding of judgeDanglingRecords(asPlanned(args.resources))) reportFinding(reportViolation, finding);
  },
};
