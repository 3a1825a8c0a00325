/**
 * enable-cdn-waf — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Every distribution has a WAF web ACL in front of it (`webAclId`). The snippet's distribution
 * serves one static script, so it takes the waiver `cdn-static-script-waf`, whose condition
 * (GET, HEAD and OPTIONS only; S3 origins through origin access control only) this policy checks
 * on every plan: a distribution that starts taking writes or serving an application loses the
 * waiver. Controls: policies/metadata.ts.
 */
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";

const name = "enable-cdn-waf";

export const enableCdnWaf = stackRulePolicy({
  name,
  description: "Every CloudFront distribution has a WAF web ACL, unless a waiver whose condition holds covers it.",
  types: [resourceTypes.cloudfrontDistribution],
  waivable: true,
  judge: (distribution) =>
    typeof distribution.props.webAclId === "string" && distribution.props.webAclId !== ""
      ? undefined
      : `distribution ${distribution.name} has no WAF web ACL (webAclId); required is one, or a waiver whose condition holds (policies/waivers.ts). ` +
        `Associate a WAFv2 web ACL through webAclId. ${cite(name, "webAcl")}`,
});
