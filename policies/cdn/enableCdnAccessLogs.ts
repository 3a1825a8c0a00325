/**
 * enable-cdn-access-logs — mandatory, waivable. Security baseline; no post-mortem of its own.
 *
 * Every distribution has CloudFront's legacy standard logging into a bucket (`loggingConfig`),
 * the only logging the catalogs read. This stack logs through CloudWatch log delivery (standard
 * logging v2) instead, so it takes the waiver `cdn-legacy-logging`, whose condition (the v2
 * delivery into a bucket of the stack) this policy checks on every plan. Controls:
 * policies/metadata.ts.
 */
import { resourceTypes } from "../../models/resourceTypes";
import { cite } from "../metadata";
import { stackRulePolicy } from "../stackRule";

const name = "enable-cdn-access-logs";

export const enableCdnAccessLogs = stackRulePolicy({
  name,
  description: "Every CloudFront distribution logs its requests (legacy standard logging), unless a waiver whose condition holds covers it.",
  types: [resourceTypes.cloudfrontDistribution],
  waivable: true,
  judge: (distribution) =>
    (distribution.props.loggingConfig as { bucket?: unknown } | undefined)?.bucket
      ? undefined
      : `distribution ${distribution.name} has no legacy standard logging (loggingConfig); required is a logging bucket, or a waiver whose condition holds (policies/waivers.ts). ` +
        `Give it loggingConfig { bucket }, or deliver its access logs through CloudWatch log delivery and take the waiver cdn-legacy-logging. ${cite(name, "legacyLogging")}`,
});
