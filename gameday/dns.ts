/**
 * The edge twin's DNS: two authoritative servers (NSD) serving the plan's Route 53 and Cloudflare
 * zone exports, rewritten to twin addresses, and a recursive resolver (Unbound) in the client
 * namespace that reaches them the way resolvers reach the real providers: through the delegation
 * the registrar publishes. Active-active lists both providers' servers (the apex NS set of the
 * zone); hot-standby lists only Route 53's, so the resolver never learns of the Cloudflare servers.
 *
 * Layout on the twin's front network (`frontAddress(vips, n)`):
 *   .53–.56  the Route 53 server namespace, one address per name server of its delegation set
 *   .57–.58  the Cloudflare server namespace, one address per name server
 *   Unbound listens on the client namespace's first address, port 53.
 *
 * The Route 53 zone is static for a run: the DNS scenarios fail DNS, not a region, so every
 * balancer stays healthy and the health-checked answer never changes (the region scenarios keep
 * using the twin's answer-file stand-in, which models the health checks).
 */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import type { ProviderName, ProviderRecord } from "../models/dns/compare";
import { zoneFile } from "../models/dns/zoneFile";
import { placeholderNameServers, zoneViews } from "../models/dns/zoneView";
import type { ZoneView } from "../models/dns/wireSize";
import { cloudflareNameServerSuffix, RecoveryReport } from "../models/recovery";
import type { PlanJson } from "../tools/plan/planJson";
import { planProcessArgs } from "../tools/plan/runtime/command";
import { query } from "./dnsClient";
import { addNamespace, attach, inNamespace, isAlive, namespacePids, run, Teardown } from "./netns";

export { probeResolver, query, stubResolver, type Lookup, type QueryResult } from "./dnsClient";

export type DnsMode = "active-active" | "hot-standby";

/** What the twin's DNS needs from the plan: both zones as the providers serve them, and the recovery figures. */
export interface DnsPlan {
  mode: DnsMode;
  /** The ingest name, fully qualified (`api.edge-dev.example.com`). */
  ingestName: string;
  /** Names that are CNAMEs to the ingest name (`decide.…`): a legacy client on one pays the CNAME's bytes too (incident 001). */
  aliasNames: string[];
  views: Record<ProviderName, ZoneView>;
  recovery?: RecoveryReport;
}

const projectRoot = path.join(__dirname, "..");

/**
 * Runs the offline plan (`npm run plan -- --json`) of `stack` in its own process, with the
 * secondary DNS mode set to `mode` (a paid Cloudflare plan for hot-standby, as the schema
 * requires), and reads the zones and the recovery figures from its JSON.
 */
export async function planDns(stack: string, mode: DnsMode): Promise<DnsPlan> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-twin-plan-"));
  try {
    const file = parse(readFileSync(path.join(projectRoot, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
    const dns = file.config["edge:dns"] ?? {};
    const paid = mode === "active-active" || (dns.secondary?.plan ?? "free") !== "free";
    const config = { ...file.config, "edge:dns": { ...dns, secondary: { ...dns.secondary, mode, ...(paid ? {} : { plan: "pro" }) } } };
    const configFile = path.join(dir, `Pulumi.${stack}.yaml`);
    writeFileSync(configFile, stringify({ config }));
    const jsonFile = path.join(dir, "plan.json");
    const child = spawn(process.execPath, [...planProcessArgs(projectRoot), "--stack", stack, "--config-file", configFile, "--json", jsonFile], {
      cwd: projectRoot,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    // Exit 1 is a refused policy: the plan JSON is still written, and the twin plays it as declared.
    if (code !== 0 && code !== 1) throw new Error(`the plan of stack ${stack} (${mode}) failed (exit ${code}): ${stderr.trim()}`);
    const plan = JSON.parse(readFileSync(jsonFile, "utf8")) as PlanJson;
    const views = zoneViews(plan.resources);
    const view = (provider: ProviderName) => {
      const found = views.find((v) => v.provider === provider);
      if (!found) throw new Error(`the plan of stack ${stack} declares no ${provider} zone`);
      return found;
    };
    const route53 = view("route53");
    const ingestName = `${String(dns.ingestName ?? "api")}.${route53.apex}`;
    const aliasNames = route53.records.filter((r) => r.type === "CNAME" && r.values.includes(ingestName)).map((r) => r.name);
    return { mode, ingestName, aliasNames, views: { route53, cloudflare: view("cloudflare") }, recovery: plan.recovery };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A provider's view with the ingest name answering `addresses` (A only: the twin is IPv4). A
 * latency group collapses to one set: Route 53 answers each resolver with its nearest healthy
 * region, and the twin's one resolver serves every region's clients, so the set lists every
 * region's balancer and each client takes its own region's (`LoadPlan.resolver`).
 */
export function twinView(view: ZoneView, ingestName: string, addresses: string[]): ZoneView {
  const ingest = view.records.filter((r) => r.name === ingestName && (r.type === "A" || r.type === "AAAA"));
  if (!ingest.some((r) => r.type === "A")) throw new Error(`the ${view.provider} zone has no A record for ${ingestName}`);
  const answer: ProviderRecord = { provider: view.provider, name: ingestName, type: "A", ttl: ingest[0]!.ttl, values: addresses };
  return { ...view, records: [...view.records.filter((r) => !ingest.includes(r)), answer] };
}

/** Both providers' zone files with the ingest name answering `addresses`. */
export function twinZones(plan: DnsPlan, addresses: string[]): Record<ProviderName, string> {
  return { route53: zoneFile(twinView(plan.views.route53, plan.ingestName, addresses)), cloudflare: zoneFile(twinView(plan.views.cloudflare, plan.ingestName, addresses)) };
}

/** The twin's address `host` (1–253) on the front network, from the balancers' addresses (`198.18.F.100 + r`). */
export function frontAddress(vips: string[], host: number): string {
  return `${vips[0]!.split(".").slice(0, 3).join(".")}.${host}`;
}

/**
 * The Route 53 servers' addresses (one a name server of its delegation set), then Cloudflare's
 * (its zone's own two when no view lists them, as in hot-standby).
 */
export function serverAddresses(vips: string[], views: Record<ProviderName, ZoneView>): Record<ProviderName, string[]> {
  const listed = new Set([...views.route53.nameServers, ...views.cloudflare.nameServers]);
  const route53 = [...listed].filter((ns) => !ns.endsWith(cloudflareNameServerSuffix)).length;
  const cloudflare = [...listed].filter((ns) => ns.endsWith(cloudflareNameServerSuffix)).length || placeholderNameServers.cloudflare.length;
  return {
    route53: Array.from({ length: route53 }, (_, i) => frontAddress(vips, 53 + i)),
    cloudflare: Array.from({ length: cloudflare }, (_, i) => frontAddress(vips, 53 + route53 + i)),
  };
}

export interface DnsNetwork {
  prefix: string;
  /** The front bridge the servers join. */
  bridge: string;
  vips: string[];
  clientNamespace: string;
  /** Unbound listens here, port 53. */
  resolverAddress: string;
}

export interface TwinDns {
  mode: DnsMode;
  resolverAddress: string;
  servers: Record<ProviderName, string[]>;
  /** The namespace of each provider's server. */
  namespaces: Record<ProviderName, string>;
  /** Stops (SIGSTOP) every process of a provider's server: it receives queries and answers none, as under a DDoS. */
  freeze(provider: ProviderName): void;
  thaw(provider: ProviderName): void;
  /**
   * Answers the ingest name with `addresses` at a provider's server from now on, as a record change
   * there: the zone file rewritten, NSD reloaded (SIGHUP), resolved once the server answers so.
   */
  answerWith(provider: ProviderName, addresses: string[]): Promise<void>;
}

/**
 * NSD's configuration as an unprivileged authoritative test server (settings in
 * /work/shared/NOTES.md): everything under `dir`, listening on `addresses` at `port`, serving
 * `zones` (apex → zone file name in `dir`), the authority section sent when it fits.
 */
export function nsdConfig(dir: string, addresses: string[], port: number, zones: Record<string, string>): string {
  return [
    "server:",
    ...addresses.map((a) => `  ip-address: ${a}`),
    `  port: ${port}`,
    '  username: ""',
    '  database: ""',
    `  zonesdir: "${dir}"`,
    `  zonelistfile: "${path.join(dir, "zone.list")}"`,
    `  xfrdfile: "${path.join(dir, "xfrd.state")}"`,
    `  xfrdir: "${dir}"`,
    `  pidfile: "${path.join(dir, "nsd.pid")}"`,
    `  logfile: "${path.join(dir, "nsd.log")}"`,
    "  minimal-responses: no",
    "  server-count: 1",
    "remote-control:",
    "  control-enable: no",
    ...Object.entries(zones).flatMap(([apex, file]) => ["zone:", `  name: ${apex}`, `  zonefile: ${file}`]),
    "",
  ].join("\n");
}

/**
 * Unbound as a resolver of the zone only: a stub zone listing the servers the registrar's
 * delegation names, no DNSSEC validation (the twin's zones are unsigned), caches capped at the
 * scaled answer TTL so the scenarios' timers stay scaled. Its per-server timeouts are its own, and so is its
 * `discard-timeout` (1.9 s in Debian 12's 1.17.1): a reply later than that is dropped and the
 * stub's resend gets the answer.
 */
export function unboundConfig(dir: string, listen: string, apex: string, stubServers: string[], cacheMaxTtlSeconds: number): string {
  return [
    "server:",
    `  interface: ${listen}`,
    "  port: 53",
    '  username: ""',
    '  chroot: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${path.join(dir, "unbound.pid")}"`,
    `  logfile: "${path.join(dir, "unbound.log")}"`,
    "  use-syslog: no",
    "  verbosity: 1",
    "  num-threads: 1",
    "  do-ip6: no",
    "  so-reuseport: no",
    '  module-config: "iterator"',
    "  access-control: 198.18.0.0/15 allow",
    "  access-control: 127.0.0.0/8 allow",
    `  cache-max-ttl: ${cacheMaxTtlSeconds}`,
    `  cache-max-negative-ttl: ${cacheMaxTtlSeconds}`,
    "  prefetch: no",
    "  serve-expired: no",
    "remote-control:",
    "  control-enable: no",
    "stub-zone:",
    `  name: "${apex}"`,
    ...stubServers.map((a) => `  stub-addr: ${a}`),
    "",
  ].join("\n");
}

async function waitUntil(what: string, deadlineMs: number, ready: () => Promise<boolean>, child: ChildProcess, log: string): Promise<void> {
  while (Date.now() < deadlineMs) {
    if (child.exitCode !== null) break;
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  let tail = "";
  try {
    tail = readFileSync(log, "utf8").split("\n").slice(-10).join("\n");
  } catch {
    // no log written
  }
  throw new Error(`${what} did not start${child.exitCode !== null ? ` (exit ${child.exitCode})` : ""}: ${tail}`);
}

/**
 * Starts both authoritative servers with `zones` (provider → zone file) and Unbound in the client
 * namespace, its stub listing both providers' servers (active-active) or Route 53's only
 * (hot-standby). Every namespace, process and file is registered with `teardown`.
 */
export async function startDns(network: DnsNetwork, plan: DnsPlan, zones: Record<ProviderName, string>, cacheMaxTtlSeconds: number, teardown: Teardown): Promise<TwinDns> {
  const apex = plan.views.route53.apex;
  const servers = serverAddresses(network.vips, plan.views);
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-twin-dns-"));
  teardown.add(`directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const namespaces = { route53: `${network.prefix}n0`, cloudflare: `${network.prefix}n1` };
  const starting = (["route53", "cloudflare"] as const).map(async (provider, i) => {
    const namespace = namespaces[provider];
    addNamespace(teardown, namespace);
    const [first, ...more] = servers[provider];
    attach(teardown, namespace, "eth0", network.bridge, `${network.prefix}vn${i}`, `${first}/24`);
    for (const address of more) run("ip", ["-n", namespace, "addr", "add", `${address}/24`, "dev", "eth0"]);
    const serverDir = path.join(dir, provider);
    run("mkdir", ["-p", serverDir]);
    writeFileSync(path.join(serverDir, "zone"), zones[provider]);
    writeFileSync(path.join(serverDir, "nsd.conf"), nsdConfig(serverDir, servers[provider], 53, { [apex]: "zone" }));
    inNamespace(namespace, "/usr/sbin/nsd-checkconf", [path.join(serverDir, "nsd.conf")]);
    const child = spawn("ip", ["netns", "exec", namespace, "/usr/sbin/nsd", "-d", "-c", path.join(serverDir, "nsd.conf")], { stdio: "ignore" });
    await waitUntil(
      `NSD (${provider}) on ${servers[provider].join(", ")}`,
      Date.now() + 10_000,
      async () => (await query(first!, apex, "SOA", { timeoutMs: 300 })).rcode === "NOERROR",
      child,
      path.join(serverDir, "nsd.log"),
    );
  });
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;

  const unboundDir = path.join(dir, "unbound");
  run("mkdir", ["-p", unboundDir]);
  const stub = plan.mode === "active-active" ? [...servers.route53, ...servers.cloudflare] : servers.route53;
  writeFileSync(path.join(unboundDir, "unbound.conf"), unboundConfig(unboundDir, network.resolverAddress, apex, stub, cacheMaxTtlSeconds));
  inNamespace(network.clientNamespace, "/usr/sbin/unbound-checkconf", [path.join(unboundDir, "unbound.conf")]);
  const unbound = spawn("ip", ["netns", "exec", network.clientNamespace, "/usr/sbin/unbound", "-d", "-c", path.join(unboundDir, "unbound.conf")], { stdio: "ignore" });
  teardown.add("Unbound", () => {
    unbound.kill("SIGKILL");
  });
  await waitUntil(
    `Unbound on ${network.resolverAddress}`,
    Date.now() + 10_000,
    async () => (await query(network.resolverAddress, apex, "SOA", { timeoutMs: 500, recursion: true })).rcode === "NOERROR",
    unbound,
    path.join(unboundDir, "unbound.log"),
  );

  const signalAll = (provider: ProviderName, signal: NodeJS.Signals) => {
    for (const pid of namespacePids(namespaces[provider]).filter(isAlive)) process.kill(pid, signal);
  };
  const answering: Record<ProviderName, string> = { route53: "", cloudflare: "" };
  return {
    mode: plan.mode,
    resolverAddress: network.resolverAddress,
    servers,
    namespaces,
    freeze: (provider) => signalAll(provider, "SIGSTOP"),
    thaw: (provider) => signalAll(provider, "SIGCONT"),
    async answerWith(provider, addresses) {
      const wanted = [...addresses].sort().join(" ");
      if (wanted === answering[provider]) return;
      answering[provider] = wanted;
      const serverDir = path.join(dir, provider);
      writeFileSync(path.join(serverDir, "zone"), zoneFile(twinView(plan.views[provider], plan.ingestName, addresses)));
      // NSD 4 rereads changed zone files on SIGHUP.
      process.kill(Number(readFileSync(path.join(serverDir, "nsd.pid"), "utf8").trim()), "SIGHUP");
      const deadline = Date.now() + 10_000;
      for (;;) {
        const answer = await query(servers[provider][0]!, plan.ingestName, "A", { timeoutMs: 500 });
        if ([...answer.addresses].sort().join(" ") === wanted) return;
        if (Date.now() > deadline) throw new Error(`${provider} NSD still answers ${plan.ingestName} with ${answer.addresses.join(" ")} 10 s after its zone changed to ${wanted}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
