/**
 * enforce-drain-before-terminate — mandatory. Incident 003 (hosts replaced mid-request).
 *
 * A leaving host drains: its drain file turns its health check to 404, the load balancer stops
 * sending it new connections, and it finishes what is in flight before EC2 Auto Scaling terminates
 * it. Two resources must give it that time, judged as declared (hand edits too):
 * - the termination lifecycle hook's `heartbeatTimeout` must exceed the drain its metadata carries
 *   (`{"drainSeconds": N}`): when the heartbeat runs out first, the host is terminated mid-drain;
 * - the target group must not reset the connections of an unhealthy target
 *   (`targetHealthStates[].enableUnhealthyConnectionTermination: false`) and must keep them for at
 *   least its deregistration delay (`unhealthyDrainingInterval`): the NLB default resets them the
 *   moment the drain file fails the health check
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health.html).
 */
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { readDrainHookMetadata } from "../../models/ingestRegion/layout";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

const incident = "incident 003: hosts replaced mid-request";

/** The violation of a termination hook, or undefined when its heartbeat outlasts its drain. */
export function judgeDrainHook(hook: string, props: { lifecycleTransition?: string; heartbeatTimeout?: number; notificationMetadata?: string }): string | undefined {
  if (props.lifecycleTransition !== "autoscaling:EC2_INSTANCE_TERMINATING") return undefined;
  const drainSeconds = readDrainHookMetadata(props.notificationMetadata);
  if (drainSeconds === undefined) return undefined;
  // The lifecycle hook's default heartbeat is 3600 s (AWS PutLifecycleHook API reference).
  const heartbeat = props.heartbeatTimeout ?? 3600;
  if (heartbeat > drainSeconds) return undefined;
  return (
    `lifecycle hook ${hook} gives a terminating host ${heartbeat} s (heartbeatTimeout), its drain takes ${drainSeconds} s: ` +
    `the host is terminated before it finishes its in-flight requests. Set heartbeatTimeout above ${drainSeconds} (the program sets drain + 30 s). ${incident}`
  );
}

/** The violations of a target group's unhealthy-target handling against its deregistration delay. */
export function judgeUnhealthyDraining(
  targetGroup: string,
  props: { protocol?: string; deregistrationDelay?: number | string; targetHealthStates?: { enableUnhealthyConnectionTermination?: boolean; unhealthyDrainingInterval?: number }[] },
): string | undefined {
  if (props.protocol !== "TCP" && props.protocol !== "TLS") return undefined;
  const drainSeconds = Number(props.deregistrationDelay ?? 300);
  const state = props.targetHealthStates?.[0];
  if (state?.enableUnhealthyConnectionTermination !== false) {
    return (
      `target group ${targetGroup} resets the connections of an unhealthy target (targetHealthStates.enableUnhealthyConnectionTermination is ${state ? String(state.enableUnhealthyConnectionTermination) : "not set, true by default"}): ` +
      `a draining host's in-flight requests are cut when its drain file fails the health check, before the ${drainSeconds} s deregistration delay. ` +
      `Set targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: ${drainSeconds} }]. ${incident}`
    );
  }
  const interval = state.unhealthyDrainingInterval ?? 0;
  if (interval >= drainSeconds) return undefined;
  return (
    `target group ${targetGroup} keeps an unhealthy target's connections ${interval} s (unhealthyDrainingInterval), the drain takes ${drainSeconds} s (deregistrationDelay): ` +
    `requests still in flight are reset. Set unhealthyDrainingInterval to at least ${drainSeconds}. ${incident}`
  );
}

export const enforceDrainBeforeTerminate: ResourceValidationPolicy = {
  name: "enforce-drain-before-terminate",
  description: "A terminating host keeps its connections for the whole drain: the hook's heartbeat and the target group's unhealthy draining outlast it (incident 003).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.autoscaling.LifecycleHook, (hook, args, reportViolation) => {
      const message = judgeDrainHook(hook.name ?? args.name, hook as Parameters<typeof judgeDrainHook>[1]);
      if (message) reportViolation(message);
    }),
    ofType(aws.lb.TargetGroup, (targetGroup, args, reportViolation) => {
      const message = judgeUnhealthyDraining(args.name, targetGroup as Parameters<typeof judgeUnhealthyDraining>[1]);
      if (message) reportViolation(message);
    }),
  ),
};
