/**
 * The stack configuration's rules across fields (prod's two regions, host and connection budgets,
 * region pins, zone contents, timeouts): each runs when the fields it reads are valid.
 *
 * Pure module: no Pulumi imports.
 */
import { z } from "zod";
import { neverFiresProblem, ThresholdKey } from "../models/alarms/thresholds";
import { drainVisibleSeconds, targetHealthCheck } from "../models/ingestRegion/layout";
import { datastoreRouteProblems } from "./networkSchema";
import { availabilityZoneIdProblem } from "../models/ingestRegion/availabilityZones";
import { quotaProblems, quotaUsage } from "../models/ingestRegion/quotas";
import { hygieneProblems, zoneRecords } from "../models/dns/hygiene";
import { zoneProblems } from "../models/dns/zoneRules";
import { zoneQuotaProblems } from "../models/dns/quotas";
import type { CheckedConfig } from "./schema";

/**
 * A rule across fields that runs whenever the fields it reads are valid, so a config with other
 * problems still gets this one reported: every problem at once.
 */
function crossFieldRule<T extends Record<string, unknown>>(fields: (keyof T & string)[], rule: (config: T, ctx: z.RefinementCtx<T>) => void) {
  return z.superRefine(rule, {
    when: (payload) => !payload.issues.some((issue) => fields.includes(String(issue.path?.[0]) as keyof T & string)),
  });
}

/** The rules across fields, each run when the fields it reads are valid: every problem at once. */
export const crossFieldChecks = [
  crossFieldRule<CheckedConfig>(["environment", "regions"], (config, ctx) => {
    if (config.environment === "prod" && config.regions.length < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["regions"],
        message: `expected at least 2 regions in prod, got ${config.regions.length} (incident 002: tracking must run in two independent regions)`,
      });
    }
  }),
  crossFieldRule<CheckedConfig>(["regions", "cdn"], (config, ctx) => {
    if (config.regions.length < 2 && config.cdn.replicaRegion === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["cdn", "replicaRegion"],
        message: "required when edge:regions lists one region: the snippet origin needs a replica in a second region (incident 000)",
      });
    }
  }),
  crossFieldRule<CheckedConfig>(["ingest"], (config, ctx) => {
    const { minHostsPerRegion, maxHostsPerRegion, service } = config.ingest;
    if (minHostsPerRegion > maxHostsPerRegion) {
      ctx.addIssue({
        code: "custom",
        path: ["ingest", "minHostsPerRegion"],
        message: `minHostsPerRegion ${minHostsPerRegion} is above maxHostsPerRegion ${maxHostsPerRegion}`,
      });
    }
    if (service.port === service.backupPort) {
      ctx.addIssue({ code: "custom", path: ["ingest", "service", "backupPort"], message: "the backup port must differ from the service port" });
    }
  }),
  crossFieldRule<CheckedConfig>(["ingest", "dns"], (config, ctx) => {
    if (config.dns.delegation !== "delegated" || config.ingest.bundle) return;
    ctx.addIssue({
      code: "custom",
      path: ["ingest", "bundle"],
      message:
        "required to deploy the edge: hosts install only a pinned, checksummed bundle and would refuse to boot without one, failing every health check; " +
        "build it with `npm run bundle`, upload it, and set bucket, key and sha256 (service/README.md, The host bundle)",
    });
  }),
  crossFieldRule<CheckedConfig>(["regions", "datastore", "dns"], (config, ctx) => {
    if (config.dns.delegation !== "delegated") return;
    for (const region of config.regions) {
      if (config.datastore.endpoints[region]) continue;
      ctx.addIssue({
        code: "custom",
        path: ["datastore", "endpoints"],
        message:
          `no datastore for ${region}: its hosts would accept events they can never store (incident 002: each region writes to its own datastore); ` +
          `add edge:datastore.endpoints.${region} with hosts, passwordParameter and cidrs`,
      });
    }
  }),
  crossFieldRule<CheckedConfig>(["regions", "ingest"], (config, ctx) => {
    for (const problem of regionPinProblems(config)) ctx.addIssue({ code: "custom", ...problem });
  }),
  crossFieldRule<CheckedConfig>(["domain", "dns", "cdn", "quotas"], (config, ctx) => {
    const regions = Array.isArray(config.regions) ? config.regions.length : 0;
    const zones = config.ingest?.availabilityZones;
    const shape = { declared: zoneRecords(config), regions, addressesPerRegion: Number.isInteger(zones) ? zones : 0, activeActive: config.dns.secondary.mode === "active-active" };
    const quotas = { route53RecordsPerZone: config.quotas.route53RecordsPerZone, cloudflareRecordsPerZone: config.quotas.cloudflareRecordsPerZone, cloudflarePlan: config.dns.secondary.plan };
    for (const message of zoneQuotaProblems(shape, quotas)) ctx.addIssue({ code: "custom", path: ["dns", "records"], message });
  }),
  crossFieldRule<CheckedConfig>(["regions", "ingest", "datastore", "dns", "network"], (config, ctx) => {
    for (const problem of datastoreRouteProblems(config)) ctx.addIssue({ code: "custom", ...problem });
  }),
  crossFieldRule<CheckedConfig>(["regions", "ingest", "quotas"], (config, ctx) => {
    const usage = quotaUsage({ regions: config.regions.length, availabilityZones: config.ingest.availabilityZones });
    for (const problem of quotaProblems(usage, config.quotas)) ctx.addIssue({ code: "custom", path: ["quotas", problem.quota], message: problem.message });
  }),
  crossFieldRule<CheckedConfig>(["dns"], (config, ctx) => {
    const { mode, plan } = config.dns.secondary;
    if (mode === "hot-standby" && plan === "free") {
      ctx.addIssue({
        code: "custom",
        path: ["dns", "secondary", "mode"],
        message:
          "hot-standby on the Cloudflare free plan: a zone the registrar does not list stays pending and Cloudflare deletes it after 28 days; the zone made again gets new name servers, so the registrar switch of a failover would point at servers that do not serve it (incident 001). Smallest fix: mode: active-active, or set edge:dns.secondary.plan to the zone's paid plan",
      });
    }
  }),
  crossFieldRule<CheckedConfig>(["domain", "dns", "cdn"], (config, ctx) => {
    // The names the program gives the ingest records come from the regions and zones: read
    // as far as they are valid, so the zone's problems are reported beside theirs.
    const regions = Array.isArray(config.regions) ? config.regions.filter((r): r is string => typeof r === "string") : [];
    const zones = config.ingest?.availabilityZones;
    const zone = {
      domain: config.domain,
      ingestName: config.dns.ingestName,
      cdnName: config.cdn.hostname,
      declared: zoneRecords(config),
      maxCnameChainLength: config.dns.maxCnameChainLength,
      regions,
      addressesPerRegion: Number.isInteger(zones) ? zones : 0,
    };
    for (const problem of [...zoneProblems(zone), ...hygieneProblems(config)]) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  }),
  crossFieldRule<CheckedConfig>(["ingest", "nginx"], (config, ctx) => {
    const { drainSeconds } = config.ingest;
    const { readTimeoutSeconds } = config.nginx;
    const path = ["ingest", "drainSeconds"];
    if (drainSeconds < readTimeoutSeconds) {
      ctx.addIssue({
        code: "custom",
        path,
        message:
          `${drainSeconds} s is shorter than the longest request nginx lets run, edge:nginx.readTimeoutSeconds ${readTimeoutSeconds} s: ` +
          `a draining host would cut requests still in flight (incident 003); raise drainSeconds to ${Math.ceil(readTimeoutSeconds)} or lower the read timeout`,
      });
    }
    const visible = drainVisibleSeconds();
    if (drainSeconds < visible) {
      ctx.addIssue({
        code: "custom",
        path,
        message:
          `${drainSeconds} s ends before the load balancer sees the drain: ${visible} s (health check every ${targetHealthCheck.intervalSeconds} s × ` +
          `${targetHealthCheck.unhealthyThreshold} failures + ${visible - targetHealthCheck.intervalSeconds * targetHealthCheck.unhealthyThreshold} s propagation), ` +
          `so new requests still arrive when it ends (incident 003); raise drainSeconds to ${visible}`,
      });
    }
  }),
  crossFieldRule<CheckedConfig>(["alarms", "datastore"], (config, ctx) => {
    if (config.alarms.thresholds.datastoreConnectionsOfMaximum !== undefined && config.datastore.connectionsMetric === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["alarms", "thresholds", "datastoreConnectionsOfMaximum"],
        message:
          "set, but edge:datastore.connectionsMetric is not: no alarm watches the datastore's connections, so this level can never act (incident 002); " +
          "set edge:datastore.connectionsMetric or remove the override",
      });
    }
  }),
  crossFieldRule<CheckedConfig>(["alarms"], (config, ctx) => {
    for (const [key, levels] of Object.entries(config.alarms.thresholds) as [ThresholdKey, { warning?: number; critical?: number } | undefined][]) {
      for (const severity of ["warning", "critical"] as const) {
        const level = levels?.[severity];
        const problem = level === undefined ? undefined : neverFiresProblem(key, level);
        if (problem) ctx.addIssue({ code: "custom", path: ["alarms", "thresholds", key, severity], message: problem });
      }
    }
  }),
  crossFieldRule<CheckedConfig>(["nginx"], (config, ctx) => {
    const { connectTimeoutSeconds, readTimeoutSeconds } = config.nginx;
    if (connectTimeoutSeconds >= readTimeoutSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["nginx", "connectTimeoutSeconds"],
        message: `connect timeout ${connectTimeoutSeconds}s must be shorter than the read timeout ${readTimeoutSeconds}s (incident 003: fail fast on connect, allow long reads)`,
      });
    }
  }),
];

/**
 * The inputs each region pins (its zones by AZ ID, its image; its datastore is
 * `edge:datastore.endpoints`): one entry
 * per region of `edge:regions`, each zone an availability zone of that region, as many zones as
 * `edge:ingest.availabilityZones`.
 */
function regionPinProblems(config: CheckedConfig): { path: (string | number)[]; message: string }[] {
  const { availabilityZones, availabilityZoneIds, imageIds } = config.ingest;
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const region of config.regions) {
    const zoneIds = availabilityZoneIds[region];
    if (!zoneIds) {
      problems.push({
        path: ["ingest", "availabilityZoneIds", region],
        message: `required for every region of edge:regions: list ${availabilityZones} AZ IDs of ${region} (\`aws ec2 describe-availability-zones --region ${region} --filters Name=zone-type,Values=availability-zone\`, column ZoneId)`,
      });
    } else {
      zoneIds.forEach((zoneId, i) => {
        const problem = availabilityZoneIdProblem(region, zoneId);
        if (problem) problems.push({ path: ["ingest", "availabilityZoneIds", region, i], message: problem });
      });
      if (new Set(zoneIds).size !== zoneIds.length) problems.push({ path: ["ingest", "availabilityZoneIds", region], message: `each AZ ID may be listed once, got ${zoneIds.join(", ")}` });
      if (zoneIds.length !== availabilityZones) {
        problems.push({
          path: ["ingest", "availabilityZoneIds", region],
          message: `lists ${zoneIds.length} zones, edge:ingest.availabilityZones is ${availabilityZones}: list exactly ${availabilityZones}, or change edge:ingest.availabilityZones`,
        });
      }
    }
    if (!imageIds[region]) {
      problems.push({ path: ["ingest", "imageIds", region], message: `required for every region of edge:regions: the Debian 12 AMI id of ${region} the hosts boot` });
    }
  }
  // An AMI id names an image in one region: a copy in another region has another id.
  const imageRegion = new Map<string, string>();
  for (const region of config.regions) {
    const image = imageIds[region];
    if (!image) continue;
    const first = imageRegion.get(image);
    if (first === undefined) imageRegion.set(image, region);
    else {
      problems.push({
        path: ["ingest", "imageIds", region],
        message:
          `${image} is also the image of ${first}: an AMI id names an image in one region (EC2 gives a copy in another region its own id), so ${region}'s hosts could not launch (InvalidAMIID.NotFound); ` +
          `set ${region}'s own id: \`aws ssm get-parameter --region ${region} --name /aws/service/debian/release/12/latest/amd64 --query Parameter.Value\``,
      });
    }
  }
  return problems;
}
