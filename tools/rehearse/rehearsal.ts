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
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Teardown } from "../../gameday/netns";
import { buildBundle } from "../bundle/bundle";
import type { PlanJson } from "../plan/planJson";
import type { BootedHost } from "./boot";
import { hostImage } from "./image";
import { builtOnceInRun, sharedRehearsalPartsVariable } from "./sharedParts";
import { plannedHosts } from "./planned";
import { planWithBundle } from "./plan";
import { buildStandInAgentDebs } from "./standInAgents";
import { AwsStandIns, makeRehearsalCertificates, RehearsalCertificates } from "./aws";
import { bundleBucketName } from "../../models/hostEdge/bundle";
import { awaitHealthy, bootPlannedHost, buildNetworkOf, checkBootedHost, collectDiagnostics, countRequests, HostFindings, HostRun, postEvent, recordTimeline, startStandInsFor } from "./hostSteps";

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

/** What every boot of a run shares: the image, the test CAs and the bundle built with stand-in agents. */
export interface RehearsalParts {
  image: string;
  certificates: RehearsalCertificates;
  tarball: string;
}

/** The image, the test CAs and the bundle: the test run's shared ones when it has them, else built in `dir`. */
export function prepareRehearsal(dir: string, log: (line: string) => void = () => undefined): RehearsalParts {
  const shared = process.env[sharedRehearsalPartsVariable];
  return shared ? builtOnceInRun(shared, (partsDir) => buildRehearsalParts(partsDir, log), log) : buildRehearsalParts(dir, log);
}

/** Builds (or takes from the cache) the image, makes the test CAs and builds the bundle, in `dir`. */
function buildRehearsalParts(dir: string, log: (line: string) => void = () => undefined): RehearsalParts {
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
  log(
    `bundle ${path.basename(tarball)}: ${manifest.files.length} files for ${manifest.os.id} ${manifest.os.versionId} ${manifest.os.architecture}, node ${manifest.runtime.node} (${((Date.now() - bundleStarted) / 1000).toFixed(1)} s)`,
  );
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
        const report = await rehearseHost({
          stack,
          plan,
          host,
          bucket: bundleBucketName({ bucket, key: "", sha256: "" }, host.region),
          image,
          tarball,
          certificates,
          dir: path.join(dir, `host-${index}`),
          index,
          options,
        });
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

async function rehearseHost(run: HostRun): Promise<HostReport> {
  const { host } = run;
  const teardown = new Teardown();
  const found: HostFindings = { problems: [], timeline: [], cloudInit: "", failedUnits: [], runtime: "", diagnostics: "" };
  const report = (ok: boolean, requests: Record<string, Record<string, number>>): HostReport => ({
    stack: run.stack,
    region: host.region,
    templateUrn: host.templateUrn,
    ok,
    problems: found.problems,
    timeline: found.timeline,
    gracePeriodSeconds: host.healthCheckGracePeriodSeconds,
    cloudInit: found.cloudInit,
    failedUnits: found.failedUnits,
    runtime: found.runtime,
    requests,
    diagnostics: found.diagnostics,
  });
  let booted: BootedHost | undefined;
  let standIns: AwsStandIns | undefined;
  try {
    const { network, prefix } = buildNetworkOf(run, found, teardown);
    const started = await startStandInsFor(run, network, teardown);
    standIns = started.standIns;
    booted = await bootPlannedHost(run, network, prefix, started.instanceId);
    const healthyAt = await awaitHealthy(booted, network, host);
    checkBootedHost(booted, host, healthyAt, found);
    const stored = await postEvent(run, booted, network, started.standIns, healthyAt, found);
    const requests = started.standIns.requests();
    recordTimeline(booted, requests, host, healthyAt, stored, found);
    if (found.problems.length) found.diagnostics = collectDiagnostics(booted, standIns);
    return report(found.problems.length === 0, countRequests(requests));
  } catch (error) {
    found.problems.push((error as Error).message);
    if (booted) found.diagnostics = collectDiagnostics(booted, standIns);
    return report(false, countRequests(standIns?.requests() ?? []));
  } finally {
    await booted?.stop();
    await standIns?.stop();
    const failures = teardown.run();
    if (failures.length) found.problems.push(`teardown: ${failures.join("; ")}`);
  }
}
