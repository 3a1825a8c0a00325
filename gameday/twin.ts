/**
 * The edge twin: per planned region its autoscaling group's minimum of hosts, each booted from the
 * plan's launch template user data as EC2 would run it (`bootedHost.ts`: the host rehearsal's
 * Debian 12 image under systemd, cloud-init, the bundle, the stand-ins; spools and nginx's logs on
 * one small disk of the host's own, a tmpfs, so a full disk is a real one), an L4 balancer stand-in
 * per region (nftables DNAT, `numgen inc mod N` over the healthy hosts, client addresses kept), one
 * PostgreSQL as RDS presents it for every host, and a client namespace with many source addresses.
 * The twin's own addresses come from 198.18.0.0/15 only; each host also has the rehearsal's
 * network of its VPC, with the plan's addresses, in namespaces of its own.
 *
 * Layout (one run's slot `s` picks five /24s no other twin on the machine uses):
 *   front  198.18.{5s}.0/24:   client .10…, balancer VIPs .100 + r
 *   region 198.18.{5s+1+r}.0/24: balancer .1 (the hosts' route to the clients), hosts .10 + h,
 *   their VPC namespaces .200 + h, root .254 (PostgreSQL and the health checker, on-link, so
 *   neither passes the balancer); the root namespace's front address .254 probes the VIPs as
 *   Route 53 would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { healthCheckPath, nginxListenPort } from "../models/hostEdge";
import { mountTmpfs } from "../harness/tmpfs";
import type { RdsPostgres } from "../tools/rehearse/standins/postgres";
import { countDeliveries, deliveriesOf, startDatastore } from "./twinDatastore";
import { RunningHost, startBootedHost } from "./bootedHost";
import { hostFleet, HostFleet } from "./hostFleet";
import { repeatWhile, startAnswers } from "./answers";
import { PlannedRegion } from "./planned";
import { addBridge, addNamespace, attach, inNamespace, isAlive, killNamespaceProcesses, namespacePids, run, signalNamespace, Teardown } from "./netns";

/** How the twin is shaped: the planned regions it runs (timers already scaled) and what stands in for Route 53. */
export interface TwinShape {
  /** The stack whose launch templates the hosts boot. */
  stack: string;
  /** One twin region per planned region: its nginx.conf, env file and health checks. */
  regions: PlannedRegion[];
  /** Hosts per region instead of each region's planned minimum (a what-if; predictions assume the plan's). */
  hostsPerRegion?: number;
  /** Source addresses of the client namespace. */
  clientAddresses: number;
  /** Route 53's checkers: how long one waits on a probe (ms, scaled) and how many probe each balancer. */
  dnsProbe: { timeoutMs: number; checkers: number };
}

export interface TwinHost extends RunningHost {
  region: number;
  index: number;
  /** The host's address on the twin's region bridge, where its balancer and health checks reach nginx. */
  address: string;
  /** The host's disk as this machine sees it: both spools and nginx's logs, as on a real host's root volume. */
  disk: string;
  /** Each service process's spool directory, on the host's disk. */
  spoolDirs: string[];
}

export interface BalancerEvent {
  at: number;
  region: number;
  healthy: string[];
}

/** A change of the regions the ingest name answers with. */
export interface AnswerEvent {
  at: number;
  regions: number[];
}

export interface Twin {
  prefix: string;
  /** The planned regions the twin runs, by region index (timers scaled). */
  regions: PlannedRegion[];
  hosts: TwinHost[];
  clientNamespace: string;
  clientAddresses: string[];
  /** Balancer VIP per region. */
  vips: string[];
  /** The one datastore, as RDS presents it (TLS, the service's role made by its administrator). */
  postgres: Pick<RdsPostgres, "port" | "query" | "signalAll">;
  /** The port the hosts dial the datastore on (the env file's, forwarded to `postgres.port`). */
  datastorePort: number;
  /** Every change of a balancer's healthy set, with its time (ms since epoch). */
  balancerEvents: BalancerEvent[];
  /** The file the load generator resolves the ingest name from (see `LoadPlan.answerFile`). */
  answerFile: string;
  answerEvents: AnswerEvent[];
  healthy(region: number): string[];
  /**
   * Starts one more host in `region`, its env file as planned with `env` on top (a release), out
   * of its balancer until the balancer's health check finds it healthy, as a new instance starts.
   */
  addHost(region: number, env?: Record<string, string>): Promise<TwinHost>;
  /** Terminates a whole host: out of its balancer, then the machine shut down (systemd stops every unit), as EC2 terminates an instance. */
  terminate(host: TwinHost): Promise<void>;
  /** Sends a signal to every process of a host's namespace (SIGSTOP freezes the whole host). */
  signalHost(host: TwinHost, signal: NodeJS.Signals): void;
  /** Every insert of each id the datastore committed, duplicates included (an audit trigger), for an id prefix. */
  deliveries(prefix: string): Promise<number>;
  /** Kills every process of every host of a region and takes its balancer's links down. */
  loseRegion(region: number): void;
  /** Shuts every machine down, then removes everything the twin made. */
  stop(): Promise<void>;
}

/** The twin's hosts have a small disk (a real host has its 16 GiB root volume): a scenario fills it to the free space it needs. */
const hostDiskBytes = 64 * 1024 * 1024;

/** How long a booted host may take to answer its health check: the rehearsal's boots take 30–50 s here, with room for a 3× slower machine. */
const bootWaitMs = 300_000;

function freeSlot(): number {
  const used = run("ip", ["-4", "-o", "addr", "show"]);
  for (let attempt = 0; attempt < 50; attempt++) {
    const slot = Math.floor(Math.random() * 50);
    const octets = Array.from({ length: 5 }, (_, i) => 5 * slot + i);
    if (!octets.some((o) => used.includes(`198.18.${o}.`))) return slot;
  }
  throw new Error("no free 198.18.0.0/15 slot for the twin: remove stale twin bridges (ip link show type bridge)");
}

/** One GET of `/http-check` from the root namespace: true on 200 within the timeout. */
function probe(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: address, port: nginxListenPort, path: healthCheckPath, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** Waits until nginx answers `/http-check` at all (`healthy`: with 200). */
async function waitForHttp(address: string, deadlineMs: number, healthy = true): Promise<void> {
  while (Date.now() < deadlineMs) {
    if (healthy ? await probe(address, 500) : await answers(address, 500)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx on ${address} did not answer ${healthCheckPath}`);
}

/**
 * Waits until a booted host passes its target group's health check `healthyThreshold` times in a
 * row at its interval, as a target group does before it first routes to a new target: the twin's
 * first hosts take load only once a real group would send them any (a host that just answered its
 * first 200 may still be finishing its boot).
 */
async function waitInService(address: string, planned: PlannedRegion, deadlineMs: number): Promise<void> {
  await waitForHttp(address, deadlineMs, true);
  const { healthyThreshold, intervalMs, timeoutMs } = planned.healthCheck;
  for (let streak = 1; streak < healthyThreshold; ) {
    if (Date.now() > deadlineMs) throw new Error(`the host at ${address} did not pass ${healthyThreshold} health checks in a row`);
    await new Promise((r) => setTimeout(r, intervalMs));
    streak = (await probe(address, timeoutMs)) ? streak + 1 : 0;
  }
}

/** One GET of `/http-check`: true on any answer (a host not ready yet answers 503). */
function answers(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: address, port: nginxListenPort, path: healthCheckPath, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** The nftables ruleset of a balancer: DNAT the VIP to the healthy hosts in turn (all of them when none is healthy, as an NLB fails open). */
export function balancerRules(vip: string, targets: string[]): string {
  const map = targets.map((t, i) => `${i} : ${t}`).join(", ");
  return `flush ruleset
table ip twinlb {
  chain pre {
    type nat hook prerouting priority -100;
    ip daddr ${vip} tcp dport ${nginxListenPort} dnat to numgen inc mod ${targets.length} map { ${map} }
  }
}
`;
}

/** Where a twin host goes: its region, its index there, the region's addresses. */
interface HostSlot {
  prefix: string;
  region: number;
  index: number;
  /** Address `host` of the region's /24. */
  net: (host: number) => string;
  clientNetwork: string;
  datastorePort: number;
  release: Record<string, string>;
}

/** Boots a twin host in its slot, with a small disk of its own (registered with `teardown`). */
async function bootTwinHost(fleet: HostFleet, shape: TwinShape, slot: HostSlot, teardown: Teardown): Promise<TwinHost> {
  const { region, index, net } = slot;
  const planned = shape.regions[region]!;
  const template = fleet.hosts.get(planned.region);
  if (!template) throw new Error(`the plan of ${shape.stack} with the bundle has no launch template in ${planned.region}`);
  const name = `${slot.prefix}h${region}${index}`;
  const disk = mountTmpfs(hostDiskBytes, `edge-twin-disk-${name}-`);
  teardown.add(`disk of ${name}`, () => disk.unmount());
  const address = net(10 + index);
  const placement = {
    prefix: name,
    bridge: `${slot.prefix}b${region}`,
    address,
    balancer: net(1),
    clientNetwork: slot.clientNetwork,
    vpcAddress: net(200 + index),
    datastore: { address: net(254), port: slot.datastorePort },
    disk: disk.dir,
    release: slot.release,
  };
  const running = await startBootedHost(fleet, template, placement, teardown);
  return { ...running, region, index, address, disk: disk.dir, spoolDirs: [planned.servicePort, planned.backupPort].map((port) => path.join(disk.dir, "private", `edge-ingest-${port}`)) };
}

/**
 * One round of a region's target group health check over its hosts: each host's streak, and the
 * region's healthy set changed at the thresholds. True when the set changed.
 */
async function checkRegion(planned: PlannedRegion, hosts: TwinHost[], set: string[], streaks: Map<string, { ok: number; failed: number }>): Promise<boolean> {
  const changes = await Promise.all(
    hosts.map(async (host) => {
      const ok = await probe(host.address, planned.healthCheck.timeoutMs);
      const streak = streaks.get(host.address)!;
      if (ok) [streak.ok, streak.failed] = [streak.ok + 1, 0];
      else [streak.ok, streak.failed] = [0, streak.failed + 1];
      const inSet = set.includes(host.address);
      if (inSet && streak.failed >= planned.healthCheck.unhealthyThreshold) {
        set.splice(set.indexOf(host.address), 1);
        return true;
      }
      if (!inSet && streak.ok >= planned.healthCheck.healthyThreshold) {
        set.push(host.address);
        set.sort();
        return true;
      }
      return false;
    }),
  );
  return changes.some(Boolean);
}

/** The clients' namespace, and per region its bridge and its balancer's namespace between the front bridge and it. */
function buildTwinNetwork(shape: TwinShape, prefix: string, frontNet: (host: number) => string, regionNet: (region: number, host: number) => string, teardown: Teardown) {
  const frontBridge = `${prefix}f`;
  addBridge(teardown, frontBridge, `${frontNet(254)}/24`);
  const clientNamespace = `${prefix}c`;
  addNamespace(teardown, clientNamespace);
  const clientAddresses = Array.from({ length: shape.clientAddresses }, (_, i) => frontNet(10 + i));
  attach(teardown, clientNamespace, "eth0", frontBridge, `${prefix}vc`, `${clientAddresses[0]}/24`);
  for (const address of clientAddresses.slice(1)) run("ip", ["-n", clientNamespace, "addr", "add", `${address}/24`, "dev", "eth0"]);

  const vips: string[] = [];
  for (let r = 0; r < shape.regions.length; r++) {
    const bridge = `${prefix}b${r}`;
    addBridge(teardown, bridge, `${regionNet(r, 254)}/24`);
    const lb = `${prefix}l${r}`;
    addNamespace(teardown, lb);
    vips.push(frontNet(100 + r));
    attach(teardown, lb, "front", frontBridge, `${prefix}vf${r}`, `${frontNet(100 + r)}/24`);
    attach(teardown, lb, "back", bridge, `${prefix}vb${r}`, `${regionNet(r, 1)}/24`);
    inNamespace(lb, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  }

  return { clientNamespace, clientAddresses, vips };
}

export async function startTwin(shape: TwinShape, teardown: Teardown): Promise<Twin> {
  const prefix = `gd${Math.random().toString(36).slice(2, 5)}`;
  const slot = freeSlot();
  const frontNet = (host: number) => `198.18.${5 * slot}.${host}`;
  const regionNet = (region: number, host: number) => `198.18.${5 * slot + 1 + region}.${host}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-twin-"));
  teardown.add(`directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));

  const { clientNamespace, clientAddresses, vips } = buildTwinNetwork(shape, prefix, frontNet, regionNet, teardown);
  const regionCount = shape.regions.length;

  const fleet = await hostFleet(shape.stack);
  const postgres = await startDatastore(
    fleet,
    Array.from({ length: regionCount }, (_, r) => regionNet(r, 254)),
    dir,
  );
  teardown.add("PostgreSQL", () => void postgres.stop());
  const datastorePort = Number(fleet.hosts.values().next().value?.env.INGEST_DB_PORT ?? 5432);

  const hosts: TwinHost[] = [];
  /** Every host the twin booted, terminated ones too: `stop` shuts down what still runs. */
  const booted: TwinHost[] = [];
  const hostCounts = shape.regions.map(() => 0);
  async function startHost(region: number, release: Record<string, string>, healthy: boolean): Promise<TwinHost> {
    const index = hostCounts[region]!++;
    const net = (host: number) => regionNet(region, host);
    const host = await bootTwinHost(fleet, shape, { prefix, region, index, net, clientNetwork: `${frontNet(0)}/24`, datastorePort: postgres.port, release }, teardown);
    booted.push(host);
    await (healthy ? waitInService(host.address, shape.regions[region]!, Date.now() + bootWaitMs) : waitForHttp(host.address, Date.now() + bootWaitMs, false));
    hosts.push(host);
    return host;
  }
  const starting = shape.regions.flatMap((planned, r) => Array.from({ length: shape.hostsPerRegion ?? planned.minHosts }, () => startHost(r, {}, true)));

  const failed = (await Promise.allSettled(starting)).find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  hosts.sort((a, b) => a.region - b.region || a.index - b.index);
  await countDeliveries(postgres);

  const balancers = startBalancers(shape, prefix, vips, hosts, teardown);
  const { healthySets, streaks, running } = balancers;

  const { answerFile, answerEvents } = startAnswers(shape, vips, dir, running, probe);

  return {
    prefix,
    regions: shape.regions,
    hosts,
    clientNamespace,
    clientAddresses,
    vips,
    postgres,
    datastorePort,
    balancerEvents: balancers.events,
    answerFile,
    answerEvents,
    healthy: (region) => [...healthySets[region]!],
    async addHost(region, release = {}) {
      streaks.set(regionNet(region, 10 + hostCounts[region]!), { ok: 0, failed: 0 });
      return startHost(region, release, false);
    },
    async terminate(host) {
      hosts.splice(hosts.indexOf(host), 1);
      const set = healthySets[host.region]!;
      if (set.includes(host.address)) set.splice(set.indexOf(host.address), 1);
      if (running()) balancers.apply(host.region);
      await host.machine.stop();
    },
    signalHost: (host, signal) => signalNamespace(host.namespace, signal),
    deliveries: (idPrefix) => deliveriesOf(postgres, idPrefix),
    loseRegion(region) {
      for (const host of hosts.filter((h) => h.region === region)) killNamespaceProcesses(host.namespace);
      run("ip", ["-n", `${prefix}l${region}`, "link", "set", "front", "down"]);
    },
    async stop() {
      balancers.stop();
      await Promise.all(booted.map((host) => host.machine.stop()));
      await Promise.all(booted.map((host) => host.standIns.stop()));
      const failures = teardown.run();
      if (failures.length > 0) throw new Error(`the twin's teardown left something behind:\n${failures.join("\n")}`);
    },
  };
}

/**
 * Each region's L4 balancer stand-in: every host healthy at start, then the region's own target
 * group health check rewrites its set of targets until the twin stops.
 */
function startBalancers(shape: TwinShape, prefix: string, vips: string[], hosts: TwinHost[], teardown: Teardown) {
  const events: BalancerEvent[] = [];
  const healthySets = vips.map((_, r) => hosts.filter((h) => h.region === r).map((h) => h.address));
  const apply = (region: number) => {
    const all = hosts.filter((h) => h.region === region).map((h) => h.address);
    const targets = healthySets[region]!.length > 0 ? healthySets[region]! : all;
    inNamespace(`${prefix}l${region}`, "nft", ["-f", "-"], balancerRules(vips[region]!, targets));
    events.push({ at: Date.now(), region, healthy: [...healthySets[region]!] });
  };
  vips.forEach((_, r) => apply(r));
  const streaks = new Map(hosts.map((h) => [h.address, { ok: 0, failed: 0 }]));
  let checking = true;
  const running = () => checking;
  shape.regions.forEach(
    (planned, region) =>
      void repeatWhile(running, planned.healthCheck.intervalMs, async () => {
        const changed = await checkRegion(
          planned,
          hosts.filter((host) => host.region === region),
          healthySets[region]!,
          streaks,
        );
        if (changed && checking) apply(region);
      }),
  );
  const stop = () => void (checking = false);
  teardown.add("health checker", stop);
  return { events, healthySets, apply, streaks, running, stop };
}

/** True when a namespace still holds a live process (for the teardown check in tests). */
export function namespaceBusy(namespace: string): boolean {
  return namespacePids(namespace).some(isAlive);
}
