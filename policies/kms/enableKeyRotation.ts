/**
 * enable-kms-key-rotation — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts.
 *
 * Every symmetric customer-managed KMS key (the alarm topic's key) rotates its key material
 * (`enableKeyRotation: true`), at most yearly (`rotationPeriodInDays`, 90–365, default 365).
 * Asymmetric and HMAC keys cannot rotate in KMS and are not judged.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const maximumRotationDays = 365;

export function judgeKeyRotation(key: string, spec: string | undefined, enabled: boolean | undefined, periodDays: number | undefined): string | undefined {
  if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return undefined;
  const fix = `Set enableKeyRotation: true (rotationPeriodInDays at most ${maximumRotationDays}).`;
  if (enabled !== true) return `KMS key ${key} does not rotate its key material (enableKeyRotation is ${enabled ?? "not set"}). ${fix} ${cite("enable-kms-key-rotation", "rotation")}`;
  if (periodDays !== undefined && periodDays > maximumRotationDays) {
    return `KMS key ${key} rotates every ${periodDays} days; the limit is ${maximumRotationDays}. ${fix} ${cite("enable-kms-key-rotation", "period")}`;
  }
  return undefined;
}

export const enableKeyRotation: ResourceValidationPolicy = {
  name: "enable-kms-key-rotation",
  description: "Symmetric KMS keys rotate their key material at least yearly.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
    const message = judgeKeyRotation(args.name, key.customerMasterKeySpec, key.enableKeyRotation, key.rotationPeriodInDays);
    if (message) reportViolation(message);
  }),
};
