/**
 * A small tmpfs of its own (root only): a real file system that fills up, for tests of what the
 * service does on a full disk and for the edge twin's hosts, whose spool shares its disk with
 * nginx's access log as on a real host's root volume.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Tmpfs {
  dir: string;
  /** Unmounts and removes the mount point; safe to call twice. */
  unmount(): void;
}

/** Mounts a tmpfs of `sizeBytes` (rounded up to whole pages by the kernel) on a fresh directory. */
export function mountTmpfs(sizeBytes: number, prefix = "edge-tmpfs-"): Tmpfs {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0755`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot mount a tmpfs (the test needs root): ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? (error as Error).message}`);
  }
  let mounted = true;
  return {
    dir,
    unmount() {
      if (mounted) execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      mounted = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Free bytes of the file system holding `dir`, as an unprivileged writer sees them. */
export function freeBytes(dir: string): number {
  const out = execFileSync("df", ["-B1", "--output=avail", dir], { encoding: "utf8" });
  return Number(out.trim().split("\n").at(-1));
}
