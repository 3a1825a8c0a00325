/**
 * enforce-api-contracts in the pack: a compliant resource passes, one property changed beyond what
 * the API accepts is refused with the finding's subject, and a type the program never declares is
 * left alone.
 */
import { describe, expect, it } from "vitest";
import { enforceApiContracts } from "../../../policies/api/enforceApiContracts";
import { splitSubject } from "../../../policies/finding";
import { resourceTypes } from "../../../models/resourceTypes";
import { runResourcePolicy } from "../harness";

const ns = { zoneId: "z", name: "example.com", type: "NS", ttl: 86400, content: "ns-1.awsdns-1.com", proxied: false };
const urn = `urn:pulumi:prod::edge::${resourceTypes.cloudflareDnsRecord}::dns-cloudflare-apex-ns-1`;

describe("enforce-api-contracts", () => {
  it("passes a record within what Cloudflare accepts", async () => {
    expect(await runResourcePolicy(enforceApiContracts, { type: resourceTypes.cloudflareDnsRecord, props: ns, urn })).toEqual([]);
  });

  it("refuses the two-day NS TTL Cloudflare's API refuses, on the property's subject", async () => {
    const [reported] = await runResourcePolicy(enforceApiContracts, { type: resourceTypes.cloudflareDnsRecord, props: { ...ns, ttl: 172800 }, urn, name: "dns-cloudflare-apex-ns-1" });
    const { message, subject } = splitSubject(reported!);
    expect(subject).toBe("ttl");
    expect(message).toMatch(/^cloudflare:index\/dnsRecord:DnsRecord dns-cloudflare-apex-ns-1: ttl = 172800 is outside what the API accepts: 1, or 60 to 86400; the API answers HTTP 400/);
    expect(message).toMatch(/Set a value the API accepts; otherwise `pulumi up` stops at this resource with part of the edge changed\.$/);
  });

  it("refuses a KMS deletion window outside 7-30 days", async () => {
    const messages = await runResourcePolicy(enforceApiContracts, { type: resourceTypes.kmsKey, props: { deletionWindowInDays: 3, region: "us-east-1" } });
    expect(messages).toHaveLength(1);
    expect(splitSubject(messages[0]!).subject).toBe("deletionWindowInDays");
  });

  it("leaves a type the program does not declare alone", async () => {
    expect(await runResourcePolicy(enforceApiContracts, { type: "aws:ec2/natGateway:NatGateway", props: { subnetId: "" } })).toEqual([]);
  });
});
