/**
 * enable-kms-key-rotation — mandatory. Security baseline; no post-mortem of its own.
 *
 * Catalog controls: Checkov CKV_AWS_7; trivy AVD-AWS-0065; Security Hub KMS.4.
 *
 * Every symmetric customer-managed KMS key (the alarm topic's key) rotates its key material
 * (`enableKeyRotation: true`), at most yearly (`rotationPeriodInDays`, 90–365, default 365).
 * Asymmetric and HMAC keys cannot rotate in KMS and are not judged.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const maximumRotationDays = 365;

export function judgeKeyRotation(key: string, spec: string | undefined, enabled: boolean | undefined, periodDays: number | undefined): string | undefined {
  if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return undefined;
  const fix = `Set enableKeyRotation: true (rotationPeriodInDays at most ${maximumRotationDays}). Security baseline (KMS.4, CKV_AWS_7, AVD-AWS-0065).`;
  if (enabled !== true) return `KMS key ${key} does not rotate its key material (enableKeyRotation is ${enabled ?? "not set"}). ${fix}`;
  if (periodDays !== undefined && periodDays > maximumRotationDays) {
    return `KMS key ${key} rotates every ${periodDays} days; the limit is ${maximumRotationDays}. ${fix}`;
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
