import { describe, expect, it } from "vitest";
import { disallowPublicHostIp } from "../../../policies/compute/disallowPublicHostIp";
import { runResourcePolicy } from "../harness";
import { resourceTypes } from "../../../models/resourceTypes";

const template = { name: "ingest-hosts", networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] };
const waived = { waivers: ["hosts-public-ipv4"] };
const run = (type: string, props: Record<string, unknown>, config = {}) => runResourcePolicy(disallowPublicHostIp, { type, props, name: "web" }, config);

describe("disallow-public-host-ip", () => {
  it("accepts hosts without public addresses, and public ones under the listed waiver", async () => {
    expect(await run(resourceTypes.ec2LaunchTemplate, { ...template, networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] })).toEqual([]);
    expect(await run(resourceTypes.ec2LaunchTemplate, template, waived)).toEqual([]);
  });

  it("refuses a public address without the waiver, on every launcher", async () => {
    expect(await run(resourceTypes.ec2LaunchTemplate, template)).toEqual([
      'launch template ingest-hosts gives hosts a public IPv4 address without the waiver "hosts-public-ipv4". ' +
        "Set associatePublicIpAddress to false (and reach AWS through VPC endpoints), or take the waiver in policies/config/<stack>.json " +
        '("disallow-public-host-ip": { "waivers": ["hosts-public-ipv4"] }). Security baseline (EC2.9, EC2.25, AutoScaling.5, CKV_AWS_88).',
    ]);
    expect((await run(resourceTypes.ec2LaunchConfiguration, { name: "lc", associatePublicIpAddress: true }))[0]).toMatch(/^launch configuration lc gives hosts/);
    expect((await run(resourceTypes.ec2Instance, { associatePublicIpAddress: true }))[0]).toMatch(/^instance web gives hosts/);
  });

  it("refuses a configured waiver that is not in the list", async () => {
    const messages = await run(resourceTypes.ec2LaunchTemplate, template, { waivers: ["hosts-public-ipv4", "everything-public"] });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^policy config of disallow-public-host-ip names waiver "everything-public", which is not in policies\/waivers.ts/);
  });
});
