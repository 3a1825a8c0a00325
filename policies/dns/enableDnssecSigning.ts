/**
 * enable-dnssec-signing — mandatory, waivable. Incident 001.
 *
 * Every public Route 53 zone is signed (an `aws.route53.HostedZoneDnsSec` naming it, signing), as
 * the catalogs ask. While Route 53 and Cloudflare both serve the zone it cannot be (Route 53 takes
 * no part in multi-signer DNSSEC: disallow-half-signed-zone refuses a half-signed zone), so the
 * stack takes the waiver `dnssec-two-providers`, whose condition (both providers serve the zone)
 * this policy checks on every plan: once one provider serves the zone alone, the waiver stops
 * holding and signing is due. Controls: policies/metadata.ts.
 */
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";
import { refersTo } from "../stackRefs";

const name = "enable-dnssec-signing";

export const enableDnssecSigning = stackRulePolicy({
  name,
  description: "Every public Route 53 zone is DNSSEC-signed, unless a waiver whose condition holds covers it.",
  types: [resourceTypes.route53Zone],
  waivable: true,
  judge(zone, stack) {
    if (Array.isArray(zone.props.vpcs) && zone.props.vpcs.length > 0) return undefined;
    const signed = stack.some(
      (r) =>
        r.type === resourceTypes.route53HostedZoneDnsSec &&
        refersTo(r, "hostedZoneId", r.props.hostedZoneId, zone, ["zoneId", "id"]) &&
        String(r.props.signingStatus ?? "SIGNING").toUpperCase() === "SIGNING",
    );
    if (signed) return undefined;
    return (
      `Route 53 zone ${zone.name} (${zone.props.name ?? "?"}) is not DNSSEC-signed; required is signing, or a waiver whose condition holds (policies/waivers.ts). ` +
      `Sign it with an aws.route53.KeySigningKey and aws.route53.HostedZoneDnsSec once one provider serves the zone alone. ${cite(name, "signing")}`
    );
  },
});
