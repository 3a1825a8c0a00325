import { describe, expect, it } from "vitest";
import { enforceSnippetOnCdn } from "../../../policies/dns/enforceSnippetOnCdn";
import { runStackPolicy, Subject } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const cdnDomain = "d111111abcdef8.cloudfront.net";
const nlb = "ingest-0123.elb.us-east-1.amazonaws.com";

function stack(cdnRecord: { route53: Record<string, unknown>; cloudflare: Record<string, unknown> }): Subject[] {
  return [
    { type: resourceTypes.route53Zone, props: { name: "example.com", nameServers: ["ns-1.awsdns-1.com"] } },
    { type: resourceTypes.cloudflareZone, props: { name: "example.com", nameServers: ["ada.ns.cloudflare.com"] } },
    { type: resourceTypes.cloudfrontDistribution, props: { aliases: ["cdn.example.com"], domainName: cdnDomain } },
    { type: resourceTypes.lbLoadBalancer, props: { dnsName: nlb } },
    { type: resourceTypes.ec2Eip, props: { publicIp: "192.0.2.10" } },
    { type: resourceTypes.route53Record, props: { zoneId: "Z", name: "api.example.com", type: "A", ttl: 60, records: ["192.0.2.10"], setIdentifier: "us-east-1" } },
    { type: resourceTypes.route53Record, props: { zoneId: "Z", name: "cdn.example.com", ttl: 60, ...cdnRecord.route53 } },
    { type: resourceTypes.cloudflareDnsRecord, props: { zoneId: "z", name: "cdn.example.com", ttl: 60, ...cdnRecord.cloudflare } },
  ];
}

const compliant = { route53: { type: "CNAME", records: [cdnDomain] }, cloudflare: { type: "CNAME", content: cdnDomain } };
const incident = incidentNote("snippetOnApiHosts");

describe("enforce-snippet-on-cdn", () => {
  it("accepts the snippet hostname pointing at the distribution in both providers", async () => {
    expect(await runStackPolicy(enforceSnippetOnCdn, stack(compliant))).toEqual([]);
  });

  it("refuses the snippet hostname pointing at the ingestion load balancer (incident 000)", async () => {
    const findings = await runStackPolicy(enforceSnippetOnCdn, stack({ ...compliant, route53: { type: "CNAME", records: [nlb] } }));
    expect(findings.map((f) => f.message)).toEqual([
      `cdn.example.com CNAME (route53) points at ${nlb}, an ingestion load balancer: the snippet must come from the CDN only. Point it at the distribution (CNAME ${cdnDomain}). ${incident}`,
    ]);
  });

  it("refuses the ingestion addresses and the ingest name", async () => {
    const addresses = await runStackPolicy(enforceSnippetOnCdn, stack({ ...compliant, cloudflare: { type: "A", content: "192.0.2.10" } }));
    expect(addresses[0].message).toContain("cdn.example.com A (cloudflare) answers with 192.0.2.10, a static address of an ingestion load balancer");
    const ingest = await runStackPolicy(enforceSnippetOnCdn, stack({ ...compliant, route53: { type: "CNAME", records: ["api.example.com"] } }));
    expect(ingest[0].message).toContain("cdn.example.com CNAME (route53) points at api.example.com, the ingestion name");
  });

  it("refuses a snippet hostname missing from a provider", async () => {
    const subjects = stack(compliant).filter((s) => s.type !== resourceTypes.cloudflareDnsRecord);
    const [finding] = await runStackPolicy(enforceSnippetOnCdn, subjects);
    expect(finding.message).toContain("cdn.example.com (cloudflare) does not resolve");
  });
});
