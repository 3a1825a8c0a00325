/**
 * A host of the edge twin as EC2 would run it: the plan's launch template user data, unchanged,
 * booted with cloud-init on the host rehearsal's Debian 12 image under systemd
 * (`tools/rehearse`: `bootHost`, the image, the bundle, the stand-ins), so every scenario faults
 * what the launch template runs. Per host, the rehearsal's own network (`buildHostNetwork`: the
 * VPC namespace with the stand-ins, the host's namespace with the wired security groups, the load
 * balancer's namespace), and two legs onto the twin's region bridge:
 *   - the host's `tw0`, at the twin's host address, where the twin's balancer and health checks
 *     reach nginx. The hosts' security group admits port 80 from the NLB's security group, and a
 *     rule referencing the NLB's group admits what the NLB forwards, client addresses kept
 *     (Elastic Load Balancing, "Update the security groups for your Network Load Balancer":
 *     "ensures that your targets accept traffic from your Network Load Balancer even if you enable
 *     client IP preservation"): the twin adds that rule for its balancer's link, the only change to
 *     the wired ruleset. Replies to the clients' network go back through the balancer.
 *   - the VPC namespace's `tw`: the datastore's wired addresses (what the resolver stand-in answers
 *     for the names in the user data) are forwarded there to the twin's one PostgreSQL, which
 *     presents the datastore test CA's certificate for those names and holds the service's role
 *     as its administrator made it (`startRdsPostgres`).
 * The host's disk for its spools and nginx's logs is the twin's small tmpfs: `/var/lib/private`
 * (where systemd keeps a `DynamicUser=` unit's `StateDirectory=`) and `/var/log/nginx` are bound
 * from it, so a full disk is a real one.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseDocument } from "yaml";
import { decodeUserData, drainFile, encodeUserData, ingestEnvPath, nginxListenPort } from "../models/hostEdge";
import { reachabilityOfPlan } from "../models/network/reachability";
import { bootHost, BootedHost } from "../tools/rehearse/boot";
import { AwsStandIns, startAwsStandIns } from "../tools/rehearse/aws";
import { buildHostNetwork, hostNetworkPlan } from "../tools/rehearse/network";
import type { PlannedHost } from "../tools/rehearse/planned";
import type { HostFleet } from "./hostFleet";
import { attach, inNamespace, run, Teardown } from "./netns";

/** Where a booted host meets the twin. */
export interface TwinPlacement {
  /** Unique on this machine, short: the rehearsal's namespaces and links are named after it. */
  prefix: string;
  /** The twin region's bridge, its host address on it, the balancer's address there and the clients' network behind it. */
  bridge: string;
  address: string;
  balancer: string;
  clientNetwork: string;
  /** The VPC namespace's address on the bridge (the datastore's traffic leaves there). */
  vpcAddress: string;
  /** The twin's PostgreSQL, on the bridge. */
  datastore: { address: string; port: number };
  /** The host's disk (a tmpfs directory). */
  disk: string;
  /** The env file's lines a release changes (a new launch template version). */
  release?: Record<string, string>;
}

export interface RunningHost {
  machine: BootedHost;
  standIns: AwsStandIns;
  instanceId: string;
  /** The host's namespace (every process of the machine runs in it). */
  namespace: string;
}

/** The user data with the env file's `release` lines changed: what a new launch template version of a release carries. */
export function withReleaseEnv(userData: string, release: Record<string, string>): string {
  if (Object.keys(release).length === 0) return userData;
  const document = parseDocument(decodeUserData(userData));
  const files = document.get("write_files") as { items: { get(key: string): unknown; set(key: string, value: unknown): void }[] } | undefined;
  const file = files?.items.find((item) => item.get("path") === ingestEnvPath);
  if (!file) throw new Error(`the user data writes no ${ingestEnvPath}: a release cannot change its env`);
  let content = String(file.get("content"));
  for (const [name, value] of Object.entries(release)) {
    const line = `${name}=${value}`;
    content = new RegExp(`^${name}=.*$`, "m").test(content) ? content.replace(new RegExp(`^${name}=.*$`, "m"), line) : `${content.trimEnd()}\n${line}\n`;
  }
  file.set("content", content);
  return encodeUserData(`#cloud-config\n${document.toString().replace(/^#cloud-config\n/, "")}`);
}

/** The datastore's wired addresses, forwarded from the VPC namespace to the twin's PostgreSQL (source rewritten, so its answers come back the same way). */
function forwardDatastore(vpc: string, wired: string[], dialled: number, to: TwinPlacement["datastore"]): void {
  inNamespace(vpc, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  inNamespace(
    vpc,
    "nft",
    ["-f", "-"],
    [
      "table ip twindatastore {",
      "  chain pre {",
      "    type nat hook prerouting priority -100;",
      `    ip daddr { ${wired.join(", ")} } tcp dport ${dialled} dnat to ${to.address}:${to.port}`,
      "  }",
      "  chain post {",
      "    type nat hook postrouting priority 100;",
      '    oifname "tw" masquerade',
      "  }",
      "}",
      "",
    ].join("\n"),
  );
}

/**
 * Boots one host of the twin and returns once systemd runs (cloud-init then boots it on its own;
 * the twin waits for its health check). Every namespace, link, process and the machine are
 * registered with `teardown`.
 */
export async function startBootedHost(fleet: HostFleet, planned: PlannedHost, place: TwinPlacement, teardown: Teardown): Promise<RunningHost> {
  const model = reachabilityOfPlan(fleet.plan.resources).regions.find((r) => r.fleet.launchTemplate === planned.templateUrn);
  if (!model) throw new Error(`the reachability model judges no host fleet of ${planned.templateUrn}`);
  const databases = (planned.env.INGEST_DB_HOSTS ?? "")
    .split(",")
    .filter(Boolean)
    .map((entry) => entry.split(":")[0]!);
  const network = hostNetworkPlan(place.prefix, model, databases);
  buildHostNetwork(network, teardown);
  const { host: namespace, vpc } = network.namespaces;
  attach(teardown, namespace, "tw0", place.bridge, `${place.prefix}t`, `${place.address}/24`);
  run("ip", ["-n", namespace, "route", "add", place.clientNetwork, "via", place.balancer, "dev", "tw0"]);
  inNamespace(namespace, "nft", [
    "insert",
    "rule",
    "ip",
    "securitygroups",
    "input",
    "iifname",
    "tw0",
    "tcp",
    "dport",
    String(nginxListenPort),
    "accept",
    "comment",
    '"from the NLB security group: what the twin balancer forwards, client addresses kept"',
  ]);
  attach(teardown, vpc, "tw", place.bridge, `${place.prefix}d`, `${place.vpcAddress}/24`);
  forwardDatastore(vpc, Object.values(network.datastores), Number(planned.env.INGEST_DB_PORT ?? 5432), place.datastore);

  const dir = path.join(fleet.dir, place.prefix);
  const instanceId = `i-0${randomBytes(8).toString("hex")}`;
  const standIns = await startAwsStandIns({
    namespace: vpc,
    network,
    host: planned,
    tarball: fleet.tarball,
    password: fleet.password,
    certificates: fleet.certificates,
    dir: path.join(dir, "standins"),
    instanceId,
    bucket: fleet.buckets.get(planned.region)!,
    grant: true,
    credentialsMissingForRequests: 0,
    externalDatastore: true,
  });
  teardown.add(`stand-ins of ${place.prefix}`, () => standIns.stopNow());

  const resolvConf = path.join(dir, "resolv.conf");
  writeFileSync(resolvConf, `# The VPC resolver (VPC base + 2), as DHCP hands it out on EC2.\nnameserver ${network.resolver}\n`);
  const state = path.join(place.disk, "private");
  mkdirSync(state, { recursive: true, mode: 0o700 });
  mkdirSync(path.join(place.disk, "nginx"), { recursive: true });
  const machine = await bootHost({
    image: fleet.image,
    machine: place.prefix,
    namespace,
    dir,
    userData: withReleaseEnv(planned.userData, place.release ?? {}),
    instanceId,
    hostname: `ip-${network.host.replace(/\./g, "-")}`,
    files: {
      "/etc/resolv.conf": resolvConf,
      "/etc/ssl/certs/ca-certificates.crt": fleet.certificates.trustStore,
      "/usr/local/share/ca-certificates/edge-rehearsal-test-ca.crt": fleet.certificates.publicCa.certFile,
    },
    directories: { "/var/lib/private": state, "/var/log/nginx": path.join(place.disk, "nginx") },
  });
  teardown.add(`machine ${place.prefix}`, () => machine.stopNow());
  return { machine, standIns, instanceId, namespace };
}

/**
 * Signals every process of a systemd unit inside the machine (its control group's), as the OOM
 * killer or an operator would; systemd sees the process die or stop as it would on the host.
 * (`systemctl kill` inside the container fails here with EIO on the unit's cgroup, so the signal is
 * sent from outside to the same processes.)
 */
export function signalUnit(machine: BootedHost, unit: string, signal: NodeJS.Signals): void {
  const group = machine.exec(["systemctl", "show", "-p", "ControlGroup", "--value", unit], 10_000).stdout.trim();
  // The image's systemd 252 mounts the hybrid hierarchy in the container: the unit's processes are listed under its named v1 hierarchy.
  const lists = ["", "/unified", "/systemd"].map((root) => `/sys/fs/cgroup${root}${group}/cgroup.procs`);
  const procs = group ? machine.exec(["sh", "-c", `cat ${lists.join(" 2>/dev/null || cat ")} 2>/dev/null`], 10_000).stdout : "";
  const pids = procs.split("\n").filter(Boolean).map(Number);
  const onHost = pids.map((pid) => machine.hostPid(pid)).filter((pid): pid is number => pid !== undefined);
  if (onHost.length === 0) throw new Error(`${unit} runs no process on the host to send ${signal} to`);
  for (const pid of onHost) process.kill(pid, signal);
}

/**
 * Starts the drain the plan's termination lifecycle hook starts: Auto Scaling moves the instance
 * to Terminating:Wait, which instance metadata shows as `Terminated` in
 * `autoscaling/target-lifecycle-state`; the user data's watcher then runs the drain script.
 * Resolves when the drain file exists on the host (`/http-check` answers 404 from then on).
 */
export async function drainHost(host: RunningHost, timeoutMs = 30_000): Promise<number> {
  const answer = await host.standIns.command({ setLifecycleState: { instanceId: host.instanceId, state: "Terminated" } });
  if (answer.ok !== true) throw new Error(`instance metadata refused the lifecycle state: ${JSON.stringify(answer)}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (host.machine.exec(["test", "-e", drainFile], 5_000).status === 0) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the host's lifecycle watcher did not drain it within ${timeoutMs / 1000} s of the Terminated state`);
}

/** The host PID of a unit's main process inside the machine (nginx's master for `nginx.service`). */
export function unitMainPid(machine: BootedHost, unit: string): number | undefined {
  const pid = Number(machine.exec(["systemctl", "show", "-p", "MainPID", "--value", unit], 10_000).stdout.trim());
  return pid > 0 ? machine.hostPid(pid) : undefined;
}
