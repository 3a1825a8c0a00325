import { describe, expect, it } from "vitest";
import { enableVpcFlowLogs } from "../../../policies/network/enableVpcFlowLogs";
import { runStackPolicy, Subject } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const vpc: Subject = { type: resourceTypes.ec2Vpc, name: "ingest-us-east-1-vpc", props: { id: "vpc-1", cidrBlock: "10.0.0.0/16" } };
const flowLog = (props: Record<string, unknown>): Subject => ({ type: resourceTypes.ec2FlowLog, name: "ingest-us-east-1-flow-log", props });
const compliant = { vpcId: "vpc-1", trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::logs/vpc" };
const fix = 'Add an aws.ec2.FlowLog { vpcId, trafficType: "ALL", logDestinationType: "s3", logDestination: <the region\'s log bucket ARN> }. Security baseline (EC2.6, CKV2_AWS_11, AVD-AWS-0178).';
const messages = async (subjects: Subject[]) => (await runStackPolicy(enableVpcFlowLogs, subjects)).map((f) => f.message);

describe("enable-vpc-flow-logs", () => {
  it("accepts a flow log of all traffic, named by id or (in a preview) by property dependency", async () => {
    expect(await messages([vpc, flowLog(compliant)])).toEqual([]);
    const preview = { ...flowLog({ ...compliant, vpcId: undefined }), propertyDependencies: { vpcId: [vpc.name!] } };
    expect(await messages([{ ...vpc, props: {} }, preview])).toEqual([]);
  });

  it("refuses a VPC without a flow log, also when the flow log belongs to another VPC", async () => {
    expect(await messages([vpc])).toEqual([`VPC ingest-us-east-1-vpc has 0 flow logs; required is 1 recording all traffic. ${fix}`]);
    expect(await messages([vpc, flowLog({ ...compliant, vpcId: "vpc-2" })])).toHaveLength(1);
  });

  it("refuses a flow log of accepted traffic only", async () => {
    expect(await messages([vpc, flowLog({ ...compliant, trafficType: "ACCEPT" })])).toEqual([
      `VPC ingest-us-east-1-vpc's flow log records ACCEPT traffic only; required is ALL (rejected connections are the probes). ${fix}`,
    ]);
  });
});
