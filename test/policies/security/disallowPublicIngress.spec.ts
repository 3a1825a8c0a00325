import { describe, expect, it } from "vitest";
import { disallowPublicIngress } from "../../../policies/security/disallowPublicIngress";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const sgType = resourceTypes.ec2SecurityGroup;
const compliantGroup = {
  name: "ingest-hosts",
  ingress: [
    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
    { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.0.0.0/16"] },
  ],
};
const fix = "Narrow the rule to the load balancer's listener ports [443] or admit only the VPC's or the load balancer's addresses.";

function withRule(rule: Record<string, unknown>) {
  return { ...compliantGroup, ingress: [compliantGroup.ingress[0], rule] };
}

describe("disallow-public-ingress", () => {
  it("accepts the listener port from the world and anything from the VPC", async () => {
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props: compliantGroup })).toEqual([]);
  });

  it("refuses SSH from the world, even when policy config lists 22", async () => {
    const props = withRule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] });
    const expected = [
      `security group ingest-hosts ingress[1] opens tcp 22-22 from 0.0.0.0/0, including remote administration port 22, which is never public. ${fix} Security baseline (EC2.13, EC2.19, CKV_AWS_24, AVD-AWS-0107, EC2.18).`,
    ];
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props })).toEqual(expected);
    const configured = await runResourcePolicy(disallowPublicIngress, { type: sgType, props }, { allowedPublicPorts: [443, 22] });
    expect(configured).toHaveLength(1);
    expect(configured[0]).toContain("remote administration port 22");
  });

  it("refuses a port range beyond the listener ports, from ::/0 too", async () => {
    const props = withRule({ protocol: "tcp", fromPort: 80, toPort: 443, ipv6CidrBlocks: ["::/0"] });
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props })).toEqual([
      `security group ingest-hosts ingress[1] opens tcp 80-443 from ::/0: 363 port(s) (80, 81, 82, …) beyond the listener ports [443]. ${fix} Security baseline (EC2.18, CKV_AWS_260).`,
    ]);
  });

  it("refuses every protocol from the world", async () => {
    const props = withRule({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] });
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props })).toEqual([
      `security group ingest-hosts ingress[1] admits every protocol and port from 0.0.0.0/0; the world may reach only ports [443]. ${fix} Security baseline (EC2.18, EC2.19, CKV_AWS_277, EC2.13, CKV_AWS_24, AVD-AWS-0107, EC2.14, CKV_AWS_25, CKV_AWS_260).`,
    ]);
  });

  it("takes the listener ports from policy config", async () => {
    const props = withRule({ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] });
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props }, { allowedPublicPorts: [80, 443] })).toEqual([]);
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props })).toEqual([
      `security group ingest-hosts ingress[1] opens tcp 80-80 from 0.0.0.0/0: 1 port(s) (80) beyond the listener ports [443]. ${fix} Security baseline (CKV_AWS_260).`,
    ]);
  });

  it("refuses any UDP port from the world, the listener's too, citing the authorized-ports rule, which authorizes none", async () => {
    const quic = withRule({ protocol: "udp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] });
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props: quic })).toEqual([
      `security group ingest-hosts ingress[1] opens udp 443-443 from 0.0.0.0/0; the listeners take TCP only, so no UDP port is open to the world. ${fix} Security baseline (EC2.18).`,
    ]);
    const dns = withRule({ protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: ["0.0.0.0/0"] });
    expect(await runResourcePolicy(disallowPublicIngress, { type: sgType, props: dns })).toEqual([
      `security group ingest-hosts ingress[1] opens udp 53-53 from 0.0.0.0/0; the listeners take TCP only, so no UDP port is open to the world. ${fix} Security baseline (EC2.18).`,
    ]);
  });

  it("judges aws.ec2.SecurityGroupRule ingress and aws.vpc.SecurityGroupIngressRule", async () => {
    const rule = { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] };
    expect(await runResourcePolicy(disallowPublicIngress, { type: resourceTypes.ec2SecurityGroupRule, props: rule, name: "all-tcp" })).toEqual([
      `security group rule all-tcp opens tcp 0-65535 from 0.0.0.0/0, including remote administration port 22, 3389, which is never public. ${fix} Security baseline (EC2.13, EC2.19, CKV_AWS_24, AVD-AWS-0107, EC2.14, CKV_AWS_25, EC2.18, CKV_AWS_260).`,
    ]);
    expect(await runResourcePolicy(disallowPublicIngress, { type: resourceTypes.ec2SecurityGroupRule, props: { ...rule, type: "egress" }, name: "out" })).toEqual([]);
    const vpcRule = { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 8443, toPort: 8443, cidrIpv6: "::/0" };
    expect(await runResourcePolicy(disallowPublicIngress, { type: resourceTypes.vpcSecurityGroupIngressRule, props: vpcRule, name: "alt" })).toEqual([
      `security group ingress rule alt opens tcp 8443-8443 from ::/0: 1 port(s) (8443) beyond the listener ports [443]. ${fix} Security baseline (EC2.18).`,
    ]);
    const listener = { ...vpcRule, fromPort: 443, toPort: 443 };
    expect(await runResourcePolicy(disallowPublicIngress, { type: resourceTypes.vpcSecurityGroupIngressRule, props: listener })).toEqual([]);
  });
});
