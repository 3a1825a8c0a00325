/**
 * Record sets as the providers will hold them, read back from planned resource inputs, and the
 * comparison of two such sets: what a zone push adds, removes and rewrites per provider. The plan
 * diff uses `changedShare` to call a push unsafe (octoDNS refuses to apply more than 30 % updates
 * or deletes of a zone by default), the policies and the zone-file export read records the same way.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes } from "../resourceTypes";
import { cloudflareToRecordValue } from "./cloudflare";
import { normalizeName, normalizeValue } from "./record";
import { route53ToRecordValue } from "./route53";

// Both providers' conversions use these; they live with the record model so neither imports this file back.
export { normalizeName, normalizeValue };

export type ProviderName = "route53" | "cloudflare";

export interface ProviderRecord {
  provider: ProviderName;
  /** Fully qualified, lowercase, without the trailing dot. */
  name: string;
  type: string;
  /** Route 53 set identifier of a latency / weighted / failover record; absent for simple records. */
  setId?: string;
  /** Seconds; absent for Route 53 alias records (the target's TTL applies). */
  ttl?: number;
  /** RDATA in presentation format, sorted; names without the trailing dot; alias targets as `alias:<name>`. */
  values: string[];
  /** URNs of the resources that declare the set (Cloudflare: one a value), sorted; absent when read from inputs alone. */
  urns?: string[];
}

export const route53RecordType = resourceTypes.route53Record;
export const cloudflareRecordType = resourceTypes.cloudflareDnsRecord;

/** A key unique within one provider's zone: `route53 api.example.com A us-east-1`. */
export function providerRecordKey(r: Pick<ProviderRecord, "provider" | "name" | "type" | "setId">): string {
  return [r.provider, r.name, r.type, r.setId ?? ""].join(" ");
}

function route53Record(inputs: Record<string, any>): ProviderRecord | undefined {
  if (typeof inputs.name !== "string" || typeof inputs.type !== "string") return undefined;
  const type = inputs.type.toUpperCase();
  const aliases: { name?: string }[] = Array.isArray(inputs.aliases) ? inputs.aliases : [];
  const values = aliases.length > 0 ? aliases.map((a) => `alias:${normalizeName(String(a.name ?? ""))}`) : ((inputs.records ?? []) as unknown[]).map((v) => route53ToRecordValue(type, String(v)));
  return {
    provider: "route53",
    name: normalizeName(inputs.name),
    type,
    ...(typeof inputs.setIdentifier === "string" ? { setId: inputs.setIdentifier } : {}),
    ...(aliases.length === 0 && typeof inputs.ttl === "number" ? { ttl: inputs.ttl } : {}),
    values: values.sort(),
  };
}

/** Records as declared by `aws:route53/record:Record` and `cloudflare:index/dnsRecord:DnsRecord` inputs. */
export function recordsFromResources(resources: { type: string; inputs: Record<string, any>; urn?: string }[]): ProviderRecord[] {
  const out: ProviderRecord[] = [];
  const cloudflareSets = new Map<string, ProviderRecord>();
  for (const resource of resources) {
    if (resource.type === route53RecordType) {
      const record = route53Record(resource.inputs);
      if (record) out.push(resource.urn ? { ...record, urns: [resource.urn] } : record);
    } else if (resource.type === cloudflareRecordType) {
      const { inputs } = resource;
      if (typeof inputs.name !== "string" || typeof inputs.type !== "string") continue;
      const type = inputs.type.toUpperCase();
      const name = normalizeName(inputs.name);
      const key = providerRecordKey({ provider: "cloudflare", name, type });
      let set = cloudflareSets.get(key);
      if (!set) {
        set = { provider: "cloudflare", name, type, ...(typeof inputs.ttl === "number" ? { ttl: inputs.ttl } : {}), values: [] };
        cloudflareSets.set(key, set);
        out.push(set);
      }
      set.values.push(cloudflareToRecordValue(type, inputs));
      set.values.sort();
      if (resource.urn) set.urns = [...(set.urns ?? []), resource.urn].sort();
    }
  }
  addCloudflareOwnNameServers(resources, out);
  return out;
}

/**
 * Cloudflare always answers its own assigned name servers at the apex; NS records declared at the
 * apex (multi-provider DNS) are served beside them, never instead.
 * https://developers.cloudflare.com/dns/nameservers/nameserver-options/ ("Multi-provider DNS")
 */
function addCloudflareOwnNameServers(resources: { type: string; inputs: Record<string, any> }[], records: ProviderRecord[]): void {
  for (const zone of resources) {
    if (zone.type !== resourceTypes.cloudflareZone || typeof zone.inputs.name !== "string" || !Array.isArray(zone.inputs.nameServers)) continue;
    const apex = normalizeName(zone.inputs.name);
    const declared = records.find((r) => r.provider === "cloudflare" && r.name === apex && r.type === "NS");
    if (!declared) continue;
    declared.values = [...new Set([...declared.values, ...zone.inputs.nameServers.map((v: unknown) => normalizeValue("NS", String(v)))])].sort();
  }
}

export interface RecordSetChange {
  provider: string;
  added: ProviderRecord[];
  removed: ProviderRecord[];
  changed: { before: ProviderRecord; after: ProviderRecord }[];
  unchanged: number;
  /** (removed + changed) / records before; octoDNS calls > 0.3 unsafe. */
  changedShare: number;
}

/** octoDNS's default update / delete threshold: a push touching more of a zone than this is unsafe. */
export const unsafeChangedShare = 0.3;

function sameRecord(a: ProviderRecord, b: ProviderRecord): boolean {
  return a.ttl === b.ttl && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);
}

/** Added, removed and changed records per provider (providers in order of first appearance). */
export function compareRecordSets(before: ProviderRecord[], after: ProviderRecord[]): RecordSetChange[] {
  const providers = [...new Set([...before, ...after].map((r) => r.provider))];
  return providers.map((provider) => {
    const sorted = (r: ProviderRecord): ProviderRecord => ({ ...r, values: [...r.values].sort() });
    const index = (records: ProviderRecord[]) => new Map(records.filter((r) => r.provider === provider).map((r) => [providerRecordKey(r), sorted(r)]));
    const was = index(before);
    const now = index(after);
    const change: RecordSetChange = { provider, added: [], removed: [], changed: [], unchanged: 0, changedShare: 0 };
    for (const [key, record] of was) {
      const next = now.get(key);
      if (!next) change.removed.push(record);
      else if (sameRecord(record, next)) change.unchanged++;
      else change.changed.push({ before: record, after: next });
    }
    for (const [key, record] of now) if (!was.has(key)) change.added.push(record);
    change.changedShare = was.size === 0 ? 0 : (change.removed.length + change.changed.length) / was.size;
    return change;
  });
}
