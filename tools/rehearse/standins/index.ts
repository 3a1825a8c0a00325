/**
 * Every stand-in of a rehearsal from one JSON-able config: instance metadata, the VPC resolver,
 * S3, SSM, CloudWatch Logs and metrics, time sync, each on the address and port the config gives
 * (the rehearsal binds them to the plan's addresses inside its namespace). They share one
 * credential store, so the role credentials instance metadata hands out are the ones the others
 * accept. Each section is optional: a stand-in not configured is not started.
 */
import { execFileSync } from "node:child_process";
import { z } from "zod";
import { type Logs, type Monitoring, startLogs, startMonitoring } from "./cloudwatch";
import { CredentialStore } from "./identity";
import { type Imds, imdsHopLimitNftRules, startImds } from "./imds";
import { type RdsPostgres, startRdsPostgres } from "./postgres";
import { startResolver } from "./resolver";
import { startS3 } from "./s3";
import { type Ssm, startSsm } from "./ssm";
import type { RecordSink, StandIn } from "./standIn";
import { startTimeSync } from "./timeSync";

const listen = {
  address: z.union([z.ipv4(), z.ipv6()]).describe("Address to bind, e.g. a VPC address inside the rehearsal's namespace."),
  port: z.number().int().min(0).max(65_535).describe("Port to bind; 0 picks a free one."),
};
const arnPatterns = z.array(z.string().min(1)).default([]);

export const standInsConfigSchema = z
  .strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "expected an AWS region such as us-east-1"),
    accountId: z.string().regex(/^\d{12}$/, "expected a 12-digit AWS account id"),
    requestLog: z.string().min(1).optional().describe("File every answered request is appended to, one JSON line each (main.ts)."),
    tls: z
      .strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) })
      .optional()
      .describe("Certificate and key the HTTPS stand-ins present (testCa.ts), naming every AWS host name they answer for."),
    roles: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          s3GetObject: arnPatterns.describe("s3:GetObject resources of the role's policy."),
          s3ListBucket: arnPatterns.describe("s3:ListBucket resources of the role's policy."),
          ssmGetParameter: arnPatterns.describe("ssm:GetParameter resources of the role's policy."),
        }),
      )
      .default([]),
    imds: z
      .strictObject({
        ...listen,
        hopLimit: z.number().int().min(1).max(64).optional().describe("Sets the IP TTL of the answers with nftables in this namespace (run inside the rehearsal's namespace only)."),
        instances: z.array(
          z.strictObject({
            instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/, "expected an instance id such as i-0123456789abcdef0"),
            localIpv4: z.ipv4(),
            availabilityZone: z.string().min(1),
            roleName: z.string().min(1),
            instanceType: z.string().optional(),
            callers: z.array(z.ipv4()).optional(),
            lifecycleState: z.string().optional(),
            credentialsMissingForRequests: z.number().int().min(0).optional().describe("The instance's first N requests for its role's credentials answer 404, as just after a launch."),
            tags: z.record(z.string(), z.string()).optional().describe("Served under tags/instance/ when given (instanceMetadataTags enabled)."),
          }),
        ),
      })
      .optional(),
    resolver: z.strictObject({ ...listen, names: z.record(z.string().min(1), z.ipv4()), ttl: z.number().int().min(0).optional() }).optional(),
    s3: z
      .strictObject({
        ...listen,
        objects: z.array(z.strictObject({ bucket: z.string().min(3), key: z.string().min(1), file: z.string().min(1), contentType: z.string().optional() })),
        endpointPolicy: z.strictObject({ s3GetObject: arnPatterns, s3ListBucket: arnPatterns }).optional().describe("The gateway endpoint's policy; omitted: full access."),
      })
      .optional(),
    ssm: z
      .strictObject({
        ...listen,
        parameters: z.array(z.strictObject({ name: z.string().min(1), type: z.enum(["String", "StringList", "SecureString"]), value: z.string(), version: z.number().int().min(1).optional() })),
      })
      .optional(),
    logs: z.strictObject({ ...listen, logGroups: z.array(z.string().min(1)).default([]) }).optional(),
    monitoring: z.strictObject(listen).optional(),
    timeSync: z.strictObject(listen).optional(),
    datastore: z
      .strictObject({
        addresses: z.array(z.union([z.ipv4(), z.ipv6()])).min(1),
        port: z.number().int().min(0).max(65_535),
        certFile: z.string().min(1),
        keyFile: z.string().min(1),
        database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
        adminUser: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
        adminPassword: z.string().min(8),
        serviceUser: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
        servicePassword: z.string().min(8),
        grant: z.boolean().describe("Whether the DBA has run the grants the service needs (datastoreGrantSql)."),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    const https = (["s3", "ssm", "logs", "monitoring"] as const).filter((name) => config[name] !== undefined);
    if (https.length && !config.tls) ctx.addIssue({ code: "custom", path: ["tls"], message: `required by ${https.join(", ")}: the certificate and key they present` });
    const roles = new Set(config.roles.map((role) => role.name));
    config.imds?.instances.forEach((instance, index) => {
      if (!roles.has(instance.roleName))
        ctx.addIssue({ code: "custom", path: ["imds", "instances", index, "roleName"], message: `no role ${JSON.stringify(instance.roleName)} in roles (known: ${[...roles].join(", ") || "none"})` });
    });
  });

export type StandInsConfig = z.input<typeof standInsConfigSchema>;

export interface StandIns {
  store: CredentialStore;
  imds?: Imds;
  resolver?: StandIn;
  s3?: StandIn;
  ssm?: Ssm;
  logs?: Logs;
  monitoring?: Monitoring;
  timeSync?: StandIn;
  datastore?: RdsPostgres;
  /** Every started HTTP/DNS/NTP stand-in by name. */
  all: Record<string, StandIn>;
  stop(): Promise<void>;
}

/** The named network namespace (`ip netns add`) this process runs in, if any. */
function namedNetworkNamespace(): string | undefined {
  try {
    return execFileSync("ip", ["netns", "identify", String(process.pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Starts what `config` declares; on any failure, stops what was started and throws. */
export async function startStandIns(input: StandInsConfig, onRequest?: RecordSink): Promise<StandIns> {
  const config = standInsConfigSchema.parse(input);
  const store = new CredentialStore(config.accountId);
  const region = config.region;
  const started: StandIns = { store, all: {}, stop: async () => undefined };
  const cleanups: (() => Promise<void> | void)[] = [];
  const track = <T extends StandIn>(name: string, standIn: T): T => {
    started.all[name] = standIn;
    cleanups.push(() => standIn.stop());
    return standIn;
  };
  started.stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    if (config.imds) {
      const imds = config.imds;
      started.imds = track("imds", await startImds({ address: imds.address, port: imds.port, onRequest, region, store, instances: imds.instances }));
      if (imds.hopLimit !== undefined) {
        if (!namedNetworkNamespace())
          throw new Error("imds.hopLimit: sets an nftables rule in this network namespace; run the stand-ins inside the rehearsal's own namespace (ip netns exec NAME …), or leave hopLimit out");
        const table = `edge_imds_hop_limit_${process.pid}`;
        execFileSync("nft", ["-f", "-"], { input: imdsHopLimitNftRules(imds.address, started.imds.port, imds.hopLimit, table) });
        cleanups.push(() => {
          execFileSync("nft", ["delete", "table", "ip", table]);
        });
      }
    }
    if (config.resolver) started.resolver = track("resolver", await startResolver({ ...config.resolver, onRequest }));
    const tls = config.tls!;
    if (config.s3) {
      const { endpointPolicy, ...s3 } = config.s3;
      started.s3 = track(
        "s3",
        await startS3({
          ...s3,
          onRequest,
          region,
          store,
          tls,
          roleGrants: Object.fromEntries(config.roles.map((role) => [role.name, { getObject: role.s3GetObject, listBucket: role.s3ListBucket }])),
          ...(endpointPolicy ? { endpointGrants: { getObject: endpointPolicy.s3GetObject, listBucket: endpointPolicy.s3ListBucket } } : {}),
        }),
      );
    }
    if (config.ssm)
      started.ssm = track(
        "ssm",
        await startSsm({ ...config.ssm, onRequest, region, store, tls, roleGrants: Object.fromEntries(config.roles.map((role) => [role.name, { getParameter: role.ssmGetParameter }])) }),
      );
    if (config.logs) started.logs = track("logs", await startLogs({ ...config.logs, onRequest, region, store, tls }));
    if (config.monitoring) started.monitoring = track("monitoring", await startMonitoring({ ...config.monitoring, onRequest, region, store, tls }));
    if (config.timeSync) started.timeSync = track("timeSync", await startTimeSync({ ...config.timeSync, onRequest }));
    if (config.datastore) {
      const datastore = await startRdsPostgres({ ...config.datastore, tls: { certFile: config.datastore.certFile, keyFile: config.datastore.keyFile } });
      started.datastore = datastore;
      cleanups.push(() => datastore.stop());
    }
  } catch (error) {
    await started.stop();
    throw error;
  }
  return started;
}
