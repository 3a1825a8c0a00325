/**
 * The test run's own temp root: every test, and every server or tool it starts, makes its temp
 * files under one directory this run creates (TMPDIR points there, so `os.tmpdir()`, `mktemp` and
 * the servers' own temp files land in it). At the end of the run whatever is left in it fails the
 * run, listed by name, and the root is removed: tests leave nothing in the system temp dir, and
 * the check reads no other process's files.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * tsx keeps its compile cache and IPC sockets in `<tmpdir>/tsx-<euid>` (tsx's
 * dist/temporary-directory-*.mjs: `path.join(os.tmpdir(), \`tsx-${geteuid()}\`)`), a cache meant to
 * outlive a run: the root links it to the system temp dir's, so the tools tests start keep their
 * warm cache, and the link is no leftover.
 */
const tsxCache = `tsx-${process.geteuid ? process.geteuid() : os.userInfo().username}`;

/** The entries left in `root`, sorted; none when it holds nothing but tsx's cache link (or is gone). */
export function leftovers(root: string): string[] {
  try {
    return readdirSync(root)
      .filter((entry) => entry !== tsxCache)
      .sort();
  } catch {
    return [];
  }
}

export default function setup(): () => void {
  const systemTemp = os.tmpdir();
  const root = mkdtempSync(path.join(systemTemp, `edge-test-run-${process.pid}-`));
  // As the system temp dir is (1777): servers the tests run as other users (PostgreSQL as
  // `postgres`) reach and make their own directories in it.
  chmodSync(root, 0o1777);
  mkdirSync(path.join(systemTemp, tsxCache), { recursive: true, mode: 0o700 });
  symlinkSync(path.join(systemTemp, tsxCache), path.join(root, tsxCache));
  process.env.TMPDIR = root;
  return () => {
    const left = leftovers(root);
    rmSync(root, { recursive: true, force: true });
    process.env.TMPDIR = systemTemp;
    if (left.length > 0) {
      // A teardown's error is printed but leaves vitest's exit code at 0: set it, and say why.
      process.exitCode = 1;
      process.stderr.write(
        `FAIL: the tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in their temp dir (${left.slice(0, 20).join(", ")}${left.length > 20 ? ", …" : ""}): ` +
          "remove what a test creates, also on failure (removed now; the run fails)\n",
      );
    }
  };
}
