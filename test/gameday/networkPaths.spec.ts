/**
 * Real packets agree with the reachability model. Each shipped plan's region is built as network
 * namespaces wired from the model (routes, policy rules and nftables from the planned route tables,
 * security groups and network ACLs), and a TCP connect goes along every flow the model judged: each
 * needed flow must connect, and each probe of a closed path must end in the errno of the hop the
 * model names. Then one plan at a time loses a route, an egress rule, an ingress rule, or gains a
 * network ACL: the policy refuses it naming the hop, and the packet stops at that hop.
 * Needs root, ip and nft: without them it fails, never skips.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reachabilityOfPlan } from "../../models/network/reachability";
import { outcomeOf, wireRegion } from "../../models/network/wiring";
import { networkAclTypes } from "../../models/network/graph";
import { resourceTypes } from "../../models/resourceTypes";
import { checkNetworkTwinPrerequisites, sendProbes, startNetworkTwin, type ProbeResult } from "../../gameday/networkPaths";
import { Teardown } from "../../gameday/netns";
import { enforceRequiredPaths } from "../../policies/network/enforceRequiredPaths";
import type { PlanJson, PlanJsonResource } from "../../tools/plan/planJson";
import { runStackPolicy } from "../policies/harness";
import { mutated, shippedPlan, subjects } from "../support/plannedNetwork";

const namespaces = () =>
  execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter(Boolean);

let dev: PlanJson;
let prod: PlanJson;
/** The prefixes of the twins this file ran (other runs may build theirs meanwhile). */
const prefixes: string[] = [];

beforeAll(() => {
  checkNetworkTwinPrerequisites();
  dev = shippedPlan("dev");
  prod = shippedPlan("prod");
}, 300_000);

afterAll(() => {
  expect(prefixes.length).toBeGreaterThan(0);
  expect(
    namespaces().filter((n) => prefixes.some((p) => n.startsWith(p))),
    "namespaces a twin left behind",
  ).toEqual([]);
});

/** Builds `region` of `plan` as namespaces, sends every probe, and takes everything down again. */
async function probeRegion(plan: PlanJson, region: string): Promise<ProbeResult[]> {
  const report = reachabilityOfPlan(plan.resources).regions.find((r) => r.region === region)!;
  const teardown = new Teardown();
  try {
    const twin = await startNetworkTwin(wireRegion(report), teardown);
    prefixes.push(twin.prefix);
    return await sendProbes(twin);
  } finally {
    expect(teardown.run()).toEqual([]);
  }
}

const disagreements = (results: ProbeResult[]) => results.filter((r) => r.got !== r.expect).map((r) => `${r.flow}: model ${r.expect} (${r.hop ?? "open"}), packet ${r.got}`);

describe("real packets along the planned flows", () => {
  it.each(["us-east-1", "us-west-2"])(
    "dev %s: every needed flow connects, and every closed path stops where the model says",
    async (region) => {
      const results = await probeRegion(dev, region);
      expect(disagreements(results)).toEqual([]);
      const needed = results.filter((r) => r.needed);
      expect(needed).toHaveLength(10);
      expect(needed.filter((r) => r.got !== "open")).toEqual([]);
      const closed = Object.fromEntries(results.filter((r) => !r.needed).map((r) => [r.flow.replace(/ to ingest-.*/, ""), r.got]));
      expect(closed).toEqual({
        "client → load balancer tcp 80 (no listener)": "EHOSTUNREACH",
        "load balancer → host tcp 22 (SSH)": "ENOPROTOOPT",
        "client → host tcp 80 (a host's private address)": "ENETUNREACH",
        "host → internet tcp 443 to 198.51.100.80": "ENOPROTOOPT",
        [`host → datastore ${region === "us-east-1" ? "10.110" : "10.111"}.0.0/16 port 22 (SSH)`]: "ENOPROTOOPT",
        "host → endpoint tcp 80": "ENOPROTOOPT",
      });
    },
    120_000,
  );
});

const inRegion = (r: PlanJsonResource) => r.region === "us-east-1";
const networkAcl = (plan: PlanJson): PlanJsonResource => {
  const vpc = plan.resources.find((r) => r.type === resourceTypes.ec2Vpc && inRegion(r))!;
  const subnets = plan.resources.filter((r) => r.type === resourceTypes.ec2Subnet && inRegion(r));
  const all = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" };
  return {
    urn: `urn:pulumi:prod::edge::${networkAclTypes.networkAcl}::ingest-us-east-1-hosts-acl`,
    type: networkAclTypes.networkAcl,
    name: "ingest-us-east-1-hosts-acl",
    parent: "",
    custom: true,
    region: "us-east-1",
    inputs: {
      region: "us-east-1",
      ingress: [{ ruleNo: 100, action: "allow", ...all }],
      egress: [
        { ruleNo: 100, action: "deny", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlock: "10.100.0.0/16" },
        { ruleNo: 200, action: "allow", ...all },
      ],
    },
    dependencies: [],
    propertyDependencies: { vpcId: [vpc.urn], subnetIds: subnets.map((s) => s.urn) },
  };
};

describe("a plan that loses one rule or route is refused, and its packets stop at that hop", () => {
  const datastore = "host → datastore 10.100.0.0/16 port 5432";
  it.each([
    {
      change: "the route to the datastore's network removed",
      plan: () => mutated(prod, (r) => r.type === resourceTypes.ec2Route && inRegion(r) && r.inputs.transitGatewayId !== undefined),
      flow: datastore,
      message: /^host → datastore: no route to 10\.100\.0\.0\/16 in route table ingest-us-east-1-public/,
      hop: "route" as const,
    },
    {
      change: "the hosts' egress rule to the datastore removed",
      plan: () => mutated(prod, (r) => r.name === "ingest-us-east-1-hosts-out-datastore-10.100.0.0-16"),
      flow: datastore,
      message: /^host → datastore: no egress rule of security group ingest-us-east-1-hosts admits tcp 5432 to 10\.100\.0\.0\/16/,
      hop: "egress" as const,
    },
    {
      change: "the hosts' ingress rule from the load balancer removed",
      plan: () => mutated(prod, (r) => r.name === "ingest-us-east-1-hosts-in-nlb"),
      flow: "load balancer → host tcp 80 (traffic and health check)",
      message: /^load balancer → host: no ingress rule of security group ingest-us-east-1-hosts admits tcp 80 from load balancer ingest-us-east-1-nlb/,
      hop: "ingress" as const,
    },
    {
      change: "a network ACL on the hosts' subnets that denies the datastore's port",
      plan: () => ({ ...prod, resources: [...prod.resources, networkAcl(prod)] }),
      flow: datastore,
      message: /^host → datastore: network ACL ingest-us-east-1-hosts-acl of subnet ingest-us-east-1-public-1 drops tcp 5432 out to 10\.100\.0\.0\/16/,
      hop: "network ACL" as const,
    },
  ])(
    "$change",
    async ({ plan, flow, message, hop }) => {
      const changed = plan();
      const findings = await runStackPolicy(enforceRequiredPaths, subjects(changed));
      expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(message)]);
      const results = await probeRegion(changed, "us-east-1");
      expect(disagreements(results)).toEqual([]);
      const stopped = results.find((r) => r.flow === flow)!;
      expect(stopped.got).toBe(outcomeOf({ kind: hop, urn: "", summary: "", fix: "" }));
      expect(stopped.got).not.toBe("open");
      expect(results.filter((r) => r.needed && r.flow !== flow && r.got !== "open")).toEqual([]);
    },
    120_000,
  );
});
