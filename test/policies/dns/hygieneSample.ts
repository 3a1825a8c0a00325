/** A compliant two-provider zone for the DNS hygiene policies: CAA, DMARC, a null MX, SPF -all, records pointing at the stack's endpoints. */
import { caaValues, dmarcValue, noMailSpf, nullMx } from "../../../models/dns/hygiene";
import { resourceTypes } from "../../../models/resourceTypes";
import type { Subject } from "../harness";

export const cdnDomain = "d111111abcdef8.cloudfront.net";
export const nlbDnsName = "ingest-0123.elb.us-east-1.amazonaws.com";

/** One record set in both providers: Route 53 one resource, Cloudflare one a value. */
export function inBoth(name: string, type: string, values: string[], ttl = 3600): Subject[] {
  const cloudflare = values.map((value, i): Subject => {
    const fields =
      type === "MX"
        ? { content: value.split(/\s+/)[1], priority: Number(value.split(/\s+/)[0]) }
        : type === "CAA"
          ? { data: (([, flags, tag, v]) => ({ flags: Number(flags), tag, value: v }))(/^(\d+) (\S+) "(.*)"$/.exec(value)!) }
          : { content: type === "TXT" ? `"${value}"` : value };
    return { type: resourceTypes.cloudflareDnsRecord, name: `cloudflare-${type}-${name}-${i + 1}`, props: { zoneId: "z", name, type, ttl, ...fields } };
  });
  return [{ type: resourceTypes.route53Record, name: `route53-${type}-${name}`, props: { zoneId: "Z", name, type, ttl, records: values } }, ...cloudflare];
}

export function hygieneStack(): Subject[] {
  return [
    { type: resourceTypes.route53Zone, name: "route53-zone", props: { name: "example.com", nameServers: ["ns-1.awsdns-1.com"] } },
    { type: resourceTypes.cloudflareZone, name: "cloudflare-zone", props: { name: "example.com", nameServers: ["ada.ns.cloudflare.com"] } },
    { type: resourceTypes.cloudfrontDistribution, props: { aliases: ["cdn.example.com"], domainName: cdnDomain } },
    { type: resourceTypes.lbLoadBalancer, props: { dnsName: nlbDnsName } },
    ...inBoth("example.com", "CAA", caaValues({})),
    ...inBoth("_dmarc.example.com", "TXT", [dmarcValue({ policy: "reject" })]),
    ...inBoth("example.com", "MX", [nullMx]),
    ...inBoth("example.com", "TXT", [noMailSpf]),
    ...inBoth("cdn.example.com", "CNAME", [cdnDomain], 60),
  ];
}

/** The sample with one provider's record set of `name type` replaced (Route 53 `records`, or Cloudflare's values). */
export function replaced(stack: Subject[], name: string, type: string, values: string[] | undefined, provider: "route53" | "cloudflare" | "both" = "both"): Subject[] {
  const matches = (s: Subject) => s.props.name === name && s.props.type === type;
  const r53 = (s: Subject) => s.type === resourceTypes.route53Record;
  const kept = stack.filter((s) => !matches(s) || (provider === "route53" && !r53(s)) || (provider === "cloudflare" && r53(s)));
  if (!values) return kept;
  const fresh = inBoth(name, type, values, 3600).filter((s) => provider === "both" || (provider === "route53") === r53(s));
  return [...kept, ...fresh];
}
