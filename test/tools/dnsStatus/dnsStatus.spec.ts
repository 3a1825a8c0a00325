import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delegationProblems } from "../../../models/dns/delegation";
import { NsdServer, startNsd } from "../../../harness/nsd";
import { projectRoot } from "../../support/runPlan";

const route53 = ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org", "ns-4.awsdns-04.co.uk"];
const cloudflare = ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"];
const expected = { domain: "example.com", mode: "active-active" as const, secondaryNameServers: cloudflare, registrarNameServers: [...route53, ...cloudflare] };

describe("delegationProblems", () => {
  it("accepts an active zone with the recorded servers, delegated to the registrar's list", () => {
    expect(delegationProblems(expected, { cloudflareStatus: "active", cloudflarePlan: "free", cloudflareNameServers: cloudflare, parentNameServers: [...cloudflare, ...route53] })).toEqual([]);
  });

  it("names a re-made Cloudflare zone, a pending free standby and a parent that lost Cloudflare", () => {
    const problems = delegationProblems(
      { ...expected, mode: "hot-standby", registrarNameServers: route53 },
      { cloudflareStatus: "pending", cloudflarePlan: "free", cloudflareNameServers: ["cid.ns.cloudflare.com", "dee.ns.cloudflare.com"], parentNameServers: route53.slice(0, 2) },
    );
    expect(problems).toEqual([
      expect.stringContaining("pending on the free plan: Cloudflare deletes it after 28 days"),
      expect.stringContaining("Cloudflare now assigns cid.ns.cloudflare.com dee.ns.cloudflare.com to example.com, not the recorded ada.ns.cloudflare.com bob.ns.cloudflare.com"),
      expect.stringContaining("The parent delegates example.com to ns-1.awsdns-01.com ns-2.awsdns-02.net, not to"),
    ]);
  });

  it("refuses a moved zone in active-active", () => {
    expect(delegationProblems(expected, { cloudflareStatus: "moved", cloudflarePlan: "free", cloudflareNameServers: cloudflare, parentNameServers: expected.registrarNameServers })).toEqual([
      expect.stringContaining("Cloudflare zone example.com is moved, not active"),
    ]);
  });
});

describe("npm run dns-status against a Cloudflare API stand-in and a real parent server (NSD)", () => {
  let nsd: NsdServer;
  let api: Server;
  let apiPort = 0;
  let zoneAnswer: Record<string, unknown>;
  let dir: string;

  beforeAll(async () => {
    // The parent zone `com` as its servers hold it: the delegation of example.com to the registrar's list.
    const delegation = expected.registrarNameServers.map((ns) => `example.com. 172800 IN NS ${ns}.`).join("\n");
    nsd = await startNsd({ com: `$TTL 900\n@ IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n@ IN NS a.gtld-servers.net.\n${delegation}\n` });
    api = createServer((req, res) => {
      const authorized = req.headers.authorization === "Bearer test-token" && req.url === "/client/v4/zones/cf-zone-1";
      res.writeHead(authorized ? 200 : 403, { "content-type": "application/json" });
      res.end(JSON.stringify(authorized ? { success: true, errors: [], result: zoneAnswer } : { success: false, errors: [{ message: "forbidden" }] }));
    });
    await new Promise<void>((done) => api.listen(0, "127.0.0.1", done));
    apiPort = (api.address() as { port: number }).port;
    dir = mkdtempSync(join(tmpdir(), "edge-dns-status-"));
    writeFileSync(join(dir, "outputs.json"), JSON.stringify({ secondaryZoneId: "cf-zone-1", secondaryNameServers: cloudflare, registrarNameServers: expected.registrarNameServers }));
  });

  afterAll(async () => {
    await nsd?.stop();
    await new Promise((done) => (api ? api.close(done) : done(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function check(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const args = [
      "--require",
      "tsx/cjs",
      "tools/dnsStatus/main.ts",
      "--stack",
      "prod",
      "--outputs",
      join(dir, "outputs.json"),
      "--cloudflare-api",
      `http://127.0.0.1:${apiPort}/client/v4`,
      "--parent",
      `127.0.0.1:${nsd.port}`,
    ];
    return new Promise((done) => {
      const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, CLOUDFLARE_API_TOKEN: "test-token" } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        done({ code, stdout, stderr });
      });
    });
  }

  it("exits 0 when the zone is active with its recorded servers and the parent delegates to both providers", async () => {
    zoneAnswer = { status: "active", name_servers: cloudflare, plan: { legacy_id: "free" } };
    const run = await check();
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("✓ example.com: Cloudflare zone active (free)");
    expect(run.code).toBe(0);
  });

  it("exits 1 naming the fix when Cloudflare made the zone again with new servers", async () => {
    zoneAnswer = { status: "pending", name_servers: ["cid.ns.cloudflare.com", "dee.ns.cloudflare.com"], plan: { legacy_id: "free" } };
    const run = await check();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Cloudflare zone example.com is pending, not active");
    expect(run.stdout).toContain("Cloudflare now assigns cid.ns.cloudflare.com dee.ns.cloudflare.com to example.com");
  });
});
