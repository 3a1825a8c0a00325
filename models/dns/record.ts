/**
 * The provider-neutral DNS record model: every record is declared once here and rendered to each
 * provider (Route 53 primary, Cloudflare secondary), as DNSControl does with its one record type.
 * Its rules live in `zoneRules.ts`; each provider's conversion in the provider's own module
 * (`route53.ts`, `cloudflare.ts`).
 *
 * Pure module: no Pulumi imports.
 */
import { Buffer } from "node:buffer";

export type RecordType = "A" | "AAAA" | "CNAME" | "TXT" | "MX" | "CAA" | "SRV" | "NS";

/** Record types that traffic fails over through: their TTL bounds how fast DNS can move traffic. */
export const failoverRecordTypes: ReadonlySet<string> = new Set(["A", "AAAA", "CNAME"]);

/** A path into the stack config, without the namespace: `["dns", "aliases", 0]`. */
export type ConfigPath = (string | number)[];

export interface DnsRecord {
  /** Name relative to the zone; `@` is the apex. */
  name: string;
  type: RecordType;
  /** Seconds. */
  ttl: number;
  /** RDATA in presentation format; CNAME targets are fully qualified without the trailing dot. */
  values: string[];
}

/** A record as the stack config declares it, with where: the zone rules report at that path. */
export interface DeclaredRecord extends DnsRecord {
  /** The config entry: `["dns", "records", 2]`. */
  path: ConfigPath;
  /** The key under `path` that holds the values: `values` (a list) or `target` (an alias). */
  valuesKey: "values" | "target";
}

/**
 * What the DNS model reads from a stack config: the schema's parsed `domain`, `dns` and `cdn`
 * satisfy it, so the model never depends on the schema.
 */
export interface ZoneConfig {
  domain: string;
  dns: {
    /** Seconds. */
    ttl: number;
    ingestName: string;
    aliases: { name: string; target: string }[];
    records: { name: string; type: RecordType; ttl?: number; values: string[] }[];
  };
  cdn: { hostname: string };
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
export function declaredRecords(config: ZoneConfig): DeclaredRecord[] {
  const { dns, domain } = config;
  const extra = dns.records.map(
    (r, i): DeclaredRecord => ({
      name: r.name,
      type: r.type,
      ttl: r.ttl ?? dns.ttl,
      values: r.values,
      path: ["dns", "records", i],
      valuesKey: "values",
    }),
  );
  const aliases = dns.aliases.map(
    (alias, i): DeclaredRecord => ({
      name: alias.name,
      type: "CNAME",
      ttl: dns.ttl,
      values: [fqdn(alias.target, domain)],
      path: ["dns", "aliases", i],
      valuesKey: "target",
    }),
  );
  return [...extra, ...aliases];
}

/** A resource-name-safe slug of a record: `A api` → `a-api`, `TXT @` → `txt-apex`, `*.x` → `wildcard-x`. */
export function recordSlug(record: Pick<DnsRecord, "type" | "name">): string {
  const name = record.name === "@" ? "apex" : record.name.replace(/\*/g, "wildcard").replace(/\./g, "-");
  return `${record.type.toLowerCase()}-${name}`;
}

/** Longest character-string of a TXT record, in bytes (RFC 1035 §3.3). */
export const maxTxtStringBytes = 255;

const quotedStrings = /^\s*(?:"(?:[^"\\]|\\.)*"\s*)+$/s;

/**
 * The text of a quoted character-string's inside: `\X` is X, and `\` followed by three digits is
 * the byte they give in `radix` (RFC 1035 §5.1 writes decimal `\DDD`; Route 53 octal, see
 * `route53.ts`). Bytes are read as UTF-8.
 */
export function decodeCharacterString(body: string, radix: 8 | 10 = 10): string {
  const bytes: number[] = [];
  const digits = radix === 8 ? /^[0-7]{3}/ : /^\d{3}/;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\" && i + 1 < body.length) {
      const code = digits.exec(body.slice(i + 1, i + 4))?.[0];
      if (code !== undefined && parseInt(code, radix) < 256) {
        bytes.push(parseInt(code, radix));
        i += 3;
      } else {
        bytes.push(...Buffer.from(body[++i], "utf8"));
      }
      continue;
    }
    const point = body.codePointAt(i)!;
    const char = String.fromCodePoint(point);
    bytes.push(...Buffer.from(char, "utf8"));
    i += char.length - 1;
  }
  return Buffer.from(bytes).toString("utf8");
}

/**
 * A character-string's text written for a format: `"` and `\` behind a backslash, and every byte
 * outside printable ASCII (0x00–0x1F, 0x7F and the UTF-8 bytes from 0x80) as `\` and three digits
 * in `radix`: decimal in RFC 1035 master files (§5.1), octal for Route 53. Printable ASCII and the
 * space stay as they are.
 */
export function escapeCharacterString(text: string, radix: 8 | 10 = 10): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(radix).padStart(3, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

/**
 * The character-strings of a TXT value. A value written as quoted strings (`"v=DKIM1; " "p=…"`) is
 * the user's split in presentation format (RFC 1035 §5.1: `\"`, `\\`, `\DDD`) and kept as is;
 * any other value is one text, split every 255 bytes as servers store it. Strings are counted in
 * UTF-8 bytes, as they go on the wire.
 */
export function txtStrings(value: string): string[] {
  if (quotedStrings.test(value)) {
    return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/gs)].map((m) => decodeCharacterString(m[1]));
  }
  const bytes = Buffer.from(value, "utf8");
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length || parts.length === 0) {
    let end = Math.min(start + maxTxtStringBytes, bytes.length);
    while (end < bytes.length && end > start && (bytes[end] & 0xc0) === 0x80) end--; // never split inside a UTF-8 character
    parts.push(bytes.subarray(start, end).toString("utf8"));
    start = end;
  }
  return parts;
}

/** Character-strings quoted, `"` and `\` escaped, other bytes as they are (Cloudflare's TXT content; the values compared). */
export function quoteTxtStrings(strings: string[]): string {
  return strings.map((s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(" ");
}

/** Character-strings in RFC 1035 presentation format, every byte outside printable ASCII as `\DDD`: what master files hold. */
export function presentationTxtStrings(strings: string[]): string {
  return strings.map((s) => `"${escapeCharacterString(s)}"`).join(" ");
}

/**
 * One TXT value in the one form both providers' values compare in: a single string bare, several
 * strings quoted. Reads the user's form and Cloudflare's (`"a" "b"`); Route 53's is read by
 * `route53ToRecordValue`.
 */
export function canonicalTxt(value: string): string {
  const strings = txtStrings(value);
  return strings.length === 1 ? strings[0] : quoteTxtStrings(strings);
}

/** `0 issue "amazon.com"` → its three fields; undefined when the value is not of that shape. */
export function parseCaa(value: string): { flags: number; tag: string; value: string } | undefined {
  const match = /^(\d+)\s+([A-Za-z0-9]+)\s+(?:"([^"]*)"|(\S+))$/.exec(value.trim());
  return match ? { flags: Number(match[1]), tag: match[2], value: match[3] ?? match[4] } : undefined;
}

/** `10 5 5060 sip.example.com` → its four fields; undefined when the value is not of that shape. */
export function parseSrv(value: string): { priority: number; weight: number; port: number; target: string } | undefined {
  const match = /^(\d+)\s+(\d+)\s+(\d+)\s+(\S+)$/.exec(value.trim());
  return match ? { priority: Number(match[1]), weight: Number(match[2]), port: Number(match[3]), target: match[4] } : undefined;
}

/** `Api.Example.com.` → `api.example.com`; the root `.` (a null MX's exchange) stays `.`. */
export function normalizeName(name: string): string {
  const n = name.trim().toLowerCase();
  return n === "." ? n : n.replace(/\.$/, "");
}

/** Values compare as the server would serve them: names without a trailing dot, TXT without quotes. */
export function normalizeValue(type: string, value: string): string {
  const v = String(value).trim();
  if (type === "CNAME" || type === "NS" || type === "PTR") return normalizeName(v);
  if (type === "TXT") return canonicalTxt(v);
  if (type === "AAAA") return v.toLowerCase();
  if (type === "MX" || type === "SRV") {
    const fields = v.split(/\s+/);
    return [...fields.slice(0, -1), normalizeName(fields[fields.length - 1])].join(" ");
  }
  return v;
}
