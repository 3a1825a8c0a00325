/**
 * Builds one host bundle per release: `edge-ingest-<release>.tar.gz` holding the compiled service,
 * the Node.js runtime it was tested with, nginx's .deb files, the pinned agents' .deb files (the
 * CloudWatch agent and SSM Agent), a manifest with the sha256 of every file, and `SHA256SUMS` for
 * `sha256sum -c`. It refuses to build while a pin is empty (`tools/bundle/pins.ts`).
 *
 * Layout (all under `edge-ingest-<release>/`):
 *   manifest.json              release, commit, builtAt, runtime, debs, pinnedDebs, files[{path, bytes, sha256}]
 *   SHA256SUMS                 every file but itself and manifest.json, `sha256sum -c` format
 *   bin/ingest                 the command the systemd units run (`ingest --listen HOST:PORT`)
 *   runtime/node               the Node.js binary
 *   service/ingest.js          the service, one file (esbuild), and its licence notices
 *   debs/*.deb                 nginx-light and its dependencies, amazon-cloudwatch-agent.deb, amazon-ssm-agent.deb
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildService } from "./buildService";
import { nginxPackages, PinnedDeb, pinnedDebs, runtimeNote } from "./pins";

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
  /** Each pinned .deb as shipped in `debs/`: which pin, its version, sha256 and download URL. */
  pinnedDebs: { pin: string; file: string; version: string; sha256: string; url: string }[];
  files: BundleFile[];
}

export interface BundleOptions {
  outDir: string;
  release: string;
  /** Directory holding nginx's .deb files already downloaded; else `apt-get download` fetches them. */
  debDir?: string;
  /** The downloaded .deb of each pin, keyed by the pin's builder option (`cloudwatch-agent-deb`, `ssm-agent-deb`). */
  pinnedDebFiles?: Partial<Record<string, string>>;
  /** Defaults to `pinnedDebs` of `tools/bundle/pins.ts`. */
  pins?: readonly PinnedDeb[];
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
 * host starts each pinned agent from its bundle and installs nothing the bundle does not carry: a
 * bundle without one would boot no host, or a host nobody can reach.
 */
export function filledPin(pin: PinnedDeb): { version: string; sha256: string } {
  if (pin.version && pin.sha256) return { version: pin.version, sha256: pin.sha256 };
  const empty = (["version", "sha256"] as const).filter((field) => !pin[field]);
  throw new BundleError(
    `tools/bundle/pins.ts: ${pin.pin}.${empty.join(" and ")} ${empty.length > 1 ? "are" : "is"} empty, so no host bundle can be built ` +
      `(${pin.neededFor}). Fill it once: ${pin.howToVerify(pin.url("<version>"))}; ` +
      `set version and the .deb's sha256sum in ${pin.pin}; then npm run bundle -- --release R --${pin.option} <that .deb> (and the other pinned .debs).`,
  );
}

/** The pinned .deb given for `pin`, checked against its sha256; a BundleError when it is missing or differs. */
function pinnedDebFile(pin: PinnedDeb, file: string | undefined): { version: string; sha256: string; file: string } {
  const { version, sha256 } = filledPin(pin);
  if (!file) throw new BundleError(`--${pin.option}: expected the pinned ${pin.title}'s .deb (version ${version}, ${pin.url(version)}), got nothing`);
  const actual = sha256File(file);
  if (actual !== sha256) throw new BundleError(`--${pin.option}: sha256 ${actual} differs from the pinned ${sha256} (version ${version}); download ${pin.url(version)} again`);
  return { version, sha256, file };
}

/** Every pin's checked .deb, or one BundleError listing every problem (an empty pin, a missing or different file), one a line. */
function checkedPinnedDebs(pins: readonly PinnedDeb[], files: Partial<Record<string, string>>): { pin: PinnedDeb; version: string; sha256: string; file: string }[] {
  const problems: string[] = [];
  const checked = pins.flatMap((pin) => {
    try {
      return [{ pin, ...pinnedDebFile(pin, files[pin.option]) }];
    } catch (error) {
      if (!(error instanceof BundleError)) throw error;
      problems.push(error.message);
      return [];
    }
  });
  if (problems.length) throw new BundleError(problems.join("\n"));
  return checked;
}

/** Builds the tarball; returns its path and the manifest written into it. */
export function buildBundle(options: BundleOptions): { tarball: string; manifest: BundleManifest } {
  if (!/^[A-Za-z0-9._-]+$/.test(options.release)) throw new BundleError(`--release: expected letters, digits, . _ -, got "${options.release}"`);
  const pinned = checkedPinnedDebs(options.pins ?? pinnedDebs, options.pinnedDebFiles ?? {});
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
    for (const { pin, file } of pinned) copyFileSync(file, path.join(root, "debs", pin.file));

    const files = walk(root)
      .sort()
      .map((rel) => ({ path: rel, bytes: statSync(path.join(root, rel)).size, sha256: sha256File(path.join(root, rel)) }));
    const debs = files
      .filter((f) => f.path.startsWith("debs/") && !pinned.some(({ pin }) => f.path === `debs/${pin.file}`))
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
      pinnedDebs: pinned.map(({ pin, version, sha256 }) => ({ pin: pin.pin, file: `debs/${pin.file}`, version, sha256, url: pin.url(version) })),
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
