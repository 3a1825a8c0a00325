/**
 * npm run dns-status -- --stack NAME --outputs FILE [--config-file PATH] [--cloudflare-api URL] [--parent HOST[:PORT]]
 *
 * The scheduled check of the deployed delegation (`.github/workflows/dns-status.yml`): asks
 * Cloudflare for the secondary zone's status, plan and name servers, and the parent zone's server
 * for the delegation, and compares them with the stack's outputs (`pulumi stack output --json`).
 * `CLOUDFLARE_API_TOKEN` authorizes the Cloudflare call.
 *
 * Exit 0 when all is as the stack expects, 1 with each problem and its fix, 2 on bad input, 3 when
 * Cloudflare or the parent's server could not be asked.
 */
import { createSocket } from "node:dgram";
import { promises as dns } from "node:dns";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as packet from "dns-packet";
import { delegationProblems, ExpectedDelegation, ObservedDelegation, parentZone } from "../../models/dns/delegation";
import { parseStackConfig } from "../../stacks/schema";
import { parseCommandLine, reportPlanFailure } from "../cli";
import { stackFilePath } from "../plan/plan";
import { readStackFile } from "../plan/stackFile";

const usage = "usage: npm run dns-status -- --stack NAME --outputs FILE [--config-file PATH] [--cloudflare-api URL] [--parent HOST[:PORT]]";

interface StackOutputs {
  secondaryZoneId: string;
  secondaryNameServers: string[];
  registrarNameServers: string[];
}

function readOutputs(path: string): StackOutputs {
  const raw = JSON.parse(readFileSync(path, "utf8")) as Partial<StackOutputs>;
  for (const key of ["secondaryZoneId", "secondaryNameServers", "registrarNameServers"] as const) {
    if (raw[key] === undefined) throw new Error(`${path}: no stack output ${key} (write the file with \`pulumi stack output --json\`)`);
  }
  return raw as StackOutputs;
}

async function cloudflareZone(api: string, zoneId: string): Promise<Pick<ObservedDelegation, "cloudflareStatus" | "cloudflarePlan" | "cloudflareNameServers">> {
  const token = process.env.CLOUDFLARE_API_TOKEN;
  if (!token) throw new Error("CLOUDFLARE_API_TOKEN is not set");
  const response = await fetch(`${api}/zones/${zoneId}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { success?: boolean; errors?: { message: string }[]; result?: { status: string; name_servers: string[]; plan?: { legacy_id?: string } } };
  if (!response.ok || !body.success || !body.result) {
    throw new Error(`Cloudflare answered ${response.status} for zone ${zoneId}: ${(body.errors ?? []).map((e) => e.message).join("; ")}`);
  }
  return { cloudflareStatus: body.result.status, cloudflarePlan: body.result.plan?.legacy_id ?? "unknown", cloudflareNameServers: body.result.name_servers };
}

/** The NS set one of the parent's servers delegates `domain` to (its referral, over UDP, no recursion). */
async function parentDelegation(domain: string, parent: string | undefined): Promise<string[]> {
  let host: string;
  let port = 53;
  if (parent) {
    const [h, p] = parent.split(":");
    host = h;
    if (p) port = Number(p);
  } else {
    const [server] = await dns.resolveNs(parentZone(domain));
    [host] = await dns.resolve4(server);
  }
  const query = packet.encode({ type: "query", id: 1, flags: 0, questions: [{ type: "NS", name: domain }] });
  const socket = createSocket("udp4");
  try {
    const reply = await new Promise<Buffer>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no answer from the parent's server ${host}:${port} within 5 s`)), 5000);
      socket.once("message", (message) => {
        clearTimeout(timer);
        done(message);
      });
      socket.send(query, port, host);
    });
    const decoded = packet.decode(reply);
    const records = [...(decoded.answers ?? []), ...(decoded.authorities ?? [])];
    return records.flatMap((r) => (r.type === "NS" && r.name.toLowerCase() === domain ? [String(r.data)] : []));
  } finally {
    socket.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      outputs: { type: "string" },
      "config-file": { type: "string" },
      "cloudflare-api": { type: "string", default: "https://api.cloudflare.com/client/v4" },
      parent: { type: "string" },
    },
    usage,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (!values.stack || !values.outputs) {
    process.stderr.write(`--stack and --outputs are required\n${usage}\n`);
    return 2;
  }
  let expected: ExpectedDelegation;
  let zoneId: string;
  try {
    const config = parseStackConfig(readStackFile(resolve(values["config-file"] ?? stackFilePath(values.stack))).edge, values.stack);
    const outputs = readOutputs(values.outputs);
    zoneId = outputs.secondaryZoneId;
    expected = { domain: config.domain, mode: config.dns.secondary.mode, secondaryNameServers: outputs.secondaryNameServers, registrarNameServers: outputs.registrarNameServers };
  } catch (err) {
    return reportPlanFailure(err, "the DNS status check");
  }
  const [zone, parentNameServers] = await Promise.all([cloudflareZone(values["cloudflare-api"], zoneId), parentDelegation(expected.domain, values.parent)]);
  const problems = delegationProblems(expected, { ...zone, parentNameServers });
  for (const problem of problems) process.stdout.write(`✗ ${problem}\n`);
  if (problems.length === 0)
    process.stdout.write(
      `✓ ${expected.domain}: Cloudflare zone ${zone.cloudflareStatus} (${zone.cloudflarePlan}), name servers as recorded, parent delegates to the registrar's list (${expected.mode})\n`,
    );
  return problems.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`dns-status: ${(err as Error).message}\n`);
    process.exit(3);
  },
);
