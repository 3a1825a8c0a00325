/**
 * configure-cdn-geo-restriction — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Every distribution restricts the countries it serves (`restrictions.geoRestriction`). The
 * snippet must load wherever customers' visitors are, so the stack takes the waiver
 * `cdn-worldwide-script`, whose condition (a distribution that serves only static files) this
 * policy checks on every plan. Controls: policies/metadata.ts.
 */
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";

const name = "configure-cdn-geo-restriction";

export const configureGeoRestriction = stackRulePolicy({
  name,
  description: "Every CloudFront distribution restricts the countries it serves, unless a waiver whose condition holds covers it.",
  types: [resourceTypes.cloudfrontDistribution],
  waivable: true,
  judge(distribution) {
    const restriction = (distribution.props.restrictions as { geoRestriction?: { restrictionType?: string } } | undefined)?.geoRestriction?.restrictionType ?? "none";
    if (restriction !== "none") return undefined;
    return (
      `distribution ${distribution.name} serves every country (geoRestriction none); required is a restriction, or a waiver whose condition holds (policies/waivers.ts). ` +
      `Set restrictions.geoRestriction { restrictionType: "whitelist", locations: [...] }. ${cite(name, "geoRestriction")}`
    );
  },
});
