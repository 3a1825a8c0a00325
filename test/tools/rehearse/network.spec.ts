/**
 * The rehearsed host's network comes from the reachability model: its namespace loads the very
 * nftables ruleset the edge twin loads into its "hosts" namespace (the plan's security groups), and
 * the stand-ins sit at the addresses the model's flows use, so the plan's rules decide what the
 * booted host reaches. Checked with real packets from the host's namespace on dev's plan and on
 * plans that lost the datastore's or S3's egress rule. Needs root, ip and nft: without them it
 * fails, never skips.
 */
import { spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addNamespace, inNamespace, Teardown } from "../../../gameday/netns";
import { checkNetworkTwinPrerequisites } from "../../../gameday/networkPaths";
import { reachabilityOfPlan } from "../../../models/network/reachability";
import { wireRegion } from "../../../models/network/wiring";
import type { PlanJson } from "../../../tools/plan/planJson";
import { buildHostNetwork, hostNetworkPlan, type HostNetworkPlan } from "../../../tools/rehearse/network";
import { resourceTypes } from "../../../models/resourceTypes";
import { mutated, shippedPlan } from "../../support/plannedNetwork";

const datastoreHost = "edge-dev.cluster-example.us-east-1.rds.amazonaws.com";
let dev: PlanJson;
const namespaces = () =>
  spawnSync("ip", ["netns", "list"], { encoding: "utf8" })
    .stdout.split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter(Boolean);
const prefixes: string[] = [];

beforeAll(() => {
  checkNetworkTwinPrerequisites();
  dev = shippedPlan("dev");
}, 300_000);

afterAll(() => {
  expect(
    namespaces().filter((n) => prefixes.some((p) => n.startsWith(`${p}-`))),
    "namespaces a test left behind",
  ).toEqual([]);
});

function regionOf(plan: PlanJson, region: string) {
  const report = reachabilityOfPlan(plan.resources).regions.find((r) => r.region === region);
  if (!report) throw new Error(`the model judges no fleet in ${region}`);
  return report;
}

function prefix(): string {
  const p = `rt${process.pid % 100_000}${Math.random().toString(36).slice(2, 6)}`;
  prefixes.push(p);
  return p;
}

/** Listens on `ports` on every address of `namespace` until killed; resolves once all listen. */
function listen(namespace: string, ports: number[], teardown: Teardown): Promise<void> {
  const script = `const net = require("net"); const ports = JSON.parse(process.argv[1]); let n = 0;
for (const p of ports) net.createServer((s) => s.destroy()).listen(p, "0.0.0.0", () => { if (++n === ports.length) process.stdout.write("ready\\n"); });`;
  const child = spawn("ip", ["netns", "exec", namespace, process.execPath, "-e", script, JSON.stringify(ports)], { stdio: ["ignore", "pipe", "inherit"] });
  teardown.add(`listener in ${namespace}`, () => child.kill("SIGKILL"));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listener in ${namespace} after 30 s`)), 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** What a TCP connect from `namespace` to each `address:port` ends in: `open` or the errno. */
function connects(namespace: string, targets: string[]): Record<string, string> {
  const script = `const net = require("net");
Promise.all(JSON.parse(process.argv[1]).map((t) => new Promise((resolve) => {
  const [host, port] = t.split(":");
  const s = net.connect({ host, port: Number(port), timeout: 5000 });
  const done = (r) => { s.destroy(); resolve([t, r]); };
  s.on("connect", () => done("open")); s.on("timeout", () => done("ETIMEDOUT")); s.on("error", (e) => done(e.code));
}))).then((r) => process.stdout.write(JSON.stringify(Object.fromEntries(r))));`;
  const run = spawnSync("ip", ["netns", "exec", namespace, process.execPath, "-e", script, JSON.stringify(targets)], { encoding: "utf8", timeout: 30_000 });
  if (run.status !== 0) throw new Error(`connects from ${namespace}: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as Record<string, string>;
}

/** Builds the rehearsal's network for `plan`'s us-east-1 hosts, a listener wherever a stand-in answers, and connects from the host. */
async function probe(plan: PlanJson): Promise<{ network: HostNetworkPlan; got: Record<string, string> }> {
  const teardown = new Teardown();
  try {
    const network = hostNetworkPlan(prefix(), regionOf(plan, "us-east-1"), [datastoreHost]);
    buildHostNetwork(network, teardown);
    await listen(network.namespaces.vpc, [22, 443, 5432], teardown);
    const datastore = network.datastores[datastoreHost]!;
    const got = connects(network.namespaces.host, [`${network.s3}:443`, `${datastore}:5432`, `${datastore}:22`, ...Object.values(network.endpoints).map((a) => `${a}:443`)]);
    return { network, got };
  } finally {
    expect(teardown.run()).toEqual([]);
  }
}

describe("the rehearsed host's network, from the reachability model", () => {
  it.each(["us-east-1", "us-west-2"])("dev %s: the host's namespace loads the ruleset the twin loads into its hosts namespace", (region) => {
    const report = regionOf(dev, region);
    const wired = wireRegion(report).namespaces;
    const network = hostNetworkPlan("unused", report, [datastoreHost]);
    expect(network.nftables.host).toBe(wired.find((n) => n.role === "hosts")!.nftables);
    expect(network.nftables.nlb).toBe(wired.find((n) => n.role === "load balancer")!.nftables);
    // The plan's rules, as the kernel holds them once loaded, in the rehearsal and in a namespace loaded by hand.
    const teardown = new Teardown();
    try {
      const built = hostNetworkPlan(prefix(), report, [datastoreHost]);
      buildHostNetwork(built, teardown);
      const scratch = `${prefixes.at(-1)}-wired`;
      addNamespace(teardown, scratch);
      inNamespace(scratch, "nft", ["-f", "-"], wired.find((n) => n.role === "hosts")!.nftables);
      const loaded = inNamespace(built.namespaces.host, "nft", ["list", "ruleset"]);
      expect(loaded).toBe(inNamespace(scratch, "nft", ["list", "ruleset"]));
      expect(loaded).toMatch(/ip daddr 10\.11[01]\.0\.0\/16 tcp dport 5432 accept/);
      expect(loaded).toMatch(/reject with icmp prot-unreachable/);
    } finally {
      expect(teardown.run()).toEqual([]);
    }
  });

  it("dev: the host reaches S3, every endpoint and the datastore's port at the addresses the stand-ins answer on, and nothing else", async () => {
    const { network, got } = await probe(dev);
    const datastore = network.datastores[datastoreHost]!;
    expect(datastore).toBe("10.110.0.10");
    expect(network.unrouted).toEqual([]);
    expect(got).toEqual({
      [`${network.s3}:443`]: "open",
      [`${datastore}:5432`]: "open",
      [`${datastore}:22`]: "ENOPROTOOPT",
      ...Object.fromEntries(Object.values(network.endpoints).map((a) => [`${a}:443`, "open"])),
    });
    expect(Object.keys(network.endpoints).sort()).toEqual(["ec2", "ec2messages", "logs", "monitoring", "ssm", "ssmmessages"]);
  }, 60_000);

  it.each([
    { change: "the datastore egress rule removed", rule: "ingest-us-east-1-hosts-out-datastore-10.110.0.0-16", closed: (n: HostNetworkPlan) => `${n.datastores[datastoreHost]}:5432` },
    { change: "the S3 prefix-list egress rule removed", rule: "ingest-us-east-1-hosts-out-s3", closed: (n: HostNetworkPlan) => `${n.s3}:443` },
  ])(
    "dev with $change: that connect is refused at the host, the rest still open",
    async ({ rule, closed }) => {
      const changed = mutated(dev, (r) => r.name === rule);
      expect(changed.resources.length).toBe(dev.resources.length - 1);
      const { network, got } = await probe(changed);
      expect(network.unrouted).toEqual([]);
      expect(got[closed(network)]).toBe("ENOPROTOOPT");
      const stillOpen = Object.entries(got).filter(([target]) => target !== closed(network) && !target.endsWith(":22"));
      expect(stillOpen.filter(([, result]) => result !== "open")).toEqual([]);
    },
    60_000,
  );

  it("dev with the route to the datastore's network removed: the datastore is unreachable from the host (the route table's verdict), the rest still open", async () => {
    const changed = mutated(dev, (r) => r.type === resourceTypes.ec2Route && r.region === "us-east-1" && r.inputs.transitGatewayId !== undefined);
    expect(changed.resources.length).toBe(dev.resources.length - 1);
    const { network, got } = await probe(changed);
    const datastore = `${network.datastores[datastoreHost]}:5432`;
    expect(network.unrouted).toEqual([network.datastores[datastoreHost]]);
    expect(got[datastore]).toBe("ENETUNREACH");
    expect(Object.entries(got).filter(([target, result]) => target !== datastore && !target.endsWith(":22") && result !== "open")).toEqual([]);
  }, 60_000);
});
