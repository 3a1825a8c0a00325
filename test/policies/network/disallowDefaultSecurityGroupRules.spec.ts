import { describe, expect, it } from "vitest";
import { disallowDefaultSecurityGroupRules } from "../../../policies/network/disallowDefaultSecurityGroupRules";
import { runStackPolicy, Subject } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const vpc: Subject = { type: resourceTypes.ec2Vpc, name: "ingest-vpc", props: { id: "vpc-1" } };
const group = (props: Record<string, unknown>): Subject => ({ type: resourceTypes.ec2DefaultSecurityGroup, name: "ingest-default", props: { vpcId: "vpc-1", ...props } });
const fix = "Declare aws.ec2.DefaultSecurityGroup { vpcId } with no ingress and no egress (IngestNetwork does). Security baseline (EC2.2, CKV2_AWS_12, AVD-AWS-0173).";
const messages = async (subjects: Subject[]) => (await runStackPolicy(disallowDefaultSecurityGroupRules, subjects)).map((f) => f.message);

describe("disallow-default-security-group-rules", () => {
  it("accepts an adopted default group without rules", async () => {
    expect(await messages([vpc, group({ ingress: [], egress: [] })])).toEqual([]);
    expect(await messages([vpc, group({})])).toEqual([]);
  });

  it("refuses a VPC whose default group is not adopted", async () => {
    expect(await messages([vpc])).toEqual([`VPC ingest-vpc's default security group is not declared, so it keeps AWS's allow-all rules. ${fix}`]);
  });

  it("refuses an adopted default group with rules", async () => {
    const rule = { protocol: "-1", fromPort: 0, toPort: 0, self: true };
    expect(await messages([vpc, group({ ingress: [rule], egress: [] })])).toEqual([`default security group ingest-default has 1 ingress and 0 egress rule(s); required are 0. ${fix}`]);
  });
});
