/**
 * The provider-neutral DNS record model: every record is declared once here and rendered to each
 * provider (Route 53 primary, Cloudflare secondary), as DNSControl does with its one record type.
 *
 * Pure module: no Pulumi imports.
 */
import type { StackConfig } from "../../stacks/schema";

export type RecordType = "A" | "AAAA" | "CNAME" | "TXT" | "MX" | "CAA" | "NS";

/** Record types that traffic fails over through: their TTL bounds how fast DNS can move traffic. */
export const failoverRecordTypes: ReadonlySet<string> = new Set(["A", "AAAA", "CNAME"]);

export interface DnsRecord {
  /** Name relative to the zone; `@` is the apex. */
  name: string;
  type: RecordType;
  /** Seconds. */
  ttl: number;
  /** RDATA in presentation format; CNAME targets are fully qualified without the trailing dot. */
  values: string[];
}

/** `api` + `example.com` → `api.example.com`; `@` → `example.com`. */
export function fqdn(name: string, domain: string): string {
  return name === "@" ? domain : `${name}.${domain}`;
}

/** A stable key for a record, unique within a zone: `A api`. */
export function recordKey(record: Pick<DnsRecord, "type" | "name">): string {
  return `${record.type} ${record.name}`;
}

/** The records the stack config declares directly: the extra records and the aliases. */
export function declaredRecords(config: StackConfig): DnsRecord[] {
  const { dns, domain } = config;
  const extra = dns.records.map((r) => ({
    name: r.name,
    type: r.type,
    ttl: r.ttl ?? dns.ttl,
    values: r.values,
  }));
  const aliases = dns.aliases.map((alias) => ({
    name: alias.name,
    type: "CNAME" as const,
    ttl: dns.ttl,
    values: [fqdn(alias.target, domain)],
  }));
  return [...extra, ...aliases];
}
