/**
 * disallow-subnet-public-ip — mandatory. Security baseline; no post-mortem of its own.
 *
 * No subnet gives what it launches a public address by itself (`mapPublicIpOnLaunch`,
 * `assignIpv6AddressOnCreation`): a launch template without a network interface takes its subnet's
 * choice, so a host launched there is on the internet without any line of the program saying so.
 * The load balancers take their Elastic IPs through subnet mappings, which this does not touch.
 * Controls: policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isFlagSet } from "../../models/aws/flags";
import { cite } from "../metadata";

const name = "disallow-subnet-public-ip";

export function judgeSubnetPublicIp(subnet: string, mapPublicIpv4: unknown, assignIpv6: unknown): string[] {
  const out: string[] = [];
  if (isFlagSet(mapPublicIpv4)) {
    out.push(
      `subnet ${subnet} gives every instance launched in it a public IPv4 address (mapPublicIpOnLaunch true; required false): a host whose launch template says nothing lands on the internet. ` +
        `Set mapPublicIpOnLaunch: false. ${cite(name, "ipv4")}`,
    );
  }
  if (isFlagSet(assignIpv6)) {
    out.push(`subnet ${subnet} gives every network interface a public IPv6 address (assignIpv6AddressOnCreation true; required false). Set assignIpv6AddressOnCreation: false. ${cite(name, "ipv6")}`);
  }
  return out;
}

export const disallowSubnetPublicIp: ResourceValidationPolicy = {
  name,
  description: "No subnet assigns public IPv4 or IPv6 addresses to what launches in it.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.ec2.Subnet, (subnet, args, reportViolation) => {
    for (const message of judgeSubnetPublicIp(args.name, subnet.mapPublicIpOnLaunch, subnet.assignIpv6AddressOnCreation)) reportViolation(message);
  }),
};
