/**
 * TXT and CAA text as each format writes it: RFC 1035 master files escape every byte outside
 * printable ASCII as decimal `\DDD` (what Knot requires, and NSD reads), Route 53 wants octal
 * `\ooo` for the same bytes (its developer guide, TXT record type), Cloudflare takes the UTF-8 text.
 * Every form reads back to the same neutral value, so the providers' records still compare equal.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloudflareToRecordValue, recordValueToCloudflare } from "../../../models/dns/cloudflare";
import { recordsFromResources, route53RecordType } from "../../../models/dns/compare";
import { canonicalTxt, escapeCharacterString, txtStrings } from "../../../models/dns/record";
import { recordValueToRoute53, route53ToRecordValue } from "../../../models/dns/route53";
import { zoneFile } from "../../../models/dns/zoneFile";

describe("text escapes per format", () => {
  it("sends Route 53 octal escapes for UTF-8 and control bytes, quotes and backslashes behind a backslash", () => {
    expect(recordValueToRoute53("TXT", "café")).toBe("caf\\303\\251");
    expect(recordValueToRoute53("TXT", 'say "hi" \\ bye\tnow')).toBe('say \\"hi\\" \\\\ bye\\011now');
    expect(recordValueToRoute53("TXT", "v=spf1 -all")).toBe("v=spf1 -all");
    expect(route53ToRecordValue("TXT", "caf\\303\\251")).toBe("café");
  });

  it("writes master-file strings with decimal \\DDD: a UTF-8 value is ASCII in the zone file", () => {
    expect(escapeCharacterString("café ☕")).toBe("caf\\195\\169 \\226\\152\\149");
    const file = zoneFile({
      provider: "route53",
      apex: "example.com",
      nameServers: ["ns-1.awsdns-1.com"],
      records: [
        { provider: "route53", name: "example.com", type: "TXT", ttl: 300, values: ["café"] },
        { provider: "route53", name: "example.com", type: "CAA", ttl: 300, values: ['0 iodef "mailto:sécurité@example.com"'] },
      ],
    });
    expect(file).toContain('@ 300 IN TXT "caf\\195\\169"');
    expect(file).toContain('@ 300 IN CAA 0 iodef "mailto:s\\195\\169curit\\195\\169@example.com"');
    expect(/[^\x20-\x7e\n]/.test(file)).toBe(false);
  });

  it("reads a user's quoted strings in presentation format, \\DDD included", () => {
    expect(txtStrings('"caf\\195\\169" "a\\"b"')).toEqual(["café", 'a"b']);
  });

  it("round-trips any text through Route 53's and Cloudflare's forms to the same neutral value (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('"', "\\", "\t", "\u007f", " ", ";"), fc.constant("é"), fc.string({ unit: "grapheme", maxLength: 1 })), maxLength: 300 }), (text) => {
        const route53 = recordsFromResources([{ type: route53RecordType, inputs: { name: "t.example.com", type: "TXT", ttl: 300, records: [recordValueToRoute53("TXT", text)] } }])[0].values[0];
        const cloudflare = cloudflareToRecordValue("TXT", recordValueToCloudflare("TXT", text));
        expect(route53).toBe(cloudflare);
        expect(txtStrings(route53).join("")).toBe(txtStrings(text).join(""));
        expect(canonicalTxt(route53)).toBe(route53);
      }),
      { numRuns: 300 },
    );
  });
});
