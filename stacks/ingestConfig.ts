/**
 * The ingestion fleet's sections of the stack configuration (`edge:ingest`, `edge:nginx`,
 * `edge:datastore`): sizing, each host's nginx limits, the datastore behind the service.
 *
 * Pure module: no Pulumi imports.
 */
import { z } from "zod";
import { drainVisibleSeconds } from "../models/ingestRegion/layout";
import { datastoreRouteSchema } from "./networkSchema";
import { isPrivateIpv4Cidr, privateIpv4Ranges } from "../models/ingestRegion/egress";
import { bundledDatastoreCaPath } from "../models/hostEdge/bundle";
import { ingestProcessesPerHost } from "../models/hostEdge/userData";
import { awsRegion, ipv4Cidr, maxHostsPerGroup, maxWorkerConnections, postgresMaxConnections } from "./configFields";

export const ingestConfig = z
  .strictObject({
    // Maxima: an order of magnitude or more above any edge this program sizes, low enough that
    // every product of them stays an exact, finite number.
    peakEventsPerSecond: z.number().positive().max(10_000_000).default(5000).describe("Observed peak of ingested events per second, all regions together."),
    burstFactor: z.number().min(1).max(100).default(8).describe("Spike over the peak the fleet must absorb (incident 000: traffic rose 8x)."),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "expected an EC2 instance type such as c6i.large")
      .default("c6i.large")
      .describe("EC2 instance type of the ingestion hosts."),
    eventsPerHostPerSecond: z.number().min(1).max(1_000_000).default(4000).describe("Events per second one host sustains, measured by load test."),
    minHostsPerRegion: z.number().int().min(1).max(maxHostsPerGroup).default(2).describe("Autoscaling minimum per region."),
    maxHostsPerRegion: z.number().int().min(1).max(maxHostsPerGroup).default(12).describe("Autoscaling maximum per region."),
    availabilityZones: z.number().int().min(2).max(6).default(3).describe("Availability zones per region, each with a subnet and a static load balancer address."),
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
    minHealthyPercentage: z.number().int().min(50).max(100).default(90).describe("Share of hosts kept in service during an instance refresh (incident 003: zero-downtime deploys)."),
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
        command: z.string().min(1).default("/usr/local/bin/ingest --listen 127.0.0.1:8080").describe("Command the ingestion service's systemd unit runs."),
        port: z.number().int().min(1024).max(65535).default(8080).describe("Local port of the ingestion service."),
        backupPort: z.number().int().min(1024).max(65535).default(8081).describe("Local port of the standby ingestion process nginx fails over to (incident 003's `backup` server)."),
        memoryReserveMiB: z.number().int().min(0).max(1_048_576).default(1024).describe("Memory the ingestion service needs beside nginx, in MiB."),
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
      .describe("The pinned host bundle: nginx's .deb files, the Node.js runtime, the service, the CloudWatch agent and SSM Agent. Required to deploy hosts: a host boots nothing unpinned."),
  })
  .prefault({})
  .describe("Ingestion fleet sizing.");

export const nginxConfig = z
  .strictObject({
    workerConnections: z.number().int().min(64).max(maxWorkerConnections).default(4096).describe("nginx `worker_connections` (incident 000: buffers x connections must fit in memory)."),
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
    connectTimeoutSeconds: z.number().positive().max(10).default(1).describe("`proxy_connect_timeout`: a dead upstream is detected fast (incident 003)."),
    readTimeoutSeconds: z.number().positive().max(3600).default(60).describe("`proxy_read_timeout`: long reads stay allowed (incident 003)."),
    maxConnectionsPerHost: z
      .number()
      .int()
      .positive()
      .max(maxWorkerConnections)
      .optional()
      .meta({ defaultText: "90% of `workerConnections / 2`" })
      .describe("Requests nginx serves at once on a host before it sheds load with 503 (a proxied request holds a client and an upstream slot)."),
    requestsPerSecondPerClient: z.number().int().positive().max(1_000_000).default(200).describe("Request rate one client address may sustain before 503s."),
  })
  .prefault({})
  .describe("nginx limits on each ingestion host.");

export const datastoreConfig = z
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
          database: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "expected a PostgreSQL database name")
            .default("edge")
            .describe("Database the events table lives in."),
          user: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "expected a PostgreSQL role name")
            .default("ingest")
            .describe("Role the service connects as."),
          passwordParameter: z
            .string()
            .regex(/^\/[A-Za-z0-9_.\/-]{1,1010}$/, "expected an SSM parameter name such as /edge/prod/datastore/password")
            .describe("SSM Parameter Store SecureString holding the password; the host role reads it at start, so it is never in user data."),
          caBundle: z
            .string()
            .regex(/^\/[A-Za-z0-9_.\/-]+$/, "expected an absolute path on the host")
            .default(bundledDatastoreCaPath)
            .describe(
              "CA bundle on the host the datastore's certificate is verified against (`sslmode=verify-full`). Defaults to the Amazon RDS CA bundle every host bundle ships (Debian's CA store has no RDS root); a self-managed datastore's CA goes into the bundle with `npm run bundle -- --datastore-ca FILE`.",
            ),
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
            .describe(
              "The private networks the datastore's addresses live in (hosts have no public address; security groups take CIDRs, never host names; a managed datastore's address changes on failover).",
            ),
          route: datastoreRouteSchema,
        }),
      )
      .default({})
      .describe(
        "Per region, the datastore its hosts write to (incident 002: independent regions, each with its own datastore): `hosts`, `port`, `database`, `user`, `passwordParameter`, `caBundle`, `cidrs`, `route` (what reaches the cidrs: `transitGatewayId`, `vpcPeeringConnectionId` or `sameVpc`; required once delegated) and `maxConnections` (defaults to `edge:datastore.maxConnections`), the budget every region naming the same hosts shares. Every region of edge:regions needs one before the edge is deployed (`edge:dns.delegation: delegated`).",
      ),
  })
  .prefault({})
  .describe("The datastore behind the ingestion service.");
