import { describe, expect, it } from "vitest";
import { disallowDanglingRecords } from "../../../policies/dns/disallowDanglingRecords";
import { resourceTypes } from "../../../models/resourceTypes";
import { runStackPolicy } from "../harness";
import { hygieneStack, inBoth, nlbDnsName, replaced } from "./hygieneSample";

describe("disallow-dangling-records", () => {
  it("accepts records that point at the stack's distribution and load balancer (a CNAME and a Route 53 alias)", async () => {
    const alias = {
      type: resourceTypes.route53Record,
      name: "route53-alias",
      props: { zoneId: "Z", name: "lb.example.com", type: "A", aliases: [{ name: `${nlbDnsName}.`, zoneId: "Z35", evaluateTargetHealth: true }] },
    };
    expect(await runStackPolicy(disallowDanglingRecords, [...hygieneStack(), alias])).toEqual([]);
  });

  it("refuses a CNAME to a distribution the stack does not declare", async () => {
    const findings = await runStackPolicy(disallowDanglingRecords, replaced(hygieneStack(), "cdn.example.com", "CNAME", ["d2222222gone.cloudfront.net"], "cloudflare"));
    expect(findings).toEqual([
      {
        urn: "urn:pulumi:test::edge::cloudflare:index/dnsRecord:DnsRecord::cloudflare-CNAME-cdn.example.com-1",
        subject: "cdn.example.com CNAME (cloudflare)",
        message:
          "cdn.example.com CNAME (cloudflare) points at d2222222gone.cloudfront.net: 1 AWS endpoint that no resource of this stack exposes (expected 0). If that resource is gone, whoever claims the name serves cdn.example.com (subdomain takeover). Smallest fix: point the record at the stack's resource output (its dnsName or domainName), or delete the record.",
      },
    ]);
  });

  it("refuses an alias to a load balancer of another stack and a CNAME to an S3 website endpoint", async () => {
    const alias = {
      type: resourceTypes.route53Record,
      props: { zoneId: "Z", name: "old.example.com", type: "A", aliases: [{ name: "dualstack.other-9.elb.eu-west-1.amazonaws.com", zoneId: "Z32" }] },
    };
    const website = inBoth("www.example.com", "CNAME", ["www.example.com.s3-website-us-east-1.amazonaws.com"], 60);
    const findings = await runStackPolicy(disallowDanglingRecords, [...hygieneStack(), alias, ...website]);
    expect(findings.map((f) => f.subject)).toEqual(["old.example.com A (route53)", "www.example.com CNAME (route53)", "www.example.com CNAME (cloudflare)"]);
  });

  it("does not judge a distribution name while a distribution of the stack has no known name yet", async () => {
    const unknown = hygieneStack().map((s) => (s.type === resourceTypes.cloudfrontDistribution ? { ...s, props: { aliases: ["cdn.example.com"] } } : s));
    expect(await runStackPolicy(disallowDanglingRecords, replaced(unknown, "cdn.example.com", "CNAME", ["d2222222gone.cloudfront.net"]))).toEqual([]);
  });

  it("leaves ACM validation targets and outside names alone", async () => {
    const validation = inBoth("_0123456789abcdef0123456789abcdef.api.example.com", "CNAME", ["_abc.xyz.acm-validations.aws"], 300);
    const outside = inBoth("docs.example.com", "CNAME", ["docs.example.net"], 300);
    expect(await runStackPolicy(disallowDanglingRecords, [...hygieneStack(), ...validation, ...outside])).toEqual([]);
  });
});
