/**
 * The host image the rehearsal boots: a Debian 12 (bookworm) amd64 root file system made by
 * `mmdebstrap` from Debian's own packages, standing in for the pinned Debian 12 AMIs. It has what
 * the AMIs have that the user data or cloud-init relies on: systemd as PID 1, cloud-init (22.4, as
 * on the AMIs), curl 7.88, ca-certificates, systemd-timesyncd, sudo, OpenSSH and locales (Debian's
 * cloud images, https://salsa.debian.org/cloud-team/debian-cloud-images, config_space classes
 * DEBIAN, CLOUD and EC2). It does not have what the bundle must bring: no nginx, no Node.js, no
 * agent.
 *
 * As on Debian's cloud images, the system locale is `C.UTF-8` (`/etc/default/locale`), so
 * cloud-init's locale module has nothing to generate. Two things stand in for what EC2 does before
 * cloud-init runs, and are the image's only other configuration
 * (`/etc/cloud/cloud.cfg.d/90-edge-rehearsal.cfg`): cloud-init reads the user data from the
 * NoCloud seed the rehearsal mounts (on EC2, from instance metadata), and leaves the network alone
 * (on EC2 it renders DHCP; the rehearsal's namespace is already addressed). The
 * rehearsal's test CA is added to the trust store per boot by a read-only mount, so the image
 * itself is the same for every run and is built once per clone (`.cache/rehearse/`).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hostOs } from "../bundle/pins";

/** Debian packages of the image, beyond mmdebstrap's `minbase`. */
export const imagePackages = [
  "systemd",
  "systemd-sysv",
  "systemd-timesyncd",
  "dbus",
  "cloud-init",
  "curl",
  "ca-certificates",
  "locales",
  "sudo",
  "openssh-server",
  "iproute2",
  "netbase",
  "procps",
] as const;

/** What stands in for EC2's datasource and DHCP: the image's only configuration. */
export const rehearsalCloudConfig = `# The host rehearsal: user data from the NoCloud seed (EC2 serves it from instance metadata),
# and no network rendering (the rehearsal's namespace is addressed as DHCP would address it).
datasource_list: [ NoCloud ]
network:
  config: disabled
`;
export const rehearsalCloudConfigPath = "/etc/cloud/cloud.cfg.d/90-edge-rehearsal.cfg";
/** The system locale of Debian's cloud images. */
const systemLocale = "LANG=C.UTF-8\n";

export class ImageUnavailableError extends Error {}

const projectRoot = path.resolve(__dirname, "../..");
export const rehearsalCacheDir = path.join(projectRoot, ".cache", "rehearse");

/** The image's cache key: its release, architecture, packages and configuration. */
function imageKey(): string {
  const spec = JSON.stringify({ os: hostOs, variant: "minbase", packages: imagePackages, config: rehearsalCloudConfig, locale: systemLocale });
  return createHash("sha256").update(spec).digest("hex").slice(0, 16);
}

/** The pid written into a lock directory, or 0 while it is being written (or gone). */
function lockOwner(lock: string): number {
  try {
    return Number(readFileSync(path.join(lock, "pid"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

/** Waits for and takes a lock directory; a lock whose owner has died is taken over. */
function withLock<T>(lock: string, timeoutMs: number, body: () => T): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = lockOwner(lock);
      const ownerAlive = owner > 0 && existsSync(`/proc/${owner}`);
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (!ownerAlive && age > 5000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new ImageUnavailableError(`${lock} is held by process ${owner} for over ${Math.round(timeoutMs / 1000)} s`);
      spawnSync("sleep", ["1"]);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The image's root directory, built with mmdebstrap when this clone has none (about 1.5 min and
 * 350 MB), else the cached one. Booted only with `--volatile=overlay`, so no boot changes it.
 */
export function hostImage(options: { fresh?: boolean } = {}): string {
  const root = path.join(rehearsalCacheDir, `image-${imageKey()}`);
  const done = `${root}.done`;
  if (!options.fresh && existsSync(done)) return root;
  mkdirSync(rehearsalCacheDir, { recursive: true });
  return withLock(`${root}.lock`, 15 * 60_000, () => {
    if (!options.fresh && existsSync(done)) return root;
    rmSync(done, { force: true });
    const building = `${root}.building`;
    rmSync(building, { recursive: true, force: true });
    const run = spawnSync("mmdebstrap", ["--quiet", "--variant=minbase", `--architectures=${hostOs.architecture}`, `--include=${imagePackages.join(",")}`, hostOs.codename, building], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (run.error || run.status !== 0) {
      rmSync(building, { recursive: true, force: true });
      throw new ImageUnavailableError(
        `mmdebstrap could not build the Debian ${hostOs.versionId} host image (${run.error?.message ?? `exit ${run.status}: ${run.stderr.trim().split("\n").slice(-3).join(" ")}`}); ` +
          "install mmdebstrap and systemd-container (.ci/apt-packages.txt), run as root, with access to a Debian mirror",
      );
    }
    writeFileSync(path.join(building, rehearsalCloudConfigPath), rehearsalCloudConfig);
    writeFileSync(path.join(building, "etc/default/locale"), systemLocale);
    rmSync(root, { recursive: true, force: true });
    renameSync(building, root);
    writeFileSync(done, `${new Date().toISOString()}\n`);
    return root;
  });
}
