/**
 * enable-lb-deletion-protection — mandatory. Incident 001: the load balancers' Elastic IPs are
 * the addresses the secondary DNS provider publishes; a deleted load balancer takes traffic with it.
 *
 * Controls: policies/metadata.ts.
 *
 * Every load balancer has `enableDeletionProtection: true`, so neither a hand edit nor a mistaken
 * replacement deletes a region's entry point. Removing a region lifts it first (docs/runbook.md,
 * "Removing a region"). Judged on `aws.lb.LoadBalancer` and its alias `aws.alb.LoadBalancer`.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

export function judgeDeletionProtection(name: string, enabled: boolean | undefined): string | undefined {
  if (enabled === true) return undefined;
  return (
    `load balancer ${name} has deletion protection ${enabled === false ? "off" : "off (enableDeletionProtection not set; the AWS default is false)"}; required is on. ` +
    `Set enableDeletionProtection: true (docs/runbook.md "Removing a region" says how to lift it). ` +
    `${cite("enable-lb-deletion-protection", "deletionProtection")} Incident 001: the region's static addresses are what the secondary DNS provider publishes.`
  );
}

export const enableDeletionProtection: ResourceValidationPolicy = {
  name: "enable-lb-deletion-protection",
  description: "Load balancers have deletion protection on.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ...[aws.lb.LoadBalancer, aws.alb.LoadBalancer].map((resourceClass) =>
      ofType(resourceClass, (lb, args, reportViolation) => {
        const message = judgeDeletionProtection(args.name, lb.enableDeletionProtection);
        if (message) reportViolation(message);
      }),
    ),
  ),
};
