import { describe, expect, it } from "vitest";
import { enforceDrainBeforeTerminate } from "../../../policies/availability/enforceDrainBeforeTerminate";
import { resourceTypes } from "../../../models/resourceTypes";
import { runResourcePolicy } from "../harness";

const hook = {
  type: resourceTypes.autoscalingLifecycleHook,
  props: {
    name: "drain-before-terminate",
    lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
    heartbeatTimeout: 90,
    defaultResult: "CONTINUE",
    notificationMetadata: JSON.stringify({ drainSeconds: 60 }),
  },
};
const targetGroup = {
  type: resourceTypes.lbTargetGroup,
  props: { protocol: "TCP", port: 80, deregistrationDelay: 60, targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 60 }] },
};

describe("enforce-drain-before-terminate", () => {
  it("accepts a hook whose heartbeat outlasts the drain, and a target group that keeps draining connections", async () => {
    expect(await runResourcePolicy(enforceDrainBeforeTerminate, hook)).toEqual([]);
    expect(await runResourcePolicy(enforceDrainBeforeTerminate, targetGroup)).toEqual([]);
  });

  it("refuses a hook whose heartbeat ends before the drain", async () => {
    expect(await runResourcePolicy(enforceDrainBeforeTerminate, { ...hook, props: { ...hook.props, heartbeatTimeout: 60 } })).toEqual([
      "lifecycle hook drain-before-terminate gives a terminating host 60 s (heartbeatTimeout), its drain takes 60 s: the host is terminated before it finishes its in-flight requests. " +
        "Set heartbeatTimeout above 60 (the program sets drain + 30 s). incident 003: hosts replaced mid-request",
    ]);
  });

  it("refuses a target group that resets an unhealthy target's connections (the NLB default)", async () => {
    const { targetHealthStates: _, ...props } = targetGroup.props;
    expect(await runResourcePolicy(enforceDrainBeforeTerminate, { ...targetGroup, props })).toEqual([
      "target group subject resets the connections of an unhealthy target (targetHealthStates.enableUnhealthyConnectionTermination is not set, true by default): " +
        "a draining host's in-flight requests are cut when its drain file fails the health check, before the 60 s deregistration delay. " +
        "Set targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 60 }]. incident 003: hosts replaced mid-request",
    ]);
  });

  it("refuses an unhealthy draining interval shorter than the deregistration delay", async () => {
    const props = { ...targetGroup.props, targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 20 }] };
    expect(await runResourcePolicy(enforceDrainBeforeTerminate, { ...targetGroup, props })).toEqual([
      "target group subject keeps an unhealthy target's connections 20 s (unhealthyDrainingInterval), the drain takes 60 s (deregistrationDelay): requests still in flight are reset. " +
        "Set unhealthyDrainingInterval to at least 60. incident 003: hosts replaced mid-request",
    ]);
  });
});
