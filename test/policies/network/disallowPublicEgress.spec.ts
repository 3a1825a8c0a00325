import { describe, expect, it } from "vitest";
import { disallowPublicEgress, judgeEgress } from "../../../policies/network/disallowPublicEgress";
import { resourceTypes } from "../../../models/resourceTypes";
import { runResourcePolicy } from "../harness";

const limit = "allowed are 0: only private networks (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), prefix lists and security groups.";
const fix =
  "Send only where the group's members need to: a VPC endpoint's security group for AWS APIs, the S3 prefix list of a gateway endpoint, the datastore's private networks (IngestNetwork does).";
/** What each case cites: a /0 on one port (AVD-AWS-0104 only), on every port (CKV_AWS_382 too), or another public network (no catalog). */
const toInternet = "Security baseline (AVD-AWS-0104).";
const everything = "Security baseline (CKV_AWS_382, AVD-AWS-0104).";
const elsewhere = "Security baseline.";
const run = (type: string, props: Record<string, unknown>, name = "ingest-hosts-out") => runResourcePolicy(disallowPublicEgress, { type, name, props });

/** The hosts' egress as IngestNetwork declares it: to the endpoints' group, the S3 prefix list, the datastore. */
const compliant = [
  { securityGroupId: "sg-hosts", ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: "sg-endpoints" },
  { securityGroupId: "sg-hosts", ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: "pl-63a5400a" },
  { securityGroupId: "sg-hosts", ipProtocol: "tcp", fromPort: 6432, toPort: 6432, cidrIpv4: "10.100.0.0/16" },
];

describe("disallow-public-egress", () => {
  it("accepts egress to a security group, a prefix list and private networks", async () => {
    for (const rule of compliant) expect(await run(resourceTypes.vpcSecurityGroupEgressRule, rule)).toEqual([]);
    expect(await run(resourceTypes.vpcSecurityGroupEgressRule, { ...compliant[2], cidrIpv4: undefined, cidrIpv6: "fd12:3456:789a::/48" })).toEqual([]);
    expect(await run(resourceTypes.ec2SecurityGroup, { name: "hosts", egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8", "172.16.0.0/12"] }] })).toEqual([]);
  });

  it("refuses a standalone egress rule to 0.0.0.0/0 or ::/0, on one port as on all", async () => {
    expect(await run(resourceTypes.vpcSecurityGroupEgressRule, { ...compliant[0], referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" })).toEqual([
      `security group egress rule ingest-hosts-out sends tcp 443 to 1 public network(s), 0.0.0.0/0 (the whole internet); ${limit} ${fix} ${toInternet}`,
    ]);
    expect(await run(resourceTypes.vpcSecurityGroupEgressRule, { securityGroupId: "sg-hosts", ipProtocol: "-1", cidrIpv6: "::/0" })).toEqual([
      `security group egress rule ingest-hosts-out sends every protocol and port to 1 public network(s), ::/0 (the whole internet); ${limit} ${fix} ${everything}`,
    ]);
  });

  it("refuses what the catalogs let through: the internet as two halves, or one public address", async () => {
    expect(await run(resourceTypes.ec2SecurityGroup, { name: "hosts", egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }] })).toEqual([
      `security group hosts egress[0] sends tcp 443 to 2 public network(s), 0.0.0.0/1, 128.0.0.0/1; ${limit} ${fix} ${elsewhere}`,
    ]);
    expect(await run(resourceTypes.vpcSecurityGroupEgressRule, { ...compliant[2], cidrIpv4: "203.0.113.7/32" })).toEqual([
      `security group egress rule ingest-hosts-out sends tcp 6432 to 1 public network(s), 203.0.113.7/32; ${limit} ${fix} ${elsewhere}`,
    ]);
    expect(await run(resourceTypes.vpcSecurityGroupEgressRule, { ...compliant[2], cidrIpv4: undefined, cidrIpv6: "2001:db8::/32" })).toHaveLength(1);
  });

  it("refuses inline egress and SecurityGroupRule egress alike, and leaves ingress to disallow-public-ingress", async () => {
    expect(await run(resourceTypes.ec2SecurityGroup, { name: "hosts", egress: [{ protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] }] })).toEqual([
      `security group hosts egress[0] sends tcp 80-443 to 1 public network(s), 0.0.0.0/0 (the whole internet); ${limit} ${fix} ${toInternet}`,
    ]);
    const rule = { type: "egress", securityGroupId: "sg-hosts", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] };
    expect(await run(resourceTypes.ec2SecurityGroupRule, rule)).toEqual([
      `security group rule ingest-hosts-out sends tcp 443 to 1 public network(s), 0.0.0.0/0 (the whole internet); ${limit} ${fix} ${toInternet}`,
    ]);
    expect(await run(resourceTypes.ec2SecurityGroupRule, { ...rule, type: "ingress" })).toEqual([]);
  });

  it("names every public range a rule sends to, IPv4 and IPv6", () => {
    expect(judgeEgress({ what: "rule r", protocol: "udp", fromPort: 53, toPort: 53, ipv4: ["0.0.0.0/0", "10.0.0.0/8"], ipv6: ["::/0"] })).toMatch(
      /^rule r sends udp 53 to 2 public network\(s\), 0\.0\.0\.0\/0 \(the whole internet\), ::\/0 \(the whole internet\);/,
    );
  });
});
