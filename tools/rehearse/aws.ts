/**
 * The AWS side of one rehearsed host, from the plan: the certificates the rehearsal's stand-ins
 * present, and the stand-ins' config (`standins/index.ts`), each answering what the plan
 * declares and refusing the rest:
 *   - instance metadata serves the launch template's role, with the template's hop limit;
 *   - the VPC resolver answers the bundle bucket's regional S3 name, each interface endpoint's
 *     service name when the endpoint has private DNS, and the datastore's host names;
 *   - S3 serves the bundle to what the role's policies and the gateway endpoint's policy grant;
 *   - SSM holds the datastore password under the parameter the env file names, readable as the
 *     role's policies grant;
 *   - CloudWatch Logs and metrics accept signed calls;
 *   - PostgreSQL 15 as RDS presents it, its certificate from the datastore test CA (the bundle's
 *     place of the RDS CA), the service's role made by its administrator.
 * The stand-ins run as one process inside the rehearsal's VPC namespace (`standins/main.ts`).
 */
import { ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { randomBytes } from "node:crypto";
import { createTestCa, issueServerCertificate, TestCa } from "./standins/testCa";
import type { StandInsConfig } from "./standins/index";
import type { RequestRecord } from "./standins/standIn";
import { imdsAddress, timeSyncServiceAddress, type HostNetworkPlan } from "./network";
import type { PlannedHost } from "./planned";
import { releaseKey } from "./plan";

export interface RehearsalCertificates {
  /** Stands in for Amazon's roots, which Debian's trust store holds: the AWS endpoints' certificates chain to it. */
  publicCa: TestCa;
  /** Stands in for the RDS CA, which Debian's trust store does not hold: only the bundle carries it. */
  datastoreCa: TestCa;
  /** The image's trust store with the public test CA added: what `update-ca-certificates` would write. */
  trustStore: string;
}

export function makeRehearsalCertificates(dir: string, image: string): RehearsalCertificates {
  const publicCa = createTestCa(path.join(dir, "public"));
  const datastoreCa = createTestCa(path.join(dir, "datastore"));
  const trustStore = path.join(dir, "ca-certificates.crt");
  writeFileSync(trustStore, `${readFileSync(path.join(image, "etc/ssl/certs/ca-certificates.crt"), "utf8")}${readFileSync(publicCa.certFile, "utf8")}`);
  return { publicCa, datastoreCa, trustStore };
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM action patterns match case-insensitively, `*` any run, `?` one character (IAM User Guide, "IAM JSON policy elements: Action"). */
function actionMatches(pattern: string, action: string): boolean {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  ).test(action);
}

/**
 * What AWS-managed policies the plan attaches grant of the actions the stand-ins judge (AWS Managed
 * Policy Reference: AmazonSSMManagedInstanceCore allows `ssm:GetParameter` and
 * `ssm:GetParameters` on every resource).
 */
const managedGrants: Record<string, Statement[]> = {
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": [{ Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: "*" }],
};

/** The resources a set of policy documents allows `action` on (Allow statements; the stand-ins know no Deny the plan writes). */
export function allowedResources(documents: string[], managedPolicyArns: string[], action: string): string[] {
  const statements = [...documents.flatMap((doc) => list((JSON.parse(doc) as { Statement?: Statement | Statement[] }).Statement)), ...managedPolicyArns.flatMap((arn) => managedGrants[arn] ?? [])];
  return statements.filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => actionMatches(a, action))).flatMap((s) => list(s.Resource));
}

/** The account the plan's ARNs name. */
function accountOf(host: PlannedHost): string {
  const arn = host.role.policies.join(" ").match(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/);
  return arn?.[1] ?? "123456789012";
}

export interface StandInRun {
  namespace: string;
  network: HostNetworkPlan;
  host: PlannedHost;
  tarball: string;
  password: string;
  certificates: RehearsalCertificates;
  dir: string;
  instanceId: string;
  /** The bundle bucket as the launch template's user data names it (`{region}` replaced). */
  bucket: string;
  /** Whether the datastore's administrator has granted the service's role at start. */
  grant: boolean;
  /** How many of the host's first requests for its role's credentials instance metadata answers 404, as just after a launch. */
  credentialsMissingForRequests: number;
  /**
   * The datastore runs elsewhere (the edge twin's one cluster, which every host writes to): the
   * resolver still answers its names with the wired addresses, and no stand-in PostgreSQL starts.
   */
  externalDatastore?: boolean;
}

/** A leaf certificate's file name no other host's stand-ins write: the CAs' directory may be shared by every boot of a test run. */
const uniqueCertificateName = (name: string) => `${name}-${process.pid}-${randomBytes(4).toString("hex")}`;

/** The stand-ins' config for one host. */
export function standInsConfig(run: StandInRun): StandInsConfig {
  const { host, network } = run;
  const region = host.region;
  const apiName = (service: string) => `${service}.${region}.amazonaws.com`;
  const certificate = issueServerCertificate(run.certificates.publicCa, uniqueCertificateName(`aws-${region}`), [
    `*.s3.${region}.amazonaws.com`,
    `s3.${region}.amazonaws.com`,
    ...host.interfaceEndpoints.map((e) => apiName(e.service)),
  ]);
  const names: Record<string, string> = { [`${run.bucket}.s3.${region}.amazonaws.com`]: network.s3 };
  for (const endpoint of host.interfaceEndpoints) if (endpoint.privateDns) names[apiName(endpoint.service)] = network.endpoints[endpoint.service]!;
  for (const [name, address] of Object.entries(network.datastores)) names[name] = address;
  const grants = (action: string) => allowedResources(host.role.policies, host.role.managedPolicyArns, action);
  const gateway = host.s3GatewayPolicy ? [host.s3GatewayPolicy] : undefined;
  const endpointAddress = (service: string) => network.endpoints[service];
  const https = (service: string) => (endpointAddress(service) ? { address: endpointAddress(service)!, port: 443 } : undefined);
  const ssm = https("ssm");
  const logs = https("logs");
  const monitoring = https("monitoring");
  return {
    region,
    accountId: accountOf(host),
    requestLog: path.join(run.dir, "requests.jsonl"),
    tls: { certFile: certificate.chainFile, keyFile: certificate.keyFile },
    roles: [{ name: host.role.name, s3GetObject: grants("s3:GetObject"), s3ListBucket: grants("s3:ListBucket"), ssmGetParameter: grants("ssm:GetParameter") }],
    imds: {
      address: imdsAddress,
      port: 80,
      hopLimit: host.metadata.hopLimit,
      instances: [
        {
          instanceId: run.instanceId,
          localIpv4: network.host,
          availabilityZone: `${region}a`,
          roleName: host.role.name,
          lifecycleState: "InService",
          credentialsMissingForRequests: run.credentialsMissingForRequests,
          ...(host.instanceTags ? { tags: host.instanceTags } : {}),
        },
      ],
    },
    resolver: { address: network.resolver, port: 53, names },
    s3: {
      address: network.s3,
      port: 443,
      objects: [{ bucket: run.bucket, key: releaseKey(run.tarball), file: run.tarball, contentType: "application/gzip" }],
      ...(gateway ? { endpointPolicy: { s3GetObject: allowedResources(gateway, [], "s3:GetObject"), s3ListBucket: allowedResources(gateway, [], "s3:ListBucket") } } : {}),
    },
    ...(ssm ? { ssm: { ...ssm, parameters: [{ name: host.env.INGEST_DB_PASSWORD_PARAMETER ?? "", type: "SecureString" as const, value: run.password }] } } : {}),
    ...(logs ? { logs: { ...logs, logGroups: [] } } : {}),
    ...(monitoring ? { monitoring } : {}),
    timeSync: { address: timeSyncServiceAddress, port: 123 },
    ...(run.externalDatastore ? {} : { datastore: datastoreConfig(run) }),
  };
}

/** The stand-in PostgreSQL of one host's rehearsal: as RDS presents it, the service's role made by its administrator. */
function datastoreConfig(run: StandInRun): NonNullable<StandInsConfig["datastore"]> {
  const { host, network } = run;
  const datastoreCertificate = issueServerCertificate(run.certificates.datastoreCa, uniqueCertificateName(`datastore-${host.region}`), Object.keys(network.datastores));
  const port = Number(host.env.INGEST_DB_PORT ?? 5432);
  return {
    addresses: Object.values(network.datastores),
    port,
    certFile: datastoreCertificate.certFile,
    keyFile: datastoreCertificate.keyFile,
    database: host.env.INGEST_DB_NAME ?? "edge",
    adminUser: "edge_admin",
    adminPassword: randomBytes(18).toString("base64url"),
    serviceUser: host.env.INGEST_DB_USER ?? "ingest",
    servicePassword: run.password,
    grant: run.grant,
  };
}

export interface AwsStandIns {
  requests(): RequestRecord[];
  /** Sends one command to the stand-ins' process and waits for its answer. */
  command(command: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
  /** Kills the process at once (teardown on an error). */
  stopNow(): void;
}

/** Starts the stand-ins in `namespace` and resolves once every one listens. */
export async function startAwsStandIns(run: StandInRun): Promise<AwsStandIns> {
  mkdirSync(run.dir, { recursive: true });
  const config = standInsConfig(run);
  const configFile = path.join(run.dir, "standins.json");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const child: ChildProcess = spawn("ip", ["netns", "exec", run.namespace, process.execPath, "--require", "tsx/cjs", path.join(__dirname, "standins", "main.ts"), configFile], {
    stdio: ["pipe", "pipe", "pipe"],
    cwd: path.resolve(__dirname, "../.."),
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: ((answer: Record<string, unknown>) => void)[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stand-ins did not start within 60 s: ${stderr.trim()}`)), 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the stand-ins exited (${code}): ${stderr.trim()}`));
    });
    lines.on("line", (line) => {
      if (line === "ready") {
        clearTimeout(timer);
        resolve();
      } else waiting.shift()?.(JSON.parse(line) as Record<string, unknown>);
    });
  });
  await ready;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const requestLog = String(config.requestLog);
  return {
    requests: () =>
      existsSync(requestLog)
        ? readFileSync(requestLog, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as RequestRecord)
        : [],
    command: (command) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin!.write(`${JSON.stringify(command)}\n`);
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
    stopNow: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
