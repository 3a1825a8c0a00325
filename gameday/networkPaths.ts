/**
 * The edge twin's network: one region of a plan as network namespaces wired from the reachability
 * model (`models/network/wiring.ts`: the planned route tables, security groups and network ACLs as
 * routes, policy rules and nftables), and a real TCP connect along every flow the model judged,
 * each compared with the outcome the model predicts. Needs root, `ip` and `nft`; every namespace a
 * run makes is named with the run's own prefix and removed by its `Teardown`, also on failure.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { ProbeOutcome, WiredProbe, WiredRegion } from "../models/network/wiring";
import { addNamespace, inNamespace, run, Teardown, TwinUnavailableError } from "./netns";

/** Refuses a run that cannot build namespaces and nftables, naming what is missing. */
export function checkNetworkTwinPrerequisites(): void {
  if (process.getuid?.() !== 0) throw new TwinUnavailableError("the network twin needs root (network namespaces, veth, nftables): run it as root");
  for (const [tool, pkg] of [
    ["/usr/sbin/ip", "iproute2"],
    ["/usr/sbin/nft", "nftables"],
  ] as const) {
    if (!existsSync(tool)) throw new TwinUnavailableError(`${tool} is missing: apt-get install ${pkg} (listed in .ci/apt-packages.txt)`);
  }
}

export interface NetworkTwin {
  prefix: string;
  wired: WiredRegion;
  /** The namespace of each wired namespace id. */
  names: Map<string, string>;
}

/** A probe's result: what the connect ended in, and what the model predicted. */
export interface ProbeResult extends WiredProbe {
  got: ProbeOutcome | string;
}

/** Listens on every port it is given, on every address of its namespace; says `ready` once all listen. */
const listenerScript = `
const net = require("net");
const ports = JSON.parse(process.argv[1]);
let listening = 0;
for (const port of ports) {
  const server = net.createServer((socket) => socket.destroy());
  server.listen(port, "0.0.0.0", () => { if (++listening === ports.length) process.stdout.write("ready\\n"); });
}
`;

/** Connects along each probe from its source address; prints what each connect ended in. */
const proberScript = `
const net = require("net");
const { probes, timeoutMs } = JSON.parse(process.argv[1]);
Promise.all(probes.map((p) => new Promise((resolve) => {
  const socket = net.connect({ host: p.to, port: p.port, localAddress: p.fromAddress, timeout: timeoutMs });
  let done = false;
  const finish = (result) => { if (!done) { done = true; socket.destroy(); resolve(result); } };
  socket.on("connect", () => finish("open"));
  socket.on("timeout", () => finish("ETIMEDOUT"));
  socket.on("error", (error) => finish(error.code || String(error)));
}))).then((results) => process.stdout.write(JSON.stringify(results) + "\\n"));
`;

/** Runs a Node script in a namespace and resolves with its stdout once `until` is seen or it exits. */
function nodeInNamespace(namespace: string, script: string, arg: unknown, until: "ready" | "exit", timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", namespace, process.execPath, "-e", script, JSON.stringify(arg)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node in ${namespace} gave no answer within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (until === "ready" && out.includes("ready")) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (until === "exit" && code === 0) resolve(out);
      else reject(new Error(`node in ${namespace} exited with ${code}: ${err}`));
    });
  });
}

/**
 * Builds the namespaces of `wired`, their links, addresses, routes, rules and nftables, and starts
 * a listener wherever a flow ends. Everything is registered with `teardown` as it is made.
 */
export async function startNetworkTwin(wired: WiredRegion, teardown: Teardown, timeoutMs = 30_000): Promise<NetworkTwin> {
  const prefix = `np${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const names = new Map(wired.namespaces.map((n) => [n.id, `${prefix}-${n.id}`]));
  const ns = (id: string) => names.get(id)!;
  for (const n of wired.namespaces) addNamespace(teardown, ns(n.id));
  for (const n of wired.namespaces) {
    for (const bridge of n.bridges) {
      run("ip", ["-n", ns(n.id), "link", "add", bridge.name, "type", "bridge"]);
      run("ip", ["-n", ns(n.id), "addr", "add", bridge.address, "dev", bridge.name]);
      run("ip", ["-n", ns(n.id), "link", "set", bridge.name, "up"]);
    }
    for (const address of n.loopbackAddresses) run("ip", ["-n", ns(n.id), "addr", "add", address, "dev", "lo"]);
    for (const sysctl of n.sysctls) inNamespace(ns(n.id), "sysctl", ["-qw", sysctl]);
  }
  // Links are made inside the namespaces: no interface of the run appears in the machine's own namespace.
  for (const link of wired.links) {
    run("ip", ["-n", ns(link.a.namespace), "link", "add", link.a.iface.name, "type", "veth", "peer", "name", link.b.iface.name, "netns", ns(link.b.namespace)]);
    for (const end of [link.a, link.b]) {
      for (const address of end.iface.addresses) run("ip", ["-n", ns(end.namespace), "addr", "add", address, "dev", end.iface.name]);
      if (end.iface.bridge) run("ip", ["-n", ns(end.namespace), "link", "set", end.iface.name, "master", end.iface.bridge]);
      run("ip", ["-n", ns(end.namespace), "link", "set", end.iface.name, "up"]);
    }
  }
  for (const n of wired.namespaces) {
    for (const route of n.routes) run("ip", ["-n", ns(n.id), "route", "add", ...route]);
    for (const rule of n.rules) run("ip", ["-n", ns(n.id), "rule", "add", ...rule]);
    if (n.nftables) inNamespace(ns(n.id), "nft", ["-f", "-"], n.nftables);
  }
  await Promise.all(wired.namespaces.filter((n) => n.listens.length > 0).map((n) => nodeInNamespace(ns(n.id), listenerScript, [...new Set(n.listens)], "ready", timeoutMs)));
  return { prefix, wired, names };
}

/** Sends every probe (each source namespace's at once) and returns what each connect ended in. */
export async function sendProbes(twin: NetworkTwin, probes: WiredProbe[] = twin.wired.probes, connectTimeoutMs = 5_000): Promise<ProbeResult[]> {
  const bySource = new Map<string, WiredProbe[]>();
  for (const probe of probes) bySource.set(probe.from, [...(bySource.get(probe.from) ?? []), probe]);
  const results = await Promise.all(
    [...bySource].map(async ([from, list]) => {
      const out = await nodeInNamespace(twin.names.get(from)!, proberScript, { probes: list, timeoutMs: connectTimeoutMs }, "exit", connectTimeoutMs * 3 + 10_000);
      const got = JSON.parse(out.trim().split("\n").pop()!) as string[];
      return list.map((probe, i) => ({ ...probe, got: got[i]! }));
    }),
  );
  return results.flat();
}
