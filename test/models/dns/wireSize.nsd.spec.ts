/**
 * The wire-size model against a real authoritative server: the zone files `npm run zonefile`
 * exports are loaded into NSD on 127.0.0.1, every name is asked with EDNS off, and the model's bytes
 * must equal the bytes NSD sent. NSD drops the authority NS when they do not fit (the model's
 * "drop-authority-when-full" prediction is compared to it); Route 53 always sends them, which the
 * policy assumes, so the policy's byte count is checked against NSD's full answer over TCP.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerSize, answerSizes, AnswerSize, recordsToDrop, ZoneView } from "../../../models/dns/wireSize";
import { providerCapabilities } from "../../../models/dns/providers";
import { dig, NsdServer, startNsd } from "../../../harness/nsd";
import { projectRoot, stackConfig } from "../../support/runPlan";

interface Export {
  views: Record<string, ZoneView>;
  zones: Record<string, string>;
  violations: { policyName: string; enforcementLevel: string; message: string }[];
}

const work = mkdtempSync(join(tmpdir(), "edge-zonefile-"));
const servers: NsdServer[] = [];

/** `npm run zonefile -- --out DIR` on a stack config, in its own process (one Pulumi program per process). */
function exportZones(label: string, config: Record<string, unknown> | undefined): Promise<Export> {
  const dir = join(work, label);
  const args = ["--import", "tsx", join(projectRoot, "tools/zonefile/main.ts"), "--out", dir];
  if (config) {
    const file = join(work, `Pulumi.${label}.yaml`);
    writeFileSync(file, stringify({ config }));
    args.push("--stack", label, "--config-file", file);
  } else {
    args.push("--stack", "prod");
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`zonefile ${label} exited ${code}: ${stderr}`));
      const read = (f: string) => readFileSync(join(dir, f), "utf8");
      resolve({
        views: { route53: JSON.parse(read("route53.view.json")), cloudflare: JSON.parse(read("cloudflare.view.json")) },
        zones: { route53: read("route53.zone"), cloudflare: read("cloudflare.zone") },
        violations: JSON.parse(read("violations.json")),
      });
    });
  });
}

/** prod with a name (`events`) answered by `n` addresses in both providers, `collect` a CNAME in front (the seed's case). */
function seedConfig(n: number): Record<string, any> {
  const config = stackConfig("prod");
  const addresses = Array.from({ length: n }, (_, i) => `198.51.100.${i + 1}`);
  config["edge:dns"].records = [...(config["edge:dns"].records ?? []), { name: "events", type: "A", values: addresses }];
  config["edge:dns"].aliases = [...config["edge:dns"].aliases, { name: "collect", target: "events" }];
  return config;
}

/**
 * The largest `events` A set whose answers all fit in Route 53's view, CNAME included (authority
 * always sent): prod is active-active, so the apex NS set in authority has both providers' six names.
 */
const fitting = 16;
let prod: Export, over: Export, fits: Export;

beforeAll(async () => {
  [prod, over, fits] = await Promise.all([exportZones("prod", undefined), exportZones("seed29", seedConfig(29)), exportZones("seed20", seedConfig(fitting))]);
}, 240_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

async function serve(exported: Export, provider: string): Promise<NsdServer> {
  const view = exported.views[provider];
  const server = await startNsd({ [view.apex]: exported.zones[provider] });
  servers.push(server);
  return server;
}

/** Every question of the view: the model's NSD prediction equals what NSD sent. */
async function expectModelMatchesNsd(exported: Export, provider: string): Promise<AnswerSize[]> {
  const view = exported.views[provider];
  const server = await serve(exported, provider);
  const sizes = answerSizes(view, "drop-authority-when-full");
  expect(sizes.length).toBeGreaterThan(0);
  for (const size of sizes) {
    const udp = dig(server.port, size.qname, size.qtype);
    expect({ query: size.query, truncated: udp.truncated }).toEqual({ query: size.query, truncated: size.truncated });
    if (!size.truncated) {
      expect({ query: size.query, bytes: udp.bytes, authority: udp.authority > 0 }).toEqual({ query: size.query, bytes: size.bytes, authority: size.withAuthority });
    }
    // Over TCP NSD sends the whole answer, authority included: what Route 53 sends, what the policy sizes.
    const tcp = dig(server.port, size.qname, size.qtype, { tcp: true });
    expect({ query: size.query, tcpBytes: tcp.bytes }).toEqual({ query: size.query, tcpBytes: size.fullBytes });
  }
  return sizes;
}

describe("wire-size model against NSD", () => {
  it("sizes every answer of the prod zone exactly, in both providers' views", async () => {
    await expectModelMatchesNsd(prod, "route53");
    await expectModelMatchesNsd(prod, "cloudflare");
  }, 60_000);

  it("the seed's case: 29 addresses fit alone, the CNAME in front is truncated by NSD and refused by the policy", async () => {
    const sizes = await expectModelMatchesNsd(over, "route53");
    const events = sizes.find((s) => s.query === "events.example.com A")!;
    const collect = sizes.find((s) => s.query === "collect.example.com A")!;
    expect(events).toMatchObject({ truncated: false, withAuthority: false, bytes: 500 });
    expect(collect).toMatchObject({ truncated: true, answerBytes: 522 });
    await expectModelMatchesNsd(over, "cloudflare");

    const policy = over.violations.filter((v) => v.policyName === "enforce-response-size");
    expect(policy.every((v) => v.enforcementLevel === "mandatory")).toBe(true);
    const route53Collect = answerSize(over.views.route53, "collect.example.com", "A", providerCapabilities.route53.responses);
    const message = policy.map((v) => v.message).find((m) => m.includes("collect.example.com A") && m.includes("route53"));
    expect(message).toContain(`answered by route53 is ${route53Collect.fullBytes} B over UDP without EDNS, above the 512 B limit`);
    const drop = recordsToDrop(route53Collect);
    expect(29 - drop).toBe(fitting); // the policy's fix is exactly the largest set that fits
    expect(message).toContain(`Drop ${drop} A records (29 → ${fitting}) or remove the CNAME in front`);
  }, 60_000);

  it(`the largest set that fits (${fitting} addresses behind a CNAME) is accepted by NSD and the policy`, async () => {
    const sizes = await expectModelMatchesNsd(fits, "route53");
    const collect = sizes.find((s) => s.query === "collect.example.com A")!;
    expect(collect).toMatchObject({ truncated: false, withAuthority: true });
    expect(collect.bytes).toBeLessThanOrEqual(512);
    expect(collect.bytes + collect.bytesPerRecord).toBeGreaterThan(512); // one more address would not fit
    expect(sizes.every((s) => !s.truncated)).toBe(true);
    await expectModelMatchesNsd(fits, "cloudflare");
    expect(fits.violations.filter((v) => v.policyName === "enforce-response-size")).toEqual([]);
    expect(answerSizes(fits.views.route53, "always-authority").every((s) => !s.truncated)).toBe(true);
  }, 60_000);
});
