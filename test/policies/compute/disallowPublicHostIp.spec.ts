import { describe, expect, it } from "vitest";
import { disallowPublicHostIp } from "../../../policies/compute/disallowPublicHostIp";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const template = { name: "ingest-hosts", networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] };
const run = (type: string, props: Record<string, unknown>) => runResourcePolicy(disallowPublicHostIp, { type, props, name: "web" });

describe("disallow-public-host-ip", () => {
  it("accepts hosts without public addresses", async () => {
    expect(await run(resourceTypes.ec2LaunchTemplate, template)).toEqual([]);
    expect(await run(resourceTypes.ec2LaunchConfiguration, { name: "lc", associatePublicIpAddress: false })).toEqual([]);
    expect(await run(resourceTypes.ec2Instance, {})).toEqual([]);
  });

  it("refuses a public address on every launcher", async () => {
    expect(await run(resourceTypes.ec2LaunchTemplate, { ...template, networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] })).toEqual([
      "launch template ingest-hosts gives hosts a public IPv4 address (associatePublicIpAddress true; required false). " +
        "Set associatePublicIpAddress to false: hosts reach AWS through VPC endpoints (IngestNetwork declares them) and the load balancer reaches their private addresses. " +
        "Security baseline (EC2.25, CKV_AWS_88).",
    ]);
    expect((await run(resourceTypes.ec2LaunchConfiguration, { name: "lc", associatePublicIpAddress: true }))[0]).toMatch(/^launch configuration lc gives hosts.*\(AutoScaling\.5, AVD-AWS-0009\)\.$/);
    expect((await run(resourceTypes.ec2Instance, { associatePublicIpAddress: true }))[0]).toMatch(/^instance web gives hosts.*\(EC2\.9, CKV_AWS_88\)\.$/);
  });

  it("refuses a launch template that leaves the address to its subnet: no network interface, or one that does not say false", async () => {
    for (const networkInterfaces of [undefined, [{ deviceIndex: 0 }]]) {
      expect(await run(resourceTypes.ec2LaunchTemplate, { name: "ingest-hosts", networkInterfaces })).toEqual([
        expect.stringMatching(/^launch template ingest-hosts does not say its hosts get no public address .*so the subnet decides.*Security baseline\.$/),
      ]);
    }
    expect(await run(resourceTypes.ec2LaunchTemplate, { ...template, networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: false }] })).toEqual([]);
  });
});
