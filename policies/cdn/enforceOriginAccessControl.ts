/**
 * enforce-origin-access-control — mandatory. Incident 000: the snippet comes from the CDN only.
 *
 * Controls: policies/metadata.ts. (Security Hub's older control that asked for an origin access
 * identity is retired, and listed as uncitable in policies/controls.ts.)
 *
 * Every S3 origin of a distribution (an origin without `customOriginConfig`) reads its bucket
 * through origin access control (`originAccessControlId`), never through a legacy origin access
 * identity (`s3OriginConfig.originAccessIdentity`) or unsigned: without it the bucket must be
 * public for CloudFront to read, and disallow-public-bucket refuses that.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";

export interface OriginSubject {
  originId: string;
  originAccessControlId?: string;
  originAccessIdentity?: string;
  custom: boolean;
}

export function judgeOriginAccess(distribution: string, origins: OriginSubject[]): string[] {
  const fix = 'Set originAccessControlId to an aws.cloudfront.OriginAccessControl (originAccessControlOriginType "s3", signingBehavior "always").';
  const out: string[] = [];
  for (const origin of origins.filter((o) => !o.custom)) {
    if (origin.originAccessIdentity) {
      out.push(
        `distribution ${distribution}: S3 origin ${origin.originId} reads through origin access identity ${origin.originAccessIdentity}, the legacy mechanism; required is origin access control. ` +
          `${fix} ${cite("enforce-origin-access-control", "legacyIdentity")} ${incidentNote("snippetOnApiHosts")}`,
      );
    } else if (!origin.originAccessControlId) {
      out.push(
        `distribution ${distribution}: S3 origin ${origin.originId} has no origin access control, so its bucket would have to be public. ${fix} ` +
          `${cite("enforce-origin-access-control", "unsigned")} ${incidentNote("snippetOnApiHosts")}`,
      );
    }
  }
  return out;
}

export const enforceOriginAccessControl: ResourceValidationPolicy = {
  name: "enforce-origin-access-control",
  description: "CloudFront reads every S3 origin through origin access control (incident 000).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, args, reportViolation) => {
    const origins = (distribution.origins ?? []).map((o) => ({
      originId: o.originId,
      originAccessControlId: o.originAccessControlId,
      originAccessIdentity: o.s3OriginConfig?.originAccessIdentity,
      custom: o.customOriginConfig !== undefined,
    }));
    for (const message of judgeOriginAccess(args.name, origins)) reportViolation(message);
  }),
};
