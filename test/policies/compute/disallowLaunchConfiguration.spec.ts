import { describe, expect, it } from "vitest";
import { disallowLaunchConfiguration } from "../../../policies/compute/disallowLaunchConfiguration";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const group = { name: "ingest-hosts", minSize: 2, maxSize: 6, launchTemplate: { id: "lt-0", version: "3" } };
const fix = "Launch the hosts from an aws.ec2.LaunchTemplate (HostFleet does) and drop the launch configuration. Security baseline (AutoScaling.9, CKV_AWS_315).";

describe("disallow-launch-configuration", () => {
  it("accepts a group on a launch template", async () => {
    expect(await runResourcePolicy(disallowLaunchConfiguration, { type: resourceTypes.autoscalingGroup, props: group })).toEqual([]);
  });

  it("refuses hosts moved to a launch configuration (hand edit) with its control id", async () => {
    const { launchTemplate: _, ...rest } = group;
    expect(await runResourcePolicy(disallowLaunchConfiguration, { type: resourceTypes.autoscalingGroup, props: { ...rest, launchConfiguration: "ingest-lc" } })).toEqual([
      `autoscaling group ingest-hosts launches hosts from launch configuration ingest-lc; required is a launch template. ${fix}`,
    ]);
    expect(await runResourcePolicy(disallowLaunchConfiguration, { type: resourceTypes.ec2LaunchConfiguration, props: { name: "ingest-lc", imageId: "ami-0", instanceType: "c7i.large" } })).toEqual([
      `launch configuration ingest-lc is declared; hosts launch from launch templates only. ${fix}`,
    ]);
  });
});
