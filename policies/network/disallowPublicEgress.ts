/**
 * disallow-public-egress — mandatory. Security baseline; no post-mortem of its own.
 *
 * Controls: policies/metadata.ts (the catalogs refuse egress to a /0; another public network
 * cites none). Security Hub's EC2 controls judge ingress and the default group, not egress. A
 * prefix list that holds a public network is disallow-public-prefix-lists'.
 *
 * No security group sends to a public address, on any protocol or port: a host that can reach the
 * internet can send its data there. Stronger than both catalogs, which refuse only /0: two /1
 * blocks, or one attacker's address, pass them. Egress goes to private networks (RFC 1918, RFC 6598
 * and IPv6 unique local addresses), to prefix lists and to security groups; the ingestion hosts
 * reach the VPC endpoints' group, the S3 prefix list of the gateway endpoint and the datastore's
 * private networks (`models/ingestRegion/egress.ts`). Judged on the three ways to write a rule:
 * inline `egress` on `aws.ec2.SecurityGroup`, `aws.ec2.SecurityGroupRule` of type `egress`, and
 * `aws.vpc.SecurityGroupEgressRule`.
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";
import { isPrivateIpv4Cidr, isPrivateIpv6Cidr, privateIpv4Ranges, privateIpv6Range } from "../../models/ingestRegion/egress";
import { cidrList, publicCidrs } from "../security/disallowPublicIngress";

export interface EgressSubject {
  /** e.g. `security group ingest-hosts egress[0]`. */
  what: string;
  /** `tcp`, `udp`, `icmp`, `-1`/`all`, or a protocol number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  /** IPv4 CIDR blocks the rule sends to. */
  ipv4: string[];
  /** IPv6 CIDR blocks the rule sends to. */
  ipv6: string[];
}

const name = "disallow-public-egress";

const fix =
  "Send only where the group's members need to: a VPC endpoint's security group for AWS APIs, the S3 prefix list of a gateway endpoint, the datastore's private networks (IngestNetwork does).";

function portsOf(rule: EgressSubject): string {
  const protocol = String(rule.protocol).toLowerCase();
  if (protocol === "-1" || protocol === "all") return "every protocol and port";
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  return from === to ? `${protocol} ${from}` : `${protocol} ${from}-${to}`;
}

/** A public destination as the message names it: a /0 is the whole internet. */
function described(cidr: string): string {
  return publicCidrs.has(cidr) ? `${cidr} (the whole internet)` : cidr;
}

/** The metadata check a finding is: to a /0 on every port, to a /0, or to another public network. */
function egressCheck(rule: EgressSubject, open: string[]): string {
  if (!open.some((c) => publicCidrs.has(c))) return "publicNetwork";
  return ["-1", "all"].includes(String(rule.protocol).toLowerCase()) ? "wholeInternetEveryPort" : "wholeInternet";
}

/** The violation for one egress rule, or undefined. */
export function judgeEgress(rule: EgressSubject): string | undefined {
  const open = [...rule.ipv4.filter((c) => !isPrivateIpv4Cidr(c)), ...rule.ipv6.filter((c) => !isPrivateIpv6Cidr(c))];
  if (open.length === 0) return undefined;
  return (
    `${rule.what} sends ${portsOf(rule)} to ${open.length} public network(s), ${open.map(described).join(", ")}; allowed are 0: ` +
    `only private networks (${privateIpv4Ranges.join(", ")}, ${privateIpv6Range}), prefix lists and security groups. ${fix} ${cite(name, egressCheck(rule, open))}`
  );
}

/** Reports one rule's violation, whichever way the rule is written. */
function reportEgress(report: ReportViolation, what: string, protocol: string, fromPort: number | undefined, toPort: number | undefined, ipv4: unknown, ipv6: unknown) {
  const message = judgeEgress({ what, protocol, fromPort, toPort, ipv4: cidrList(ipv4), ipv6: cidrList(ipv6) });
  if (message) report(message);
}

export const disallowPublicEgress: ResourceValidationPolicy = {
  name,
  description: "Security groups send nothing to public addresses (0.0.0.0/0 and ::/0 included): egress goes to private networks, prefix lists and security groups.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.SecurityGroup, (group, args, report) => {
      (group.egress ?? []).forEach((rule, i) =>
        reportEgress(report, `security group ${group.name ?? args.name} egress[${i}]`, rule.protocol, rule.fromPort, rule.toPort, rule.cidrBlocks, rule.ipv6CidrBlocks),
      );
    }),
    ofType(aws.ec2.SecurityGroupRule, (rule, args, report) => {
      if (rule.type === "egress") reportEgress(report, `security group rule ${args.name}`, rule.protocol, rule.fromPort, rule.toPort, rule.cidrBlocks, rule.ipv6CidrBlocks);
    }),
    ofType(aws.vpc.SecurityGroupEgressRule, (rule, args, report) => {
      reportEgress(report, `security group egress rule ${args.name}`, rule.ipProtocol, rule.fromPort, rule.toPort, rule.cidrIpv4, rule.cidrIpv6);
    }),
  ),
};
