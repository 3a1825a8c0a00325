import { describe, expect, it } from "vitest";
import { disallowHalfSignedZone } from "../../../policies/dns/disallowHalfSignedZone";
import { providerCapabilities } from "../../../models/dns/providers";
import { incidentNote } from "../../../models/incidents";
import { resourceTypes } from "../../../models/resourceTypes";
import { runStackPolicy, Subject } from "../harness";
import { hygieneStack, inBoth } from "./hygieneSample";

const why = providerCapabilities.route53.cannot.multiSignerDnssec!.reason;
const tail = `${why}. Smallest fix: remove it; DNSSEC stays off while Route 53 and Cloudflare both hold the zone (docs/design/dns.md, DNSSEC). ${incidentNote("secondaryParity")}`;

describe("disallow-half-signed-zone", () => {
  it("accepts an unsigned zone on both providers, and a Cloudflare DNSSEC resource left disabled", async () => {
    const disabled: Subject = { type: resourceTypes.cloudflareZoneDnssec, props: { zoneId: "z", status: "disabled" } };
    expect(await runStackPolicy(disallowHalfSignedZone, [...hygieneStack(), disabled])).toEqual([]);
  });

  it("refuses Route 53 signing while Cloudflare also holds the zone", async () => {
    const ksk: Subject = { type: resourceTypes.route53KeySigningKey, name: "ksk", props: { hostedZoneId: "Z", keyManagementServiceArn: "arn:aws:kms:us-east-1:1:key/k", name: "ksk" } };
    const signing: Subject = { type: resourceTypes.route53HostedZoneDnsSec, name: "dnssec", props: { hostedZoneId: "Z" } };
    const findings = await runStackPolicy(disallowHalfSignedZone, [...hygieneStack(), ksk, signing]);
    expect(findings).toEqual([
      {
        urn: "urn:pulumi:test::edge::aws:route53/keySigningKey:KeySigningKey::ksk",
        subject: "example.com DNSSEC",
        message: `an active Route 53 key-signing key for example.com, which 2 providers hold (a signed zone allows 1 unless every provider publishes every signer's keys): ${tail}`,
      },
      {
        urn: "urn:pulumi:test::edge::aws:route53/hostedZoneDnsSec:HostedZoneDnsSec::dnssec",
        subject: "example.com DNSSEC",
        message: `Route 53 DNSSEC signing for example.com, which 2 providers hold (a signed zone allows 1 unless every provider publishes every signer's keys): ${tail}`,
      },
    ]);
  });

  it("refuses Cloudflare DNSSEC, a DS at the registrar and a DS record in the zone", async () => {
    const cloudflare: Subject = { type: resourceTypes.cloudflareZoneDnssec, props: { zoneId: "z", status: "active" } };
    const registrar: Subject = { type: resourceTypes.route53domainsDelegationSignerRecord, props: { domainName: "example.com", signingAttributes: {} } };
    const ds = inBoth("sub.example.com", "DS", ["12345 13 2 0123456789abcdef"], 3600).slice(0, 1);
    const findings = await runStackPolicy(disallowHalfSignedZone, [...hygieneStack(), cloudflare, registrar, ...ds]);
    expect(findings.map((f) => f.message.split(",")[0])).toEqual([
      "Cloudflare DNSSEC (status active) for example.com",
      "a DS record at the registrar (Route 53 Domains) for example.com",
      "sub.example.com DS (route53): a DS record in example.com",
    ]);
  });

  it("accepts Route 53 signing where Route 53 alone holds the zone", async () => {
    const alone = hygieneStack().filter((s) => !s.type.startsWith("cloudflare:"));
    const signing: Subject = { type: resourceTypes.route53HostedZoneDnsSec, props: { hostedZoneId: "Z" } };
    expect(await runStackPolicy(disallowHalfSignedZone, [...alone, signing])).toEqual([]);
  });
});
