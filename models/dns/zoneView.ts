/**
 * Each provider's view of the zone (apex, name servers, records) read from planned resources: the
 * response-size and parity policies, the plan's "DNS answers" section and the zone-file export all
 * read the zone through here.
 *
 * Pure module: no Pulumi imports.
 */
import { resourceTypes } from "../resourceTypes";
import { normalizeName, ProviderName, recordsFromResources } from "./compare";
import type { ZoneView } from "./wireSize";

export const route53ZoneType = resourceTypes.route53Zone;
export const cloudflareZoneType = resourceTypes.cloudflareZone;

/** Name servers a zone's view assumes when the resource has none yet (Route 53: 4 names of this length, Cloudflare: 2). */
export const placeholderNameServers: Record<ProviderName, string[]> = {
  route53: ["ns-1536.awsdns-32.co.uk", "ns-1024.awsdns-32.org", "ns-512.awsdns-32.net", "ns-0.awsdns-32.com"],
  cloudflare: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
};

/** One view per provider zone found among the resources (inputs or outputs: `name`, `nameServers`). */
export function zoneViews(resources: { type: string; inputs: Record<string, any> }[]): ZoneView[] {
  const records = recordsFromResources(resources);
  const views: ZoneView[] = [];
  for (const r of resources) {
    const provider: ProviderName | undefined = r.type === route53ZoneType ? "route53" : r.type === cloudflareZoneType ? "cloudflare" : undefined;
    if (!provider || typeof r.inputs.name !== "string") continue;
    const apex = normalizeName(r.inputs.name);
    const zoneRecords = records.filter((x) => x.provider === provider && (x.name === apex || x.name.endsWith(`.${apex}`)));
    // The apex NS set a server puts in its authority sections: the declared one when the stack
    // publishes it (active-active lists both providers' servers), else the zone's own.
    const apexNs = zoneRecords.find((x) => x.name === apex && x.type === "NS" && x.values.length > 0);
    const own = Array.isArray(r.inputs.nameServers) && r.inputs.nameServers.length > 0 ? r.inputs.nameServers.map(String) : placeholderNameServers[provider];
    views.push({
      provider,
      apex,
      nameServers: (apexNs?.values ?? own).map(normalizeName),
      records: zoneRecords,
    });
  }
  return views;
}

/** The URN of the zone resource a view was read from (empty when the resources carry none). */
export function zoneUrnOf(resources: { type: string; inputs: Record<string, any>; urn?: string }[], view: Pick<ZoneView, "provider" | "apex">): string {
  const type = view.provider === "route53" ? route53ZoneType : cloudflareZoneType;
  return resources.find((r) => r.type === type && typeof r.inputs.name === "string" && normalizeName(r.inputs.name) === view.apex)?.urn ?? "";
}
