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

/** A resource-name-safe slug of a record: `A api` → `a-api`, `TXT @` → `txt-apex`, `*.x` → `wildcard-x`. */
export function recordSlug(record: Pick<DnsRecord, "type" | "name">): string {
  const name = record.name === "@" ? "apex" : record.name.replace(/\*/g, "wildcard").replace(/\./g, "-");
  return `${record.type.toLowerCase()}-${name}`;
}

/** One Cloudflare record: Cloudflare holds one value per record, MX priority and CAA fields apart. */
export interface CloudflareValue {
  content?: string;
  priority?: number;
  data?: { flags: number; tag: string; value: string };
}

/** How a value of the neutral model is written to Cloudflare (presentation format → its API fields). */
export function cloudflareValue(type: RecordType, value: string): CloudflareValue {
  if (type === "MX") {
    const [priority, exchange] = value.trim().split(/\s+/);
    return { content: exchange, priority: Number(priority) };
  }
  if (type === "CAA") {
    const match = /^(\d+)\s+(\S+)\s+"?([^"]*)"?$/.exec(value.trim());
    if (!match) throw new Error(`cannot read the CAA value ${value}: expected \`0 issue "amazon.com"\``);
    return { data: { flags: Number(match[1]), tag: match[2], value: match[3] } };
  }
  if (type === "TXT") return { content: `"${value.replace(/^"(.*)"$/s, "$1")}"` };
  return { content: value };
}

/**
 * Problems of the declared records against the providers' capabilities, all at once (DNSControl's
 * validate step): names both providers must serve identically.
 */
export function capabilityProblems(records: DnsRecord[]): string[] {
  const problems: string[] = [];
  for (const r of records) {
    if (r.type === "CNAME" && r.name === "@") {
      problems.push(`${recordKey(r)}: Route 53 cannot hold a CNAME at the zone apex (Cloudflare would flatten it); point the apex at addresses instead`);
    }
    if (r.type === "CNAME" && r.values.length !== 1) problems.push(`${recordKey(r)}: a CNAME has exactly one target, got ${r.values.length}`);
  }
  const byKey = new Map<string, number>();
  for (const r of records) byKey.set(recordKey(r), (byKey.get(recordKey(r)) ?? 0) + 1);
  for (const [key, n] of byKey) if (n > 1) problems.push(`${key}: declared ${n} times; declare one record with several values`);
  const cnames = new Set(records.filter((r) => r.type === "CNAME").map((r) => r.name));
  for (const r of records) {
    if (r.type !== "CNAME" && cnames.has(r.name)) problems.push(`${recordKey(r)}: a name with a CNAME can hold no other record`);
  }
  return problems;
}
