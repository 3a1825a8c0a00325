/**
 * Builds one host bundle per release: `edge-ingest-<release>.tar.gz` holding the compiled service,
 * the Node.js runtime it was tested with, nginx's .deb files, the CloudWatch agent's .deb (when
 * pinned), a manifest with the sha256 of every file, and `SHA256SUMS` for `sha256sum -c`.
 *
 * Layout (all under `edge-ingest-<release>/`):
 *   manifest.json              release, commit, builtAt, runtime, packages, files[{path, bytes, sha256}]
 *   SHA256SUMS                 every file but itself and manifest.json, `sha256sum -c` format
 *   bin/ingest                 the command the systemd units run (`ingest --listen HOST:PORT`)
 *   runtime/node               the Node.js binary
 *   service/ingest.js          the service, one file (esbuild), and its licence notices
 *   debs/*.deb                 nginx-light and its dependencies; amazon-cloudwatch-agent.deb when pinned
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
  cloudwatchAgent: { included: boolean; version: string | null; sha256: string | null; url: string | null };
  /** True only when every slot is filled: a host installs nothing else. */
  releaseReady: boolean;
  files: BundleFile[];
}

export interface BundleOptions {
  outDir: string;
  release: string;
  /** Directory holding nginx's .deb files already downloaded; else `apt-get download` fetches them. */
  debDir?: string;
  /** The CloudWatch agent .deb matching the pin. */
  cloudwatchAgentDeb?: string;
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

/** Builds the tarball; returns its path and the manifest written into it. */
export function buildBundle(options: BundleOptions): { tarball: string; manifest: BundleManifest } {
  if (!/^[A-Za-z0-9._-]+$/.test(options.release)) throw new BundleError(`--release: expected letters, digits, . _ -, got "${options.release}"`);
  const pin = options.pin ?? cloudwatchAgentPin;
  if (options.cloudwatchAgentDeb) {
    if (!pin.version || !pin.sha256) throw new BundleError("--cloudwatch-agent-deb: the agent is not pinned; set version and sha256 in tools/bundle/pins.ts first");
    const actual = sha256File(options.cloudwatchAgentDeb);
    if (actual !== pin.sha256) throw new BundleError(`--cloudwatch-agent-deb: sha256 ${actual} differs from the pinned ${pin.sha256} (version ${pin.version}); download ${pin.url(pin.version)} again`);
  }
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
    if (options.cloudwatchAgentDeb) copyFileSync(options.cloudwatchAgentDeb, path.join(root, "debs", "amazon-cloudwatch-agent.deb"));

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
      cloudwatchAgent: {
        included: !!options.cloudwatchAgentDeb,
        version: pin.version,
        sha256: pin.sha256,
        url: pin.version ? pin.url(pin.version) : null,
      },
      releaseReady: !!options.cloudwatchAgentDeb,
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
