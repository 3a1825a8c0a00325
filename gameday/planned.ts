/**
 * What the edge twin takes from the plan: the offline plan of the stack (`npm run plan -- --json`, started as `npm run plan` starts it,
 * run as a child so this process never loads Pulumi), its timers scaled to fit a game day, and per
 * region what the twin runs: the nginx.conf and env file the launch template's user data writes,
 * the target group's health check, the Route 53 health check and the TTL of the region's record.
 * The recovery model reads the same scaled resources, so prediction and twin share their inputs.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeUserData, encodeUserData, hostSysctlPath, ingestEnvPath, nginxConfigPath, readWrittenFile } from "../models/hostEdge";
import { readRenderedDrainSeconds } from "../models/capacity/declared";
import type { DeclaredResource } from "../models/declaredResource";
import { cloudfrontOriginDefaults } from "../models/recovery";
import { loaderKey, readLoaderTimeoutMs } from "../models/snippet/snippet";
import { resourceTypes } from "../models/resourceTypes";
import { RetrySchedule } from "../models/snippet/delivery";
import type { PlanJson } from "../tools/plan/planJson";
import { planProcessArgs } from "../tools/plan/runtime/command";

/** The plan could not be made from the given stack: its message names the field and the fix. */
export class PlanInputError extends Error {}

const projectRoot = path.join(__dirname, "..");

/**
 * Runs the offline plan of `stack` (from `configFile` when given, else its stack file) and returns
 * its JSON (a refused plan too: the twin shows what it declares).
 */
export function planStack(stack: string, configFile?: string): Promise<PlanJson> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gameday-plan-"));
  const out = path.join(dir, "plan.json");
  const fileArgs = configFile ? ["--config-file", configFile] : [];
  return new Promise<PlanJson>((resolve, reject) => {
    const child = spawn(process.execPath, [...planProcessArgs(projectRoot), "--stack", stack, ...fileArgs, "--json", out], {
      cwd: projectRoot,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        if (code === 0 || code === 1) resolve(JSON.parse(readFileSync(out, "utf8")) as PlanJson);
        else if (code === 2) reject(new PlanInputError(err.trim()));
        else reject(new Error(`the plan of stack ${stack} failed (exit ${code}): ${err.trim()}`));
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** The plan's resources as the recovery model and the policies read them. */
export function declaredResources(plan: PlanJson): DeclaredResource[] {
  return plan.resources.map((r) => ({ type: r.type, urn: r.urn, inputs: { ...r.inputs, ...(r.region ? { region: r.region } : {}) }, dependencies: r.dependencies }));
}

/** A timer times `scale`, never below 1 s: the one rule for every scaled timer of a game day. */
export function scaledSeconds(seconds: number, scale: number): number {
  return Math.max(1, Math.round(seconds * scale * 1000) / 1000);
}

/**
 * The snippet's retry schedule scaled by the same rule. Kept as they are: the event age limit (not
 * a wait), and the request timeout, which must outlast nginx's and the service's own timeouts that
 * run as planned (a hung datastore's batch is answered after 5 s): scaled below them, a client
 * would give up on a request the edge is about to answer, and a scaled run would fail where real
 * timings pass.
 */
export function scaleRetry(retry: RetrySchedule, scale: number): RetrySchedule {
  const ms = (value: number) => scaledSeconds(value / 1000, scale) * 1000;
  return { baseMs: ms(retry.baseMs), capMs: ms(retry.capMs), retryAfterCapMs: ms(retry.retryAfterCapMs), requestTimeoutMs: retry.requestTimeoutMs, maxEventAgeMs: retry.maxEventAgeMs };
}

/**
 * The planned resources with their timers scaled: the target groups' health check interval and
 * timeout and deregistration delay, Route 53 health checks' request interval, Route 53 and
 * Cloudflare records' TTL, alarms' period, the termination hooks' heartbeat and the drain script's
 * wait in the hosts' user data.
 * Counts (thresholds) are kept, and so are nginx's and the service's own timeouts in user data
 * (already seconds; the twin runs them as rendered).
 */
export function scalePlannedTimers(resources: DeclaredResource[], scale: number): DeclaredResource[] {
  const s = (value: unknown) => (typeof value === "number" ? scaledSeconds(value, scale) : value);
  return resources.map((r) => {
    const inputs = { ...r.inputs };
    switch (r.type) {
      case resourceTypes.lbTargetGroup:
        if (inputs.healthCheck) inputs.healthCheck = { ...inputs.healthCheck, interval: s(inputs.healthCheck.interval), timeout: s(inputs.healthCheck.timeout) };
        inputs.deregistrationDelay = s(inputs.deregistrationDelay);
        break;
      case resourceTypes.route53HealthCheck:
        inputs.requestInterval = s(inputs.requestInterval);
        break;
      case resourceTypes.route53Record:
      case resourceTypes.cloudflareDnsRecord:
        inputs.ttl = s(inputs.ttl);
        break;
      case resourceTypes.cloudfrontDistribution:
        // CloudFront's defaults when unset (10 s, 3 attempts), scaled like any declared timer.
        if (Array.isArray(inputs.origins)) inputs.origins = inputs.origins.map((o: any) => ({ ...o, connectionTimeout: s(o.connectionTimeout ?? cloudfrontOriginDefaults.connectionTimeout) }));
        break;
      case resourceTypes.cloudwatchMetricAlarm:
        inputs.period = s(inputs.period);
        break;
      case resourceTypes.autoscalingLifecycleHook:
        inputs.heartbeatTimeout = s(inputs.heartbeatTimeout);
        break;
      case resourceTypes.ec2LaunchTemplate:
        if (typeof inputs.userData === "string") {
          const text = decodeUserData(inputs.userData);
          const scaled = text.replace(/(\btouch\s+\S+\s*\n\s*sleep\s+)(\d+)/, (_, head: string, wait: string) => `${head}${Math.ceil(scaledSeconds(Number(wait), scale))}`);
          inputs.userData = encodeUserData(scaled);
        }
        break;
    }
    return { ...r, inputs };
  });
}

/** One planned region as the twin runs it; times in ms (already scaled), counts as declared. */
export interface PlannedRegion {
  region: string;
  /** The nginx.conf the launch template's user data writes, as written. */
  nginxConfig: string;
  /** The sysctl.d file the launch template's user data writes (accept queue, socket memory), as written. */
  hostSysctl: string;
  /** The env file's `NAME=value` lines the service units load. */
  env: Record<string, string>;
  /** The path the service takes events on: the env file's, else the service's own default. */
  collectorPath: string;
  /** The ports of the upstream's primary and backup server lines. */
  servicePort: number;
  backupPort: number;
  /** The drain script's wait, seconds. */
  drainSeconds: number;
  /** The target group's health check. */
  healthCheck: { intervalMs: number; timeoutMs: number; healthyThreshold: number; unhealthyThreshold: number };
  /** The Route 53 health check of the region's record. */
  dnsHealthCheck: { intervalMs: number; failureThreshold: number };
  /** TTL of the region's record. */
  answerTtlMs: number;
  /** The name the region's record answers: the ingest name the snippet posts to. */
  ingestName: string;
  /** The autoscaling group's `minSize`: the hosts the region runs at least, and the twin runs. */
  minHosts: number;
}

const regionOf = (r: DeclaredResource) => (typeof r.inputs.region === "string" ? r.inputs.region : undefined);

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PlanInputError(`the plan declares no ${what}: the twin runs only what the plan declares`);
  return value;
}

/** Parses an env file's `NAME=value` lines. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** Every region of the (scaled) plan with an ingestion fleet, in the plan's order. */
export function plannedRegions(resources: DeclaredResource[]): PlannedRegion[] {
  const of = (type: string) => resources.filter((r) => r.type === type);
  return of(resourceTypes.ec2LaunchTemplate).map((template) => {
    const region = required(regionOf(template), `region on ${template.urn}`);
    const userData = String(template.inputs.userData ?? "");
    const nginxConfig = required(readWrittenFile(userData, nginxConfigPath), `${nginxConfigPath} in the user data of ${template.urn}`);
    const hostSysctl = required(readWrittenFile(userData, hostSysctlPath), `${hostSysctlPath} in the user data of ${template.urn}`);
    const envText = required(readWrittenFile(userData, ingestEnvPath), `${ingestEnvPath} in the user data of ${template.urn}`);
    const env = parseEnvFile(envText);
    const servers = [...(/upstream\s+ingest\s*\{([^}]*)\}/.exec(nginxConfig)?.[1] ?? "").matchAll(/\bserver\s+[\d.]+:(\d+)([^;]*);/g)];
    const primary = servers.find((m) => !/\bbackup\b/.test(m[2]!));
    const backup = servers.find((m) => /\bbackup\b/.test(m[2]!));
    const targetGroup = required(
      of(resourceTypes.lbTargetGroup).find((t) => regionOf(t) === region),
      `target group in ${region}`,
    );
    const hc = targetGroup.inputs.healthCheck ?? {};
    const record = required(
      of(resourceTypes.route53Record).find((r) => r.inputs.latencyRoutingPolicies?.[0]?.region === region && r.inputs.healthCheckId !== undefined),
      `health-checked Route 53 record for ${region}`,
    );
    const group = required(
      of(resourceTypes.autoscalingGroup).find((g) => regionOf(g) === region),
      `autoscaling group in ${region}`,
    );
    const minHosts = Number(group.inputs.minSize);
    if (!Number.isInteger(minHosts) || minHosts < 1) throw new PlanInputError(`${group.urn} minSize: expected a whole number of hosts of at least 1, got ${JSON.stringify(group.inputs.minSize)}`);
    const check = required(
      of(resourceTypes.route53HealthCheck).find((c) => (record.dependencies ?? []).includes(c.urn)),
      `Route 53 health check that ${record.urn} depends on`,
    );
    const ms = (seconds: unknown, what: string) => {
      const n = Number(seconds);
      if (!Number.isFinite(n) || n <= 0) throw new PlanInputError(`${what}: expected seconds above 0, got ${JSON.stringify(seconds)}`);
      return Math.round(n * 1000);
    };
    return {
      region,
      nginxConfig,
      hostSysctl,
      env,
      collectorPath: env.INGEST_COLLECTOR_PATH ?? "/track",
      servicePort: Number(required(primary?.[1], `primary server in the upstream of ${template.urn}'s nginx.conf`)),
      backupPort: Number(required(backup?.[1], `backup server in the upstream of ${template.urn}'s nginx.conf`)),
      drainSeconds: readRenderedDrainSeconds(userData) ?? 0,
      healthCheck: {
        intervalMs: ms(hc.interval, `${targetGroup.urn} healthCheck.interval`),
        timeoutMs: ms(hc.timeout, `${targetGroup.urn} healthCheck.timeout`),
        healthyThreshold: Number(hc.healthyThreshold),
        unhealthyThreshold: Number(hc.unhealthyThreshold),
      },
      dnsHealthCheck: { intervalMs: ms(check.inputs.requestInterval, `${check.urn} requestInterval`), failureThreshold: Number(check.inputs.failureThreshold) },
      answerTtlMs: ms(record.inputs.ttl, `${record.urn} ttl`),
      ingestName: String(record.inputs.name).replace(/\.$/, ""),
      minHosts,
    };
  });
}

/** The snippet's CDN as planned: what the twin's CDN stand-in does when an origin fails. */
export interface PlannedCdn {
  /** The loader's load timeout (`TIMEOUT_MS` of the uploaded `loader.js`), ms. */
  loaderTimeoutMs: number;
  /** The origin group's members in order, each with its connection timeout (ms, scaled) and attempts. */
  origins: { originId: string; connectionTimeoutMs: number; connectionAttempts: number }[];
  /** The statuses on which the origin group asks the next member (`failoverCriteria.statusCodes`). */
  failoverStatusCodes: number[];
}

/** The planned distribution serving the snippet and its loader object; timers already scaled by `scalePlannedTimers`. */
export function plannedCdn(resources: DeclaredResource[]): PlannedCdn {
  const loader = required(
    resources.find((r) => r.type === resourceTypes.s3BucketObjectv2 && r.inputs.key === loaderKey),
    `${loaderKey} object (the snippet's loader)`,
  );
  const loaderTimeoutMs = required(readLoaderTimeoutMs(String(loader.inputs.content ?? "")), `load timeout in ${loader.urn}'s content`);
  const distribution = required(
    resources.find((r) => r.type === resourceTypes.cloudfrontDistribution),
    "CloudFront distribution (the snippet's CDN)",
  );
  const group = (distribution.inputs.originGroups ?? [])[0];
  const origins: any[] = distribution.inputs.origins ?? [];
  const members: string[] = group ? group.members.map((m: { originId: string }) => m.originId) : origins.slice(0, 1).map((o) => o.originId);
  return {
    loaderTimeoutMs,
    origins: members.map((originId) => {
      const origin = origins.find((o) => o.originId === originId) ?? {};
      return {
        originId,
        connectionTimeoutMs: Math.round(Number(origin.connectionTimeout ?? cloudfrontOriginDefaults.connectionTimeout) * 1000),
        connectionAttempts: Number(origin.connectionAttempts ?? cloudfrontOriginDefaults.connectionAttempts),
      };
    }),
    failoverStatusCodes: (group?.failoverCriteria?.statusCodes ?? []).map(Number),
  };
}
