/**
 * The host rehearsal: every planned launch template's user data, unchanged, booted with cloud-init
 * on a Debian 12 image under systemd (`systemd-nspawn --boot`), in namespaces addressed as the
 * plan's VPC, against stand-ins that refuse what AWS refuses, with a bundle built by the bundle
 * builder. A host passes when cloud-init finishes with no error, no unit has failed, nginx answers
 * the target group's health check from the load balancer's side, and an event posted through nginx
 * is in PostgreSQL.
 *
 * What stands in, and for what:
 *   - the image (`image.ts`): the Debian 12 AMI; its only addition is the rehearsal's "public" test
 *     CA in its trust store, standing in for Amazon's roots that Debian's store holds;
 *   - the bundle: built by `buildBundle` with stand-in agent .debs (the real ones cannot be
 *     downloaded here) and the rehearsal's "datastore" test CA where the RDS CA bundle goes;
 *   - instance metadata, the VPC resolver, S3, SSM, CloudWatch Logs and metrics, the time service
 *     (`standins/`), each answering only what the plan declares (endpoints, routes, policies);
 *   - PostgreSQL 15 (Debian's) with TLS from the datastore test CA, the service's role created as a
 *     DBA creates it on RDS, granted what `datastoreGrantSql` says.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Teardown } from "../../gameday/netns";
import { buildBundle } from "../bundle/bundle";
import type { PlanJson } from "../plan/planJson";
import { bootHost, BootedHost } from "./boot";
import { hostImage } from "./image";
import { buildHostNetwork, HostNetworkPlan, hostNetworkPlan } from "./network";
import { plannedHosts, PlannedHost } from "./planned";
import { planWithBundle } from "./plan";
import { buildStandInAgentDebs } from "./standInAgents";
import { AwsStandIns, makeRehearsalCertificates, RehearsalCertificates, startAwsStandIns } from "./aws";
import { bundleBucketName } from "../../models/hostEdge/bundle";
import { reachabilityOfPlan } from "../../models/network/reachability";

export interface RehearsalOptions {
  stacks: string[];
  /** Boot at most this many launch templates in all (the reduced run boots one). */
  maxTemplates?: number;
  /**
   * When the datastore's administrator runs the grant: before the host boots, or only after the
   * service has reported the missing grant and an event was posted (which must then be stored
   * from the spool).
   */
  grant: "before-boot" | "after-first-event";
  /** How many of the host's first requests for its role's credentials instance metadata answers 404 (as just after a launch). */
  credentialsMissingForRequests?: number;
  /**
   * Rehearses each stack's plan as this function changes it (a test's plan that lost a rule):
   * everything the host meets, its network included, follows the changed plan.
   */
  changePlan?: (plan: PlanJson) => PlanJson;
  log?: (line: string) => void;
}

export interface TimelineStep {
  step: string;
  /** Seconds since the container started, or undefined when the step never happened. */
  seconds: number | undefined;
  via: string;
}

export interface HostReport {
  stack: string;
  region: string;
  templateUrn: string;
  ok: boolean;
  problems: string[];
  timeline: TimelineStep[];
  /** The group's health check grace period and the seconds a booted host took to be in service. */
  gracePeriodSeconds: number;
  cloudInit: string;
  failedUnits: string[];
  /** The Node.js the service runs on, as the host reports it. */
  runtime: string;
  /** Requests each stand-in answered, by service and verdict. */
  requests: Record<string, Record<string, number>>;
  /** What to read when the host failed: the user data's output and the refusals. */
  diagnostics: string;
}

const eventTable = (env: Record<string, string>) => env.INGEST_DB_TABLE ?? "events";

/** What every boot of a run shares: the image, the test CAs and the bundle built with stand-in agents. */
export interface RehearsalParts {
  image: string;
  certificates: RehearsalCertificates;
  tarball: string;
}

/** Builds (or takes from the cache) the image, makes the test CAs and builds the bundle, in `dir`. */
export function prepareRehearsal(dir: string, log: (line: string) => void = () => undefined): RehearsalParts {
  const started = Date.now();
  const image = hostImage();
  log(`image ${path.basename(image)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const certificates = makeRehearsalCertificates(path.join(dir, "ca"), image);
  const agents = buildStandInAgentDebs(path.join(dir, "agents"));
  const bundleStarted = Date.now();
  const { tarball, manifest } = buildBundle({
    outDir: path.join(dir, "bundle"),
    release: `rehearsal-${Date.now()}`,
    pins: agents.pins,
    pinnedDebFiles: agents.files,
    datastoreCa: { file: certificates.datastoreCa.certFile, source: "the host rehearsal's datastore test CA, in the place of the RDS CA bundle" },
  });
  log(`bundle ${path.basename(tarball)}: ${manifest.files.length} files for ${manifest.os.id} ${manifest.os.versionId} ${manifest.os.architecture}, node ${manifest.runtime.node} (${((Date.now() - bundleStarted) / 1000).toFixed(1)} s)`);
  return { image, certificates, tarball };
}

/** Runs the rehearsal; a report per booted launch template. */
export async function rehearse(options: RehearsalOptions): Promise<HostReport[]> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-rehearse-"));
  try {
    const { image, certificates, tarball } = prepareRehearsal(dir, log);
    const reports: HostReport[] = [];
    let index = 0;
    for (const stack of options.stacks) {
      const planned = await planWithBundle(stack, tarball, path.join(dir, `plan-${stack}`));
      const plan = options.changePlan ? options.changePlan(planned.plan) : planned.plan;
      const bucket = planned.bucket;
      for (const host of plannedHosts(plan)) {
        if (options.maxTemplates !== undefined && index >= options.maxTemplates) return reports;
        log(`${stack} ${host.region}: booting ${host.templateUrn}`);
        const report = await rehearseHost({ stack, plan, host, bucket: bundleBucketName({ bucket, key: "", sha256: "" }, host.region), image, tarball, certificates, dir: path.join(dir, `host-${index}`), index, options });
        log(`${stack} ${host.region}: ${report.ok ? "in service, event stored" : `FAILED: ${report.problems.join("; ")}`}`);
        reports.push(report);
        index++;
      }
    }
    return reports;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface HostRun {
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

async function rehearseHost(run: HostRun): Promise<HostReport> {
  const { host, options } = run;
  const teardown = new Teardown();
  const problems: string[] = [];
  const timeline: TimelineStep[] = [];
  let booted: BootedHost | undefined;
  let standIns: AwsStandIns | undefined;
  let cloudInit = "";
  let failedUnits: string[] = [];
  let runtime = "";
  let diagnostics = "";
  try {
    const regions = reachabilityOfPlan(run.plan.resources);
    const model = regions.regions.find((r) => r.fleet.launchTemplate === host.templateUrn);
    if (!model) throw new Error(regions.unjudged.find((u) => u.urn === host.templateUrn)?.message ?? `the reachability model judges no host fleet of ${host.templateUrn}`);
    // What the plan's network closes, by the model: each is a step below that never happens.
    for (const flow of model.flows.filter((f) => !f.open)) problems.push(`the plan closes ${flow.name} ${flow.detail}: ${flow.dropped?.summary ?? "closed"}`);
    const databases = datastoreHosts(host.env);
    if (databases.length === 0) throw new Error(`the user data names no datastore host (INGEST_DB_HOSTS in ${host.templateUrn})`);
    const prefix = `rh${process.pid % 100_000}-${run.index}`;
    const network = hostNetworkPlan(prefix, model, databases.map((d) => d.host));
    buildHostNetwork(network, teardown);

    const password = randomBytes(18).toString("base64url");
    const instanceId = `i-0${randomBytes(8).toString("hex")}`;
    standIns = await startAwsStandIns({
      namespace: network.namespaces.vpc,
      network,
      host,
      tarball: run.tarball,
      password,
      certificates: run.certificates,
      dir: path.join(run.dir, "standins"),
      instanceId,
      bucket: run.bucket,
      grant: options.grant === "before-boot",
      credentialsMissingForRequests: options.credentialsMissingForRequests ?? 0,
    });
    const running = standIns;
    teardown.add("stand-ins", () => running.stopNow());
    const hasEvent = async (insertId: string) => (await running.command({ hasEvent: { table: eventTable(host.env), insertId } })).found === true;

    const resolvConf = path.join(run.dir, "resolv.conf");
    writeFileSync(resolvConf, `# The VPC resolver (VPC base + 2), as DHCP hands it out on EC2.\nnameserver ${network.resolver}\n`);
    booted = await bootHost({
      image: run.image,
      machine: prefix,
      namespace: network.namespaces.host,
      dir: run.dir,
      userData: host.userData,
      instanceId,
      hostname: `ip-${network.host.replace(/\./g, "-")}`,
      files: {
        "/etc/resolv.conf": resolvConf,
        "/etc/ssl/certs/ca-certificates.crt": run.certificates.trustStore,
        "/usr/local/share/ca-certificates/edge-rehearsal-test-ca.crt": run.certificates.publicCa.certFile,
      },
    });
    const bootedHost = booted;
    const at = (ms: number | undefined) => (ms === undefined ? undefined : Math.round((ms - bootedHost.startedAt) / 100) / 10);

    // The load balancer's health check, from its side, while the host boots.
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
    booted.exec(["cloud-init", "status", "--wait"], 120_000);
    cloudInit = booted.exec(["cloud-init", "status", "--long"]).stdout.trim();
    const result = JSON.parse(booted.exec(["cat", "/run/cloud-init/result.json"]).stdout || "{}") as { v1?: { errors?: string[] } };
    for (const error of result.v1?.errors ?? []) problems.push(`cloud-init: ${error}`);
    if (!/status: done/.test(cloudInit)) problems.push(`cloud-init did not finish cleanly: ${cloudInit.split("\n")[0]}`);
    failedUnits = booted.exec(["systemctl", "--failed", "--no-legend", "--plain"]).stdout.split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean);
    if (failedUnits.length) problems.push(`failed units: ${failedUnits.join(", ")}`);
    if (healthyAt === undefined) problems.push(`${host.healthCheck.path} never answered ${host.healthCheck.matcher} to the load balancer's namespace`);
    runtime = booted.exec(["/opt/edge-ingest/current/runtime/node", "--version"]).stdout.trim();
    const timeSync = booted.exec(["systemd-analyze", "cat-config", "systemd/timesyncd.conf"]).stdout;
    if (!/^NTP=169\.254\.169\.123$/m.test(timeSync)) problems.push("systemd-timesyncd is not pointed at the Amazon Time Sync Service (169.254.169.123)");

    // An event through nginx, as the snippet posts it.
    const collector = host.env.INGEST_COLLECTOR_PATH ?? "/track";
    const insertId = `rehearsal-${randomBytes(8).toString("hex")}`;
    const body = JSON.stringify({ events: [{ insertId, name: "rehearsal", properties: { stack: run.stack, region: host.region }, time: Date.now() }], page: "https://rehearsal.invalid/", sentAt: Date.now() });
    const posted = healthyAt === undefined ? { status: 0, body: "" } : fromLoadBalancer(network, ["-X", "POST", "-H", "Content-Type: text/plain", "--data-binary", body, `http://${network.host}${collector}`]);
    if (healthyAt !== undefined && posted.status !== 200) problems.push(`POST ${collector} answered ${posted.status} ${posted.body.slice(0, 200)}`);
    if (options.grant === "after-first-event" && posted.status === 200) {
      const fix = await poll(() => {
        const journal = bootedHost.exec(["journalctl", "-u", "edge-ingest.service", "-o", "cat", "--no-pager"]).stdout;
        return journal.split("\n").find((line) => line.includes('"level":"error"') && line.includes("GRANT USAGE, CREATE ON SCHEMA public"));
      }, 30_000);
      if (!fix) problems.push("without the grant, the service logged no ERROR naming the grant it needs");
      if (await hasEvent(insertId)) problems.push("the event was stored before the service's role was granted anything: the datastore is not as RDS makes it");
      await running.command({ grant: true });
    }
    const stored = posted.status === 200 ? await poll(async () => ((await hasEvent(insertId)) ? Date.now() : undefined), 30_000, 500) : undefined;
    if (posted.status === 200 && stored === undefined) problems.push(`event stored: never: the event ${insertId} answered 200 but is not in PostgreSQL after 30 s`);

    const requests = standIns.requests();
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
    if (problems.length) diagnostics = collectDiagnostics(booted, standIns);
    return {
      stack: run.stack,
      region: host.region,
      templateUrn: host.templateUrn,
      ok: problems.length === 0,
      problems,
      timeline,
      gracePeriodSeconds: host.healthCheckGracePeriodSeconds,
      cloudInit,
      failedUnits,
      runtime,
      requests: countRequests(requests),
      diagnostics,
    };
  } catch (error) {
    problems.push((error as Error).message);
    if (booted) diagnostics = collectDiagnostics(booted, standIns);
    return {
      stack: run.stack,
      region: host.region,
      templateUrn: host.templateUrn,
      ok: false,
      problems,
      timeline,
      gracePeriodSeconds: host.healthCheckGracePeriodSeconds,
      cloudInit,
      failedUnits,
      runtime,
      requests: countRequests(standIns?.requests() ?? []),
      diagnostics,
    };
  } finally {
    await booted?.stop();
    await standIns?.stop();
    const failures = teardown.run();
    if (failures.length) problems.push(`teardown: ${failures.join("; ")}`);
  }
}

function countRequests(requests: { service: string; verdict: string }[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const r of requests) {
    const byVerdict = (counts[r.service] ??= {});
    byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + 1;
  }
  return counts;
}

/** What a failed boot says about itself: the user data's output, the failed units' journals and every refusal. */
function collectDiagnostics(host: BootedHost, standIns: AwsStandIns | undefined): string {
  const output = host.exec(["tail", "-n", "40", "/var/log/cloud-init-output.log"]).stdout;
  const failed = host.exec(["systemctl", "--failed", "--no-legend", "--plain"]).stdout.split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean);
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
