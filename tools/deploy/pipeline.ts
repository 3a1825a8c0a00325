/**
 * What a deploy job of `.github/workflows/deploy.yml` waits on, so its timeout covers it: the
 * certificates' validation (the provider waits up to its create timeout for ACM to issue them, on
 * the first delegated deploy and every deploy that adds a region), then the instance refreshes the
 * update starts (`npm run wait-instance-refresh`). A job cut off by its timeout mid-`pulumi up`
 * leaves the stack locked and half updated.
 *
 * Pure module: no Pulumi imports.
 */
import { awsLine } from "../../models/providerSources";

export const deployWaits = {
  /** `aws_acm_certificate_validation`'s default create timeout. */
  certificateValidationMinutes: { minutes: 75, cite: `${awsLine("acm/certificate_validation.go", 36)} schema.DefaultTimeout(75 * time.Minute)` },
  /** How long the pipeline waits for the instance refreshes (`--timeout-minutes` of `wait-instance-refresh`). */
  instanceRefreshMinutes: { minutes: 40, cite: "a refresh of a region's hosts at 90% minimum healthy, 180 s warm-up each, with room" },
  /** Install, offline plan, drift check and preview. */
  setupMinutes: { minutes: 15, cite: "measured CI steps before `pulumi up`, with room" },
} as const;

/** The shortest timeout a deploy job can have: everything it waits on, in a row. */
export function minimumDeployJobMinutes(): number {
  return Object.values(deployWaits).reduce((sum, w) => sum + w.minutes, 0);
}
