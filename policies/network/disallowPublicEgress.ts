/**
 * disallow-public-egress — mandatory. Security baseline; no post-mortem of its own.
 *
 * Catalog controls: Checkov CKV_AWS_382 (`SecurityGroupUnrestrictedEgressAll`: egress to
 * 0.0.0.0/0 on all ports; this policy refuses any port); trivy AVD-AWS-0104
 * (aws-ec2-no-public-egress-sgr). Security Hub's EC2 controls judge ingress (EC2.13, EC2.18,
 * EC2.19) and the default group (EC2.2), not a group's egress.
 *
 * No security group sends to the whole internet (0.0.0.0/0 or ::/0), on any protocol or port:
 * a host that can reach anywhere can send its data anywhere. The ingestion hosts reach only the
 * VPC endpoints' group, the S3 prefix list of the gateway endpoint and the datastore's networks
 * (`models/ingestRegion/egress.ts`). Judged on the three ways to write a rule: inline `egress` on
 * `aws.ec2.SecurityGroup`, `aws.ec2.SecurityGroupRule` of type `egress`, and
 * `aws.vpc.SecurityGroupEgressRule`.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ofType, validateResourceOfTypes } from "../resourceTypes";
import { cidrList, publicCidrs } from "../security/disallowPublicIngress";

export interface EgressSubject {
  /** e.g. `security group ingest-hosts egress[0]`. */
  what: string;
  /** `tcp`, `udp`, `icmp`, `-1`/`all`, or a protocol number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  destinations: string[];
}

const fix =
  "Send only where the group's members need to: a VPC endpoint's security group for AWS APIs, the S3 prefix list of a gateway endpoint, the datastore's CIDR blocks (IngestNetwork does). " +
  "Security baseline (CKV_AWS_382, AVD-AWS-0104).";

function portsOf(rule: EgressSubject): string {
  const protocol = String(rule.protocol).toLowerCase();
  if (protocol === "-1" || protocol === "all") return "every protocol and port";
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  return from === to ? `${protocol} ${from}` : `${protocol} ${from}-${to}`;
}

/** The violation for one egress rule, or undefined. */
export function judgeEgress(rule: EgressSubject): string | undefined {
  const open = rule.destinations.filter((d) => publicCidrs.has(d));
  if (open.length === 0) return undefined;
  return `${rule.what} sends ${portsOf(rule)} to ${open.join(" and ")}, every address there is; no security group may send to a /0 destination. ${fix}`;
}

export const disallowPublicEgress: ResourceValidationPolicy = {
  name: "disallow-public-egress",
  description: "Security groups send nothing to 0.0.0.0/0 or ::/0: egress goes to VPC endpoints, prefix lists and the datastore's networks.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.SecurityGroup, (group, args, reportViolation) => {
      (group.egress ?? []).forEach((rule, i) => {
        const message = judgeEgress({
          what: `security group ${group.name ?? args.name} egress[${i}]`,
          protocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          destinations: [...cidrList(rule.cidrBlocks), ...cidrList(rule.ipv6CidrBlocks)],
        });
        if (message) reportViolation(message);
      });
    }),
    ofType(aws.ec2.SecurityGroupRule, (rule, args, reportViolation) => {
      if (rule.type !== "egress") return;
      const message = judgeEgress({
        what: `security group rule ${args.name}`,
        protocol: rule.protocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        destinations: [...cidrList(rule.cidrBlocks), ...cidrList(rule.ipv6CidrBlocks)],
      });
      if (message) reportViolation(message);
    }),
    ofType(aws.vpc.SecurityGroupEgressRule, (rule, args, reportViolation) => {
      const message = judgeEgress({
        what: `security group egress rule ${args.name}`,
        protocol: rule.ipProtocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        destinations: [...cidrList(rule.cidrIpv4), ...cidrList(rule.cidrIpv6)],
      });
      if (message) reportViolation(message);
    }),
  ),
};
