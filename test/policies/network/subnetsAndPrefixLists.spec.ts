/** Subnets that hand out public addresses, and prefix lists that hold public networks. */
import { describe, expect, it } from "vitest";
import { resourceTypes as t } from "../../../models/resourceTypes";
import { disallowPublicPrefixLists } from "../../../policies/network/disallowPublicPrefixLists";
import { disallowSubnetPublicIp } from "../../../policies/network/disallowSubnetPublicIp";
import { runResourcePolicy } from "../harness";

describe("disallow-subnet-public-ip", () => {
  const run = (props: Record<string, unknown>) =>
    runResourcePolicy(disallowSubnetPublicIp, { type: t.ec2Subnet, props: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/20", ...props }, name: "ingest-public-1" });
  it("accepts a subnet that assigns nothing, and refuses IPv4 and IPv6 auto-assignment, as boolean or string", async () => {
    expect(await run({})).toEqual([]);
    expect(await run({ mapPublicIpOnLaunch: true })).toEqual([
      "subnet ingest-public-1 gives every instance launched in it a public IPv4 address (mapPublicIpOnLaunch true; required false): a host whose launch template says nothing lands on the internet. " +
        "Set mapPublicIpOnLaunch: false. Security baseline (EC2.15, CKV_AWS_130, AVD-AWS-0164).",
    ]);
    expect(await run({ assignIpv6AddressOnCreation: "true" })).toEqual([expect.stringMatching(/public IPv6 address .*Security baseline \(EC2\.15\)\.$/)]);
  });
});

describe("disallow-public-prefix-lists", () => {
  it("accepts private networks and refuses a list or an entry that holds a public one", async () => {
    const list = (cidrs: string[]) => ({
      type: "aws:ec2/managedPrefixList:ManagedPrefixList",
      props: { name: "datastores", addressFamily: "IPv4", maxEntries: 4, entries: cidrs.map((cidr) => ({ cidr })) },
    });
    expect(await runResourcePolicy(disallowPublicPrefixLists, list(["10.100.0.0/16", "172.16.0.0/12"]))).toEqual([]);
    expect(await runResourcePolicy(disallowPublicPrefixLists, list(["10.100.0.0/16", "0.0.0.0/0"]))).toEqual([
      "prefix list datastores holds 1 public network(s), 0.0.0.0/0: every security group rule that sends to the list sends there, though the rule names no CIDR. " +
        "Keep private networks only in the stack's prefix lists (for AWS services use the gateway endpoint's list). Security baseline.",
    ]);
    expect(
      await runResourcePolicy(disallowPublicPrefixLists, { type: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry", props: { prefixListId: "pl-1", cidr: "8.8.8.8/32" }, name: "one" }),
    ).toHaveLength(1);
  });
});
