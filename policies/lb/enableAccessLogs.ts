/**
 * enable-lb-access-logs — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts, per kind of load balancer (Security Hub's logging control judges
 * Application and Classic load balancers, not Network ones).
 *
 * Every load balancer writes access logs (`accessLogs: { enabled: true, bucket }`) into a bucket.
 * A network load balancer logs its TLS listeners' connections (AWS writes no logs for plain TCP
 * listeners); the bucket, its encryption and its lifecycle rule are `LogBucket`'s (components/logBucket.ts). Judged on
 * `aws.lb.LoadBalancer` and its alias `aws.alb.LoadBalancer`.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

export interface AccessLogs {
  enabled?: boolean;
  bucket?: string;
}

export function judgeAccessLogs(name: string, logs: AccessLogs | undefined, loadBalancerType = "application"): string | undefined {
  if (logs?.enabled === true && logs.bucket !== "") return undefined;
  const state = !logs ? "accessLogs not set" : logs.enabled !== true ? `accessLogs.enabled is ${logs.enabled ?? "not set"}` : "accessLogs.bucket is empty";
  return (
    `load balancer ${name} writes no access logs (${state}); required is accessLogs.enabled true with a bucket. ` +
    `Set accessLogs: { enabled: true, bucket: <the region's log bucket>, prefix: "nlb" }. ${cite("enable-lb-access-logs", loadBalancerType === "application" ? "application" : "network")}`
  );
}

export const enableAccessLogs: ResourceValidationPolicy = {
  name: "enable-lb-access-logs",
  description: "Load balancers write access logs into a bucket.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ...[aws.lb.LoadBalancer, aws.alb.LoadBalancer].map((resourceClass) =>
      ofType(resourceClass, (lb, args, reportViolation) => {
        const message = judgeAccessLogs(args.name, lb.accessLogs, lb.loadBalancerType ?? "application");
        if (message) reportViolation(message);
      }),
    ),
  ),
};
