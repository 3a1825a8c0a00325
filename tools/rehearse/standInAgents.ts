/**
 * Stand-in .debs for the two agents the bundle pins (the CloudWatch agent and SSM Agent), which
 * cannot be downloaded where the rehearsal runs. Each is named as a stand-in in its package
 * description and version, ships the paths and unit the user data uses
 * (`amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:…`, `amazon-ssm-agent.service`),
 * and runs a small program on the bundle's Node.js (`agents/`) that makes the calls the real agent
 * makes through the VPC's endpoints. The pins handed to the bundle builder carry their sha256, so
 * the bundle's checks run as for the real .debs; the real pins stay empty until a team fills them.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";
import { sha256File } from "../bundle/bundle";
import { cloudwatchAgentPin, nodeRuntimePin, PinnedDeb, ssmAgentPin } from "../bundle/pins";

export const standInVersion = "0.0.0~rehearsal-stand-in";
/** The bundle's runtime, which the stand-ins run on (the bundle installs it before any agent starts). */
const runtime = "/opt/edge-ingest/current/runtime/node --use-system-ca";

interface StandInPackage {
  pin: PinnedDeb;
  name: string;
  description: string;
  program: string;
  /** Installed path of the program → files of the package (path inside the package → content). */
  files: (programPath: string) => Record<string, { content: string; mode: number }>;
}

const cloudwatchAgent: StandInPackage = {
  pin: cloudwatchAgentPin,
  name: "amazon-cloudwatch-agent",
  description: "STAND-IN for the Amazon CloudWatch agent, built by the edge host rehearsal; not the real agent",
  program: "cloudwatchAgent.ts",
  files: (programPath) => ({
    "opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl": {
      mode: 0o755,
      content: `#!/bin/sh
# STAND-IN for amazon-cloudwatch-agent-ctl (edge host rehearsal): -a fetch-config -m ec2|onPremise [-s] -c file:PATH.
set -eu
action= mode= start=no config=
while [ $# -gt 0 ]; do
  case "$1" in
    -a) action=$2; shift 2 ;;
    -m) mode=$2; shift 2 ;;
    -c) config=$2; shift 2 ;;
    -s) start=yes; shift ;;
    *) echo "amazon-cloudwatch-agent-ctl (stand-in): unknown option $1" >&2; exit 1 ;;
  esac
done
[ "$action" = fetch-config ] || { echo "amazon-cloudwatch-agent-ctl (stand-in): -a $action is not supported" >&2; exit 1; }
case "$mode" in ec2|onPremise) ;; *) echo "amazon-cloudwatch-agent-ctl: -m must be ec2 or onPremise, got '$mode'" >&2; exit 1 ;; esac
case "$config" in file:*) file=\${config#file:} ;; *) echo "amazon-cloudwatch-agent-ctl: -c must be file:PATH, got '$config'" >&2; exit 1 ;; esac
${runtime} -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$file" || { echo "amazon-cloudwatch-agent-ctl: $file is not valid JSON" >&2; exit 1; }
if [ "$start" = yes ]; then systemctl restart amazon-cloudwatch-agent.service; fi
`,
    },
    "lib/systemd/system/amazon-cloudwatch-agent.service": {
      mode: 0o644,
      content: `[Unit]
Description=Amazon CloudWatch agent (STAND-IN, edge host rehearsal)
After=network-online.target

[Service]
ExecStart=${runtime} ${programPath}
Restart=on-failure
RestartSec=2

[Install]
WantedBy=multi-user.target
`,
    },
  }),
};

const ssmAgent: StandInPackage = {
  pin: ssmAgentPin,
  name: "amazon-ssm-agent",
  description: "STAND-IN for AWS Systems Manager Agent, built by the edge host rehearsal; not the real agent",
  program: "ssmAgent.ts",
  files: (programPath) => ({
    "lib/systemd/system/amazon-ssm-agent.service": {
      mode: 0o644,
      content: `[Unit]
Description=amazon-ssm-agent (STAND-IN, edge host rehearsal)
After=network-online.target

[Service]
ExecStart=${runtime} ${programPath}
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
`,
    },
  }),
};

/** Builds one stand-in .deb into `dir`; returns its path. */
function buildPackage(dir: string, pkg: StandInPackage): string {
  const root = path.join(dir, pkg.name);
  const programPath = `/opt/edge-rehearsal-stand-ins/${pkg.name}.js`;
  buildSync({
    entryPoints: [path.join(__dirname, "agents", pkg.program)],
    outfile: path.join(root, programPath),
    bundle: true,
    platform: "node",
    target: `node${nodeRuntimePin.version.split(".")[0]}`,
    format: "cjs",
    logLevel: "silent",
  });
  for (const [file, { content, mode }] of Object.entries(pkg.files(programPath))) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
    chmodSync(path.join(root, file), mode);
  }
  mkdirSync(path.join(root, "DEBIAN"), { recursive: true });
  writeFileSync(
    path.join(root, "DEBIAN", "control"),
    `Package: ${pkg.name}\nVersion: ${standInVersion}\nArchitecture: amd64\nMaintainer: edge host rehearsal <rehearsal@invalid>\nDescription: ${pkg.description}\n`,
  );
  const deb = path.join(dir, pkg.pin.file);
  execFileSync("dpkg-deb", ["--root-owner-group", "--build", root, deb], { stdio: "pipe" });
  return deb;
}

/** The stand-in .debs and the pins that name them (version and sha256), as the bundle builder takes pins. */
export function buildStandInAgentDebs(dir: string): { pins: PinnedDeb[]; files: Record<string, string> } {
  mkdirSync(dir, { recursive: true });
  const built = [cloudwatchAgent, ssmAgent].map((pkg) => ({ pkg, deb: buildPackage(dir, pkg) }));
  return {
    pins: built.map(({ pkg, deb }) => ({ ...pkg.pin, version: standInVersion, sha256: sha256File(deb), url: () => `stand-in built by the host rehearsal (${pkg.name})` })),
    files: Object.fromEntries(built.map(({ pkg, deb }) => [pkg.pin.option, deb])),
  };
}
