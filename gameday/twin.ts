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
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { healthCheckPath, nginxListenPort } from "../models/hostEdge";
import { mountTmpfs } from "../harness/tmpfs";
import { RdsPostgres, startRdsPostgres } from "../tools/rehearse/standins/postgres";
import { issueServerCertificate } from "../tools/rehearse/standins/testCa";
import { RunningHost, startBootedHost } from "./bootedHost";
import { hostFleet, HostFleet } from "./hostFleet";
import { PlannedRegion } from "./planned";
import { addBridge, addNamespace, attach, inNamespace, isAlive, killNamespaceProcesses, namespacePids, run, Teardown } from "./netns";

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

export async function startTwin(shape: TwinShape, teardown: Teardown): Promise<Twin> {
  const prefix = `gd${Math.random().toString(36).slice(2, 5)}`;
  const slot = freeSlot();
  const frontNet = (host: number) => `198.18.${5 * slot}.${host}`;
  const regionNet = (region: number, host: number) => `198.18.${5 * slot + 1 + region}.${host}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-twin-"));
  teardown.add(`directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));

  const frontBridge = `${prefix}f`;
  addBridge(teardown, frontBridge, `${frontNet(254)}/24`);
  const clientNamespace = `${prefix}c`;
  addNamespace(teardown, clientNamespace);
  const clientAddresses = Array.from({ length: shape.clientAddresses }, (_, i) => frontNet(10 + i));
  attach(teardown, clientNamespace, "eth0", frontBridge, `${prefix}vc`, `${clientAddresses[0]}/24`);
  for (const address of clientAddresses.slice(1)) run("ip", ["-n", clientNamespace, "addr", "add", `${address}/24`, "dev", "eth0"]);

  const vips: string[] = [];
  const regionCount = shape.regions.length;
  for (let r = 0; r < regionCount; r++) {
    const bridge = `${prefix}b${r}`;
    addBridge(teardown, bridge, `${regionNet(r, 254)}/24`);
    const lb = `${prefix}l${r}`;
    addNamespace(teardown, lb);
    vips.push(frontNet(100 + r));
    attach(teardown, lb, "front", frontBridge, `${prefix}vf${r}`, `${frontNet(100 + r)}/24`);
    attach(teardown, lb, "back", bridge, `${prefix}vb${r}`, `${regionNet(r, 1)}/24`);
    inNamespace(lb, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  }

  const fleet = await hostFleet(shape.stack);
  const postgres = await startDatastore(fleet, Array.from({ length: regionCount }, (_, r) => regionNet(r, 254)), dir);
  teardown.add("PostgreSQL", () => void postgres.stop());
  const datastorePort = Number(fleet.hosts.values().next().value?.env.INGEST_DB_PORT ?? 5432);

  const hosts: TwinHost[] = [];
  /** Every host the twin booted, terminated ones too: `stop` shuts down what still runs. */
  const booted: TwinHost[] = [];
  const hostCounts = shape.regions.map(() => 0);
  async function startHost(region: number, release: Record<string, string>, healthy: boolean): Promise<TwinHost> {
    const index = hostCounts[region]!++;
    const planned = shape.regions[region]!;
    const template = fleet.hosts.get(planned.region);
    if (!template) throw new Error(`the plan of ${shape.stack} with the bundle has no launch template in ${planned.region}`);
    const name = `${prefix}h${region}${index}`;
    const disk = mountTmpfs(hostDiskBytes, `edge-twin-disk-${name}-`);
    teardown.add(`disk of ${name}`, () => disk.unmount());
    const address = regionNet(region, 10 + index);
    const placement = { prefix: name, bridge: `${prefix}b${region}`, address, balancer: regionNet(region, 1), clientNetwork: `${frontNet(0)}/24`, vpcAddress: regionNet(region, 200 + index), datastore: { address: regionNet(region, 254), port: postgres.port }, disk: disk.dir, release };
    const running = await startBootedHost(fleet, template, placement, teardown);
    const host: TwinHost = { ...running, region, index, address, disk: disk.dir, spoolDirs: [planned.servicePort, planned.backupPort].map((port) => path.join(disk.dir, "private", `edge-ingest-${port}`)) };
    booted.push(host);
    await waitForHttp(address, Date.now() + bootWaitMs, healthy);
    hosts.push(host);
    return host;
  }
  const starting: Promise<TwinHost>[] = [];
  for (let r = 0; r < regionCount; r++) for (let h = 0; h < (shape.hostsPerRegion ?? shape.regions[r]!.minHosts); h++) starting.push(startHost(r, {}, true));

  const results = await Promise.allSettled(starting);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  hosts.sort((a, b) => a.region - b.region || a.index - b.index);
  // Every insert the datastore commits, counted per id before the primary key folds a duplicate
  // delivery into the stored row (a BEFORE trigger fires for every row proposed, also one that
  // ON CONFLICT DO NOTHING then skips): the twin sees deliveries, not only distinct rows.
  await postgres.query(`
    CREATE TABLE IF NOT EXISTS twin_deliveries (insert_id text NOT NULL);
    CREATE OR REPLACE FUNCTION twin_count_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO twin_deliveries VALUES (NEW.insert_id); RETURN NEW; END $$;
    CREATE TRIGGER twin_count_delivery BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION twin_count_delivery();`);

  // Balancers: every host healthy at start, then the checker rewrites the set.
  const balancerEvents: BalancerEvent[] = [];
  const healthySets = vips.map((_, r) => hosts.filter((h) => h.region === r).map((h) => h.address));
  const apply = (region: number) => {
    const all = hosts.filter((h) => h.region === region).map((h) => h.address);
    const targets = healthySets[region]!.length > 0 ? healthySets[region]! : all;
    inNamespace(`${prefix}l${region}`, "nft", ["-f", "-"], balancerRules(vips[region]!, targets));
    balancerEvents.push({ at: Date.now(), region, healthy: [...healthySets[region]!] });
  };
  vips.forEach((_, r) => apply(r));
  const streaks = new Map(hosts.map((h) => [h.address, { ok: 0, failed: 0 }]));
  let checking = true;
  /** Runs `round` every `intervalMs` (a round that takes longer starts the next at once) until the twin stops. */
  const every = (intervalMs: number, round: () => Promise<void>) =>
    (async () => {
      while (checking) {
        const started = Date.now();
        await round();
        await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
      }
    })();
  // Each region's balancer checks its hosts with its own target group's health check.
  const checkers = shape.regions.map((planned, region) =>
    every(planned.healthCheck.intervalMs, () =>
      Promise.all(
        hosts
          .filter((host) => host.region === region)
          .map(async (host) => {
            const ok = await probe(host.address, planned.healthCheck.timeoutMs);
            const streak = streaks.get(host.address)!;
            if (ok) [streak.ok, streak.failed] = [streak.ok + 1, 0];
            else [streak.ok, streak.failed] = [0, streak.failed + 1];
            const set = healthySets[region]!;
            const inSet = set.includes(host.address);
            if (inSet && streak.failed >= planned.healthCheck.unhealthyThreshold) {
              set.splice(set.indexOf(host.address), 1);
              if (checking) apply(region);
            } else if (!inSet && streak.ok >= planned.healthCheck.healthyThreshold) {
              set.push(host.address);
              set.sort();
              if (checking) apply(region);
            }
          }),
      ).then(() => undefined),
    ),
  );
  teardown.add("health checker", () => {
    checking = false;
  });

  // The ingest name's answer: Route 53 probes each balancer from several checkers (at the
  // region's health check's interval), each judging it healthy or not after failureThreshold
  // results in a row, and answers with a region while more than 18% of its checkers report it
  // healthy (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is
  // healthy"). Each probe passes the balancer like any flow.
  const answerFile = path.join(dir, "answer.json");
  const answerEvents: AnswerEvent[] = [];
  const checkerCount = shape.dnsProbe.checkers;
  const verdicts = vips.map(() => Array.from({ length: checkerCount }, () => ({ healthy: true, streak: 0 })));
  const answered = vips.map(() => true);
  const publish = () => {
    const regions = answered.flatMap((up, r) => (up ? [r] : []));
    writeFileSync(`${answerFile}.tmp`, JSON.stringify(regions));
    renameSync(`${answerFile}.tmp`, answerFile);
    answerEvents.push({ at: Date.now(), regions });
  };
  publish();
  const dnsCheckers = shape.regions.map((planned, r) =>
    every(planned.dnsHealthCheck.intervalMs, async () => {
      const results = await Promise.all(verdicts[r]!.map(() => probe(vips[r]!, shape.dnsProbe.timeoutMs)));
      results.forEach((ok, c) => {
        const verdict = verdicts[r]![c]!;
        verdict.streak = ok === verdict.healthy ? 0 : verdict.streak + 1;
        if (verdict.streak >= planned.dnsHealthCheck.failureThreshold) [verdict.healthy, verdict.streak] = [ok, 0];
      });
      const up = verdicts[r]!.filter((c) => c.healthy).length / checkerCount > 0.18;
      if (checking && up !== answered[r]) {
        answered[r] = up;
        publish();
      }
    }),
  );

  return {
    prefix,
    regions: shape.regions,
    hosts,
    clientNamespace,
    clientAddresses,
    vips,
    postgres,
    datastorePort,
    balancerEvents,
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
      if (checking) apply(host.region);
      await host.machine.stop();
    },
    signalHost(host, signal) {
      for (const pid of namespacePids(host.namespace).filter(isAlive)) {
        try {
          process.kill(pid, signal);
        } catch {
          // gone meanwhile
        }
      }
    },
    async deliveries(idPrefix) {
      const [row] = await postgres.query<{ n: string }>("SELECT count(*) AS n FROM twin_deliveries WHERE insert_id LIKE $1", [`${idPrefix}-%`]);
      return Number(row!.n);
    },
    loseRegion(region) {
      for (const host of hosts.filter((h) => h.region === region)) killNamespaceProcesses(host.namespace);
      run("ip", ["-n", `${prefix}l${region}`, "link", "set", "front", "down"]);
    },
    async stop() {
      checking = false;
      void checkers;
      void dnsCheckers;
      await Promise.all(booted.map((host) => host.machine.stop()));
      await Promise.all(booted.map((host) => host.standIns.stop()));
      const failures = teardown.run();
      if (failures.length > 0) throw new Error(`the twin's teardown left something behind:\n${failures.join("\n")}`);
    },
  };
}

/**
 * The twin's one datastore, as RDS presents it to every host: its certificate from the datastore
 * test CA (the bundle's place of the RDS CA) naming each region's datastore host names, the
 * service's role made and granted by its administrator with the password the SSM stand-ins serve.
 */
async function startDatastore(fleet: HostFleet, addresses: string[], dir: string): Promise<RdsPostgres> {
  const templates = [...fleet.hosts.values()];
  const names = templates.flatMap((t) => (t.env.INGEST_DB_HOSTS ?? "").split(",").filter(Boolean).map((entry) => entry.split(":")[0]!));
  const certificate = issueServerCertificate(fleet.certificates.datastoreCa, `twin-${path.basename(dir)}`, [...new Set(names)]);
  const env = templates[0]!.env;
  return startRdsPostgres({
    addresses,
    port: 0,
    tls: { certFile: certificate.certFile, keyFile: certificate.keyFile },
    database: env.INGEST_DB_NAME ?? "edge",
    adminUser: "edge_admin",
    adminPassword: randomBytes(18).toString("base64url"),
    serviceUser: env.INGEST_DB_USER ?? "ingest",
    servicePassword: fleet.password,
    grant: true,
  });
}

/** True when a namespace still holds a live process (for the teardown check in tests). */
export function namespaceBusy(namespace: string): boolean {
  return namespacePids(namespace).some(isAlive);
}
