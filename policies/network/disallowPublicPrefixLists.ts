/**
 * disallow-public-prefix-lists — mandatory. Security baseline; no post-mortem of its own.
 *
 * Egress through a prefix list goes where the list says: a managed prefix list of the stack that
 * holds a public network (0.0.0.0/0 included) turns a rule that reads "to the S3 endpoint" into
 * one to the internet, past disallow-public-egress, which reads only the rule. So every
 * `aws.ec2.ManagedPrefixList` (and `ManagedPrefixListEntry`) of the stack holds private networks
 * only; AWS-managed lists (a gateway endpoint's, `pl-…`) hold AWS's own service ranges. No catalog
 * resolves prefix lists.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { isPrivateIpv4Cidr, isPrivateIpv6Cidr } from "../../models/ingestRegion/egress";
import { cite } from "../metadata";
import { ofType, validateResourceOfTypes } from "../resourceTypes";

const name = "disallow-public-prefix-lists";

const isPrivate = (cidr: string) => (cidr.includes(":") ? isPrivateIpv6Cidr(cidr) : isPrivateIpv4Cidr(cidr));

export function judgePrefixListEntries(list: string, cidrs: string[]): string | undefined {
  const open = cidrs.filter((c) => !isPrivate(c));
  if (open.length === 0) return undefined;
  return (
    `prefix list ${list} holds ${open.length} public network(s), ${open.join(", ")}: every security group rule that sends to the list sends there, ` +
    `though the rule names no CIDR. Keep private networks only in the stack's prefix lists (for AWS services use the gateway endpoint's list). ${cite(name, "publicEntry")}`
  );
}

export const disallowPublicPrefixLists: ResourceValidationPolicy = {
  name,
  description: "The stack's managed prefix lists hold private networks only, so egress to a prefix list never reaches the internet.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(
    ofType(aws.ec2.ManagedPrefixList, (list, args, report) => {
      const message = judgePrefixListEntries(
        list.name ?? args.name,
        (list.entries ?? []).map((e) => e.cidr).filter((c): c is string => typeof c === "string"),
      );
      if (message) report(message);
    }),
    ofType(aws.ec2.ManagedPrefixListEntry, (entry, args, report) => {
      const message = judgePrefixListEntries(`entry ${args.name}`, typeof entry.cidr === "string" ? [entry.cidr] : []);
      if (message) report(message);
    }),
  ),
};
