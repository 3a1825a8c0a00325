/**
 * enable-vpc-flow-logs — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts.
 *
 * Every VPC of the stack has a flow log of this stack that records all traffic (`trafficType:
 * "ALL"`) into a destination (the region's log bucket), so a connection pile-up or a probe of the
 * hosts can be read afterwards. A stack policy: the flow log names its VPC by `vpcId`.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { refersTo } from "../stackRefs";

export const enableVpcFlowLogs: StackValidationPolicy = {
  name: "enable-vpc-flow-logs",
  description: "Every VPC has a flow log of all traffic.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const flowLogs = args.resources.filter((r) => r.isType(aws.ec2.FlowLog));
    for (const vpc of args.resources.filter((r) => r.isType(aws.ec2.Vpc))) {
      const logs = flowLogs.filter((f) => refersTo(f, "vpcId", f.props.vpcId, vpc, ["id"]));
      const fix = `Add an aws.ec2.FlowLog { vpcId, trafficType: "ALL", logDestinationType: "s3", logDestination: <the region's log bucket ARN> }. ${cite("enable-vpc-flow-logs", "flowLog")}`;
      if (logs.length === 0) {
        reportViolation(`VPC ${vpc.name} has 0 flow logs; required is 1 recording all traffic. ${fix}`, vpc.urn);
      } else if (!logs.some((f) => f.props.trafficType === "ALL")) {
        reportViolation(
          `VPC ${vpc.name}'s flow log records ${logs.map((f) => f.props.trafficType ?? "(not set)").join(", ")} traffic only; required is ALL (rejected connections are the probes). ${fix}`,
          vpc.urn,
        );
      }
    }
  },
};
