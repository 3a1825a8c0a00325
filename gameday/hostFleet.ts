/**
 * What every booted host of one game-day process shares, built once per stack and reused by every
 * twin and scenario of the run: the host rehearsal's image, its test CAs and the bundle built with
 * stand-in agents (`prepareRehearsal`), the stack planned with that bundle (`planWithBundle`: the
 * launch templates' user data carry its key and sha256), and the datastore password the SSM
 * stand-in serves and the twin's PostgreSQL holds for the service's role.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundleBucketName } from "../models/hostEdge/bundle";
import type { PlanJson } from "../tools/plan/planJson";
import type { RehearsalCertificates } from "../tools/rehearse/aws";
import { planWithBundle } from "../tools/rehearse/plan";
import { plannedHosts, PlannedHost } from "../tools/rehearse/planned";
import { prepareRehearsal } from "../tools/rehearse/rehearsal";

export interface HostFleet {
  stack: string;
  /** The run's directory (removed when the process exits). */
  dir: string;
  image: string;
  certificates: RehearsalCertificates;
  tarball: string;
  /** The stack's plan with the bundle: what the hosts boot. */
  plan: PlanJson;
  /** Each region's launch template, and the bundle's bucket as its user data names it there. */
  hosts: Map<string, PlannedHost>;
  buckets: Map<string, string>;
  password: string;
}

const fleets = new Map<string, Promise<HostFleet>>();
const fleetDirs = new Set<string>();

/** Removes every fleet this process built (its bundle, plan and hosts' files); the next twin builds anew. A test file's workers may end without an exit event, so each calls it when done. */
export function releaseHostFleets(): void {
  fleets.clear();
  for (const dir of fleetDirs) rmSync(dir, { recursive: true, force: true });
  fleetDirs.clear();
}
process.once("exit", releaseHostFleets);

async function buildFleet(stack: string, log: (line: string) => void): Promise<HostFleet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-gameday-hosts-"));
  fleetDirs.add(dir);
  const started = Date.now();
  const { image, certificates, tarball } = prepareRehearsal(dir, log);
  const { plan, bucket } = await planWithBundle(stack, tarball, path.join(dir, "plan"));
  const hosts = new Map(plannedHosts(plan).map((host) => [host.region, host]));
  const buckets = new Map([...hosts.keys()].map((region) => [region, bundleBucketName({ bucket, key: "", sha256: "" }, region)]));
  log(`hosts of ${stack}: image, bundle and plan in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { stack, dir, image, certificates, tarball, plan, hosts, buckets, password: randomBytes(18).toString("base64url") };
}

/** The stack's fleet, built on first use in this process (minutes the first time: the bundle, and the image on a fresh clone). */
export function hostFleet(stack: string, log: (line: string) => void = (line) => process.stderr.write(`gameday: ${line}\n`)): Promise<HostFleet> {
  let fleet = fleets.get(stack);
  if (!fleet) {
    fleet = buildFleet(stack, log);
    fleets.set(stack, fleet);
    fleet.catch(() => fleets.delete(stack));
  }
  return fleet;
}
