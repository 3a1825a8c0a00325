/**
 * What the Cloudflare API accepts for every property this program sets on its Cloudflare
 * resources: the contract table `enforce-api-contracts` judges them against (`models/contracts`).
 * Sources: terraform-provider-cloudflare's resource schemas (the provider @pulumi/cloudflare
 * bridges), the installed declarations and Cloudflare's API reference (`models/providerSources.ts`).
 *
 * The record TTL bounds are the DNS provider table's (`models/dns/providers.ts`), the one copy the
 * TTL policy reads too.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes as t } from "../resourceTypes";
import { cloudflareAutomaticTtl, providerCapabilities } from "../dns/providers";
import { apiPage, cloudflareSchemaLine, installedCloudflare } from "../providerSources";
import type { PropertyContract, TypeContract } from "../contracts/contract";

const at = installedCloudflare;
const boolean = (cite: string): PropertyContract => ({ accepts: [{ kind: "check", test: (v) => typeof v === "boolean", text: "true or false" }], cite });
const zoneRef = (cite: string): PropertyContract => ({ accepts: [{ kind: "reference", types: [t.cloudflareZone] }], cite, required: true });

const recordTypes = ["A", "AAAA", "CNAME", "MX", "NS", "OPENPGPKEY", "PTR", "TXT", "CAA", "CERT", "DNSKEY", "DS", "HTTPS", "LOC", "NAPTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA", "URI"];
const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ttl = providerCapabilities.cloudflare;

export const cloudflareContracts: Record<string, TypeContract> = {
  [t.cloudflareDnsRecord]: {
    properties: {
      comment: {
        accepts: [{ kind: "pattern", pattern: /^[^\r\n]*$/, text: "one line: no newline or carriage return" }],
        cite: `${at("dnsRecord.d.ts", 228, "DnsRecordArgs.comment")}; ${apiPage("cloudflare/record-attributes", "comments: graphic Unicode characters, no newline (\\n) or carriage return (\\r)")}`,
      },
      content: {
        accepts: [{ kind: "free", text: "the record's value for its type" }],
        cite: `${at("dnsRecord.d.ts", 232, "DnsRecordArgs.content")}; ${cloudflareSchemaLine("dns_record", 59, "ConflictsWith data")}`,
        exclusiveWith: ["data"],
      },
      data: {
        accepts: [{ kind: "free", text: "the components of a CAA, SRV or other structured record" }],
        cite: `${at("dnsRecord.d.ts", 236, "DnsRecordArgs.data")}; ${cloudflareSchemaLine("dns_record", 105, "ConflictsWith content")}`,
      },
      name: {
        accepts: [{ kind: "length", min: 1, max: 255 }],
        cite: `${at("dnsRecord.d.ts", 244, "DnsRecordArgs.name")}; ${cloudflareSchemaLine("dns_record", 409, "Required")}`,
        required: true,
      },
      priority: {
        accepts: [{ kind: "range", min: 0, max: 65535, integer: true }],
        cite: `${at("dnsRecord.d.ts", 248, "DnsRecordArgs.priority")}; ${cloudflareSchemaLine("dns_record", 67, "Between(0, 65535)")}`,
      },
      proxied: boolean(at("dnsRecord.d.ts", 256, "DnsRecordArgs.proxied")),
      ttl: {
        accepts: [{ kind: "range", min: ttl.minTtlSeconds, max: ttl.maxTtlSeconds, integer: true, special: [cloudflareAutomaticTtl.value] }],
        cite: `${at("dnsRecord.d.ts", 268, "DnsRecordArgs.ttl")}; ${cloudflareSchemaLine("dns_record", 346, "ttl: 1 (automatic) or 60 to 86400")}; ${apiPage("cloudflare/dns-records", "ttl")}`,
        required: true,
        error: "HTTP 400 (the record is refused)",
      },
      type: {
        accepts: [{ kind: "oneOf", values: recordTypes, caseInsensitive: true }],
        cite: `${at("dnsRecord.d.ts", 272, "DnsRecordArgs.type")}; ${cloudflareSchemaLine("dns_record", 74, "OneOfCaseInsensitive")}`,
        required: true,
      },
      zoneId: zoneRef(`${at("dnsRecord.d.ts", 277, "DnsRecordArgs.zoneId")}; ${cloudflareSchemaLine("dns_record", 46, "Required")}`),
    },
    typeChecks: [
      {
        test: (i) => String(i.type).toUpperCase() !== "A" || typeof i.content !== "string" || ipv4.test(i.content),
        text: "an A record's content to be an IPv4 address",
        cite: apiPage("cloudflare/dns-records", "A record content: a valid IPv4 address"),
      },
      {
        test: (i) => String(i.type).toUpperCase() !== "AAAA" || typeof i.content !== "string" || (i.content.includes(":") && /^[0-9a-fA-F:.]+$/.test(i.content)),
        text: "an AAAA record's content to be an IPv6 address",
        cite: apiPage("cloudflare/dns-records", "AAAA record content: a valid IPv6 address"),
      },
      {
        test: (i) => i.content !== undefined || i.data !== undefined,
        text: "a value: content, or data for a structured record",
        cite: cloudflareSchemaLine("dns_record", 53, "content / data"),
      },
    ],
  },
  [t.cloudflareZone]: {
    properties: {
      account: {
        accepts: [],
        cite: `${at("zone.d.ts", 307, "ZoneArgs.account")}; ${cloudflareSchemaLine("zone", 81, "Required")}`,
        required: true,
        fields: {
          id: {
            accepts: [{ kind: "pattern", pattern: /^[0-9a-f]{32}$/, text: "a 32-character hex account id" }],
            cite: `${cloudflareSchemaLine("zone", 84, "account.id")}; ${apiPage("cloudflare/zones", "account.id: identifier, 32 characters")}`,
            required: true,
          },
        },
      },
      name: {
        accepts: [
          { kind: "length", min: 1, max: 253 },
          { kind: "check", test: (v) => typeof v !== "string" || v.split(".").every((label) => label.length >= 1 && label.length <= 63), text: "labels of 1 to 63 characters" },
        ],
        cite: `${at("zone.d.ts", 309, "ZoneArgs.name")}; ${cloudflareSchemaLine("zone", 77, "up to 253 characters, each label at most 63")}`,
        required: true,
        unique: { scope: "Cloudflare account", perStack: false, why: "the name is the stack's own domain (edge:domain)" },
      },
      type: {
        accepts: [{ kind: "oneOf", values: ["full", "partial", "secondary", "internal"], caseInsensitive: true }],
        cite: `${at("zone.d.ts", 319, "ZoneArgs.type")}; ${cloudflareSchemaLine("zone", 102, "OneOfCaseInsensitive")}`,
      },
    },
  },
  [t.cloudflareZoneDnsSettings]: {
    properties: {
      flattenAllCnames: boolean(`${at("zoneDnsSettings.d.ts", 171, "ZoneDnsSettingsArgs.flattenAllCnames")}; ${cloudflareSchemaLine("zone_dns_settings", 38, "Optional bool")}`),
      multiProvider: boolean(`${at("zoneDnsSettings.d.ts", 186, "ZoneDnsSettingsArgs.multiProvider")}; ${cloudflareSchemaLine("zone_dns_settings", 46, "Optional bool")}`),
      zoneId: zoneRef(`${at("zoneDnsSettings.d.ts", 206, "ZoneDnsSettingsArgs.zoneId")}; ${cloudflareSchemaLine("zone_dns_settings", 33, "Required")}`),
    },
  },
};
