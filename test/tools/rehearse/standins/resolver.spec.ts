/** The VPC resolver stand-in, asked by dig (UDP and TCP) and by Node's resolver (c-ares). */
import { execFile } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startResolver } from "../../../../tools/rehearse/standins/resolver";
import type { StandIn } from "../../../../tools/rehearse/standins/standIn";

const run = promisify(execFile);

describe("the VPC resolver", () => {
  let resolver: StandIn;
  const names = {
    "edge-bundles-us-east-1.s3.us-east-1.amazonaws.com": "198.18.1.10",
    "ssm.us-east-1.amazonaws.com": "198.18.1.11",
    "*.logs.us-east-1.amazonaws.com": "198.18.1.12",
  };

  beforeAll(async () => {
    resolver = await startResolver({ address: "127.0.0.1", port: 0, names });
  });
  afterAll(() => resolver?.stop());

  const dig = async (...args: string[]) => (await run("dig", ["@127.0.0.1", "-p", String(resolver.port), "+time=10", "+tries=1", ...args], { timeout: 60_000 })).stdout;

  it("answers the declared names with their addresses, over UDP and TCP, case-insensitively, recursion available and not authoritative", async () => {
    const udp = await dig("edge-bundles-us-east-1.s3.us-east-1.amazonaws.com", "A");
    expect(udp).toMatch(/status: NOERROR/);
    expect(udp).toMatch(/flags: qr rd ra;/);
    expect(udp).toMatch(/edge-bundles-us-east-1\.s3\.us-east-1\.amazonaws\.com\.\s+60\s+IN\s+A\s+198\.18\.1\.10/);
    expect((await dig("+tcp", "+short", "SSM.us-east-1.AmazonAWS.com", "A")).trim()).toBe("198.18.1.11");
    expect((await dig("+short", "vpce-123.logs.us-east-1.amazonaws.com", "A")).trim()).toBe("198.18.1.12");
    const node = new Resolver({ timeout: 10_000, tries: 1 });
    node.setServers([`127.0.0.1:${resolver.port}`]);
    expect(await node.resolve4("ssm.us-east-1.amazonaws.com")).toEqual(["198.18.1.11"]);
  });

  it("a declared name has no AAAA (NOERROR, empty); any other name is NXDOMAIN, the wildcard's own name included", async () => {
    const aaaa = await dig("ssm.us-east-1.amazonaws.com", "AAAA");
    expect(aaaa).toMatch(/status: NOERROR/);
    expect(aaaa).toMatch(/ANSWER: 0,/);
    expect(await dig("s3.us-east-1.amazonaws.com", "A")).toMatch(/status: NXDOMAIN/);
    expect(await dig("logs.us-east-1.amazonaws.com", "A")).toMatch(/status: NXDOMAIN/);
    expect(await dig("+tcp", "deb.debian.org", "A")).toMatch(/status: NXDOMAIN/);
    const node = new Resolver({ timeout: 10_000, tries: 1 });
    node.setServers([`127.0.0.1:${resolver.port}`]);
    await expect(node.resolve4("registry.npmjs.org")).rejects.toMatchObject({ code: "ENOTFOUND" });
    expect(resolver.requests.filter((r) => r.verdict === "NXDOMAIN").map((r) => r.action)).toEqual(
      expect.arrayContaining(["A s3.us-east-1.amazonaws.com", "A deb.debian.org", "A registry.npmjs.org"]),
    );
    expect(resolver.requests.find((r) => r.action === "AAAA ssm.us-east-1.amazonaws.com")).toMatchObject({ status: "NOERROR", verdict: "NODATA" });
  });

  it("refuses a name that maps to something other than an IPv4 address", async () => {
    await expect(startResolver({ address: "127.0.0.1", port: 0, names: { "ssm.us-east-1.amazonaws.com": "fd00::2" } })).rejects.toThrow(
      'resolver names: ssm.us-east-1.amazonaws.com: expected an IPv4 address, got "fd00::2"',
    );
  });
});
