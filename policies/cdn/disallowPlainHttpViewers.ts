/**
 * disallow-plain-http-viewers — mandatory.
 *
 * No cache behavior of a CloudFront distribution may serve viewers over plain HTTP
 * (`viewerProtocolPolicy: allow-all`): `redirect-to-https` or `https-only` only. A snippet served
 * over HTTP can be rewritten on the way into every customer's page, and HTTPS pages refuse to load
 * it. Lesson `snippetOnApiHosts` of incident 000 (models/incidents.ts): the CDN the snippet moved
 * to must not be the weaker path.
 *
 * Controls: policies/metadata.ts.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { incidentNote } from "../../models/incidents";

export const allowedViewerProtocolPolicies: readonly string[] = ["redirect-to-https", "https-only"];

export interface ViewerBehavior {
  /** `default` or the behavior's path pattern. */
  label: string;
  viewerProtocolPolicy?: string;
}

/** One message per behavior that lets viewers in over plain HTTP. */
export function judgeViewerProtocols(distribution: string, behaviors: ViewerBehavior[]): string[] {
  return behaviors
    .filter((b) => !allowedViewerProtocolPolicies.includes(b.viewerProtocolPolicy ?? ""))
    .map(
      (b) =>
        `Distribution ${distribution}: the ${b.label} cache behavior has viewerProtocolPolicy ${b.viewerProtocolPolicy ?? "(unset)"}, ` +
        `allowed are ${allowedViewerProtocolPolicies.join(" or ")}. Set viewerProtocolPolicy to redirect-to-https. ${incidentNote("snippetOnApiHosts")} ${cite("disallow-plain-http-viewers", "viewerProtocol")}`,
    );
}

export const disallowPlainHttpViewers: ResourceValidationPolicy = {
  name: "disallow-plain-http-viewers",
  description: "CloudFront distributions serve viewers over HTTPS only: redirect-to-https or https-only (incident 000).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudfront.Distribution, (distribution, args, reportViolation) => {
    const behaviors: ViewerBehavior[] = [
      { label: "default", viewerProtocolPolicy: distribution.defaultCacheBehavior?.viewerProtocolPolicy },
      ...(distribution.orderedCacheBehaviors ?? []).map((b) => ({ label: b.pathPattern, viewerProtocolPolicy: b.viewerProtocolPolicy })),
    ];
    for (const message of judgeViewerProtocols(args.name, behaviors)) reportViolation(message);
  }),
};
