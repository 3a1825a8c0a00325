/**
 * The steps of one host's rehearsal (`rehearsal.ts`): its network from the plan's reachability
 * model, the AWS stand-ins, the boot, the load balancer's health check while it boots, the checks
 * of the booted host, an event through nginx, and the boot's timeline.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Teardown } from "../../gameday/netns";
import type { PlanJson } from "../plan/planJson";
import { bootHost, BootedHost } from "./boot";
import { buildHostNetwork, HostNetworkPlan, hostNetworkPlan } from "./network";
import type { PlannedHost } from "./planned";
import { AwsStandIns, RehearsalCertificates, startAwsStandIns } from "./aws";
import { reachabilityOfPlan } from "../../models/network/reachability";
import type { RehearsalOptions, TimelineStep } from "./rehearsal";

export interface HostRun {
  stack: string;
  plan: PlanJson;
  host: PlannedHost;
  /** The bundle's bucket in the host's region. */
  bucket: string;
  image: string;
  tarball: string;
  certificates: RehearsalCertificates;
  dir: string;
  index: number;
  options: RehearsalOptions;
}

/** What a host's rehearsal has found so far: the steps fill it in, so a step that throws leaves what the earlier ones found for the report. */
export interface HostFindings {
  problems: string[];
  timeline: TimelineStep[];
  cloudInit: string;
  failedUnits: string[];
  runtime: string;
  diagnostics: string;
}

const eventTable = (env: Record<string, string>) => env.INGEST_DB_TABLE ?? "events";

/** `host[:port]` entries of INGEST_DB_HOSTS. */
function datastoreHosts(env: Record<string, string>): { host: string; port: number }[] {
  const port = Number(env.INGEST_DB_PORT ?? 5432);
  return (env.INGEST_DB_HOSTS ?? "")
    .split(",")
    .filter(Boolean)
    .map((entry) => {
      const [host, p] = entry.split(":");
      return { host: host!, port: p ? Number(p) : port };
    });
}

/** Polls `check` every `everyMs` until it returns a value or `timeoutMs` passes. */
async function poll<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** An HTTP request from the load balancer's namespace with the machine's curl: the status and body. */
function fromLoadBalancer(network: HostNetworkPlan, args: string[]): { status: number; body: string } {
  const run = spawnSync("ip", ["netns", "exec", network.namespaces.nlb, "curl", "-sS", "-m", "5", "-o", "-", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
  const out = run.stdout ?? "";
  const cut = out.lastIndexOf("\n");
  return { status: Number(out.slice(cut + 1)) || 0, body: out.slice(0, cut) };
}

/**
 * The host's network as the plan's reachability model has it, built (its undo registered with
 * `teardown`); each flow the plan closes is a problem, a step below that never happens.
 */
export function buildNetworkOf(run: HostRun, found: HostFindings, teardown: Teardown): { network: HostNetworkPlan; prefix: string } {
  const { host } = run;
  const regions = reachabilityOfPlan(run.plan.resources);
  const model = regions.regions.find((r) => r.fleet.launchTemplate === host.templateUrn);
  if (!model) throw new Error(regions.unjudged.find((u) => u.urn === host.templateUrn)?.message ?? `the reachability model judges no host fleet of ${host.templateUrn}`);
  // What the plan's network closes, by the model: each is a step below that never happens.
  for (const flow of model.flows.filter((f) => !f.open)) found.problems.push(`the plan closes ${flow.name} ${flow.detail}: ${flow.dropped?.summary ?? "closed"}`);
  const databases = datastoreHosts(host.env);
  if (databases.length === 0) throw new Error(`the user data names no datastore host (INGEST_DB_HOSTS in ${host.templateUrn})`);
  const prefix = `rh${process.pid % 100_000}-${run.index}`;
  const network = hostNetworkPlan(
    prefix,
    model,
    databases.map((d) => d.host),
  );
  buildHostNetwork(network, teardown);
  return { network, prefix };
}

/** The AWS stand-ins in the VPC's namespace, for an instance id of their own (their undo registered with `teardown`). */
export async function startStandInsFor(run: HostRun, network: HostNetworkPlan, teardown: Teardown): Promise<{ standIns: AwsStandIns; instanceId: string }> {
  const password = randomBytes(18).toString("base64url");
  const instanceId = `i-0${randomBytes(8).toString("hex")}`;
  const standIns = await startAwsStandIns({
    namespace: network.namespaces.vpc,
    network,
    host: run.host,
    tarball: run.tarball,
    password,
    certificates: run.certificates,
    dir: path.join(run.dir, "standins"),
    instanceId,
    bucket: run.bucket,
    grant: run.options.grant === "before-boot",
    credentialsMissingForRequests: run.options.credentialsMissingForRequests ?? 0,
  });
  teardown.add("stand-ins", () => standIns.stopNow());
  return { standIns, instanceId };
}

/** Boots the image with the template's user data in the host's namespace, the VPC resolver and the test CAs in place. */
export function bootPlannedHost(run: HostRun, network: HostNetworkPlan, prefix: string, instanceId: string): Promise<BootedHost> {
  const resolvConf = path.join(run.dir, "resolv.conf");
  writeFileSync(resolvConf, `# The VPC resolver (VPC base + 2), as DHCP hands it out on EC2.\nnameserver ${network.resolver}\n`);
  return bootHost({
    image: run.image,
    machine: prefix,
    namespace: network.namespaces.host,
    dir: run.dir,
    userData: run.host.userData,
    instanceId,
    hostname: `ip-${network.host.replace(/\./g, "-")}`,
    files: {
      "/etc/resolv.conf": resolvConf,
      "/etc/ssl/certs/ca-certificates.crt": run.certificates.trustStore,
      "/usr/local/share/ca-certificates/edge-rehearsal-test-ca.crt": run.certificates.publicCa.certFile,
    },
  });
}

/** The load balancer's health check, from its side, while the host boots: when it first answered healthy (undefined when it never did within 240 s or after cloud-init finished). */
export async function awaitHealthy(booted: BootedHost, network: HostNetworkPlan, host: PlannedHost): Promise<number | undefined> {
  const check = `http://${network.host}${host.healthCheck.path}`;
  const deadline = Date.now() + 240_000;
  let healthyAt: number | undefined;
  let cloudInitDone = false;
  while (Date.now() < deadline && healthyAt === undefined) {
    if (fromLoadBalancer(network, [check]).status === Number(host.healthCheck.matcher)) healthyAt = Date.now();
    else {
      const status = booted.exec(["cloud-init", "status"], 10_000).stdout;
      if (/status: (done|error)/.test(status)) {
        if (cloudInitDone) break; // finished, and a second look still finds no healthy answer
        cloudInitDone = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return healthyAt;
}

/** The booted host's state once cloud-init is done: its errors, failed units, the service's runtime, the time service. */
export function checkBootedHost(booted: BootedHost, host: PlannedHost, healthyAt: number | undefined, found: HostFindings): void {
  const { problems } = found;
  booted.exec(["cloud-init", "status", "--wait"], 120_000);
  found.cloudInit = booted.exec(["cloud-init", "status", "--long"]).stdout.trim();
  const result = JSON.parse(booted.exec(["cat", "/run/cloud-init/result.json"]).stdout || "{}") as { v1?: { errors?: string[] } };
  for (const error of result.v1?.errors ?? []) problems.push(`cloud-init: ${error}`);
  if (!/status: done/.test(found.cloudInit)) problems.push(`cloud-init did not finish cleanly: ${found.cloudInit.split("\n")[0]}`);
  found.failedUnits = booted
    .exec(["systemctl", "--failed", "--no-legend", "--plain"])
    .stdout.split("\n")
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter(Boolean);
  if (found.failedUnits.length) problems.push(`failed units: ${found.failedUnits.join(", ")}`);
  if (healthyAt === undefined) problems.push(`${host.healthCheck.path} never answered ${host.healthCheck.matcher} to the load balancer's namespace`);
  found.runtime = booted.exec(["/opt/edge-ingest/current/runtime/node", "--version"]).stdout.trim();
  const timeSync = booted.exec(["systemd-analyze", "cat-config", "systemd/timesyncd.conf"]).stdout;
  if (!/^NTP=169\.254\.169\.123$/m.test(timeSync)) problems.push("systemd-timesyncd is not pointed at the Amazon Time Sync Service (169.254.169.123)");
}

/**
 * An event through nginx, as the snippet posts it (with `grant: "after-first-event"`, the grant
 * once the service has logged that it needs it): when it was found in PostgreSQL, undefined when never.
 */
export async function postEvent(run: HostRun, booted: BootedHost, network: HostNetworkPlan, standIns: AwsStandIns, healthyAt: number | undefined, found: HostFindings): Promise<number | undefined> {
  const { host, options } = run;
  const { problems } = found;
  const hasEvent = async (insertId: string) => (await standIns.command({ hasEvent: { table: eventTable(host.env), insertId } })).found === true;
  const collector = host.env.INGEST_COLLECTOR_PATH ?? "/track";
  const insertId = `rehearsal-${randomBytes(8).toString("hex")}`;
  const body = JSON.stringify({
    events: [{ insertId, name: "rehearsal", properties: { stack: run.stack, region: host.region }, time: Date.now() }],
    page: "https://rehearsal.invalid/",
    sentAt: Date.now(),
  });
  const posted =
    healthyAt === undefined ? { status: 0, body: "" } : fromLoadBalancer(network, ["-X", "POST", "-H", "Content-Type: text/plain", "--data-binary", body, `http://${network.host}${collector}`]);
  if (healthyAt !== undefined && posted.status !== 200) problems.push(`POST ${collector} answered ${posted.status} ${posted.body.slice(0, 200)}`);
  if (options.grant === "after-first-event" && posted.status === 200) {
    const fix = await poll(() => {
      const journal = booted.exec(["journalctl", "-u", "edge-ingest.service", "-o", "cat", "--no-pager"]).stdout;
      return journal.split("\n").find((line) => line.includes('"level":"error"') && line.includes("GRANT USAGE, CREATE ON SCHEMA public"));
    }, 30_000);
    if (!fix) problems.push("without the grant, the service logged no ERROR naming the grant it needs");
    if (await hasEvent(insertId)) problems.push("the event was stored before the service's role was granted anything: the datastore is not as RDS makes it");
    await standIns.command({ grant: true });
  }
  const stored = posted.status === 200 ? await poll(async () => ((await hasEvent(insertId)) ? Date.now() : undefined), 30_000, 500) : undefined;
  if (posted.status === 200 && stored === undefined) problems.push(`event stored: never: the event ${insertId} answered 200 but is not in PostgreSQL after 30 s`);
  return stored;
}

/**
 * The boot's timeline from the container's start: bundle fetched, installed, service ready, in
 * service, event stored. The first step that never happened is where the boot stopped (a problem),
 * and in service after the group's grace period is one too.
 */
export function recordTimeline(
  booted: BootedHost,
  requests: ReturnType<AwsStandIns["requests"]>,
  host: PlannedHost,
  healthyAt: number | undefined,
  stored: number | undefined,
  found: HostFindings,
): void {
  const { problems, timeline } = found;
  const at = (ms: number | undefined) => (ms === undefined ? undefined : Math.round((ms - booted.startedAt) / 100) / 10);
  const bundleFetched = requests.find((r) => r.service === "s3" && r.verdict === "OK")?.time;
  const agentStarted = /^(\d+)/.exec(booted.exec(["journalctl", "-u", "amazon-ssm-agent.service", "-o", "short-unix", "--no-pager", "-g", "Started"]).stdout.trim())?.[1];
  const { intervalSeconds, healthyThreshold } = host.healthCheck;
  timeline.push(
    { step: "bundle fetched", seconds: at(bundleFetched === undefined ? undefined : Date.parse(bundleFetched)), via: "S3 stand-in's first 200" },
    { step: "installed", seconds: at(agentStarted === undefined ? undefined : Number(agentStarted) * 1000), via: "SSM Agent started (after the bundle's dpkg -i)" },
    { step: "service ready", seconds: at(healthyAt), via: `first ${host.healthCheck.matcher} on ${host.healthCheck.path} from the load balancer's side` },
    {
      step: "in service",
      seconds: healthyAt === undefined ? undefined : at(healthyAt + (healthyThreshold - 1) * intervalSeconds * 1000),
      via: `+ ${healthyThreshold - 1} more checks at ${intervalSeconds} s (healthyThreshold ${healthyThreshold})`,
    },
    { step: "event stored", seconds: at(stored), via: "the event posted through nginx found in PostgreSQL" },
  );
  // The first step that never happened is where the boot stopped.
  const stopped = timeline.find((s) => s.seconds === undefined);
  if (stopped && !problems.some((p) => p.startsWith(`${stopped.step}: never`))) problems.unshift(`${stopped.step}: never (${stopped.via})`);
  const inService = timeline[3]!.seconds;
  if (inService !== undefined && inService > host.healthCheckGracePeriodSeconds) {
    problems.push(`in service after ${inService} s, beyond the group's health check grace period of ${host.healthCheckGracePeriodSeconds} s: the group would replace every host before it serves`);
  }
}

export function countRequests(requests: { service: string; verdict: string }[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const r of requests) {
    const byVerdict = (counts[r.service] ??= {});
    byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + 1;
  }
  return counts;
}

/** What a failed boot says about itself: the user data's output, the failed units' journals and every refusal. */
export function collectDiagnostics(host: BootedHost, standIns: AwsStandIns | undefined): string {
  const output = host.exec(["tail", "-n", "40", "/var/log/cloud-init-output.log"]).stdout;
  const failed = host
    .exec(["systemctl", "--failed", "--no-legend", "--plain"])
    .stdout.split("\n")
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter(Boolean);
  const journals = failed.map((unit) => `--- journal of ${unit}\n${host.exec(["journalctl", "-u", unit, "-n", "20", "-o", "cat", "--no-pager"]).stdout}`);
  const service = host.exec(["journalctl", "-u", "edge-ingest.service", "-n", "20", "-o", "cat", "--no-pager"]).stdout;
  const refusals = (standIns?.requests() ?? []).filter((r) => r.verdict !== "OK").map((r) => `${r.time} ${r.service} ${r.action} → ${r.status} ${r.verdict}${r.detail ? ` (${r.detail})` : ""}`);
  return [
    "--- /var/log/cloud-init-output.log (last 40 lines)",
    output,
    ...journals,
    "--- journal of edge-ingest.service (last 20 lines)",
    service,
    "--- stand-in refusals",
    ...refusals.slice(0, 40),
  ].join("\n");
}
