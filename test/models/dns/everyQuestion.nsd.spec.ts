/**
 * Every question a client can ask, against a real authoritative server. The zones `npm run zonefile`
 * exports (the shipped stacks and stacks of every kind of record: CNAMEs in front of TXT, MX, CAA
 * and SRV names, 63-character labels, wildcards, UTF-8 text) and generated zones load into Knot's
 * `kzonecheck` and NSD; the questions are drawn from each zone file (test/support/zoneQuestions.ts:
 * every owner × every type it holds, through every CNAME chain, NODATA and NXDOMAIN per owner), not
 * from the model's own list. For each, NSD answers as the drawing expects, the model predicts NSD's
 * bytes exactly, and the response-size policy sizes a question of the same owner and type at least
 * as large as NSD's whole answer: a question the policy does not ask fails here. A plan the policy
 * accepts has no answer NSD truncates or sends above 512 bytes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderRecord } from "../../../models/dns/compare";
import { providerCapabilities } from "../../../models/dns/providers";
import { AnswerSize, answerSize, answerSizes, legacyUdpLimit, ZoneView } from "../../../models/dns/wireSize";
import { zoneFile } from "../../../models/dns/zoneFile";
import { askTcp, askUdp, checkZoneFile, NsdServer, startNsd } from "../../../harness/nsd";
import { prodPolicyConfigPath, projectRoot, stackConfig } from "../../support/runPlan";
import { DrawnQuestion, drawQuestions, parseZoneFile } from "../../support/zoneQuestions";

interface Export {
  label: string;
  views: ZoneView[];
  zones: Record<string, string>;
  /** No mandatory policy refused the plan: `npm run plan` exits 0. */
  accepted: boolean;
  violations: { policyName: string; enforcementLevel: string; message: string }[];
}

const work = mkdtempSync(join(tmpdir(), "edge-every-question-"));
const servers: NsdServer[] = [];

/** `npm run zonefile -- --out DIR` of a shipped stack or a config, in its own process. */
function exportZones(label: string, stack: string | Record<string, unknown>, externalAddresses: string[] = []): Promise<Export> {
  const dir = join(work, label);
  const args = ["--import", "tsx", join(projectRoot, "tools/zonefile/main.ts"), "--out", dir];
  if (typeof stack === "string") args.push("--stack", stack);
  else {
    const file = join(work, `Pulumi.${label}.yaml`);
    writeFileSync(file, stringify({ config: stack }));
    // Judged as the shipped prod stack it is made from: prod's policy config (its waivers), with the
    // addresses its own records name listed as the team's, as a team with those servers would.
    const policyConfig = JSON.parse(readFileSync(prodPolicyConfigPath, "utf8"));
    const policyFile = join(work, `${label}.policy.json`);
    writeFileSync(policyFile, JSON.stringify({ ...policyConfig, "disallow-foreign-addresses": { externalAddresses } }));
    args.push("--stack", label, "--config-file", file, "--policy-config", policyFile);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`zonefile ${label} exited ${code}: ${stderr}`));
      const read = (f: string) => readFileSync(join(dir, f), "utf8");
      const violations = JSON.parse(read("violations.json")) as Export["violations"];
      resolve({
        label,
        views: ["route53", "cloudflare"].map((p) => JSON.parse(read(`${p}.view.json`)) as ZoneView),
        zones: { route53: read("route53.zone"), cloudflare: read("cloudflare.zone") },
        accepted: !violations.some((v) => v.enforcementLevel === "mandatory"),
        violations,
      });
    });
  });
}

const label63 = `l${"6".repeat(62)}`;

/** The addresses the every-kind stack's own records name: its team's mail, SIP and EU servers. */
const everyKindAddresses = ["198.51.100.1", "198.51.100.2", "2001:db8::2", "198.51.100.7", "198.51.100.9", "198.51.100.10"];

/** prod with a record of every kind the schema takes, each behind a CNAME, and text that is not ASCII. */
function everyKindConfig(): Record<string, any> {
  const config = stackConfig("prod");
  const dns = config["edge:dns"];
  dns.records = [
    { name: "txt", type: "TXT", values: ["v=verify1 " + "a".repeat(180)] },
    { name: label63, type: "TXT", values: ["sixty-three characters of label in front"] },
    { name: "mail", type: "MX", values: ["10 mx1.example.com", "20 mx2.example.com", "30 mx.example.net"] },
    { name: "mx1", type: "A", values: ["198.51.100.1", "198.51.100.2"] },
    { name: "mx2", type: "AAAA", values: ["2001:db8::2"] },
    { name: "ca", type: "CAA", values: ['0 issue "amazon.com"', '0 iodef "mailto:security@example.com"'] },
    { name: "_sip._tcp", type: "SRV", values: ["10 5 5060 sip.example.com"] },
    { name: "sip", type: "A", values: ["198.51.100.7"] },
    { name: "*.eu", type: "A", values: ["198.51.100.9", "198.51.100.10"] },
    { name: "*.eu", type: "TXT", values: ["wildcard text"] },
    { name: "utf", type: "TXT", values: ['café ☕ "quoted" back\\slash; tab\there'] },
  ];
  dns.aliases = [
    ...dns.aliases,
    { name: "alias-txt", target: "txt" },
    { name: "alias-long", target: label63 },
    { name: "alias-mail", target: "mail" },
    { name: "alias-ca", target: "ca" },
    { name: "alias-srv", target: "_sip._tcp" },
    { name: "alias-utf", target: "utf" },
    { name: "hop1", target: "hop2" },
    { name: "hop2", target: "hop3" },
    { name: "hop3", target: "api" },
    { name: "in-eu", target: "x.eu" },
  ];
  return config;
}

/**
 * A CNAME with a 63-character label in front of a TXT name whose own answer NSD sends (its 437 B
 * answer section fits; the NS are left out): through the CNAME the answer section is 517 B.
 */
function cnameInFrontOfTxtConfig(): Record<string, any> {
  const config = stackConfig("prod");
  config["edge:dns"].records = [{ name: "verify", type: "TXT", values: ["v=verify1 " + "b".repeat(245), "v=verify2 " + "c".repeat(110)] }];
  config["edge:dns"].aliases = [...config["edge:dns"].aliases, { name: `${label63}.x`, target: "verify" }];
  return config;
}

let exports: Export[] = [];

beforeAll(async () => {
  exports = await Promise.all([
    exportZones("dev", "dev"),
    exportZones("prod", "prod"),
    exportZones("every-kind", everyKindConfig(), everyKindAddresses),
    exportZones("cname-txt", cnameInFrontOfTxtConfig()),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

/** The policy's question of the same owner and type (any NODATA of the owner; any NXDOMAIN), the largest. */
function policyCounterpart(policy: AnswerSize[], drawn: DrawnQuestion): AnswerSize | undefined {
  const candidates = policy.filter((p) =>
    drawn.expect === "nxdomain" ? p.kind === "nxdomain" : p.owner === drawn.owner && p.kind === drawn.expect && (drawn.expect === "nodata" || p.qtype === drawn.qtype),
  );
  return candidates.reduce<AnswerSize | undefined>((a, b) => (a === undefined || b.fullBytes > a.fullBytes ? b : a), undefined);
}

interface Checked {
  questions: number;
  problems: string[];
}

/** Every drawn question of one zone at an NSD serving it. */
async function checkZone(server: NsdServer, view: ZoneView, zone: string, accepted: boolean): Promise<Checked> {
  const drawn = drawQuestions(parseZoneFile(zone));
  const policy = answerSizes(view, providerCapabilities[view.provider].responses);
  const problems: string[] = [];
  for (const q of drawn) {
    const at = `${view.provider} ${q.qname} ${q.qtype} (${q.why})`;
    const udp = await askUdp(server.port, q.qname, q.qtype);
    const tcp = await askTcp(server.port, q.qname, q.qtype);
    const kind = tcp.rcode === "NXDOMAIN" ? "nxdomain" : tcp.answerTypes.includes(q.qtype) ? "answer" : "nodata";
    if (kind !== q.expect) problems.push(`${at}: NSD answered ${kind} (${tcp.rcode}, ${tcp.answerTypes.join(" ") || "no records"}), the drawing expected ${q.expect}`);
    const model = answerSize(view, q.qname, q.qtype, "drop-authority-when-full");
    if (model.truncated !== udp.truncated || (!udp.truncated && model.bytes !== udp.bytes)) {
      problems.push(`${at}: the model predicts ${model.truncated ? "TC" : `${model.bytes} B`} over UDP, NSD sent ${udp.truncated ? "TC" : `${udp.bytes} B`}`);
    }
    if (model.fullBytes !== tcp.bytes) problems.push(`${at}: the model predicts ${model.fullBytes} B over TCP, NSD sent ${tcp.bytes} B`);
    const sized = policyCounterpart(policy, q);
    if (!sized) problems.push(`${at}: the response-size policy asks no question of this owner and kind`);
    else if (sized.fullBytes < tcp.bytes) problems.push(`${at}: NSD's whole answer is ${tcp.bytes} B, the policy sized ${sized.query} at ${sized.fullBytes} B`);
    if (accepted && (udp.truncated || udp.bytes > legacyUdpLimit)) problems.push(`${at}: the plan was accepted, NSD sent ${udp.truncated ? "TC" : `${udp.bytes} B`} over UDP without EDNS`);
  }
  return { questions: drawn.length, problems };
}

describe("every question a client can ask, at NSD", () => {
  it("every exported zone loads in Knot (kzonecheck) and NSD (nsd-checkzone)", () => {
    for (const exported of exports) {
      for (const view of exported.views) {
        const file = join(work, `${exported.label}-${view.provider}.zone`);
        writeFileSync(file, exported.zones[view.provider]);
        expect({ zone: `${exported.label} ${view.provider}`, ...checkZoneFile(view.apex, file) }).toEqual({ zone: `${exported.label} ${view.provider}`, knot: "", nsd: "" });
      }
    }
  });

  it("answers every drawn question as the model predicts, within what the policy sized, and within 512 B where the plan was accepted", async () => {
    const summary: string[] = [];
    for (const exported of exports) {
      for (const view of exported.views) {
        const server = await startNsd({ [view.apex]: exported.zones[view.provider] });
        servers.push(server);
        const { questions, problems } = await checkZone(server, view, exported.zones[view.provider], exported.accepted);
        summary.push(`${exported.label} ${view.provider}: ${questions} questions`);
        expect(problems, `${exported.label} ${view.provider}`).toEqual([]);
        expect(questions).toBeGreaterThan(5);
      }
    }
    expect(exports.filter((e) => e.accepted).map((e) => e.label)).toEqual(["dev", "prod", "every-kind"]);
    expect(summary).toHaveLength(8);
  }, 240_000);

  it("refuses the CNAME with a 63-character label in front of a TXT name, which NSD truncates without EDNS", async () => {
    const exported = exports.find((e) => e.label === "cname-txt")!;
    const route53 = exported.views.find((v) => v.provider === "route53")!;
    const server = await startNsd({ [route53.apex]: exported.zones.route53 });
    servers.push(server);
    const alias = `${label63}.x.example.com`;
    expect(await askUdp(server.port, "verify.example.com", "TXT")).toMatchObject({ truncated: false, bytes: 437 });
    expect(await askUdp(server.port, alias, "TXT")).toMatchObject({ truncated: true });
    expect(exported.accepted).toBe(false);
    const refused = exported.violations.filter((v) => v.policyName === "enforce-response-size").map((v) => v.message);
    expect(refused.some((m) => m.startsWith(`${alias} TXT (through the CNAME ${alias}) answered by route53 is `) && m.includes("Shorten the TXT values by"))).toBe(true);
    expect(refused.some((m) => m.startsWith(`${alias} TXT (through the CNAME ${alias}) answered by cloudflare is `))).toBe(true);
  }, 60_000);
});

/** Generated zones: names up to 63-character labels, wildcards, chains, every record type, both providers' name servers. */
const apexOf = (i: number) => `z${i}.example`;
const label = fc.oneof(fc.constantFrom("a", "www", "api", "mail", "_dmarc", "eu"), fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/));
const ownerName = fc.oneof(
  label,
  fc.tuple(label, label).map(([a, b]) => `${a}.${b}`),
  label.map((l) => `*.${l}`),
);
const txtValue = fc.oneof(fc.string({ minLength: 1, maxLength: 300 }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 }));
/** Records of one owner; a CNAME points only at owners listed after it (`later`), so no chain loops (the zone rules refuse loops). */
const recordOf = (apex: string, owners: string[], later: string[]) =>
  fc.oneof(
    fc.array(fc.ipV4(), { minLength: 1, maxLength: 14 }).map((values) => ({ type: "A", values })),
    fc.array(fc.ipV6(), { minLength: 1, maxLength: 4 }).map((values) => ({ type: "AAAA", values })),
    fc.array(txtValue, { minLength: 1, maxLength: 3 }).map((values) => ({ type: "TXT", values })),
    fc.array(fc.tuple(fc.nat(100), fc.constantFrom(...owners.filter((o) => !o.startsWith("*.")), "mx.example.net")), { minLength: 1, maxLength: 3 }).map((mx) => ({
      type: "MX",
      values: mx.map(([p, h]) => `${p} ${h === "mx.example.net" ? h : `${h}.${apex}`}`),
    })),
    fc.constantFrom({ type: "CAA", values: ['0 issue "amazon.com"', '0 issuewild ";"'] }),
    fc.constantFrom(...later.filter((o) => !o.startsWith("*.")), "target.example.net").map((t) => ({ type: "CNAME", values: [t === "target.example.net" ? t : `${t}.${apex}`] })),
  );

/** A zone of 3 to 10 owners; a CNAME owner holds nothing else (as the zone rules require). */
function zoneView(i: number, provider: "route53" | "cloudflare"): fc.Arbitrary<ZoneView> {
  const apex = apexOf(i);
  return fc.uniqueArray(ownerName, { minLength: 3, maxLength: 10 }).chain((owners) =>
    fc.tuple(...owners.map((_, o) => fc.array(recordOf(apex, owners, owners.slice(o + 1)), { minLength: 1, maxLength: 3 }))).map((sets) => {
      const records: ProviderRecord[] = [];
      owners.forEach((owner, o) => {
        const name = `${owner}.${apex}`;
        const byType = new Map(sets[o].map((r) => [r.type, r]));
        const cname = byType.get("CNAME");
        const kept = cname ? [cname] : [...byType.values()];
        for (const r of kept) records.push({ provider, name, type: r.type, ttl: 300, values: [...new Set(r.values)].sort() });
      });
      const nameServers =
        provider === "route53" ? ["ns-1536.awsdns-32.co.uk", "ns-1024.awsdns-32.org", "ns-512.awsdns-32.net", "ns-0.awsdns-32.com"] : ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"];
      return { provider, apex, nameServers, records: records.filter((r) => r.values.length > 0) };
    }),
  );
}

describe("generated zones at NSD (property)", () => {
  it("loads every generated zone in Knot and NSD, and answers every drawn question as the model predicts and within the policy's size", async () => {
    const count = Number(process.env.DNS_ZONE_RUNS ?? 24);
    const views = Array.from({ length: count }, (_, i) => fc.sample(zoneView(i, i % 2 ? "cloudflare" : "route53"), { numRuns: 1, seed: Number(process.env.DNS_ZONE_SEED ?? 20261208) + i })[0]);
    const zones = Object.fromEntries(views.map((v) => [v.apex, zoneFile(v)]));
    for (const view of views) {
      const file = join(work, `${view.apex}.zone`);
      writeFileSync(file, zones[view.apex]);
      expect({ zone: view.apex, ...checkZoneFile(view.apex, file) }).toEqual({ zone: view.apex, knot: "", nsd: "" });
    }
    const server = await startNsd(zones);
    servers.push(server);
    let asked = 0;
    for (const view of views) {
      const accepted = answerSizes(view, providerCapabilities[view.provider].responses).every((s) => !s.truncated);
      const { questions, problems } = await checkZone(server, view, zones[view.apex], accepted);
      asked += questions;
      expect(problems, `${view.apex}:\n${zones[view.apex]}`).toEqual([]);
    }
    expect(asked).toBeGreaterThan(count * 5);
  }, 240_000);
});
