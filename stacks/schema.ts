/**
 * The one stack configuration schema of the edge. Every key lives under the `edge:` namespace of a
 * Pulumi stack file (`stacks/Pulumi.<stack>.yaml`), so the same YAML serves `pulumi up` and the
 * offline plan. Every field carries a `.describe()` and a `.default()` wherever a default is safe
 * (fields without a safe default are required); the config reference (docs/reference/config.md) is generated from both,
 * so a default is written once, in `.default()`, or as `.meta({ defaultText })` where the program
 * decides it from other fields.
 *
 * Pure module: no Pulumi imports, so the program, the plan tool and the tests share this copy.
 */
import { z } from "zod";
import { kindOf, shownValue } from "../models/shownValue";
import { neverFiresProblem, thresholdKeys, thresholdTable, ThresholdKey } from "../models/alarms/thresholds";
import { drainVisibleSeconds, targetHealthCheck } from "../models/ingestRegion/layout";
import { datastoreRouteProblems, datastoreRouteSchema, vpcCidrSchema } from "./networkSchema";
import { isPrivateIpv4Cidr, privateIpv4Ranges } from "../models/ingestRegion/egress";
import { bundledDatastoreCaPath } from "../models/hostEdge/bundle";
import { unknownRegionProblem } from "../models/aws/regions";
import { cloudflarePlans, delegationPhases } from "../models/dns/delegation";
import { availabilityZoneIdProblem } from "../models/ingestRegion/availabilityZones";
import { defaultAccountQuotas, quotaProblems, quotaUsage } from "../models/ingestRegion/quotas";
import { ttlProblem } from "../models/dns/providers";
import { hygieneProblems, zoneRecords } from "../models/dns/hygiene";
import { maxCnameChainLimit, zoneProblems } from "../models/dns/zoneRules";
import { nameProblem } from "../models/dns/names";
import { route53RecordsPerZone, zoneQuotaProblems } from "../models/dns/quotas";
import { ingestProcessesPerHost } from "../models/hostEdge/userData";

export { shownValue };

/** The Pulumi config namespace of this project (`edge:<key>` in stack files). */
export const configNamespace = "edge";

/** A DNS name: lowercase labels of at most 63 characters, 253 characters in all; the problem names the label and the numbers. */
const domainName = z.string().superRefine((name, ctx) => {
  const problem = nameProblem(name, { underscore: false, upperCase: false, wildcard: false }) ?? (name.split(".").length < 2 ? `${JSON.stringify(name)} has one label: a zone is a name under a top-level domain` : undefined);
  if (problem) ctx.addIssue({ code: "custom", message: `expected a lowercase DNS name such as example.com: ${problem}` });
});

/** A name relative to the zone (`api`, `eu.api`, `*.eu`, `_dmarc`), or `@` for the apex. */
const relativeName = z.string().superRefine((name, ctx) => {
  const problem = name === "@" ? undefined : nameProblem(name, { underscore: true, upperCase: false, wildcard: true });
  if (problem) ctx.addIssue({ code: "custom", message: `expected a name relative to the zone such as \`api\` or \`@\` for the apex: ${problem}` });
});

/** A region code from the AWS region list (models/aws/regions.ts says how to add a new one). */
const awsRegion = z.string().superRefine((code, ctx) => {
  const problem = unknownRegionProblem(code);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** An IPv4 network in CIDR notation, e.g. `10.20.0.0/24`. */
const ipv4Cidr = z
  .string()
  // `abort`: a string that is no CIDR block gets this one message, not the checks that read one too.
  .regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/, {
    error: "expected an IPv4 CIDR block such as 10.20.0.0/24",
    abort: true,
  });

/** A quota value: a count the account allows. */
const quota = z.number().int().min(1);

/**
 * Record TTLs in seconds, within what both providers accept and serve alike (the capability table
 * in models/dns/providers.ts). Incident 000: a one-day TTL made it impossible to move traffic.
 */
const ttlSeconds = z
  .number()
  .int()
  .superRefine((ttl, ctx) => {
    const problem = ttlProblem(ttl);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const recordTypes = ["A", "AAAA", "CNAME", "TXT", "MX", "CAA", "SRV"] as const;

const recordSchema = z.strictObject({
  name: relativeName.describe("Name relative to the zone, `@` for the apex."),
  type: z.enum(recordTypes).describe("Record type."),
  ttl: ttlSeconds.optional().meta({ defaultText: "`edge:dns.ttl`" }).describe("TTL in seconds."),
  values: z.array(z.string().min(1)).min(1).describe("Record values (RDATA in presentation format)."),
});

export const environments = ["dev", "prod"] as const;
export type Environment = (typeof environments)[number];

/** Where a stack's environment came from, as the plan prints it. */
export type EnvironmentSource = "the stack's name" | "edge:environment" | "the default";

export interface EnvironmentDecision {
  /** The environment the schema validates; undefined leaves it to the schema's default (`prod`). */
  environment: unknown;
  source: EnvironmentSource;
  /** Why the stack file contradicts its stack's name; undefined when it does not. */
  problem?: string;
}

function isEnvironment(value: unknown): value is Environment {
  return (environments as readonly unknown[]).includes(value);
}

/**
 * The one place a stack's environment is decided. A stack named after an environment (`dev`,
 * `prod`) is that environment, and a file that says another is refused: one word must not drop
 * prod's two-region rule (incident 002). Any other stack, and a file planned before it is a
 * stack (`stack` undefined), takes `edge:environment`, else `prod`, the stricter.
 */
export function decideEnvironment(stack: string | undefined, declared: unknown): EnvironmentDecision {
  if (isEnvironment(stack)) {
    if (declared === undefined) return { environment: stack, source: "the stack's name" };
    if (isEnvironment(declared) && declared !== stack) {
      return {
        environment: stack,
        source: "the stack's name",
        problem:
          `${configPath(["environment"])}: ${shownValue(declared)} in the stack named ${stack}: a stack named after an environment is that environment ` +
          `(incident 002: prod's rules must not be dropped by one word); set edge:environment to ${stack} or remove it, or plan this file under another stack name`,
      };
    }
  }
  return declared === undefined ? { environment: undefined, source: "the default" } : { environment: declared, source: "edge:environment" };
}

/** Hosts per region: far above any region this program sizes (prod runs 12). */
const maxHostsPerGroup = 1000;
/** nginx connections per worker: a million is past what one host's memory holds in header buffers (incident 000). */
const maxWorkerConnections = 1_048_576;
/** PostgreSQL's `max_connections` upper bound (MAX_BACKENDS, 2^18 - 1). */
const postgresMaxConnections = 262_143;

/** An alarm level within its metric's sane range from the threshold table (a percentage within 0-100). */
function thresholdLevel(key: ThresholdKey) {
  const { range, unit } = thresholdTable[key];
  const why = `a level outside ${range.min}-${range.max} ${unit} never fires, or always does (incident 000: thresholds fallen by the wayside)`;
  return z.number().min(range.min, why).max(range.max, why);
}

/**
 * A rule across fields that runs whenever the fields it reads are valid, so a config with other
 * problems still gets this one reported: every problem at once.
 */
function crossFieldRule<T extends Record<string, unknown>>(fields: (keyof T & string)[], rule: (config: T, ctx: z.RefinementCtx<T>) => void) {
  return z.superRefine(rule, {
    when: (payload) => !payload.issues.some((issue) => fields.includes(String(issue.path?.[0]) as keyof T & string)),
  });
}

const stackConfigObject = z
  .strictObject({
    environment: z
      .enum(environments)
      .default("prod")
      .meta({ defaultText: "the stack's name when it is `dev` or `prod`, else `prod`, the stricter" })
      .describe(
        "Which rules apply: `prod` requires at least two regions (incident 002: tracking in two independent regions). A stack named `dev` or `prod` is that environment and may not say another.",
      ),
    domain: domainName.describe("The zone the edge serves, e.g. `example.com`."),
    regions: z
      .array(awsRegion)
      .min(1, "expected at least 1 region")
      .max(30, "expected at most 30 regions")
      .refine((r) => new Set(r).size === r.length, { message: "each region may be listed once" })
      .describe("AWS regions that run ingestion, first one primary for the snippet origin."),
    ingest: z
      .strictObject({
        // Maxima: an order of magnitude or more above any edge this program sizes, low enough that
        // every product of them stays an exact, finite number.
        peakEventsPerSecond: z
          .number()
          .positive()
          .max(10_000_000)
          .default(5000)
          .describe("Observed peak of ingested events per second, all regions together."),
        burstFactor: z
          .number()
          .min(1)
          .max(100)
          .default(8)
          .describe("Spike over the peak the fleet must absorb (incident 000: traffic rose 8x)."),
        instanceType: z
          .string()
          .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "expected an EC2 instance type such as c6i.large")
          .default("c6i.large")
          .describe("EC2 instance type of the ingestion hosts."),
        eventsPerHostPerSecond: z
          .number()
          .min(1)
          .max(1_000_000)
          .default(4000)
          .describe("Events per second one host sustains, measured by load test."),
        minHostsPerRegion: z.number().int().min(1).max(maxHostsPerGroup).default(2).describe("Autoscaling minimum per region."),
        maxHostsPerRegion: z.number().int().min(1).max(maxHostsPerGroup).default(12).describe("Autoscaling maximum per region."),
        availabilityZones: z
          .number()
          .int()
          .min(2)
          .max(6)
          .default(3)
          .describe("Availability zones per region, each with a subnet and a static load balancer address."),
                  availabilityZoneIds: z
          .record(awsRegion, z.array(z.string().min(1)).min(1, "expected at least 1 AZ ID"))
          .default({})
          .meta({ defaultText: "none (the schema refuses a listed region without them)" })
          .describe(
            "The availability zones of each region by AZ ID (`us-east-1: [use1-az1, use1-az2, use1-az4]`), as many as `availabilityZones`, Local and Wavelength zones excluded. AZ IDs name the same zone in every account and never shift, so subnets and load balancers move only when this list changes. Required for every region of `edge:regions`.",
          ),
        imageIds: z
          .record(awsRegion, z.string().regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, "expected an AMI id such as ami-0123456789abcdef0"))
          .default({})
          .meta({ defaultText: "none (the schema refuses a listed region without them)" })
          .describe(
            "The hosts' image in each region (`us-east-1: ami-…`): a Debian 12 AMI (nginx 1.22, the version this repo tests), pinned so a new image reaches hosts only through a reviewed change. Required for every region of `edge:regions`.",
          ),
        minHealthyPercentage: z
          .number()
          .int()
          .min(50)
          .max(100)
          .default(90)
          .describe("Share of hosts kept in service during an instance refresh (incident 003: zero-downtime deploys)."),
        drainSeconds: z
          .number()
          .int()
          .min(0)
          .max(3600)
          .default(60)
          .describe(
            `Seconds a host keeps serving in-flight requests after it leaves the pool (incident 003); at least the load balancer's health-check interval × unhealthy threshold + propagation (${drainVisibleSeconds()} s) and \`edge:nginx.readTimeoutSeconds\`.`,
          ),
        service: z
          .strictObject({
            command: z
              .string()
              .min(1)
              .default("/usr/local/bin/ingest --listen 127.0.0.1:8080")
              .describe("Command the ingestion service's systemd unit runs."),
            port: z.number().int().min(1024).max(65535).default(8080).describe("Local port of the ingestion service."),
            backupPort: z
              .number()
              .int()
              .min(1024)
              .max(65535)
              .default(8081)
              .describe("Local port of the standby ingestion process nginx fails over to (incident 003's `backup` server)."),
            memoryReserveMiB: z
              .number()
              .int()
              .min(0)
              .max(1_048_576)
              .default(1024)
              .describe("Memory the ingestion service needs beside nginx, in MiB."),
          })
          .prefault({})
          .describe("The ingestion service behind nginx on each host."),
        bundle: z
          .strictObject({
            bucket: z
              .string()
              .regex(/^[a-z0-9][a-z0-9.{}-]{1,61}[a-z0-9}]$/, "expected an S3 bucket name, `{region}` where each region's copy differs")
              .describe("S3 bucket of the host bundle; `{region}` is replaced by the host's region at boot (one copy per region, read through the gateway endpoint)."),
            key: z
              .string()
              .regex(/^[A-Za-z0-9._\/-]+\.tar\.gz$/, "expected an object key such as releases/edge-ingest-2026.12.01.tar.gz")
              .describe("Object key of the bundle tarball (`npm run bundle`), e.g. `releases/edge-ingest-2026.12.01.tar.gz`."),
            sha256: z
              .string()
              .regex(/^[0-9a-f]{64}$/, "expected the tarball's sha256, 64 lower-case hex digits")
              .describe("sha256 of the tarball: the host refuses any other, so a new bundle is a visible change in the PR diff."),
          })
          .optional()
          .meta({ defaultText: "none: required once `edge:dns.delegation` is `delegated`" })
          .describe(
            "The pinned host bundle: nginx's .deb files, the Node.js runtime, the service, the CloudWatch agent and SSM Agent. Required to deploy hosts: a host boots nothing unpinned.",
          ),
      })
      .prefault({})
      .describe("Ingestion fleet sizing."),
    nginx: z
      .strictObject({
        workerConnections: z
          .number()
          .int()
          .min(64)
          .max(maxWorkerConnections)
          .default(4096)
          .describe("nginx `worker_connections` (incident 000: buffers x connections must fit in memory)."),
        clientHeaderBufferSize: z
          .string()
          .regex(/^\d+[km]?$/, "expected an nginx size such as 1k")
          .default("1k")
          .describe("nginx `client_header_buffer_size`."),
        largeClientHeaderBuffers: z
          .strictObject({
            count: z.number().int().min(1).max(64).default(4).describe("Number of large header buffers."),
            size: z
              .string()
              .regex(/^\d+[km]?$/, "expected an nginx size such as 8k")
              .default("8k")
              .describe("Size of each large header buffer."),
          })
          .prefault({})
          .describe("nginx `large_client_header_buffers`."),
        connectTimeoutSeconds: z
          .number()
          .positive()
          .max(10)
          .default(1)
          .describe("`proxy_connect_timeout`: a dead upstream is detected fast (incident 003)."),
        readTimeoutSeconds: z
          .number()
          .positive()
          .max(3600)
          .default(60)
          .describe("`proxy_read_timeout`: long reads stay allowed (incident 003)."),
        maxConnectionsPerHost: z
          .number()
          .int()
          .positive()
          .max(maxWorkerConnections)
          .optional()
          .meta({ defaultText: "90% of `workerConnections / 2`" })
          .describe("Requests nginx serves at once on a host before it sheds load with 503 (a proxied request holds a client and an upstream slot)."),
        requestsPerSecondPerClient: z
          .number()
          .int()
          .positive()
          .max(1_000_000)
          .default(200)
          .describe("Request rate one client address may sustain before 503s."),
      })
      .prefault({})
      .describe("nginx limits on each ingestion host."),
    datastore: z
      .strictObject({
        maxConnections: z
          .number()
          .int()
          .positive()
          .max(postgresMaxConnections)
          .default(3000)
          .describe("Connections a region's datastore accepts in all, for every endpoint that does not set its own `maxConnections` (incident 002)."),
        poolSizePerHost: z
          .number()
          .int()
          .min(
            ingestProcessesPerHost,
            `each of a host's ${ingestProcessesPerHost} ingestion processes (the service and its backup, incident 003) opens at least one connection: with fewer, a process's share (INGEST_POOL_SIZE / INGEST_PROCESSES_PER_HOST) is 0, the service refuses to start and every host fails its health check; set ${ingestProcessesPerHost} or more`,
          )
          .max(10_000)
          .default(16)
          .describe("Connection pool size of the ingestion service on each host (incident 002)."),
        connectionsMetric: z
          .strictObject({
            namespace: z.string().min(1).describe("CloudWatch namespace of the datastore's connection count."),
            name: z.string().min(1).describe("CloudWatch metric name of the datastore's connection count."),
            dimensions: z.record(z.string(), z.string()).default({}).describe("Metric dimensions."),
          })
          .optional()
          .meta({ defaultText: "not watched" })
          .describe("Where the datastore publishes its connection count, for the alarms."),
        endpoints: z
          .record(
            awsRegion,
            z.strictObject({
              hosts: z
                .array(z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "expected a host name or address, with an optional :port"))
                .min(1, "expected at least one candidate host")
                .max(8)
                .describe("Candidate hosts (`host[:port]`), tried in order: the service writes to the first writable primary (incident 003)."),
              port: z.number().int().min(1).max(65535).default(5432).describe("Port of candidates given without one."),
              maxConnections: z
                .number()
                .int()
                .positive()
                .max(postgresMaxConnections)
                .optional()
                .meta({ defaultText: "`edge:datastore.maxConnections`" })
                .describe("Connections this datastore accepts in all: the budget of every region writing to it (incident 002). Regions naming the same hosts share it."),
              database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "expected a PostgreSQL database name").default("edge").describe("Database the events table lives in."),
              user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "expected a PostgreSQL role name").default("ingest").describe("Role the service connects as."),
              passwordParameter: z
                .string()
                .regex(/^\/[A-Za-z0-9_.\/-]{1,1010}$/, "expected an SSM parameter name such as /edge/prod/datastore/password")
                .describe("SSM Parameter Store SecureString holding the password; the host role reads it at start, so it is never in user data."),
              caBundle: z
                .string()
                .regex(/^\/[A-Za-z0-9_.\/-]+$/, "expected an absolute path on the host")
                .default(bundledDatastoreCaPath)
                .describe("CA bundle on the host the datastore's certificate is verified against (`sslmode=verify-full`). Defaults to the Amazon RDS CA bundle every host bundle ships (Debian's CA store has no RDS root); a self-managed datastore's CA goes into the bundle with `npm run bundle -- --datastore-ca FILE`."),
              cidrs: z
                .array(
                  ipv4Cidr.refine(isPrivateIpv4Cidr, {
                    error: (issue) =>
                      `${String(issue.input)} is not a private network: hosts have no public address and reach the datastore only through the VPC's routing (peering, a transit gateway). ` +
                      `Give the datastore's private network, inside ${privateIpv4Ranges.join(", ")}`,
                  }),
                )
                .min(1, "expected at least one CIDR: the hosts' egress to the datastore is limited to it")
                .max(8, "expected at most 8 networks: the hosts' launch template carries them in one tag of 256 characters")
                .describe("The private networks the datastore's addresses live in (hosts have no public address; security groups take CIDRs, never host names; a managed datastore's address changes on failover)."),
              route: datastoreRouteSchema,
            }),
          )
          .default({})
          .describe(
            "Per region, the datastore its hosts write to (incident 002: independent regions, each with its own datastore): `hosts`, `port`, `database`, `user`, `passwordParameter`, `caBundle`, `cidrs`, `route` (what reaches the cidrs: `transitGatewayId`, `vpcPeeringConnectionId` or `sameVpc`; required once delegated) and `maxConnections` (defaults to `edge:datastore.maxConnections`), the budget every region naming the same hosts shares. Every region of edge:regions needs one before the edge is deployed (`edge:dns.delegation: delegated`).",
          ),
      })
      .prefault({})
      .describe("The datastore behind the ingestion service."),
    dns: z
      .strictObject({
        ttl: ttlSeconds
          .default(60)
          .describe("TTL of the records traffic fails over through (incident 000: a one-day TTL blocked the move)."),
        ingestName: relativeName.default("api").describe("Name of the ingestion endpoint in the zone."),
        aliases: z
          .array(
            z.strictObject({
              name: relativeName.describe("The alias name, e.g. `decide`."),
              target: relativeName.describe("The in-zone name it points at, e.g. `api`."),
            }),
          )
          .default([])
          .describe("CNAMEs in front of in-zone names (incident 001: a CNAME adds bytes to the answer)."),
        records: z.array(recordSchema).default([]).describe("Further records served by both providers."),
        mail: z
          .strictObject({
            sends: z
              .boolean()
              .default(false)
              .describe(
                "Whether any host sends mail as the domain. `false` publishes a null MX (`0 .`, RFC 7505) and SPF `v=spf1 -all`, so nobody can send as it; `true` leaves MX and SPF to `edge:dns.records`.",
              ),
            dmarc: z
              .strictObject({
                policy: z
                  .enum(["reject", "quarantine"])
                  .default("reject")
                  .describe("DMARC policy published at `_dmarc` (`p=`); a domain that sends no mail must reject."),
                reportUri: z
                  .string()
                  .regex(/^mailto:[^\s;,]+@[^\s;,]+$/, "expected a mailto: address such as mailto:dmarc@example.com")
                  .optional()
                  .meta({ defaultText: "no reports" })
                  .describe("Where receivers send DMARC aggregate reports (`rua=`)."),
              })
              .prefault({})
              .describe("The DMARC record at `_dmarc`, published whether or not the domain sends mail."),
          })
          .prefault({})
          .describe("Mail policy records of the domain (DMARC, and for a domain that sends no mail a null MX and SPF `-all`)."),
        caa: z
          .strictObject({
            iodef: z
              .string()
              .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, "expected a mailto: address or an https:// URL")
              .optional()
              .meta({ defaultText: "no iodef record" })
              .describe("Where CAs report certificate requests the CAA records refuse (`iodef`, RFC 8659 §4.4)."),
          })
          .prefault({})
          .describe(
            "CAA records at the apex: only Amazon's CAs (ACM) may issue certificates for the domain, and no CA a wildcard.",
          ),
        maxCnameChainLength: z
          .number()
          .int()
          .min(1)
          .max(maxCnameChainLimit)
          .default(4)
          .describe(
            "Longest chain of in-zone CNAMEs a name may go through; every hop is one record more in each answer (incident 001: a CNAME in front added 32 bytes).",
          ),
        delegation: z
          .enum(delegationPhases)
          .default("pending")
          .describe(
            "Deploy phase of a new zone: `pending` creates the delegation set and the zones only, and the plan prints what to set at the registrar; `delegated` builds the edge once the registrar lists the name servers (ACM validates through the zone, so certificates wait on the delegation).",
          ),
        primary: z
          .strictObject({
            existingZoneId: z
              .string()
              .regex(/^Z[0-9A-Z]{1,31}$/, "expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
              .optional()
              .meta({ defaultText: "a new zone on a reusable delegation set" })
              .describe(
                "Hosted zone id of a zone Route 53 already serves for `edge:domain`: the edge uses it instead of creating a second (it keeps its own name servers; an existing zone cannot join a delegation set).",
              ),
          })
          .prefault({})
          .describe("The Route 53 primary zone."),
        secondary: z
          .strictObject({
            accountId: z
              .string()
              .regex(/^[0-9a-f]{32}$/, "expected a 32-character hex Cloudflare account id")
              .describe("Cloudflare account that holds the secondary zone."),
            mode: z
              .enum(["hot-standby", "active-active"])
              .default("active-active")
              .describe(
                "`active-active` lists Cloudflare's name servers at the registrar beside Route 53's (Cloudflare multi-provider DNS), so resolvers already use both when one stops answering; `hot-standby` keeps the zone in sync but unlisted, and a failover waits on a registrar change.",
              ),
            plan: z
              .enum(cloudflarePlans)
              .default("free")
              .describe(
                "The Cloudflare plan of the zone. A `free` zone that stays pending (hot-standby: the registrar does not list it) is deleted after 28 days, and a new one gets new name servers; paid plans stay pending.",
              ),
          })
          .describe("The secondary DNS provider (incident 001: hot-standby zones on a second provider)."),
      })
      .describe("DNS on two providers: Route 53 primary, Cloudflare secondary."),
    cdn: z
      .strictObject({
        hostname: relativeName.default("cdn").describe("Name of the snippet CDN in the zone."),
        snippetFile: z
          .string()
          .min(1)
          .default("assets/snippet/loader.js")
          .describe("Path of the JavaScript loader snippet, relative to the project."),
        libraryFile: z
          .string()
          .min(1)
          .default("assets/snippet/edge.js")
          .describe(
            "Path of the snippet library the loader fetches, relative to the project; served at `/v<semver>/edge.<hash>.js`.",
          ),
        collectorPath: z
          .string()
          .regex(/^\/[A-Za-z0-9._~\/-]*$/, "expected a URL path starting with /")
          .default("/track")
          .describe("Path on the ingestion host (`edge:dns.ingestName`) the library sends events to."),
        loadTimeoutMs: z
          .number()
          .int()
          .min(500)
          .max(30000)
          .default(4000)
          .describe(
            "Milliseconds the loader waits for the library before it gives up on an attempt and retries later; events stay queued (incident 000).",
          ),
        replicaRegion: awsRegion
          .optional()
          .meta({ defaultText: "the second of `edge:regions`" })
          .describe(
            "Region of the origin's replica bucket; must differ from the first of `edge:regions`.",
          ),
      })
      .prefault({})
      .describe("The CDN that serves the JavaScript snippet apart from the API hosts (incident 000)."),
    network: z
      .strictObject({
        baseCidr: z
          .record(awsRegion, vpcCidrSchema)
          .default({})
          .meta({ defaultText: "`10.<position in edge:regions>.0.0/16`" })
          .describe(
            "Each region's VPC block (`us-east-1: 10.32.0.0/16`), /16 to /24; each zone's subnet is the slot of its AZ number. Stacks that share a transit gateway or peer with one datastore network need blocks of their own: the default gives every stack the same ones.",
          ),
      })
      .prefault({})
      .describe("The edge's own address space."),
    quotas: z
      .strictObject({
        elasticIpsPerRegion: quota
          .default(defaultAccountQuotas.elasticIpsPerRegion)
          .describe(`Elastic IPs the account may hold per region (EC2 quota L-0263D0A3). The default is AWS's.`),
        networkLoadBalancersPerRegion: quota
          .default(defaultAccountQuotas.networkLoadBalancersPerRegion)
          .describe(`Network load balancers the account may have per region (ELB quota L-69A177A2). The default is AWS's.`),
        route53HealthChecksPerAccount: quota
          .default(defaultAccountQuotas.route53HealthChecksPerAccount)
          .describe(`Route 53 health checks the account may have. The default is AWS's.`),
        route53RecordsPerZone: quota
          .default(route53RecordsPerZone)
          .describe("Records (record sets) the Route 53 hosted zone may hold, SOA and NS included (`aws route53 get-hosted-zone-limit --type MAX_RRSETS_BY_ZONE`). The default is AWS's."),
        cloudflareRecordsPerZone: quota
          .optional()
          .meta({ defaultText: "by `edge:dns.secondary.plan`: free 200, pro, business and enterprise 3,500" })
          .describe("DNS records the Cloudflare zone may hold, one per value; set it for a zone Cloudflare allows more (a free zone made before 2024-09-01 holds 1,000)."),
      })
      .prefault({})
      .describe("The AWS account's quotas, as Service Quotas shows them: a config that needs more is refused before the deploy stops halfway."),
    alarms: z
      .strictObject({
        emails: z
          .array(z.email("expected an email address"))
          .min(1, "expected at least one address: an alarm nobody receives is no alarm (incident 000)")
          .describe("Addresses that receive warning and critical alarms."),
        webhookUrl: z
          .url({ protocol: /^https$/, error: "expected an https:// URL" })
          .optional()
          .meta({ defaultText: "none" })
          .describe("HTTPS endpoint of a pager or chat webhook for critical alarms."),
        thresholds: z
          .strictObject(
            Object.fromEntries(
              thresholdKeys.map((key) => [
                key,
                z
                  .strictObject({
                    // Where the table has no warning level (swap: any swap is critical), `warning` is an unknown key.
                    ...("warning" in thresholdTable[key] ? { warning: thresholdLevel(key).optional().describe(`Warning level in ${thresholdTable[key].unit}.`) } : {}),
                    critical: thresholdLevel(key).optional().describe(`Critical level in ${thresholdTable[key].unit}.`),
                  })
                  .optional()
                  .describe(thresholdTable[key].title),
              ]),
            ) as Record<ThresholdKey, z.ZodOptional<z.ZodObject<{ warning: z.ZodOptional<z.ZodNumber>; critical: z.ZodOptional<z.ZodNumber> }>>>,
          )
          .default({})
          .describe(
            "Overrides of alarm thresholds by key (`memoryUsedPercent: { warning: 75 }`); keys, units and defaults in docs/reference/alarms.md. The policy configure-alarm-thresholds judges the result.",
          ),
      })
      .describe("Who is told when a threshold is crossed (incident 000: thresholds had fallen by the wayside)."),
  })

type CheckedConfig = z.output<typeof stackConfigObject>;

export const stackConfigSchema = stackConfigObject.check(
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
  );

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

/** The validated stack configuration, every default applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
/** What a stack file may say: everything with a default is optional. */
export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type RecordConfig = z.output<typeof recordSchema>;

/** Max connections of a region's datastore: its endpoint's own, else `edge:datastore.maxConnections`. */
export function datastoreMaxConnections(datastore: StackConfig["datastore"], region: string): number {
  return datastore.endpoints[region]?.maxConnections ?? datastore.maxConnections;
}

/** Every problem of a config at once, each as `edge:<path>: <message>`. */
export class StackConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "StackConfigError";
  }
}

/** `edge:ingest.service.port`, `edge:regions[1]`, `edge:["a key"]` */
export function configPath(path: readonly PropertyKey[]): string {
  let out = configNamespace + ":";
  path.forEach((segment, i) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (!/^[A-Za-z0-9_-]+$/.test(String(segment))) out += `[${JSON.stringify(String(segment))}]`; // blank, unicode or control characters stay visible on one line
    else out += (i === 0 ? "" : ".") + String(segment);
  });
  return out;
}

const expectedKinds: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** What zod says on its own; a message the schema wrote itself is kept as the reason. */
const zodDefaultMessage = /^(Too big|Too small|Invalid input):/;

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = configPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map(
      (key) => `${configPath([...issue.path, key])}: unknown key; remove it or check its spelling against docs/reference/config.md`,
    );
  }
  const reason = zodDefaultMessage.test(issue.message) ? "" : `: ${issue.message}`;
  if (issue.code === "invalid_type") {
    // zod names NaN and ±Infinity in `received` and leaves `input` empty.
    const received = (issue as { received?: unknown }).received;
    if (issue.input === undefined && received === undefined) return [`${at}: required, but not set`];
    const got =
      typeof received === "string"
        ? received
        : typeof issue.input === "string"
          ? `a string (${shownValue(issue.input)})`
          : issue.expected === "int" && typeof issue.input === "number"
            ? shownValue(issue.input)
            : kindOf(issue.input);
    return [`${at}: expected ${expectedKinds[issue.expected] ?? issue.expected}, got ${got}${reason}`];
  }
  if ((issue.code === "too_big" || issue.code === "too_small") && (issue.origin === "number" || issue.origin === "int") && typeof issue.input === "number") {
    const value = shownValue(issue.input);
    const limit = Number(issue.code === "too_big" ? issue.maximum : issue.minimum).toLocaleString("en-US");
    const words =
      issue.code === "too_big"
        ? issue.inclusive ? `${value} is above the maximum ${limit}` : `${value} is not below ${limit}`
        : issue.inclusive ? `${value} is below the minimum ${limit}` : `${value} is not above ${limit}`;
    return [`${at}: ${words}${reason}`];
  }
  return [`${at}: ${issue.message}`];
}

/**
 * zod's `int()` adds its own ±2^53 range: where the field's documented maximum also refuses the
 * value, only that one is reported.
 */
function withoutSafeIntegerRange(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const isSafeRange = (issue: z.core.$ZodIssue) =>
    (issue.code === "too_big" || issue.code === "too_small") && issue.origin === "int" && Math.abs(Number(issue.code === "too_big" ? issue.maximum : issue.minimum)) === Number.MAX_SAFE_INTEGER;
  const key = (issue: z.core.$ZodIssue) => JSON.stringify(issue.path.map(String));
  return issues.filter((issue) => !isSafeRange(issue) || !issues.some((other) => other !== issue && !isSafeRange(other) && key(other) === key(issue)));
}

/**
 * Validates the `edge:` keys of a stack (without their namespace) and applies every default; the
 * environment is decided by {@link decideEnvironment} from `stack`, the stack's name (undefined
 * for a file that is not a stack yet). Throws a {@link StackConfigError} listing every problem.
 */
export function parseStackConfig(raw: Record<string, unknown>, stack?: string): StackConfig {
  const decided = decideEnvironment(stack, raw.environment);
  const result = stackConfigSchema.safeParse(decided.environment === undefined ? raw : { ...raw, environment: decided.environment }, { reportInput: true });
  const problems = [
    ...(decided.problem ? [decided.problem] : []),
    ...(result.success ? [] : withoutSafeIntegerRange(result.error.issues).flatMap(describeIssue)),
  ];
  if (problems.length > 0 || !result.success) throw new StackConfigError(problems);
  return result.data;
}
