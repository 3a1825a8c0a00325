import { describe, expect, it } from "vitest";
import { enforceProviderParity } from "../../../policies/dns/enforceProviderParity";
import { runStackPolicy, Subject } from "../harness";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";

const r53 = (props: Record<string, unknown>): Subject => ({ type: resourceTypes.route53Record, props: { zoneId: "Z0", ttl: 60, ...props } });
const cf = (props: Record<string, unknown>): Subject => ({ type: resourceTypes.cloudflareDnsRecord, props: { zoneId: "z", ttl: 60, proxied: false, ...props } });

const compliant: Subject[] = [
  r53({ name: "api.example.com", type: "A", setIdentifier: "us-east-1", records: ["192.0.2.1"] }),
  r53({ name: "api.example.com", type: "A", setIdentifier: "eu-west-1", records: ["198.51.100.1"] }),
  cf({ name: "api.example.com", type: "A", content: "192.0.2.1" }),
  cf({ name: "api.example.com", type: "A", content: "198.51.100.1" }),
  r53({ name: "decide.example.com", type: "CNAME", records: ["api.example.com"] }),
  cf({ name: "decide.example.com", type: "CNAME", content: "api.example.com" }),
  r53({ name: "_0123abcd.cdn.example.com.", type: "CNAME", records: ["_4567ef.jkddzztszm.acm-validations.aws."] }),
];

describe("enforce-provider-parity", () => {
  it("accepts latency sets matched by Cloudflare's union, and Route 53-only ACM validation records", async () => {
    expect(await runStackPolicy(enforceProviderParity, compliant)).toEqual([]);
  });

  it("names a record served by one provider only (incident 001)", async () => {
    const findings = await runStackPolicy(
      enforceProviderParity,
      compliant.filter((s) => !(s.type.startsWith("cloudflare") && s.props.type === "CNAME")),
    );
    expect(findings.map((f) => f.message)).toEqual([
      `decide.example.com CNAME is served by route53 but missing from cloudflare. DnsRecords renders every served record to both zones: declare it in edge:dns (or the component), never in one provider alone. ${incidentNote("secondaryParity")}`,
    ]);
  });

  it("names values that differ", async () => {
    const changed = compliant.map((s) => (s.type.startsWith("cloudflare") && s.props.content === "198.51.100.1" ? cf({ name: "api.example.com", type: "A", content: "203.0.113.9" }) : s));
    const [finding] = await runStackPolicy(enforceProviderParity, changed);
    expect(finding.message).toContain("api.example.com A differs: route53 serves [192.0.2.1, 198.51.100.1], cloudflare serves [192.0.2.1, 203.0.113.9]");
  });
});
