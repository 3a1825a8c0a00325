/**
 * npm run rehearse -- [--stack NAME]... [--templates N] [--grant before-boot|after-first-event] [--credentials-missing N]
 *
 * Boots every planned launch template of the stacks (default: dev and prod) for real (see
 * rehearsal.ts) and prints, per host, whether it came into service with an event stored, the boot's
 * timeline against the group's health check grace period, and what each stand-in answered. Exit 0
 * when every host passed, 1 when one failed, 2 on invalid input or a machine that cannot rehearse.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseCommandLine } from "../cli";
import { HostReport, rehearse } from "./rehearsal";

export const usage = "usage: npm run rehearse -- [--stack NAME]... [--templates N] [--grant before-boot|after-first-event] [--credentials-missing N]";

/** What the rehearsal needs of the machine, each with the Debian package that has it. */
const prerequisites: [string, string][] = [
  ["/usr/bin/mmdebstrap", "mmdebstrap"],
  ["/usr/bin/systemd-nspawn", "systemd-container"],
  ["/usr/bin/nsenter", "util-linux"],
  ["/usr/sbin/nft", "nftables"],
  ["/usr/bin/dpkg-deb", "dpkg"],
  ["/usr/bin/openssl", "openssl"],
  ["/usr/bin/curl", "curl"],
];

/** Why this machine cannot rehearse, or undefined when it can. */
export function missingPrerequisites(): string | undefined {
  if (process.getuid?.() !== 0) return "the rehearsal needs root (network namespaces, systemd-nspawn, mmdebstrap): run it as root";
  const missing = prerequisites.filter(([file]) => !existsSync(file)).map(([, pkg]) => pkg);
  if (!existsSync("/usr/lib/postgresql")) missing.push("postgresql");
  return missing.length ? `missing Debian packages: ${missing.join(" ")} (apt-get install ${missing.join(" ")}; .ci/apt-packages.txt lists them)` : undefined;
}

export function renderReport(report: HostReport): string {
  const lines = [`${report.ok ? "PASS" : "FAIL"} ${report.stack} ${report.region} ${report.templateUrn.split("::").pop()}`];
  for (const problem of report.problems) lines.push(`  ! ${problem}`);
  lines.push(`  runtime ${report.runtime || "(none)"}; cloud-init: ${report.cloudInit.split("\n")[0] || "(no status)"}`);
  lines.push("  boot timeline (seconds after the container started):");
  for (const step of report.timeline) lines.push(`    ${step.step.padEnd(14)} ${step.seconds === undefined ? "never" : `${step.seconds.toFixed(1)} s`.padStart(8)}  ${step.via}`);
  const inService = report.timeline.find((s) => s.step === "in service")?.seconds;
  if (inService !== undefined)
    lines.push(
      `    grace period ${report.gracePeriodSeconds} s: ${(report.gracePeriodSeconds - inService).toFixed(1)} s to spare (EC2's own launch and kernel boot, which the rehearsal does not run, come out of it)`,
    );
  const requests = Object.entries(report.requests).map(
    ([service, verdicts]) =>
      `${service} ${Object.entries(verdicts)
        .map(([v, n]) => `${n} ${v}`)
        .join(", ")}`,
  );
  lines.push(`  stand-ins answered: ${requests.join("; ") || "nothing"}`);
  if (!report.ok && report.diagnostics) lines.push(report.diagnostics.replace(/^/gm, "  | "));
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string", multiple: true },
      templates: { type: "string" },
      grant: { type: "string", default: "before-boot" },
      "credentials-missing": { type: "string", default: "0" },
    },
    usage,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const stacks = values.stack ?? ["dev", "prod"];
  for (const stack of stacks) {
    if (!existsSync(path.join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`))) {
      process.stderr.write(`--stack: no stacks/Pulumi.${stack}.yaml; give a stack of stacks/\n${usage}\n`);
      return 2;
    }
  }
  const templates = values.templates === undefined ? undefined : Number(values.templates);
  if (templates !== undefined && (!Number.isInteger(templates) || templates < 1)) {
    process.stderr.write(`--templates: expected a whole number from 1, got ${values.templates}\n${usage}\n`);
    return 2;
  }
  if (values.grant !== "before-boot" && values.grant !== "after-first-event") {
    process.stderr.write(`--grant: expected before-boot or after-first-event, got ${values.grant}\n${usage}\n`);
    return 2;
  }
  const missing = Number(values["credentials-missing"]);
  if (!Number.isInteger(missing) || missing < 0) {
    process.stderr.write(`--credentials-missing: expected how many credential requests answer 404 first, got ${values["credentials-missing"]}\n${usage}\n`);
    return 2;
  }
  const unavailable = missingPrerequisites();
  if (unavailable) {
    process.stderr.write(`${unavailable}\n`);
    return 2;
  }
  const started = Date.now();
  const reports = await rehearse({ stacks, maxTemplates: templates, grant: values.grant, credentialsMissingForRequests: missing, log: (line) => process.stderr.write(`${line}\n`) });
  for (const report of reports) process.stdout.write(`${renderReport(report)}\n\n`);
  const failed = reports.filter((r) => !r.ok).length;
  process.stdout.write(`${reports.length - failed} of ${reports.length} launch templates in service with an event stored (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(70);
    },
  );
}
