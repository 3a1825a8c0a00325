/**
 * disallow-default-security-group-rules — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts.
 *
 * Every VPC's default security group is adopted by the stack (`aws.ec2.DefaultSecurityGroup`) with
 * no ingress and no egress rule: AWS creates it admitting everything from itself and sending
 * everywhere, and anything launched without a group lands in it. A stack policy: a VPC without an
 * adopted default group is a violation, as is an adopted one with rules.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { refersTo } from "../stackRefs";

const fix = `Declare aws.ec2.DefaultSecurityGroup { vpcId } with no ingress and no egress (IngestNetwork does). ${cite("disallow-default-security-group-rules", "empty")}`;

export function judgeDefaultGroupRules(group: string, ingress: unknown[] | undefined, egress: unknown[] | undefined): string | undefined {
  const rules = (ingress?.length ?? 0) + (egress?.length ?? 0);
  if (rules === 0) return undefined;
  return `default security group ${group} has ${ingress?.length ?? 0} ingress and ${egress?.length ?? 0} egress rule(s); required are 0. ${fix}`;
}

export const disallowDefaultSecurityGroupRules: StackValidationPolicy = {
  name: "disallow-default-security-group-rules",
  description: "Every VPC's default security group is adopted with no rules.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const defaults = args.resources.filter((r) => r.isType(aws.ec2.DefaultSecurityGroup));
    for (const group of defaults) {
      const props = group.asType(aws.ec2.DefaultSecurityGroup)!;
      const message = judgeDefaultGroupRules(group.name, props.ingress, props.egress);
      if (message) reportViolation(message, group.urn);
    }
    for (const vpc of args.resources.filter((r) => r.isType(aws.ec2.Vpc))) {
      if (!defaults.some((g) => refersTo(g, "vpcId", g.props.vpcId, vpc, ["id"]))) {
        reportViolation(`VPC ${vpc.name}'s default security group is not declared, so it keeps AWS's allow-all rules. ${fix}`, vpc.urn);
      }
    }
  },
};
