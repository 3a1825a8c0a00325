/**
 * Cloudflare as a renderer of the neutral record model, both directions in one place (DNSControl's
 * `nativeToRecords` / `recordsToNative`): Cloudflare holds one value per record resource, MX
 * priority and CAA fields apart from the content.
 *
 * Pure module: no Pulumi imports.
 */
import { createHash } from "node:crypto";
import { normalizeValue, parseCaa, parseSrv, quoteTxtStrings, txtStrings } from "./record";

/** One Cloudflare record's value fields (`cloudflare.DnsRecord` inputs). */
export interface CloudflareFields {
  content?: string;
  priority?: number;
  /** CAA: flags, tag, value; SRV: priority, weight, port, target. */
  data?: { flags?: number; tag?: string; value?: string; priority?: number; weight?: number; port?: number; target?: string };
}

/**
 * A neutral value (presentation format) as Cloudflare's API fields. TXT content is sent as quoted
 * strings of at most 255 bytes: Cloudflare's API reads TXT content as RFC 1035 character-strings
 * (and would split a longer one itself), so the split is the program's, the same as Route 53's.
 */
export function recordValueToCloudflare(type: string, value: string): CloudflareFields {
  if (type === "MX") {
    const [priority, exchange] = value.trim().split(/\s+/);
    return { content: exchange, priority: Number(priority) };
  }
  if (type === "CAA") {
    const data = parseCaa(value);
    if (!data) throw new Error(`cannot read the CAA value ${value}: expected \`0 issue "amazon.com"\``);
    return { data };
  }
  if (type === "SRV") {
    const data = parseSrv(value);
    if (!data) throw new Error(`cannot read the SRV value ${value}: expected \`10 5 5060 sip.example.com\``);
    return { priority: data.priority, data };
  }
  if (type === "TXT") return { content: quoteTxtStrings(txtStrings(value)) };
  return { content: value };
}

/** A Cloudflare record's fields back as a neutral value, normalized as `compare.ts` compares values. */
export function cloudflareToRecordValue(type: string, inputs: CloudflareFields): string {
  const content = normalizeValue(type, String(inputs.content ?? ""));
  if (type === "MX" && typeof inputs.priority === "number") return `${inputs.priority} ${content}`;
  if (type === "CAA" && inputs.data) return `${inputs.data.flags ?? 0} ${inputs.data.tag} "${inputs.data.value}"`;
  if (type === "SRV" && inputs.data) return normalizeValue(type, `${inputs.data.priority} ${inputs.data.weight} ${inputs.data.port} ${inputs.data.target}`);
  return content;
}

/**
 * The suffix of a Cloudflare record resource named by its value: a set's records keep their names
 * when the values are reordered. Eight hex digits of the SHA-256 of the normalized value.
 */
export function cloudflareValueSuffix(type: string, value: string): string {
  return createHash("sha256").update(normalizeValue(type, value)).digest("hex").slice(0, 8);
}
