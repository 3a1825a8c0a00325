/**
 * Builds one host bundle per release: `edge-ingest-<release>.tar.gz` holding the compiled service,
 * the Node.js runtime it was tested with, nginx's .deb files, the pinned CloudWatch agent's .deb, a
 * manifest with the sha256 of every file, and `SHA256SUMS` for `sha256sum -c`. It refuses to build
 * while a pin is empty (`tools/bundle/pins.ts`).
 *
 * Layout (all under `edge-ingest-<release>/`):
 *   manifest.json              release, commit, builtAt, runtime, packages, files[{path, bytes, sha256}]
 *   SHA256SUMS                 every file but itself and manifest.json, `sha256sum -c` format
 *   bin/ingest                 the command the systemd units run (`ingest --listen HOST:PORT`)
 *   runtime/node               the Node.js binary
 *   service/ingest.js          the service, one file (esbuild), and its licence notices
 *   debs/*.deb                 nginx-light and its dependencies, amazon-cloudwatch-agent.deb
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildService } from "./buildService";
import { cloudwatchAgentPin, CloudWatchAgentPin, nginxPackages, runtimeNote } from "./pins";

export interface BundleFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  release: string;
  commit: string;
  builtAt: string;
  runtime: { node: string; source: string; note: string };
  debs: { file: string; package: string; version: string }[];
  cloudwatchAgent: { version: string; sha256: string; url: string };
  files: BundleFile[];
}

export interface BundleOptions {
  outDir: string;
  release: string;
  /** Directory holding nginx's .deb files already downloaded; else `apt-get download` fetches them. */
  debDir?: string;
  /** The CloudWatch agent .deb matching the pin. */
  cloudwatchAgentDeb?: string;
  /** Defaults to `cloudwatchAgentPin` of `tools/bundle/pins.ts`. */
  pin?: CloudWatchAgentPin;
}

export class BundleError extends Error {}

export function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function walk(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(root, full) : [path.relative(root, full)];
  });
}

const launcher = `#!/bin/sh
# The ingestion service on the runtime it was tested with (see manifest.json).
here="$(dirname "$(readlink -f "$0")")"
exec "$here/../runtime/node" "$here/../service/ingest.js" "$@"
`;

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: __dirname, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function fetchDebs(target: string, debDir: string | undefined): void {
  if (debDir) {
    for (const name of readdirSync(debDir).filter((n) => n.endsWith(".deb"))) copyFileSync(path.join(debDir, name), path.join(target, name));
  } else {
    try {
      execFileSync("apt-get", ["download", ...nginxPackages], { cwd: target, stdio: "pipe" });
    } catch (error) {
      throw new BundleError(`apt-get download ${nginxPackages.join(" ")} failed (${(error as { stderr?: Buffer }).stderr?.toString().trim()}); run apt-get update, or pass --deb-dir with the .deb files`);
    }
  }
  const names = readdirSync(target).map((n) => n.split("_")[0]);
  const missing = nginxPackages.filter((p) => !names.includes(p));
  if (missing.length) throw new BundleError(`--deb-dir: missing the .deb of ${missing.join(", ")}; download them with apt-get download ${nginxPackages.join(" ")}`);
}

/**
 * The pin's version and sha256, or a BundleError naming the empty fields and how to fill them. Every
 * host starts the CloudWatch agent from its bundle (its memory, swap and disk figures are the
 * alarms' input, incident 000; it ships the service's counters) and installs nothing the bundle
 * does not carry: a bundle without the agent would boot no host.
 */
export function filledPin(pin: CloudWatchAgentPin): { version: string; sha256: string } {
  if (pin.version && pin.sha256) return { version: pin.version, sha256: pin.sha256 };
  const empty = (["version", "sha256"] as const).filter((field) => !pin[field]);
  throw new BundleError(
    `tools/bundle/pins.ts: cloudwatchAgentPin.${empty.join(" and ")} ${empty.length > 1 ? "are" : "is"} empty, so no host bundle can be built ` +
      "(every host starts the CloudWatch agent from its bundle: the alarms' memory, swap and disk input, incident 000). " +
      "Fill it once: pick an agent version (1.230621.0 or later, for EMF) from its release notes; download " +
      `${pin.url("<version>")} and the same URL with .sig, check it with gpg --verify against AWS's key ` +
      "(https://amazoncloudwatch-agent.s3.amazonaws.com/assets/amazon-cloudwatch-agent.gpg, fingerprint in the CloudWatch User Guide's agent signature section); " +
      "set version and the .deb's sha256sum in cloudwatchAgentPin; then npm run bundle -- --release R --cloudwatch-agent-deb <that .deb>.",
  );
}

/** Builds the tarball; returns its path and the manifest written into it. */
export function buildBundle(options: BundleOptions): { tarball: string; manifest: BundleManifest } {
  if (!/^[A-Za-z0-9._-]+$/.test(options.release)) throw new BundleError(`--release: expected letters, digits, . _ -, got "${options.release}"`);
  const pin = options.pin ?? cloudwatchAgentPin;
  const { version, sha256 } = filledPin(pin);
  const agentDeb = options.cloudwatchAgentDeb;
  if (!agentDeb) throw new BundleError(`--cloudwatch-agent-deb: expected the pinned CloudWatch agent's .deb (version ${version}, ${pin.url(version)}), got nothing`);
  const actual = sha256File(agentDeb);
  if (actual !== sha256) throw new BundleError(`--cloudwatch-agent-deb: sha256 ${actual} differs from the pinned ${sha256} (version ${version}); download ${pin.url(version)} again`);
  const name = `edge-ingest-${options.release}`;
  const work = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-"));
  try {
    const root = path.join(work, name);
    for (const sub of ["bin", "runtime", "service", "debs"]) mkdirSync(path.join(root, sub), { recursive: true });
    buildService(path.join(root, "service", "ingest.js"));
    copyFileSync(process.execPath, path.join(root, "runtime", "node"));
    chmodSync(path.join(root, "runtime", "node"), 0o755);
    writeFileSync(path.join(root, "bin", "ingest"), launcher, { mode: 0o755 });
    fetchDebs(path.join(root, "debs"), options.debDir);
    copyFileSync(agentDeb, path.join(root, "debs", "amazon-cloudwatch-agent.deb"));

    const files = walk(root)
      .sort()
      .map((rel) => ({ path: rel, bytes: statSync(path.join(root, rel)).size, sha256: sha256File(path.join(root, rel)) }));
    const debs = files
      .filter((f) => f.path.startsWith("debs/") && f.path !== "debs/amazon-cloudwatch-agent.deb")
      .map((f) => {
        const [pkg = "", version = ""] = path.basename(f.path, ".deb").split("_");
        return { file: f.path, package: pkg, version: decodeURIComponent(version) };
      });
    const manifest: BundleManifest = {
      release: options.release,
      commit: gitCommit(),
      builtAt: new Date().toISOString(),
      runtime: { node: process.version, source: process.execPath, note: runtimeNote },
      debs,
      cloudwatchAgent: { version, sha256, url: pin.url(version) },
      files,
    };
    writeFileSync(path.join(root, "SHA256SUMS"), files.map((f) => `${f.sha256}  ${f.path}\n`).join(""));
    writeFileSync(path.join(root, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    mkdirSync(options.outDir, { recursive: true });
    const tarball = path.resolve(options.outDir, `${name}.tar.gz`);
    execFileSync("tar", ["-C", work, "--owner=0", "--group=0", "--numeric-owner", "-czf", tarball, name]);
    return { tarball, manifest };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
