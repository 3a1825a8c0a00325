/** The DNS-record security guards: proxied Cloudflare records, literal addresses the stack does not hold, query logging, DNSSEC signing (waivable). */
import { describe, expect, it } from "vitest";
import { resourceTypes as t } from "../../../models/resourceTypes";
import { disallowForeignAddresses } from "../../../policies/dns/disallowForeignAddresses";
import { disallowProxiedRecords } from "../../../policies/dns/disallowProxiedRecords";
import { enableDnssecSigning } from "../../../policies/dns/enableDnssecSigning";
import { enableQueryLogging } from "../../../policies/dns/enableQueryLogging";
import { runResourcePolicy, runStackPolicy, Subject } from "../harness";

const zone: Subject = { type: t.route53Zone, name: "dns-route53", props: { name: "example.com", zoneId: "Z1" } };
const cfZone: Subject = { type: t.cloudflareZone, name: "dns-cloudflare", props: { name: "example.com", nameServers: ["ada.ns.cloudflare.com"] } };
const eip: Subject = { type: t.ec2Eip, name: "ingest-eip-1", props: { publicIp: "203.0.113.226" } };
const r53a = (records: string[]): Subject => ({ type: t.route53Record, name: "dns-route53-a-api", props: { zoneId: "Z1", name: "api.example.com", type: "A", ttl: 60, records } });
const cfa = (content: string, extra: Record<string, unknown> = {}): Subject => ({
  type: t.cloudflareDnsRecord,
  name: "dns-cloudflare-a-api",
  props: { zoneId: "z", name: "api.example.com", type: "A", ttl: 60, content, proxied: false, ...extra },
});

describe("disallow-proxied-records", () => {
  it("refuses a proxied Cloudflare record (incident 001)", async () => {
    expect(await runResourcePolicy(disallowProxiedRecords, { ...cfa("203.0.113.226") })).toEqual([]);
    expect(await runResourcePolicy(disallowProxiedRecords, { ...cfa("203.0.113.226", { proxied: true }) })).toEqual([
      expect.stringMatching(/^Cloudflare record api\.example\.com \(A\) is proxied \(proxied true; required false\): .*Set proxied: false\. Incident 001: /),
    ]);
  });
});

describe("disallow-foreign-addresses", () => {
  it("accepts the stack's Elastic IPs and listed addresses; refuses a literal address the stack does not hold, in either provider", async () => {
    expect(await runStackPolicy(disallowForeignAddresses, [eip, r53a(["203.0.113.226"]), cfa("203.0.113.226")])).toEqual([]);
    const foreign = await runStackPolicy(disallowForeignAddresses, [eip, r53a(["198.51.100.77"]), cfa("198.51.100.77")]);
    expect(foreign.map((f) => f.message)).toEqual([
      expect.stringMatching(/^api\.example\.com A \(route53\) answers with 198\.51\.100\.77: 1 address\(es\) no Elastic IP of the stack holds .*Security baseline \(CKV2_AWS_23\)\.$/),
      expect.stringMatching(/^api\.example\.com A \(cloudflare\) answers with 198\.51\.100\.77: .*Security baseline\.$/),
    ]);
    expect(await runStackPolicy(disallowForeignAddresses, [eip, r53a(["198.51.100.77"])], { externalAddresses: ["198.51.100.77"] })).toEqual([]);
    // An Elastic IP whose address is not allocated yet may be any address: nothing is judged until it is.
    expect(await runStackPolicy(disallowForeignAddresses, [{ ...eip, props: {} }, r53a(["198.51.100.77"])])).toEqual([]);
  });
});

describe("enable-query-logging", () => {
  it("refuses a public zone no query log names", async () => {
    expect((await runStackPolicy(enableQueryLogging, [zone])).map((f) => f.message)).toEqual([
      expect.stringMatching(/^Route 53 zone dns-route53 \(example\.com\) logs no queries: .*Security baseline \(Route53\.2, CKV2_AWS_39\)\. Incident 001: /),
    ]);
    expect(
      await runStackPolicy(enableQueryLogging, [
        zone,
        { type: t.route53QueryLog, name: "q", props: { zoneId: "Z1", cloudwatchLogGroupArn: "arn:aws:logs:us-east-1:1:log-group:/aws/route53/example.com" } },
      ]),
    ).toEqual([]);
    expect(await runStackPolicy(enableQueryLogging, [{ ...zone, props: { ...zone.props, vpcs: [{ vpcId: "vpc-1" }] } }])).toEqual([]);
  });
});

describe("enable-dnssec-signing", () => {
  it("refuses an unsigned zone unless the waiver holds: two providers serve it", async () => {
    expect(await runStackPolicy(enableDnssecSigning, [zone, cfZone])).toHaveLength(1);
    expect(await runStackPolicy(enableDnssecSigning, [zone, cfZone], { waivers: ["dnssec-two-providers"] })).toEqual([]);
    expect((await runStackPolicy(enableDnssecSigning, [zone], { waivers: ["dnssec-two-providers"] }))[0]!.message).toMatch(
      /Waiver "dnssec-two-providers" does not hold: .*but only route53 serves example\.com\.$/,
    );
  });
});
