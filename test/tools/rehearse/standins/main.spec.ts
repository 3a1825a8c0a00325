/**
 * main.ts as the rehearsal runs it: one config, `ready` on stdout, every request in the log,
 * commands on stdin, a clean stop on SIGTERM; exit 2 for a bad config. As root, the metadata
 * stand-in's hop limit across network namespaces (one hop answered, two hops not).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { StandInsConfig } from "../../../../tools/rehearse/standins/index";
import type { RequestRecord } from "../../../../tools/rehearse/standins/standIn";
import { createTestCa, issueServerCertificate } from "../../../../tools/rehearse/standins/testCa";
import { freePort } from "../../../../harness/nginx";

const repoRoot = path.resolve(__dirname, "../../../..");
const mainTs = path.join(repoRoot, "tools/rehearse/standins/main.ts");
const run = promisify(execFile);
const region = "us-east-1";
const bucketHost = `edge-bundles-${region}.s3.${region}.amazonaws.com`;

interface Running {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the next stdout line matching `test`. */
  next(test: (line: string) => boolean): Promise<string>;
  exited: Promise<number | null>;
}

/** Starts main.ts (optionally inside a namespace) and waits for `ready`. */
async function startMain(configFile: string, netns?: string): Promise<Running> {
  const command = netns ? ["ip", ["netns", "exec", netns, process.execPath, "--require", "tsx/cjs", mainTs, configFile]] : [process.execPath, ["--require", "tsx/cjs", mainTs, configFile]];
  const child = spawn(command[0] as string, command[1] as string[], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const waiter of waiters.splice(0)) waiter.test(line) ? waiter.resolve(line) : waiters.push(waiter);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const next = (test: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`main.ts: no matching line in 60 s; stdout ${JSON.stringify(lines)}, stderr ${stderr}`)), 60_000);
      waiters.push({ test, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      void exited.then((code) => reject(new Error(`main.ts exited ${code}: ${stderr}`)));
    });
  await next((line) => line === "ready");
  return { child, lines, next, exited };
}

async function stopMain(running: Running | undefined): Promise<number | null | undefined> {
  if (!running || running.child.exitCode !== null) return running?.child.exitCode;
  running.child.kill("SIGTERM");
  const timeout = setTimeout(() => running.child.kill("SIGKILL"), 30_000);
  const code = await running.exited;
  clearTimeout(timeout);
  return code;
}

describe("main.ts", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-standins-main-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ca = createTestCa(path.join(dir, "ca"));
  const cert = issueServerCertificate(ca, "aws", [`*.s3.${region}.amazonaws.com`, `ssm.${region}.amazonaws.com`, `logs.${region}.amazonaws.com`, `monitoring.${region}.amazonaws.com`]);
  const dbCert = issueServerCertificate(ca, "datastore", ["db.edge-dev.internal"]);

  it("starts every stand-in from one config, logs each request as a JSON line, takes commands on stdin, stops on SIGTERM", async () => {
    const bundleFile = path.join(dir, "bundle.tar.gz");
    writeFileSync(bundleFile, randomBytes(4096));
    const requestLog = path.join(dir, "requests.jsonl");
    const [imdsPort, dnsPort, s3Port, ssmPort, logsPort, monitoringPort, ntpPort, dbPort] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
    const config: StandInsConfig = {
      region,
      accountId: "123456789012",
      requestLog,
      tls: { certFile: cert.certFile, keyFile: cert.keyFile },
      roles: [{ name: "edge-dev-host", s3GetObject: [`arn:aws:s3:::edge-bundles-${region}/releases/*`], ssmGetParameter: [`arn:aws:ssm:${region}:123456789012:parameter/edge/dev/*`] }],
      imds: { address: "127.0.0.1", port: imdsPort!, instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", localIpv4: "127.0.0.1", availabilityZone: "us-east-1a", roleName: "edge-dev-host" }] },
      resolver: { address: "127.0.0.1", port: dnsPort!, names: { [bucketHost]: "198.18.0.10" } },
      s3: {
        address: "127.0.0.1",
        port: s3Port!,
        objects: [{ bucket: `edge-bundles-${region}`, key: "releases/edge-ingest-1.tar.gz", file: bundleFile }],
        endpointPolicy: { s3GetObject: [`arn:aws:s3:::edge-bundles-${region}/releases/edge-ingest-1.tar.gz`] },
      },
      ssm: { address: "127.0.0.1", port: ssmPort!, parameters: [{ name: "/edge/dev/datastore/password", type: "SecureString", value: "service password 1" }] },
      logs: { address: "127.0.0.1", port: logsPort!, logGroups: ["/edge/dev/ingest"] },
      monitoring: { address: "127.0.0.1", port: monitoringPort! },
      timeSync: { address: "127.0.0.1", port: ntpPort! },
      datastore: {
        addresses: ["127.0.0.1"],
        port: dbPort!,
        certFile: dbCert.certFile,
        keyFile: dbCert.keyFile,
        database: "edge",
        adminUser: "edge_admin",
        adminPassword: "admin password 1",
        serviceUser: "ingest",
        servicePassword: "service password 1",
        grant: true,
      },
    };
    const configFile = path.join(dir, "config.json");
    writeFileSync(configFile, JSON.stringify(config));
    let running: Running | undefined;
    try {
      running = await startMain(configFile);
      // The bundle fetch's calls with the header S3 requires, as a host would make them.
      const script = `set -eu
imds=http://127.0.0.1:${imdsPort}/latest
token=$(curl -fsS --max-time 30 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/api/token")
md() { curl -fsS --max-time 30 -H "X-aws-ec2-metadata-token: $token" "$imds/$1"; }
role=$(md meta-data/iam/security-credentials/)
creds=$(md "meta-data/iam/security-credentials/$role")
field() { printf '%s' "$creds" | sed -n "s/.*\\"$1\\" *: *\\"\\([^\\"]*\\)\\".*/\\1/p"; }
curl -fsS --max-time 30 --cacert ${ca.certFile} --connect-to ${bucketHost}:443:127.0.0.1:${s3Port} -o ${dir}/fetched \\
  --aws-sigv4 "aws:amz:${region}:s3" --user "$(field AccessKeyId):$(field SecretAccessKey)" \\
  -H "x-amz-security-token: $(field Token)" -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \\
  "https://${bucketHost}/releases/edge-ingest-1.tar.gz"
md meta-data/autoscaling/target-lifecycle-state`;
      expect((await run("sh", ["-c", script], { timeout: 90_000 })).stdout).toBe("InService");
      expect(readFileSync(path.join(dir, "fetched")).equals(readFileSync(bundleFile))).toBe(true);
      expect((await run("dig", ["@127.0.0.1", "-p", String(dnsPort), "+short", "+time=10", bucketHost], { timeout: 60_000 })).stdout.trim()).toBe("198.18.0.10");

      running.child.stdin!.write(`${JSON.stringify({ setLifecycleState: { instanceId: "i-0aaaaaaaaaaaaaaa1", state: "Terminated" } })}\n`);
      expect(JSON.parse(await running.next((line) => line.startsWith("{")))).toEqual({ ok: true, command: "setLifecycleState" });
      expect((await run("sh", ["-c", script], { timeout: 90_000 })).stdout).toBe("Terminated");
      running.child.stdin!.write(`${JSON.stringify({ setLifecycleState: { instanceId: "i-0nothere0000000", state: "Terminated" } })}\n`);
      expect(JSON.parse(await running.next((line) => line.includes("i-0nothere")))).toMatchObject({ ok: false });

      const db = new pg.Client({
        host: "127.0.0.1",
        port: dbPort!,
        user: "ingest",
        password: "service password 1",
        database: "edge",
        connectionTimeoutMillis: 30_000,
        ssl: { ca: readFileSync(ca.certFile, "utf8"), servername: "db.edge-dev.internal", checkServerIdentity: () => undefined },
      });
      await db.connect();
      await db.query("CREATE TABLE granted (id int)");
      await db.end();

      expect(await stopMain(running)).toBe(0);
      const records = readFileSync(requestLog, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as RequestRecord);
      expect(new Set(records.map((r) => r.service))).toEqual(new Set(["imds", "s3", "resolver"]));
      expect(records.find((r) => r.service === "s3")).toMatchObject({ action: `GetObject edge-bundles-${region}/releases/edge-ingest-1.tar.gz`, status: 200, verdict: "OK", caller: "127.0.0.1" });
      expect(records.filter((r) => r.action === "GET /latest/meta-data/autoscaling/target-lifecycle-state")).toHaveLength(2);
    } finally {
      await stopMain(running);
    }
  });

  it("refuses a bad config with exit 2, naming each field and the fix", async () => {
    const configFile = path.join(dir, "bad.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        region: "us-east-1",
        accountId: "123",
        s3: { address: "127.0.0.1", port: 1, objects: [] },
        imds: { address: "127.0.0.1", port: 0, instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", localIpv4: "127.0.0.1", availabilityZone: "a", roleName: "nobody" }] },
      }),
    );
    const result = await run(process.execPath, ["--require", "tsx/cjs", mainTs, configFile], { cwd: repoRoot, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${configFile}: accountId: expected a 12-digit AWS account id`);
    expect(result.stderr).toContain(`${configFile}: tls: required by s3: the certificate and key they present`);
    expect(result.stderr).toContain(`${configFile}: imds.instances.0.roleName: no role "nobody" in roles (known: none)`);
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(!isRoot)("the metadata stand-in's hop limit: a caller one hop away gets a token, a caller behind a router only with a hop limit of 2", async () => {
    const tag = `${process.pid}-${randomBytes(3).toString("hex")}`;
    const [srv, rtr, cli] = ["s", "r", "c"].map((n) => `edge-si-${n}-${tag}`) as [string, string, string];
    const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
    const inNs = (ns: string, ...args: string[]) => ip("netns", "exec", ns, ...args);
    let running: Running | undefined;
    try {
      for (const ns of [srv, rtr, cli]) ip("netns", "add", ns);
      const vethA = `esa${tag.slice(-6)}`;
      const vethB = `esb${tag.slice(-6)}`;
      ip("link", "add", `${vethA}0`, "netns", srv, "type", "veth", "peer", "name", `${vethA}1`, "netns", rtr);
      ip("link", "add", `${vethB}0`, "netns", rtr, "type", "veth", "peer", "name", `${vethB}1`, "netns", cli);
      const setup: [string, string[]][] = [
        [srv, ["ip", "addr", "add", "198.18.250.1/30", "dev", `${vethA}0`]],
        [srv, ["ip", "addr", "add", "169.254.169.254/32", "dev", "lo"]],
        [rtr, ["ip", "addr", "add", "198.18.250.2/30", "dev", `${vethA}1`]],
        [rtr, ["ip", "addr", "add", "198.18.250.5/30", "dev", `${vethB}0`]],
        [cli, ["ip", "addr", "add", "198.18.250.6/30", "dev", `${vethB}1`]],
      ];
      for (const [ns, args] of setup) inNs(ns, ...args);
      for (const [ns, devs] of [
        [srv, ["lo", `${vethA}0`]],
        [rtr, ["lo", `${vethA}1`, `${vethB}0`]],
        [cli, ["lo", `${vethB}1`]],
      ] as const)
        for (const dev of devs) inNs(ns, "ip", "link", "set", dev, "up");
      inNs(srv, "ip", "route", "add", "default", "via", "198.18.250.2");
      inNs(rtr, "ip", "route", "add", "169.254.169.254/32", "via", "198.18.250.1");
      inNs(cli, "ip", "route", "add", "default", "via", "198.18.250.5");
      inNs(rtr, "sysctl", "-qw", "net.ipv4.ip_forward=1");

      const token = (ns: string) =>
        run(
          "ip",
          ["netns", "exec", ns, "curl", "-fsS", "--connect-timeout", "3", "--max-time", "6", "-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60", "http://169.254.169.254/latest/api/token"],
          { timeout: 60_000 },
        ).then(
          (r) => ({ ok: true, out: r.stdout }),
          (e: { code: number }) => ({ ok: false, out: String(e.code) }),
        );
      for (const hopLimit of [1, 2]) {
        const configFile = path.join(dir, `hop-${hopLimit}.json`);
        const config: StandInsConfig = {
          region,
          accountId: "123456789012",
          roles: [{ name: "edge-dev-host" }],
          imds: {
            address: "169.254.169.254",
            port: 80,
            hopLimit,
            instances: [
              { instanceId: "i-0aaaaaaaaaaaaaaa1", localIpv4: "198.18.250.2", availabilityZone: "us-east-1a", roleName: "edge-dev-host" },
              { instanceId: "i-0bbbbbbbbbbbbbbb2", localIpv4: "198.18.250.6", availabilityZone: "us-east-1a", roleName: "edge-dev-host" },
            ],
          },
        };
        writeFileSync(configFile, JSON.stringify(config));
        running = await startMain(configFile, srv);
        expect({ hopLimit, ...(await token(rtr)) }).toMatchObject({ hopLimit, ok: true });
        // Behind the router the answer needs two hops: with a limit of 1 it dies there (curl: 28, timed out).
        expect({ hopLimit, ok: (await token(cli)).ok }).toEqual({ hopLimit, ok: hopLimit === 2 });
        expect(await stopMain(running)).toBe(0);
        running = undefined;
        // The stand-in's rule is gone with it.
        expect(inNs(srv, "nft", "list", "tables").toString()).not.toContain("edge_imds_hop_limit");
      }
    } finally {
      await stopMain(running);
      for (const ns of [srv, rtr, cli]) spawnIgnore("ip", ["netns", "del", ns]);
    }
  });
});

function spawnIgnore(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: "ignore" });
  } catch {
    // already gone
  }
}
