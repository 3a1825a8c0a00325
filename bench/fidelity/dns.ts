/**
 * Fidelity of the DNS wire-size model (models/dns/wireSize.ts): `npm run zonefile -- --out` exports
 * each provider's view and zone file of a stack; NSD (harness/nsd.ts) serves each zone on
 * 127.0.0.1; every question of the view is asked over UDP without EDNS and over TCP; the model's
 * bytes must equal the bytes NSD sent, for every name. The UDP answer is compared with the model's
 * NSD behaviour (authority dropped when the answer is full, TC when even that does not fit); the
 * TCP answer with the full answer, authority included, which is what Route 53 sends and what the
 * response-size policy sizes.
 *
 * Queries go out from this process (dgram / net with dns-packet), not one `dig` per name: the
 * 2,000-record stack has thousands of questions. The byte count is the DNS message's length, what
 * `dig` reports as `MSG SIZE rcvd`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { answerSizes, ZoneView } from "../../models/dns/wireSize";
import { askTcp, askUdp, startNsd } from "../../harness/nsd";
import { runNode } from "../run";
import type { FidelityResult } from "./index";

interface Exported {
  views: ZoneView[];
  zones: Record<string, string>;
}

/** `npm run zonefile -- --out DIR` on a shipped stack or a stack config, in its own process. */
async function exportZones(work: string, label: string, stack: { name: string } | { config: Record<string, unknown> }): Promise<Exported> {
  const dir = join(work, label);
  const args = ["--out", dir];
  if ("name" in stack) {
    args.push("--stack", stack.name);
  } else {
    const file = join(work, `Pulumi.${label}.yaml`);
    writeFileSync(file, stringify({ config: stack.config }));
    args.push("--stack", label, "--config-file", file);
  }
  const run = await runNode("tools/zonefile/main.ts", args);
  if (run.code !== 0) throw new Error(`npm run zonefile -- ${args.join(" ")} exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  const views: ZoneView[] = [];
  const zones: Record<string, string> = {};
  for (const provider of ["route53", "cloudflare"]) {
    views.push(JSON.parse(readFileSync(join(dir, `${provider}.view.json`), "utf8")) as ZoneView);
    zones[provider] = readFileSync(join(dir, `${provider}.zone`), "utf8");
  }
  return { views, zones };
}

/** Every question of one provider's view against NSD serving its zone file. */
async function checkView(label: string, view: ZoneView, zone: string): Promise<FidelityResult> {
  const server = await startNsd({ [view.apex]: zone });
  const mismatches: string[] = [];
  let predicted = 0;
  let measured = 0;
  let truncated = 0;
  const sizes = answerSizes(view, "drop-authority-when-full");
  try {
    for (const size of sizes) {
      const udp = await askUdp(server.port, size.qname, size.qtype);
      const tcp = await askTcp(server.port, size.qname, size.qtype);
      if (size.truncated) truncated++;
      if (udp.truncated !== size.truncated) {
        mismatches.push(`${size.query}: model ${size.truncated ? "truncates" : "fits"}, NSD ${udp.truncated ? "truncated" : "answered"} (${udp.bytes} B)`);
      } else if (!size.truncated && udp.bytes !== size.bytes) {
        mismatches.push(`${size.query} over UDP: model ${size.bytes} B, NSD ${udp.bytes} B`);
      }
      if (tcp.bytes !== size.fullBytes) mismatches.push(`${size.query} over TCP: model ${size.fullBytes} B, NSD ${tcp.bytes} B`);
      predicted += size.fullBytes;
      measured += tcp.bytes;
    }
  } finally {
    await server.stop();
  }
  return {
    model: "DNS wire size",
    case: `${label}, ${view.provider} view: ${sizes.length} questions`,
    held: mismatches.length === 0 && sizes.length > 0,
    detail:
      `${sizes.length - mismatches.length} of ${sizes.length} answers exactly the model's bytes over UDP and TCP` +
      `${truncated ? ` (${truncated} truncated over UDP by both)` : ""}; full answers ${predicted} B predicted, ${measured} B sent` +
      (mismatches.length ? `; first differences: ${mismatches.slice(0, 3).join("; ")}` : ""),
    predicted,
    measured,
  };
}

/** The prod stack and a generated stack with `config` (the 2,000-record one), both providers each. */
export async function dnsFidelity(largeLabel: string, largeConfig: Record<string, unknown>): Promise<FidelityResult[]> {
  const work = mkdtempSync(join(tmpdir(), "edge-bench-dns-"));
  try {
    const results: FidelityResult[] = [];
    for (const [label, stack] of [
      ["prod stack", { name: "prod" }],
      [largeLabel, { config: largeConfig }],
    ] as const) {
      const exported = await exportZones(work, label.replace(/\W+/g, "-"), stack);
      for (const view of exported.views) results.push(await checkView(label, view, exported.zones[view.provider]));
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
