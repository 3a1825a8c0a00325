/**
 * RFC 1035 master files of one provider's view of the zone: importable into any DNS provider or
 * server (the third-provider escape hatch), and what the NSD test loads.
 *
 * Text is written in presentation format (RFC 1035 §5.1): inside a TXT or CAA character-string,
 * `"` and `\` go behind a backslash and every byte outside printable ASCII as `\DDD` (decimal), so
 * a UTF-8 value loads into NSD and Knot alike (Knot refuses raw bytes above 0x7F).
 *
 * A zone file cannot express Route 53 latency routing: the Route 53 file holds the answer one
 * resolver gets (the largest region's set, which is what the wire-size model sizes) and lists the
 * other regions' sets as comments. The Cloudflare file holds every region's addresses, as Cloudflare
 * serves them.
 *
 * Pure module: no Pulumi imports.
 */
import type { ProviderRecord } from "./compare";
import { providerCapabilities } from "./providers";
import { escapeCharacterString, parseCaa, presentationTxtStrings, txtStrings } from "./record";
import type { ZoneView } from "./wireSize";

function owner(name: string, apex: string): string {
  return name === apex ? "@" : name.slice(0, -(apex.length + 1));
}

function rdata(type: string, value: string): string {
  if (type === "CNAME" || type === "NS") return `${value}.`;
  if (type === "MX") {
    const [preference, exchange] = value.split(/\s+/);
    return `${preference} ${exchange === "." ? "." : `${exchange}.`}`;
  }
  if (type === "SRV") {
    const fields = value.split(/\s+/);
    return [...fields.slice(0, 3), fields[3] === "." || fields[3] === "" ? "." : `${fields[3]}.`].join(" ");
  }
  if (type === "TXT") return presentationTxtStrings(txtStrings(value));
  if (type === "CAA") {
    const caa = parseCaa(value);
    return caa ? `${caa.flags} ${caa.tag} "${escapeCharacterString(caa.value)}"` : value;
  }
  return value;
}

/** The record sets one resolver is answered with: a latency/weighted group collapses to its largest set. */
export function answeredSets(records: ProviderRecord[]): { served: ProviderRecord[]; alternatives: ProviderRecord[] } {
  const served: ProviderRecord[] = [];
  const alternatives: ProviderRecord[] = [];
  const groups = new Map<string, ProviderRecord[]>();
  for (const r of records) {
    if (!r.setId) {
      served.push(r);
      continue;
    }
    const key = `${r.name} ${r.type}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const largest = group.reduce((a, b) => (b.values.length > a.values.length ? b : a));
    served.push(largest);
    alternatives.push(...group.filter((r) => r !== largest));
  }
  return { served, alternatives };
}

/** The zone file of one provider's view. */
export function zoneFile(view: ZoneView): string {
  const { soa } = providerCapabilities[view.provider];
  const ttl = (r: ProviderRecord) => (r.ttl === 1 && view.provider === "cloudflare" ? 300 : (r.ttl ?? 60));
  const { served, alternatives } = answeredSets(view.records.filter((r) => r.type !== "NS" && r.type !== "SOA"));
  const lines = [
    `; ${view.apex} as served by ${view.provider}, exported by npm run zonefile`,
    `$ORIGIN ${view.apex}.`,
    `@ ${soa.ttl} IN SOA ${view.nameServers[0]}. ${soa.mailbox}. ${soa.timers}`,
    ...view.nameServers.map((ns) => `@ ${soa.nsTtl} IN NS ${ns}.`),
  ];
  for (const r of served) {
    if (r.values.some((v) => v.startsWith("alias:"))) {
      lines.push(`; ${owner(r.name, view.apex)} ${r.type} is a Route 53 alias to ${r.values.join(", ")}: exported as a CNAME`);
      lines.push(`${owner(r.name, view.apex)} 60 IN CNAME ${r.values[0].slice("alias:".length)}.`);
      continue;
    }
    const latency = r.setId ? `; latency set ${r.setId} (one resolver is answered with one region's set)` : undefined;
    if (latency) lines.push(latency);
    for (const value of r.values) lines.push(`${owner(r.name, view.apex)} ${ttl(r)} IN ${r.type} ${rdata(r.type, value)}`);
  }
  for (const r of alternatives) {
    lines.push(`; latency set ${r.setId}: ${owner(r.name, view.apex)} ${ttl(r)} IN ${r.type} ${r.values.map((v) => rdata(r.type, v)).join(" ")}`);
  }
  return lines.join("\n") + "\n";
}
